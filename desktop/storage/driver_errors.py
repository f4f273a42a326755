"""A driver's error told in the user's words: one message naming the database.

Every unit of work of :class:`~desktop.storage.database.Database` runs inside
:func:`translate_connection_errors`; the driver's words (PostgreSQL, MariaDB/MySQL,
SQLite) are sorted here into the errors a user can act on (busy, unreachable, schema
changed by hand, refused by a grant or a field kit); anything else stays a bug."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from desktop.errors import (
    DatabaseBusyError,
    DatabaseUnavailableError,
    DesktopError,
    PermissionDeniedError,
    SchemaMismatchError,
)
from desktop.storage.tls import tls_failure

if TYPE_CHECKING:
    from desktop.storage.database import Database

log = logging.getLogger(__name__)


@contextmanager
def translate_connection_errors(database: Database) -> Iterator[None]:
    """Turn "cannot reach / cannot log in / cannot open" into one message naming the database.

    Also for the driver's own errors, raised by reads that go to the sqlite3 connection
    itself (the register's pages, the kit marks): a file that became unreadable failed
    there with a bare ``sqlite3.DatabaseError``, a bug report every 30 s."""
    try:
        yield
    except PoolTimeoutError as exc:  # not a driver's error: every connection hangs or is busy
        if database.is_sqlite:  # a local file: its connections wait for another program
            raise DatabaseBusyError(
                f"The database {database.named} is busy: "
                "every connection Assetdesk has to the file is waiting for another program "
                "that is writing to it (an import from the command line, for example). "
                "Nothing was changed; try again in a moment."
            ) from exc
        raise DatabaseUnavailableError(
            f"The database {database.named} gave no "
            "connection in time: the ones open wait for a server that does not answer. "
            "Nothing was changed."
        ) from exc
    except DBAPIError as exc:
        translated = _translated(database, exc)
        if translated is None:
            raise
        raise translated from exc
    except Exception as exc:
        driver_error = database.engine.dialect.loaded_dbapi.Error
        if not isinstance(exc, driver_error):
            raise
        wrapped = DBAPIError.instance(None, None, exc, driver_error)
        translated = _translated(database, wrapped) if isinstance(wrapped, DBAPIError) else None
        if translated is None:
            raise
        raise translated from exc


def _translated(database: Database, exc: DBAPIError) -> DesktopError | None:
    """The message for a driver's error ``exc``, or None when it is not one we explain."""
    if _is_timeout(exc):
        return DatabaseUnavailableError(
            f"The database {database.named} did not answer "
            f"in time and the statement was cancelled; nothing was changed: {first_line(exc)}"
        )
    if _is_schema_problem(exc):
        return SchemaMismatchError(
            f"The database {database.named} does not have "
            f"the schema this version of Assetdesk expects ({first_line(exc)}): it was "
            "changed by hand or by another program. Nothing was changed; restore a backup "
            "or ask an administrator."
        )
    tls = tls_failure(str(exc.orig))
    if tls is not None:
        reason, line = tls
        return DatabaseUnavailableError(
            f"Cannot open an encrypted connection to the database {database.description} "
            f"({database.display_url}): {reason}. The driver said: {_words(line)}"
        )
    if _KIT_READ_ONLY in str(exc.orig):  # a kit's trigger refused a reference or template edit
        return PermissionDeniedError(str(exc.orig))
    if is_privilege_refusal(exc):
        return PermissionDeniedError(
            f"The database {database.description} refused this to your login "
            f"({first_line(exc)}): your role does not allow it. Nothing was changed; "
            "ask an administrator if you need it."
        )
    returned = _returned_kit_refusal(exc)
    if returned is not None:
        return PermissionDeniedError(returned)
    if _is_busy(exc):
        from desktop.storage.database import SQLITE_BUSY_TIMEOUT_MS  # imports this module

        return DatabaseBusyError(
            f"The database {database.named} is busy: "
            "another program is writing to it (an import from the command line, for "
            f"example) and did not let go within {SQLITE_BUSY_TIMEOUT_MS // 1000} s. "
            "Nothing was changed; try again in a moment."
        )
    if not _is_connection_problem(exc):
        return None
    return DatabaseUnavailableError(
        f"Cannot use the database {database.named}: "
        f"{first_line(exc)}{_password_hint(exc)}{_keyring_note(database, exc)}"
    )


def _password_hint(exc: DBAPIError) -> str:
    """What to do when the server wants a password and none was given: ``db upgrade``
    as the owner, with no keyring and no ``~/.pgpass``, ended in "an internal error
    stopped this command … please send that file with a bug report" (found by a new
    user)."""
    if _NO_PASSWORD not in str(exc.orig).lower():
        return ""
    return (
        ". The server asks for this login's password and none was given: put it in "
        "~/.pgpass (host:port:database:login:password, readable by you only), or give it "
        "in the window's Settings › Database (kept in the keyring)"
    )


#: libpq's words when the server asks for a password and the client has none.
_NO_PASSWORD = "no password supplied"


#: Words of a server refusing a login for its password (PostgreSQL, MariaDB/MySQL).
_LOGIN_REFUSED = (
    "password authentication failed",
    "no password supplied",
    "fe_sendauth",
    "access denied for user",
)


def _keyring_note(database: Database, exc: DBAPIError) -> str:
    """Why no password was sent, when the server refused a login for want of one and the
    keyring could not be read (the only time that is worth saying: a trust server needs
    none). Logged once, here."""
    words = str(exc.orig).lower()
    if database.url.password or not any(word in words for word in _LOGIN_REFUSED):
        return ""
    from desktop.credentials import keyring_problem

    problem = keyring_problem(database.url.render_as_string(hide_password=False))
    if problem is None:
        return ""
    log.warning("login refused without a password; no stored password: %s", problem)
    return f". No password was sent: {problem}"


#: The words of a field kit's refusal to edit reference data (desktop.kits.schema).
_KIT_READ_ONLY = "read-only in a field kit"

_CONNECTION_WORDS = (
    "could not connect",
    "connection refused",
    "can't connect",
    "password authentication failed",
    _NO_PASSWORD,
    "access denied",
    "unknown database",
    "unable to open database",
    "server closed the connection",
    "lost connection",
    "connection timeout",
    "timeout expired",
    "name or service not known",
    "could not translate host",
    "no route to host",
    "disk i/o error",
    "file is not a database",
    "server has gone away",
    "connection is bad",
    "consuming input failed",
    "terminating connection",
    "database disk image is malformed",
    "database or disk is full",
    "attempt to write a readonly database",
    "unable to open database file",
)


_TIMEOUT_WORDS = ("statement timeout", "max_statement_time", "lock wait timeout exceeded")
_SCHEMA_WORDS = (
    "no such table",
    "no such column",
    "unknown column",
    "doesn't exist",
    "undefinedtable",
    "undefinedcolumn",
)


#: SQLite's words when another connection held the file past the busy timeout.
BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")


def _is_busy(exc: DBAPIError) -> bool:
    """Another connection (another program writing) held a SQLite file too long: the
    file answers, it is busy, not lost."""
    if exc.connection_invalidated:
        return False
    words = str(exc.orig).lower()
    return any(word in words for word in BUSY_WORDS)


def _is_timeout(exc: DBAPIError) -> bool:
    words = str(exc.orig).lower()
    return any(word in words for word in _TIMEOUT_WORDS)


def _is_schema_problem(exc: DBAPIError) -> bool:
    words = f"{type(exc.orig).__name__} {exc.orig}".lower()
    if any(word in words for word in _SCHEMA_WORDS):
        return True
    # PostgreSQL: relation "assets" does not exist / column assets.tag does not exist
    return "does not exist" in words and ("relation " in words or "column " in words)


def is_privilege_refusal(exc: DBAPIError) -> bool:
    """A grant refused the statement (not one of our triggers: they say why themselves)."""
    words = str(exc.orig).lower()
    return any(
        word in words
        for word in ("permission denied for", "permission denied to", "command denied to user")
    )


def _returned_kit_refusal(exc: DBAPIError) -> str | None:
    """The sentence of a returned field kit's trigger (it refuses every write after the
    check-in, whichever window or command tried it), capitalised; None for anything else.
    Kits returned by older versions have the sentence in lower case."""
    if not isinstance(exc, IntegrityError):
        return None
    line = first_line(exc)
    if "field kit was returned" not in line.lower():
        return None
    return line[:1].upper() + line[1:] + "."


def _is_connection_problem(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    words = str(exc.orig).lower()
    if "does not exist" in words and ('database "' in words or 'role "' in words):
        return True
    return any(word in words for word in _CONNECTION_WORDS)


def first_line(exc: DBAPIError) -> str:
    text_ = str(exc.orig).strip().splitlines()
    return _words(text_[0] if text_ else type(exc.orig).__name__)


def _words(line: str) -> str:
    # pymysql gives (1045, "Access denied ..."): keep the words.
    if line.startswith("(") and line.endswith(")") and ", " in line:
        line = line[1:-1].split(", ", 1)[1]
        if len(line) > 1 and line[0] == line[-1] and line[0] in "\"'":
            line = line[1:-1]
    elif line.startswith("(") and ", " in line:
        line = line.split(", ", 1)[1].strip("()\"'")
    # Python's ssl module names its own source line: "(_ssl.c:1006)".
    return _SSL_SOURCE.sub("", line).rstrip(".")


_SSL_SOURCE = re.compile(r"\s*\(_ssl\.c:\d+\)")
