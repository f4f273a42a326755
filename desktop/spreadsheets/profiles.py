"""Mapping profiles: a column mapping saved by name in the database, for everyone."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from desktop.errors import NotFoundError, Problem, ValidationError
from desktop.storage.database import Database
from desktop.storage.models import ImportProfile


def save_profile(
    db: Database,
    name: str,
    mapping: dict[str, str],
    *,
    match: str = "tag",
    date_order: str = "dmy",
    statuses: dict[str, str] | None = None,
) -> None:
    """Save (or replace) the profile ``name``: header → target, match key, date order,
    and the user's own status words (word → status value)."""
    name = name.strip()
    if not name:
        raise ValidationError(Problem("name", "a mapping profile needs a name"))
    if len(name) > 100:
        raise ValidationError(Problem("name", "a profile name is at most 100 characters"))
    data: dict[str, Any] = {"columns": dict(mapping), "match": match, "date_order": date_order}
    if statuses:
        data["statuses"] = dict(statuses)
    with db.write() as session:
        profile = session.execute(
            select(ImportProfile).where(func.lower(ImportProfile.name) == name.lower())
        ).scalar_one_or_none()
        if profile is None:
            session.add(ImportProfile(name=name, mapping=data))
        else:
            profile.mapping = data


def load_profile(db: Database, name: str) -> dict[str, Any]:
    """The saved profile: {"columns": {header: target}, "match": ..., "date_order": ...,
    "statuses": {word: status}} (statuses only when some were mapped)."""
    with db.read() as session:
        profile = session.execute(
            select(ImportProfile).where(func.lower(ImportProfile.name) == name.strip().lower())
        ).scalar_one_or_none()
        if profile is None:
            names = ", ".join(profile_names_in(session)) or "none saved yet"
            raise NotFoundError(f"there is no mapping profile '{name}' (profiles: {names})")
        data = dict(profile.mapping)
    data["columns"] = lenient_columns(data.get("columns") or {})
    return data


#: How versions before 2026-12-05 saved a number in the header row: 1 as "1.0".
_FLOAT_HEADER = re.compile(r"^(-?\d+)\.0+$")


def lenient_columns(columns: dict[str, str]) -> dict[str, str]:
    """A saved profile's header → target, read leniently: a header saved as "1.0" also
    maps the header "1" that a number in the header row now reads as (the profile is
    not rewritten; a header really written "1.0" still matches too)."""
    result = dict(columns)
    for header, target in columns.items():
        if (found := _FLOAT_HEADER.match(header.strip())) is not None:
            result.setdefault(found.group(1), target)
    return result


def profile_names(db: Database) -> list[str]:
    with db.read() as session:
        return profile_names_in(session)


def profile_names_in(session: Any) -> list[str]:
    return list(session.execute(select(ImportProfile.name).order_by(ImportProfile.name)).scalars())
