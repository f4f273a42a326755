"""Whether a database is a field kit (a SQLite file holding the ``kit_meta`` table).

Here rather than in :mod:`desktop.kits` so that services (approvals) can ask without
importing the kit machinery, which itself builds on the services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

KIT_META_TABLE = "kit_meta"

_known: dict[str, bool] = {}


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
    return found


def session_is_kit(session: Session) -> bool:
    bind: Any = session.get_bind()
    if getattr(bind, "dialect", None) is None or bind.dialect.name != "sqlite":
        return False
    return connection_is_kit(session.connection())
