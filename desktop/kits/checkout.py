"""Checking a kit out: a scope's assets and all reference data into a new SQLite file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop.kits.model import Cancel, KitInfo, Progress, Scope
from desktop.storage.database import Database


def resolve_scope(
    source: Database,
    *,
    locations: Sequence[str] = (),
    assigned_to: Sequence[str] = (),
    search: str | None = None,
    audit: str | None = None,
) -> Scope:
    """The scope named by location names or codes, user names, a search text and an
    audit name or id. An unknown name raises NotFoundError naming it; an empty scope
    raises KitError."""
    raise NotImplementedError


def checkout(
    source: Database,
    scope: Scope,
    by_user: str,
    path: Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> KitInfo:
    """Make the kit ``path`` (which must not exist) from ``source`` and record the
    checkout on ``source``. Cancel removes the half-made file and records nothing."""
    raise NotImplementedError
