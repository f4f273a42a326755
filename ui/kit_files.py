"""Opening a field kit file and the database it came from, and the words for a sync's
counts (Qt-free: the CLI and the GUI share it).

A kit is opened only if it exists and is a kit: a missing path is never created (SQLite
would make an empty file), and a file that is not SQLite or is an ordinary Assetdesk
database is refused with one line naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.errors import DatabaseUnavailableError, DesktopError
from desktop.wording import plural

if TYPE_CHECKING:
    from desktop.kits import KitInfo, SyncReport
    from desktop.storage.database import Database


def open_kit_file(path: Path | None) -> tuple[Database, KitInfo]:
    """The kit at ``path`` as a database, with what it says about itself."""
    from sqlalchemy.exc import DBAPIError

    from desktop import kits
    from desktop.storage.database import Database

    if path is None or not str(path).strip():
        raise DesktopError("name the kit file")
    if not path.exists():
        raise DesktopError(f"{path}: no such file")
    if not path.is_file():
        raise DesktopError(f"{path}: not a file")
    kit = Database(f"sqlite:///{path}")
    try:
        info = kits.kit_info(kit)
    except DBAPIError as exc:  # not SQLite at all: "file is not a database"
        kit.dispose()
        raise DesktopError(f"{path} is not a field kit (not a database file)") from exc
    except DesktopError as exc:
        kit.dispose()
        raise DesktopError(f"{path} is not a field kit: {exc.message}") from exc
    if info is None:
        kit.dispose()
        raise DesktopError(f"{path} is not a field kit (it is an ordinary Assetdesk database)")
    return kit, info


class PasswordNeededError(DesktopError):
    """The kit's server refused the login for want of a password (none in the keyring
    or ``~/.pgpass``), or refused the one given: ask the person, then try again.

    Attributes:
        url: the server's URL without password (the keyring's key for it).
        login: "user@host", for the question.
        refused: a password was given and the server refused it.
    """

    def __init__(self, message: str, *, url: str, login: str, refused: bool) -> None:
        super().__init__(message)
        self.url = url
        self.login = login
        self.refused = refused


#: Words of a server refusing a login for its password (PostgreSQL, MariaDB/MySQL).
_LOGIN_REFUSED = (
    "password authentication failed",
    "no password supplied",
    "fe_sendauth",
    "access denied for user",
)


def open_kit_server(
    kit: Database,
    info: KitInfo | None = None,
    *,
    password: str | None = None,
    url: str | None = None,
) -> Database:
    """The database ``kit`` came from: with ``password`` if given (a person typed it),
    else with the keyring's or ``~/.pgpass``'s. A login refused for its password raises
    :class:`PasswordNeededError`; the password is held in memory only and masked in
    every message and log line. ``url``: the URL to use, one that names the kit's own
    database and login (:func:`desktop.kits.same_database`; its password and options
    count); by default the kit's."""
    from desktop import kits
    from desktop.credentials import keyring_key, url_with_password
    from desktop.redaction import remember_secret
    from desktop.storage.database import open_database
    from desktop.storage.urls import parse_url

    where = info.source_description if info is not None else "its server"
    given = url
    url = kits.server_url(kit)
    parsed = parse_url(url)
    if given is not None:
        parsed = parse_url(given)
        if not parsed.username:  # it named no login: the kit's
            parsed = parsed.set(username=parse_url(url).username)
        if parsed.password and password is None:
            password = parsed.password
        parsed = parsed.set(password=None)
        url = parsed.render_as_string(hide_password=False)
    is_file = parsed.get_backend_name() == "sqlite" and bool(parsed.database)
    if is_file and not Path(str(parsed.database)).is_file():  # opening would make a new one
        raise KitServerUnreachableError(
            f"cannot reach the database the kit came from: {parsed.database} "
            "no longer exists (moved or deleted?)"
        )
    if password and not is_file:
        remember_secret(password, shown_in=keyring_key(url))
        connect = parsed.set(password=password).render_as_string(hide_password=False)
    else:
        connect = url_with_password(url)
    try:
        return open_database(connect)
    except DesktopError as exc:
        if not is_file and any(w in exc.message.lower() for w in _LOGIN_REFUSED):
            login = f"{parsed.username or ''}@{parsed.host or 'localhost'}"
            said = (
                "refused the password given"
                if password
                else "needs a password (none in the keyring or ~/.pgpass)"
            )
            raise PasswordNeededError(
                f"the database the kit came from ({where}) {said} for {login}",
                url=keyring_key(url),
                login=login,
                refused=bool(password),
            ) from exc
        reason = exc.message
        if not is_file and isinstance(exc, DatabaseUnavailableError):
            # It named the database a second time, with its driver's URL ("… (PostgreSQL
            # server db:5432, database a): Cannot use the database PostgreSQL server
            # db:5432, database a (postgresql+psycopg://tom@db/a): connection failed…"):
            # the driver's words are what is new (newuser27, a server gone under Xvfb).
            head, sep, tail = reason.partition("): ")
            if head.startswith(_UNUSABLE) and sep:
                reason = tail
        raise KitServerUnreachableError(
            f"cannot reach the database the kit came from ({where}): {reason}"
        ) from exc


#: How :mod:`desktop.storage.driver_errors` opens a connection failure's message.
_UNUSABLE = "Cannot use the database "


class KitServerUnreachableError(DesktopError):
    """The database the kit came from cannot be reached (the network, the server, a
    database or login gone): nothing was synced, the kit's records wait in it."""


def nothing_synced(waiting: int) -> str:
    """What a sync that could not reach its database leaves: the words after the reason."""
    kept = (
        f"the kit keeps its {plural(waiting, 'record')} waiting"
        if waiting > 0
        else "the kit is as it was"
    )
    return (
        f"Nothing was synced: {kept}. Work on in it, and sync again once the database can be "
        "reached"
    )


def outcome_counts(report: SyncReport) -> str:
    """ "3 applied, 1 merged, 2 conflicts": the outcomes a sync report holds, in order."""
    parts = []
    for outcome, count in report.counts().items():
        if count:
            word = outcome.value
            parts.append(f"{count} {word}{'s' if word == 'conflict' and count != 1 else ''}")
    return ", ".join(parts)


def edits_with_ids(database: Database, edits: dict[str, object]) -> dict[str, object]:
    """``edits`` (field → value as a person typed it) with each reference field's text
    turned into the id the procedure service takes: a location by its code, name or full
    path; a person by user name or name; a category by name or tag prefix; a model, group
    or supplier by name. An id passes as given; a text that names nothing, or several
    things, is refused naming the field and the text."""
    from desktop.domain.fields import FIELDS_BY_KEY, REFERENCE_TYPES
    from desktop.errors import Problem, ValidationError
    from desktop.services.reference_queries import reference_choices

    wanted = {
        key: value
        for key, value in edits.items()
        if key in FIELDS_BY_KEY
        and FIELDS_BY_KEY[key].type in REFERENCE_TYPES
        and isinstance(value, str)
        and value.strip()
    }
    if not wanted:
        return dict(edits)
    with database.read() as session:
        choices = reference_choices(session)
    resolved = dict(edits)
    problems = []
    for key, value in wanted.items():
        assert isinstance(value, str)
        text = value.strip()
        if _is_uuid(text):
            continue
        needle = text.casefold()
        offered = choices.by_type.get(FIELDS_BY_KEY[key].type, ())
        hits = [
            c
            for c in offered
            if needle
            in (
                c.label.casefold(),
                c.detail.casefold(),
                c.label.rsplit(" › ", 1)[-1].casefold(),
            )
        ]
        if len({c.id for c in hits}) == 1:
            resolved[key] = hits[0].id
            continue
        label = FIELDS_BY_KEY[key].label
        if hits:
            names = ", ".join(sorted(c.label for c in hits))
            problems.append(Problem(key, f"{label}: '{text}' names several ({names})"))
        else:
            problems.append(Problem(key, f"{label}: '{text}' is not known"))
    if problems:
        raise ValidationError(problems)
    return resolved


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
