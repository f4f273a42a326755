"""A per-transaction cache of look-ups that do not change inside one batch.

A field kit's sync replays hundreds of records in one server transaction, each through
the ordinary services; each would otherwise look up the same performer, their roles and
the same template again. :func:`batch_cache` switches caching on for one session (the
replay's batch transaction); outside it every service looks up as before. Only results
are cached, never refusals (an exception is raised again on the next call), and only
things no replayed record changes (people, their roles, current templates).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

_KEY = "desktop.batch_cache"
T = TypeVar("T")


@contextmanager
def batch_cache(session: Session) -> Iterator[None]:
    """Cache look-ups made through :func:`cached` in ``session`` until the block ends."""
    session.info[_KEY] = {}
    try:
        yield
    finally:
        session.info.pop(_KEY, None)


def cached(session: Session, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, remembered under ``key`` while a :func:`batch_cache` is on."""
    store: dict[Hashable, object] | None = session.info.get(_KEY)
    if store is None:
        return make()
    if key not in store:
        store[key] = make()
    return store[key]  # type: ignore[return-value]


def prime(session: Session, key: Hashable, value: object) -> None:
    """Remember ``value`` under ``key`` (when a :func:`batch_cache` is on)."""
    store: dict[Hashable, object] | None = session.info.get(_KEY)
    if store is not None:
        store[key] = value


def primed(session: Session, key: Hashable) -> object | None:
    """What :func:`prime` remembered under ``key``, else None."""
    store: dict[Hashable, object] | None = session.info.get(_KEY)
    return None if store is None else store.get(key)
