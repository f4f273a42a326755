"""Whether a database is a field kit (a SQLite file holding the ``kit_meta`` table).

Here rather than in :mod:`desktop.kits` so that services (approvals) can ask without
importing the kit machinery, which itself builds on the services.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop.storage.database import make_private

KIT_META_TABLE = "kit_meta"

_known: dict[str, bool] = {}
#: What could not be done about kit files' modes, by the kit file it is about.
_notes: list[tuple[Path, str]] = []
_notes_lock = threading.Lock()
logger = logging.getLogger(__name__)


def connection_is_kit(connection: Connection) -> bool:
    """Whether ``connection`` works in a kit file (cached per database file)."""
    if connection.dialect.name != "sqlite":
        return False
    key = str(connection.engine.url)
    found = _known.get(key)
    if found is None:
        found = (
            connection.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": KIT_META_TABLE},
            ).first()
            is not None
        )
        if found:  # a file becomes a kit once and stays one; a non-kit is asked again
            _known[key] = True
            _make_private(connection)
    return found


def _make_private(connection: Connection) -> None:
    """A kit made by an older version stays 0644 (kits are made 0600 now): tightened when
    first opened in this process (a command, the window, a sync); what could not be done
    is kept for :func:`take_file_notes`, once."""
    name = connection.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    note = make_private(Path(name), "the field kit")
    if note is not None:
        logger.warning("%s", note)
        with _notes_lock:
            _notes.append((Path(name), note))


def take_file_notes(kit: Path | None = None) -> list[str]:
    """What could not be done about kit files' modes since last asked (each said once):
    about the kit file ``kit`` only, or about every one. (A window takes its own kit's: it
    took any, and another window's read — still running in the same process — could
    take the note meant for the window that opened that kit.)"""
    with _notes_lock:
        taken = [note for path, note in _notes if kit is None or path == kit]
        _notes[:] = [(path, note) for path, note in _notes if not (kit is None or path == kit)]
    return taken


def database_is_kit(database: Any) -> bool:
    """Whether ``database`` (a :class:`desktop.storage.database.Database`) is a field kit:
    False for a server without asking it; one short query on a local file, cached."""
    if database.backend != "sqlite":
        return False
    with database.connect() as connection:
        return connection_is_kit(connection)


def kit_owner(database: Any) -> str | None:
    """The user name of the person who checked out the kit ``database`` is, or None when it
    is not a kit (a server is not asked)."""
    if database.backend != "sqlite":
        return None
    with database.connect() as connection:
        if not connection_is_kit(connection):
            return None
        owner = connection.exec_driver_sql("SELECT checked_out_by FROM kit_meta").scalar()
    return str(owner) if owner else None


def session_is_kit(session: Session) -> bool:
    bind: Any = session.get_bind()
    if getattr(bind, "dialect", None) is None or bind.dialect.name != "sqlite":
        return False
    return connection_is_kit(session.connection())


def returned_note(session: Session) -> str | None:
    """When ``session`` works in a kit that was returned (checked in for good): the
    sentence saying so; otherwise None. Older kits have no ``returned_at`` column."""
    if not session_is_kit(session):
        return None
    meta = session.connection().exec_driver_sql("SELECT * FROM kit_meta").mappings()
    row = meta.first()
    if row is None or not row.get("returned_at"):
        return None
    return returned_sentence(str(row["returned_at"]), str(row.get("source_description", "")))


def database_returned_note(database: Any) -> str | None:
    """:func:`returned_note` for a :class:`desktop.storage.database.Database` (a server is
    never a kit: not asked). For windows that take no work once their kit is returned."""
    if not database_is_kit(database):
        return None
    with database.read() as session:
        return returned_note(session)


def returned_sentence(returned_at: str, server: str) -> str:
    return (
        f"This field kit was returned to {server or 'its server'} on "
        f"{returned_at[:16].replace('T', ' ')} UTC: it takes no more work and cannot be "
        "synced again; check out a new kit"
    )
