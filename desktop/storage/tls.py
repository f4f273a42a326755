"""Encrypted connections to a shared server, said the same way for PostgreSQL and MariaDB.

A server URL carries PostgreSQL's (libpq's) own TLS parameters, and Assetdesk reads the
same four on a MariaDB URL too, so that one spelling works for both servers:

* ``sslmode`` — ``disable``, ``prefer``, ``require``, ``verify-ca`` or ``verify-full``
  (recommended: the server's certificate must be signed by the CA *and* name the host
  the URL names);
* ``sslrootcert`` — the certificate authority's file (PEM) that signs the server's
  certificate;
* ``sslcert`` and ``sslkey`` — a client certificate and its key, when the server asks
  for one.

e.g. ``postgresql://ana@db.example.org/assetdesk?sslmode=verify-full&sslrootcert=/etc/ca.pem``.

PostgreSQL's driver (psycopg, i.e. libpq) reads them as they are. For MariaDB (PyMySQL)
they become an :class:`ssl.SSLContext` with the same meaning; PyMySQL's own ``ssl_ca`` …
parameters still work as PyMySQL documents them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from sqlalchemy.engine import URL

from desktop.errors import DesktopError

if TYPE_CHECKING:
    import ssl

#: The TLS parameters of a URL, as libpq names them.
TLS_KEYS = ("sslmode", "sslrootcert", "sslcert", "sslkey")
#: The modes, weakest first (libpq's; "allow" is left out: it is never what anyone wants).
TLS_MODES = ("disable", "prefer", "require", "verify-ca", "verify-full")
VERIFYING_MODES = ("verify-ca", "verify-full")
_FILE_TITLES = {
    "sslrootcert": "certificate authority file (sslrootcert)",
    "sslcert": "client certificate file (sslcert)",
    "sslkey": "client key file (sslkey)",
}


@dataclass(frozen=True)
class TlsOptions:
    """What a URL asks for: a mode ("" for the driver's default) and the files."""

    mode: str = ""
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    @property
    def as_query(self) -> dict[str, str]:
        """The URL query parameters, only those that are set."""
        pairs = zip(TLS_KEYS, (self.mode, self.ca_file, self.cert_file, self.key_file), strict=True)
        return {key: value for key, value in pairs if value}


def _single(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return ""
    return value[-1] if isinstance(value, tuple) else value


def tls_options(url: URL) -> TlsOptions:
    """The TLS parameters ``url`` carries."""
    query = url.query
    return TlsOptions(*(_single(query.get(key)) for key in TLS_KEYS))


def tls_in_text(text: str) -> TlsOptions:
    """The TLS parameters of a URL as typed (read without parsing the rest: it may be
    half typed)."""
    found = {key: value for key, value in parse_qsl(text.partition("?")[2]) if key in TLS_KEYS}
    return TlsOptions(*(found.get(key, "") for key in TLS_KEYS))


def with_tls_in_text(text: str, options: TlsOptions) -> str:
    """``text`` with its TLS parameters replaced by ``options``; the rest stays as typed."""
    base, _, query = text.partition("?")
    kept = [part for part in query.split("&") if part and part.split("=", 1)[0] not in TLS_KEYS]
    added = [f"{key}={quote(value, safe='/:')}" for key, value in options.as_query.items()]
    parts = kept + added
    return base + ("?" + "&".join(parts) if parts else "")


def check_tls(url: URL, where: str) -> None:
    """Refuse an unknown ``sslmode`` and a verifying mode without a CA file, naming ``where``.

    Raises:
        DesktopError: the URL's TLS parameters cannot work.
    """
    options = tls_options(url)
    if options.mode and options.mode not in TLS_MODES:
        raise DesktopError(
            f"'{where}': sslmode={options.mode} is not a TLS mode; use one of "
            f"{', '.join(TLS_MODES)} (verify-full checks the certificate and the host name)"
        )
    if bool(options.cert_file) != bool(options.key_file):
        raise DesktopError(
            f"'{where}': a client certificate needs both sslcert (the certificate) and "
            "sslkey (its key)"
        )


def check_tls_files(url: URL, where: str) -> None:
    """Refuse a TLS file named by ``url`` that cannot be read, naming it.

    Raises:
        DesktopError: a CA, certificate or key file is missing or unreadable.
    """
    options = tls_options(url)
    if options.mode == "disable":
        return
    for key, name in zip(
        TLS_KEYS[1:], (options.ca_file, options.cert_file, options.key_file), strict=True
    ):
        if name and name != "system":
            path = Path(name).expanduser()
            try:
                with path.open("rb"):
                    pass
            except OSError as exc:
                raise DesktopError(
                    f"Cannot use the database {where}: the {_FILE_TITLES[key]} {path} cannot "
                    f"be read ({exc.strerror or exc})"
                ) from exc


def mysql_engine_url(url: URL) -> tuple[URL, dict[str, Any]]:
    """``url`` without the libpq-style TLS parameters, and PyMySQL's arguments for them."""
    options = tls_options(url)
    passphrase = _single(url.query.get("sslpassword"))
    bare = url.difference_update_query((*TLS_KEYS, "sslpassword"))
    if options.mode == "disable":
        return bare, {"ssl_disabled": True}
    if options.mode in ("", "prefer") and not options.ca_file:
        return bare, {}  # PyMySQL's default: TLS when the server offers it, unverified
    return bare, {"ssl": mysql_ssl_context(options, key_passphrase=passphrase or None)}


def mysql_ssl_context(options: TlsOptions, *, key_passphrase: str | None = None) -> ssl.SSLContext:
    """The context that makes PyMySQL do what ``sslmode`` means for libpq.

    As with libpq, ``require`` with a CA file checks the certificate like ``verify-ca``.
    A verifying mode without a CA file trusts the system's certificate authorities.
    """
    import ssl  # only for a MariaDB URL that asks for TLS

    try:
        context = ssl.create_default_context(cafile=options.ca_file or None)
    except OSError as exc:  # ssl.SSLError too: not a PEM certificate
        raise DesktopError(
            f"The certificate authority file (sslrootcert) {options.ca_file} cannot be used: "
            f"{exc.strerror or exc}"
        ) from exc
    # Like PyMySQL and libpq: certificates made by MariaDB's own tools lack extensions that
    # Python's strict X.509 checks demand; the chain and the names are still checked.
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    if options.mode == "verify-full":
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
    elif options.mode == "verify-ca" or options.ca_file:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_REQUIRED
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if options.cert_file:
        try:
            context.load_cert_chain(options.cert_file, options.key_file or None, key_passphrase)
        except OSError as exc:
            raise DesktopError(
                f"The client certificate {options.cert_file} with its key {options.key_file} "
                f"cannot be used (a wrong file, or a key with another passphrase): "
                f"{exc.strerror or exc}"
            ) from exc
    return context


#: Words in a driver's message → the reason in plain words.
_TLS_REASONS = (
    (
        ("does not match host name", "hostname mismatch", "ip address mismatch"),
        "the server's certificate does not name the host in the URL (host name mismatch)",
    ),
    (
        (
            "certificate verify failed",
            "unable to get local issuer certificate",
            "self-signed certificate",
            "self signed certificate",
        ),
        "the server's certificate is not signed by the certificate authority in sslrootcert "
        "(certificate verify failed)",
    ),
    (
        ("certificate has expired", "certificate is not yet valid"),
        "the server's certificate has expired or is not valid yet",
    ),
    (
        ("server does not support ssl", "ssl is required but the server doesn't support it"),
        "the server does not support encrypted connections (SSL), but the URL's sslmode "
        "requires them",
    ),
    (
        ("root certificate file", "could not read root certificate"),
        "the certificate authority file (sslrootcert) cannot be read",
    ),
    (
        ("certificate present, but not private key", "could not load private key"),
        "the client certificate's key (sslkey) cannot be used",
    ),
    (
        ("tlsv1 alert", "sslv3 alert", "ssl error", "ssl syscall error", "[ssl"),
        "the encrypted connection could not be set up",
    ),
)


def tls_failure(message: str) -> tuple[str, str] | None:
    """Why a TLS connection failed, in plain words, and the driver's line that says so;
    None if ``message`` is not about TLS."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for needles, reason in _TLS_REASONS:
        for line in lines:
            if any(needle in line.lower() for needle in needles):
                return reason, line
    return None
