"""Encrypted connections: ``sslmode=verify-full`` against servers of the test's own.

A PostgreSQL and a MariaDB server are started once for the module with a certificate
made by a CA the test creates (valid for 127.0.0.1 only). The real command line, run as a
subprocess, upgrades and inspects the database through a verified connection, and is
refused in one line by a certificate it must not trust.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text

from desktop.errors import DatabaseUnavailableError, DesktopError
from desktop.storage.database import Database
from desktop.storage.migrate import head_revision
from tests.tls_servers import (
    TLS_USER,
    X509_USER,
    Pki,
    TlsServer,
    make_pki,
    mariadb_server,
    postgresql_server,
)
from tests.ui.cli.test_connection_failures import assert_one_line_failure, assetdesk


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest, pki: Pki) -> Iterator[TlsServer]:
    start = postgresql_server if request.param == "postgresql" else mariadb_server
    with start(pki) as running:
        yield running


def verify_full(ca: Path) -> str:
    return f"sslmode=verify-full&sslrootcert={quote(str(ca))}"


def encrypted(url: str) -> bool:
    """Whether the connection ``url`` makes is really encrypted (asked of the server)."""
    database = Database(url)
    try:
        with database.connect() as connection:
            if database.backend == "postgresql":
                return bool(
                    connection.execute(
                        text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    ).scalar_one()
                )
            cipher = connection.execute(text("SHOW STATUS LIKE 'Ssl_cipher'")).one()[1]
            return bool(cipher)
    finally:
        database.dispose()


def test_verify_full_with_the_right_ca_upgrades_and_reads(
    tmp_path: Path, server: TlsServer, pki: Pki
) -> None:
    url = server.url(query=verify_full(pki.ca))
    upgraded = assetdesk(tmp_path, "--database", url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert head_revision() in upgraded.stdout
    info = assetdesk(tmp_path, "--database", url, "db", "info")
    assert info.returncode == 0, info.stderr
    assert f"schema version: {head_revision()}" in info.stdout
    assert "sslmode=verify-full" in info.stdout  # the URL shown says how it connects
    assert encrypted(url)


def test_a_client_certificate_is_sent_when_given(server: TlsServer, pki: Pki) -> None:
    files = f"sslcert={pki.client_cert}&sslkey={pki.client_key}"
    if server.backend == "postgresql":
        url = server.url(query=f"{verify_full(pki.ca)}&{files}")
        database = Database(url)
        try:
            with database.connect() as connection:
                client = connection.execute(
                    text("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                ).scalar_one()
        finally:
            database.dispose()
        assert client == f"/CN={TLS_USER}"
        return
    # MariaDB: a login that requires a certificate gets in with it, and only with it.
    url = server.url(query=verify_full(pki.ca)).replace(f"//{TLS_USER}@", f"//{X509_USER}@")
    assert encrypted(f"{url}&{files}")
    database = Database(url)
    with pytest.raises(DatabaseUnavailableError, match="Access denied"):
        database.check_connection()
    database.dispose()


def test_a_ca_the_client_does_not_trust_is_refused_in_one_line(
    tmp_path: Path, server: TlsServer, pki: Pki
) -> None:
    url = server.url(query=verify_full(pki.other_ca))
    result = assetdesk(tmp_path, "--database", url, "db", "upgrade")
    assert_one_line_failure(
        result, "encrypted connection", "not signed by the certificate authority"
    )


def test_a_certificate_for_another_host_is_refused_in_one_line(
    tmp_path: Path, server: TlsServer, pki: Pki
) -> None:
    # The certificate names 127.0.0.1 only; "localhost" is the same server by another name.
    url = server.url(host="localhost", query=verify_full(pki.ca))
    result = assetdesk(tmp_path, "--database", url, "db", "info")
    assert_one_line_failure(result, "encrypted connection", "host name mismatch")


def test_verify_ca_accepts_the_certificate_under_another_name(server: TlsServer, pki: Pki) -> None:
    query = f"sslmode=verify-ca&sslrootcert={quote(str(pki.ca))}"
    assert encrypted(server.url(host="localhost", query=query))


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("sslmode=verify-full&sslrootcert=/nowhere/ca.pem", ["/nowhere/ca.pem", "cannot be read"]),
        ("sslmode=verify-everything", ["verify-everything", "verify-full"]),
        ("sslmode=verify-full&sslcert=/tmp/client.pem", ["sslkey"]),
    ],
)
def test_tls_settings_that_cannot_work_are_one_line(
    tmp_path: Path, query: str, words: list[str]
) -> None:
    url = f"postgresql://someone@127.0.0.1:1/assetdesk?{query}"
    assert_one_line_failure(assetdesk(tmp_path, "--database", url, "db", "info"), *words)
    for scheme in ("postgresql", "mariadb"):
        with pytest.raises(DesktopError) as refused:
            Database(f"{scheme}://someone@127.0.0.1:1/assetdesk?{query}")
        assert all(word in refused.value.message for word in words)


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def plain_server(request: pytest.FixtureRequest, pki: Pki) -> Iterator[TlsServer]:
    """A server with no TLS at all."""
    start = postgresql_server if request.param == "postgresql" else mariadb_server
    with start(pki, tls=False) as running:
        yield running


def test_a_server_without_tls_is_refused_when_the_url_requires_it(
    tmp_path: Path, plain_server: TlsServer, pki: Pki
) -> None:
    result = assetdesk(
        tmp_path, "--database", plain_server.url(query="sslmode=require"), "db", "info"
    )
    assert_one_line_failure(result, "does not support encrypted connections")
    database = Database(plain_server.url(query=verify_full(pki.ca)))
    with pytest.raises(DatabaseUnavailableError, match="does not support encrypted connections"):
        database.check_connection()
    database.dispose()
    # Not asked for: the same server is used unencrypted.
    assert not encrypted(plain_server.url(query="sslmode=prefer"))
