"""PostgreSQL and MariaDB servers of a test's own, speaking TLS with a CA made in the test.

The certificate authority, the server certificate (valid for IP 127.0.0.1 only, so that
``localhost`` is a host name the certificate does not name) and a second, unrelated CA
(one the client does not trust) are made with ``cryptography``. Each server runs in a
temporary folder on a free port and is stopped afterwards.

When a server's programs are missing the tests skip with the reason, except under CI
(``CI`` set), where they must run.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _postgresql_program(name: str) -> str:
    """``name`` on the PATH, else from the newest Debian/Ubuntu PostgreSQL install."""
    found = shutil.which(name) or shutil.which(name, path="/usr/local/bin")
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(installed[0]) if installed else name


INITDB = _postgresql_program("initdb")
PG_CTL = _postgresql_program("pg_ctl")
MARIADBD = "/usr/sbin/mariadbd"
MARIADB_INSTALL_DB = "mariadb-install-db"
#: The database login on both test servers.
TLS_USER = "adtls"
#: A MariaDB login that must present a client certificate signed by the test's CA.
X509_USER = "adtls_x509"


@dataclass(frozen=True)
class Pki:
    """Files of a certificate authority made for one test module."""

    ca: Path  # the CA the client trusts
    other_ca: Path  # a CA that did not sign the server's certificate
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@dataclass(frozen=True)
class TlsServer:
    backend: str  # "postgresql" or "mariadb"
    port: int
    database: str

    def url(self, host: str = "127.0.0.1", query: str = "") -> str:
        scheme = "postgresql" if self.backend == "postgresql" else "mariadb"
        return f"{scheme}://{TLS_USER}@{host}:{self.port}/{self.database}" + (
            f"?{query}" if query else ""
        )


def missing(*programs: str) -> None:
    """Skip (or, under CI, fail) when one of ``programs`` is not installed."""
    absent = [p for p in programs if shutil.which(p) is None and not Path(p).exists()]
    if not absent:
        return
    reason = f"TLS server test needs {', '.join(absent)}, not installed here"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- certificates ---------------------------------------------------------------------


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    name: str,
    *,
    server: bool,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca[1].public_key()), critical=False
        )
    )
    if server:
        # Only the address: "localhost" reaches the same server under a name it lacks.
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(ca[1], hashes.SHA256()), key


def _pem(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = _ca("Assetdesk test CA")
    other = _ca("Somebody else's CA")
    server_cert, server_key = _leaf(ca, "127.0.0.1", server=True)
    client_cert, client_key = _leaf(ca, TLS_USER, server=False)
    pki = Pki(
        ca=_pem(ca[0], folder / "ca.pem"),
        other_ca=_pem(other[0], folder / "other-ca.pem"),
        server_cert=_pem(server_cert, folder / "server.pem"),
        server_key=folder / "server.key",
        client_cert=_pem(client_cert, folder / "client.pem"),
        client_key=folder / "client.key",
    )
    _write_key(server_key, pki.server_key)
    _write_key(client_key, pki.client_key)
    return pki


# -- servers --------------------------------------------------------------------------


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the test server stopped: {log.read_text(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the test server did not listen on {port}: {log.read_text()}")


def _as_postgres(*argv: str) -> list[str]:
    """Run as the ``postgres`` user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return list(argv)


@contextmanager
def postgresql_server(pki: Pki, *, tls: bool = True) -> Iterator[TlsServer]:
    """A PostgreSQL server speaking TLS with ``pki``'s server certificate (or, with
    ``tls=False``, a server that has no TLS at all)."""
    missing(INITDB, PG_CTL)
    if os.geteuid() == 0:
        missing("runuser")
    root = Path(tempfile.mkdtemp(prefix="assetdesk-pgtls-"))
    data = root / "data"
    files = root / "tls"
    files.mkdir()
    for source in (pki.server_cert, pki.server_key, pki.ca):
        shutil.copy(source, files / source.name)
    (files / pki.server_key.name).chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        for path in (files, *files.iterdir()):
            shutil.chown(path, "postgres")
    root.chmod(0o700)
    port = free_port()
    log = root / "server.log"
    subprocess.run(
        _as_postgres(INITDB, "-D", str(data), "-U", TLS_USER, "--auth=trust", "--no-sync"),
        check=True,
        capture_output=True,
    )
    # The test login connects without a password; every other login must give its own.
    (data / "pg_hba.conf").write_text(
        "local all all trust\n"
        f"host all {TLS_USER} 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n",
        encoding="utf-8",
    )
    try:
        for attempt in range(3):  # the free port may be taken meanwhile: another one
            options = (
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
                f"-c ssl={'on' if tls else 'off'} "
                f"-c ssl_cert_file={files / pki.server_cert.name} "
                f"-c ssl_key_file={files / pki.server_key.name} "
                f"-c ssl_ca_file={files / pki.ca.name} -c fsync=off"
            )
            started = subprocess.run(
                _as_postgres(PG_CTL, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"),
                check=False,
                capture_output=True,
            )
            if started.returncode == 0:
                break
            if attempt == 2:
                raise RuntimeError(f"the test PostgreSQL did not start: {log.read_text()}")
            port = free_port()
        _wait_for_port(port, None, log)
        yield TlsServer("postgresql", port, "postgres")
    finally:
        subprocess.run(
            _as_postgres(PG_CTL, "-D", str(data), "-m", "immediate", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _install_mariadb_data(data: Path) -> None:
    """``mariadb-install-db`` into ``data``; tried a second time in a clean folder (it
    failed once in a CI run, 2026-12-05, and passed by hand just after: the machine's,
    not ours), and failing with its own output, not just its exit status."""
    command = [
        MARIADB_INSTALL_DB,
        "--no-defaults",
        f"--datadir={data}",
        "--user=root",
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
    ]
    for _attempt in (1, 2):
        done = subprocess.run(command, capture_output=True, check=False)
        if done.returncode == 0:
            return
        shutil.rmtree(data, ignore_errors=True)
    output = (done.stdout + done.stderr).decode(errors="replace")[-3000:]
    raise RuntimeError(f"{MARIADB_INSTALL_DB} failed twice (exit {done.returncode}):\n{output}")


@contextmanager
def mariadb_server(pki: Pki, *, tls: bool = True) -> Iterator[TlsServer]:
    """A MariaDB server speaking TLS with ``pki``'s server certificate (or, with
    ``tls=False``, a server that has no TLS at all)."""
    missing(MARIADBD, MARIADB_INSTALL_DB)
    root = Path(tempfile.mkdtemp(prefix="assetdesk-mytls-"))
    data = root / "data"
    port = free_port()
    log = root / "server.log"
    _install_mariadb_data(data)
    init = root / "init.sql"
    init.write_text(
        f"CREATE USER IF NOT EXISTS '{TLS_USER}'@'%';\n"
        f"GRANT ALL ON *.* TO '{TLS_USER}'@'%' WITH GRANT OPTION;\n"
        f"CREATE USER IF NOT EXISTS '{X509_USER}'@'%' REQUIRE X509;\n"
        f"GRANT ALL ON assetdesk.* TO '{X509_USER}'@'%';\n"
        "CREATE DATABASE IF NOT EXISTS assetdesk CHARACTER SET utf8mb4 "
        "COLLATE utf8mb4_unicode_ci;\n",
        encoding="utf-8",
    )

    def start(port: int) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(
                [
                    MARIADBD,
                    "--no-defaults",
                    "--user=root",
                    f"--datadir={data}",
                    f"--port={port}",
                    "--bind-address=127.0.0.1",
                    f"--socket={root / 'mysqld.sock'}",
                    f"--pid-file={root / 'mysqld.pid'}",
                    f"--init-file={init}",
                    *(
                        [
                            f"--ssl-ca={pki.ca}",
                            f"--ssl-cert={pki.server_cert}",
                            f"--ssl-key={pki.server_key}",
                        ]
                        if tls
                        else ["--skip-ssl"]
                    ),
                    "--skip-name-resolve",
                    "--innodb-buffer-pool-size=32M",
                    "--innodb-flush-log-at-trx-commit=0",
                    "--skip-log-bin",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    process = start(port)
    try:
        for attempt in range(3):  # the free port may be taken meanwhile: another one
            try:
                _wait_for_port(port, process, log)
                break
            except RuntimeError:
                if attempt == 2 or process.poll() is None:
                    raise
                port = free_port()
                process = start(port)
        yield TlsServer("mariadb", port, "assetdesk")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
