"""Database URLs: where the embedded default lives, and which driver serves each server."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from desktop.errors import DesktopError
from desktop.redaction import redact_secrets, remember_secret
from desktop.storage.tls import check_tls

APP_NAME = "Assetdesk"
ENV_VAR = "ASSETDESK_DATABASE"

_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "sqlite": "sqlite",
}


def as_typed(url: str) -> str:
    """A URL as a person types it, without the driver SQLAlchemy is told to use
    (``postgresql+psycopg://tess@db/assets`` → ``postgresql://tess@db/assets``): for a
    command to copy, which :func:`parse_url` reads back to the same database."""
    scheme, sep, rest = url.partition("://")
    typed = next((t for t, driver in _DRIVERS.items() if driver == scheme), scheme)
    return f"{typed}{sep}{rest}"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "assetdesk.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{default_database_path()}"


def choose_url(command_line: str | None = None, saved_setting: str | None = None) -> str:
    """The database URL: ``--database``, then ``ASSETDESK_DATABASE``, then the saved
    setting, then the embedded default."""
    for candidate in (command_line, os.environ.get(ENV_VAR), saved_setting):
        if candidate and candidate.strip():
            return candidate.strip()
    return default_database_url()


def parse_url(text: str) -> URL:
    """Parse ``text`` and pick the driver Assetdesk uses for its backend."""
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise DesktopError(
            f"'{redact_secrets(text)}' is not a database URL; expected e.g. "
            "postgresql://user@host/assetdesk or a path to a .sqlite3 file"
        ) from exc
    except ValueError as exc:  # SQLAlchemy reads the port with int()
        raise DesktopError(
            f"'{redact_secrets(text)}' is not a valid database URL: its host or port cannot be read "
            "(a port is a number from 1 to 65535; an IPv6 address goes in brackets, "
            "e.g. postgresql://user@[::1]:5432/assetdesk)"
        ) from exc
    backend = url.get_backend_name()
    if backend not in _DRIVERS:
        raise DesktopError(
            f"Assetdesk does not support '{backend}' databases; use SQLite, PostgreSQL or MariaDB"
        )
    if url.port is not None and not 1 <= url.port <= 65535:
        raise DesktopError(
            f"'{redact(url)}' is not a valid database URL: port {url.port} is not a number "
            "from 1 to 65535"
        )
    url = _password_from_query(url)
    remember_secret(url.password, shown_in=url.render_as_string(hide_password=True))
    if backend != "sqlite":
        check_tls(url, redact(url))
    if "+" not in url.drivername:
        url = url.set(drivername=_DRIVERS[backend])
    if backend in ("mysql", "mariadb"):
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
        _check_charset(url)
        _check_mariadb_options(url)
    elif backend == "postgresql":
        _check_postgresql_options(url)
    return url


#: Query parameters the drivers read as the login's password (libpq; PyMySQL).
_PASSWORD_KEYS = ("password", "passwd")


def _password_from_query(url: URL) -> URL:
    """``?password=`` moved to where a URL's password belongs, so that it is treated as
    one: never shown, never saved, kept in the keyring."""
    found = [key for key in _PASSWORD_KEYS if key in url.query]
    if not found:
        return url
    value = url.query[found[0]]
    password = value[-1] if isinstance(value, tuple) else value
    return url.difference_update_query(found).set(password=url.password or password)


def _check_charset(url: URL) -> None:
    from pymysql.charset import charset_by_name  # small; only for MariaDB URLs

    charset = url.query["charset"]
    names = charset if isinstance(charset, tuple) else (charset,)
    for name in names:
        if charset_by_name(name) is None:
            raise DesktopError(
                f"'{redact(url)}': MariaDB does not know the character set '{name}' "
                "(Assetdesk uses utf8mb4; leave charset out of the URL)"
            )


def _check_mariadb_options(url: URL) -> None:
    """Refuse a query parameter the MariaDB driver does not take (it would fail later with a
    TypeError deep in the driver) with one line naming it."""
    import inspect

    from pymysql.connections import Connection  # small; only for MariaDB URLs

    known = set(inspect.signature(Connection.__init__).parameters) - {"self", "args", "kwargs"}
    known.update(("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword"))
    unknown = sorted(key for key in url.query if key not in known)
    if unknown:
        raise DesktopError(
            f"'{redact(url)}': the MariaDB driver does not know the URL option "
            f"'{unknown[0]}' (check its spelling, or leave it out of the URL)"
        )


def _check_postgresql_options(url: URL) -> None:
    """The same for PostgreSQL: libpq's own list of connection options."""
    if not url.query:
        return
    from psycopg import pq  # only for PostgreSQL URLs with options

    known = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    unknown = sorted(key for key in url.query if key not in known)
    if unknown:
        raise DesktopError(
            f"'{redact(url)}': PostgreSQL does not know the URL option '{unknown[0]}' "
            "(check its spelling, or leave it out of the URL)"
        )


def redact(text: str | URL) -> str:
    """The URL as it may be shown or logged: never with its password."""
    try:
        url = text if isinstance(text, URL) else make_url(text)
    except ArgumentError:
        return "<unparseable URL>"
    shown = url.render_as_string(hide_password=True)
    # The query as a person reads it: sslrootcert=/etc/ssl/ca.pem, not %2Fetc%2Fssl%2Fca.pem;
    # and a key's passphrase (sslpassword=) masked like the password.
    base, mark, query = shown.partition("?")
    return redact_secrets(base + mark + unquote(query))


def describe(url: URL) -> str:
    """Human words for where the data is: 'local file …' or 'PostgreSQL server …'."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return f"local file {url.database or ':memory:'}"
    name = {"postgresql": "PostgreSQL", "mysql": "MariaDB", "mariadb": "MariaDB"}[backend]
    where = f"{url.host or 'localhost'}" + (f":{url.port}" if url.port else "")
    return f"{name} server {where}, database {url.database}"
