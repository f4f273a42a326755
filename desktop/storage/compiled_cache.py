"""One cache of compiled SQL for every SQLite engine the process makes.

SQLAlchemy compiles a statement once per engine: its cache is the engine's, and its keys
name the engine's own dialect object. Assetdesk makes engines often — two per local
file (writes and reads), a new pair for each kit and for each server a sync opens — so
the same few dozen ORM statements (the acting person and their roles, the template, the
audit, the checkout) were compiled anew on each: ~15 ms of a 3,000-record sync's ~0.19 s
CPU (sync13). Every SQLite engine :class:`~desktop.storage.database.Database` makes is
made from the same arguments (they differ only in the events on their connections and
transactions, which compiling never reads), with the same ``sqlite3`` library: their
dialects compile alike, and here they share one cache, keyed by what could tell two
such dialects apart (class, library version, parameter style) instead of by which
object it is. Servers' engines keep their own (each server's version and options count).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.util import LRUCache

#: Statements kept (an engine's own cache keeps 500; this one serves all SQLite engines).
SIZE = 1500


def dialect_signature(dialect: Dialect) -> tuple[Any, ...]:
    """What may make two SQLite dialects made from the same arguments compile apart."""
    return (
        type(dialect),
        dialect.server_version_info,
        dialect.paramstyle,
        dialect.positional,
        getattr(dialect, "native_datetime", None),
    )


class SharedCompiledCache(LRUCache[Any, Any]):
    """A compiled cache (the ``compiled_cache`` execution option) whose keys' dialect
    object (their first item, as SQLAlchemy makes them) counts by its signature."""

    def _shared(self, key: Any) -> Any:
        # (Read each time, not remembered per dialect: one compiled while its dialect
        # was still being set up on its first connection is then merely not found.)
        if isinstance(key, tuple) and key and isinstance(key[0], Dialect):
            return (dialect_signature(key[0]), *key[1:])
        return key

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._shared(key), default)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._shared(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._shared(key), value)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(self._shared(key))


#: The cache of every SQLite engine a :class:`~desktop.storage.database.Database` makes.
SQLITE_COMPILED = SharedCompiledCache(SIZE)
