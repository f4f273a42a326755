"""TLS parameters of a URL: read, written back as typed, turned into PyMySQL's context,
and a driver's failure told in plain words (the servers themselves: tests/ui/cli/
test_tls_connections.py)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from desktop.errors import DesktopError
from desktop.storage.database import Database
from desktop.storage.tls import (
    TlsOptions,
    mysql_engine_url,
    tls_failure,
    tls_in_text,
    with_tls_in_text,
)
from desktop.storage.urls import parse_url, redact


def test_tls_options_are_read_and_replaced_keeping_the_rest_as_typed() -> None:
    typed = "postgresql://Ana@DB-01:6432/Assets?application_name=x&sslmode=require"
    assert tls_in_text(typed) == TlsOptions("require")
    changed = with_tls_in_text(typed, TlsOptions("verify-full", "/etc/my ca/ca.pem"))
    assert changed == (
        "postgresql://Ana@DB-01:6432/Assets?application_name=x"
        "&sslmode=verify-full&sslrootcert=/etc/my%20ca/ca.pem"
    )
    assert tls_in_text(changed) == TlsOptions("verify-full", "/etc/my ca/ca.pem")
    assert with_tls_in_text(changed, TlsOptions()) == (
        "postgresql://Ana@DB-01:6432/Assets?application_name=x"
    )
    assert tls_in_text("postgresql://half typed?sslm") == TlsOptions()


def test_a_mariadb_url_gets_a_verifying_context(tmp_path: Path) -> None:
    from tests.tls_servers import make_pki

    pki = make_pki(tmp_path)
    url = parse_url(f"mariadb://a@h/d?sslmode=verify-full&sslrootcert={pki.ca}")
    bare, arguments = mysql_engine_url(url)
    assert "sslmode" not in bare.query and bare.query["charset"] == "utf8mb4"
    context = arguments["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    _, arguments = mysql_engine_url(
        parse_url(f"mariadb://a@h/d?sslmode=verify-ca&sslrootcert={pki.ca}")
    )
    assert not arguments["ssl"].check_hostname
    assert arguments["ssl"].verify_mode == ssl.CERT_REQUIRED
    _, arguments = mysql_engine_url(parse_url("mariadb://a@h/d?sslmode=require"))
    assert arguments["ssl"].verify_mode == ssl.CERT_NONE
    assert mysql_engine_url(parse_url("mariadb://a@h/d?sslmode=disable"))[1] == {
        "ssl_disabled": True
    }
    assert mysql_engine_url(parse_url("mariadb://a@h/d"))[1] == {}


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            'connection to server at "10.0.0.5", port 5432 failed: server certificate for '
            '"db.example.org" does not match host name "10.0.0.5"',
            "host name mismatch",
        ),
        ("could not connect\nSSL error: certificate verify failed", "certificate verify failed"),
        ("server does not support SSL, but SSL was required", "does not support encrypted"),
        ("SSL is required but the server doesn't support it", "does not support encrypted"),
        ('password authentication failed for user "x"', None),
    ],
)
def test_tls_failures_are_told_in_plain_words(message: str, reason: str | None) -> None:
    found = tls_failure(message)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found[0]
        assert found[1] in message  # the driver's own line, for whoever looks further


def test_unknown_mode_and_missing_files_are_refused_by_name() -> None:
    with pytest.raises(DesktopError, match="sslmode=verify-al is not a TLS mode"):
        parse_url("postgresql://a@h/d?sslmode=verify-al")
    with pytest.raises(DesktopError, match=r"/no/such/ca\.pem cannot be read"):
        Database("mariadb://a@h/d?sslmode=verify-full&sslrootcert=/no/such/ca.pem")


def test_the_shown_url_reads_like_the_typed_one_and_hides_every_password() -> None:
    url = parse_url(
        "postgresql://a@h/d?password=pw-in-query&sslmode=verify-full"
        "&sslrootcert=/etc/ca.pem&sslpassword=key-passphrase"
    )
    assert url.password == "pw-in-query"  # moved to where a password belongs
    shown = redact(url)
    assert "sslrootcert=/etc/ca.pem" in shown
    assert "pw-in-query" not in shown and "key-passphrase" not in shown


def test_a_mariadb_ca_or_key_that_cannot_be_used_is_one_message(tmp_path: Path) -> None:
    from tests.tls_servers import make_pki

    pki = make_pki(tmp_path)
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(DesktopError, match="sslrootcert"):
        Database(f"mariadb://a@h/d?sslmode=verify-full&sslrootcert={not_pem}")
    with pytest.raises(DesktopError, match="client certificate"):
        Database(
            f"mariadb://a@h/d?sslmode=verify-full&sslrootcert={pki.ca}"
            f"&sslcert={pki.client_cert}&sslkey={pki.server_key}"
        )
