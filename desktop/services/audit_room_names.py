"""The location a scan on an audit names: its printed code, or its name or path typed by hand.

A room without a printed label can be scanned by typing its name ("Room 201") or its
path ("HQ / Floor 2 / Room 201"; "›", ">" and "\\" separate levels too; a path may start
at any level). Names compare as the search compares them, accents and case ignored
(:func:`desktop.storage.folding.fold`). A name two locations share names neither: the
scan is refused with their paths, never guessed. A room found by name is stored by its
code, so that the scan reads back as that room everywhere (a report, a field kit's
replay on a server whose other rooms may share the name).

A text that names no location stays an unknown tag: one short query over the locations'
names, so an unknown tag still answers in milliseconds.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from desktop.errors import DesktopError
from desktop.storage.folding import SQL_FUNCTION, fold
from desktop.storage.models import Location

#: How the levels of a typed path are separated.
_SPLIT = re.compile(r"\s*(?:›|>|/|\\)\s*")
#: The separator of a path in messages ("Head office › Building A › Room A1").
PATH_SEPARATOR = " › "

_LOCATION_BY_CODE = select(Location).where(Location.code_key == bindparam("key"))
# SQLite and PostgreSQL fold with the search's SQL function; MariaDB's collation already
# ignores accents and case. Either way the names are compared again with fold().
_BY_FOLDED_NAME = select(Location).where(
    getattr(func, SQL_FUNCTION)(Location.name) == bindparam("name")
)
_BY_NAME = select(Location).where(Location.name == bindparam("name"))


def scanned_location(session: Session, text: str, key: str) -> tuple[str, Location] | None:
    """The location ``text`` names (``key``: its normalised form), with the text a scan
    of it stores: a code as scanned, a name or path as that location's code. None when it
    names none; a name shared by several locations is refused (:class:`DesktopError`)."""
    location = session.execute(_LOCATION_BY_CODE, {"key": key}).scalar_one_or_none()
    if location is not None:
        return text, location
    named = location_named(session, text)
    return None if named is None else (named.code, named)


def location_named(session: Session, text: str) -> Location | None:
    """The one location whose name, or whose path from some level down, is ``text``."""
    found = _named(session, text.strip())
    parts = [part for part in _SPLIT.split(text.strip()) if part]
    if not found and len(parts) > 1:
        wanted = [fold(part) for part in parts]
        found = [
            location
            for location in _named(session, parts[-1])
            if [fold(name) for name in path(session, location)[-len(wanted) :]] == wanted
        ]
    if len(found) > 1:
        paths = sorted(PATH_SEPARATOR.join(path(session, location)) for location in found)
        raise DesktopError(
            f"{len(found)} locations are named “{text.strip()}”: {'; '.join(paths)}. Scan "
            "the room's label or type its path"
        )
    return found[0] if found else None


def path(session: Session, location: Location) -> list[str]:
    """The names from the top of the tree down to ``location``."""
    names = [location.name]
    seen = {location.id}
    parent_id = location.parent_id
    while parent_id is not None and parent_id not in seen:
        parent = session.get(Location, parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        names.append(parent.name)
        parent_id = parent.parent_id
    return names[::-1]


def _named(session: Session, name: str) -> list[Location]:
    if not name:
        return []
    folded = fold(name)
    if session.get_bind().dialect.name in ("mysql", "mariadb"):
        candidates = session.execute(_BY_NAME, {"name": name}).scalars()
    else:
        candidates = session.execute(_BY_FOLDED_NAME, {"name": folded}).scalars()
    return [location for location in candidates if fold(location.name) == folded]
