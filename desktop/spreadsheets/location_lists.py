"""A list of places read into the location tree: Snipe-IT's or GLPI's locations export,
Ralph's warehouses, a sheet of rooms typed by hand.

People leaving another tool bring their locations as a list before their assets: a
name per row, and where it lies — a Parent column naming another row (Snipe-IT), a
path "Site > Building > Room" (GLPI's "Complete name"), or nothing (a flat list). Kind
and Code columns are taken when present. The asset import creates the locations its
rows name, but not a tree of empty rooms nor their codes; this does.

All or nothing: the list is planned first (:func:`plan_location_list`: which places are
new, which the register has already, and each row that cannot be placed, named by its
row and column), then created in one transaction (:func:`import_location_list`), as an
administrator; a list with a refused row creates nothing. A place the register has —
the same name under the same parent, case aside — is left as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError
from desktop.services import reference
from desktop.spreadsheets.list_columns import cell_text, find_columns, fold, list_summary
from desktop.spreadsheets.location_paths import (
    LOCATION_KINDS,
    PATH_SEPARATOR,
    LocationNode,
    LocationTree,
    split_path,
)
from desktop.spreadsheets.readers import Table, read_table
from desktop.storage.database import Database
from desktop.storage.models import Location

#: Header texts (folded: lower case, "_" and "-" as spaces) of each column we read.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "location", "location name", "locations", "place", "room", "warehouse"),
    "path": ("complete name", "completename", "full name", "path", "full path", "location path"),
    "parent": ("parent", "parent location", "parent name", "parent location name", "parent id"),
    "kind": ("kind", "type", "location type", "level"),
    "code": ("code", "location code", "short code", "short name"),
}
_TITLES = {"name": "Name", "path": "Path", "parent": "Parent", "kind": "Kind", "code": "Code"}
MAX_NAME = 150
#: Kinds other tools call their levels, read as ours.
KIND_WORDS = {
    "campus": "site",
    "region": "site",
    "city": "site",
    "warehouse": "building",
    "office": "building",
    "level": "floor",
    "storey": "floor",
    "story": "floor",
    "cabinet": "rack",
}


@dataclass(frozen=True)
class NewPlace:
    """A location to create: its path from the top, its kind and code."""

    path: tuple[str, ...]
    kind: str
    code: str | None


@dataclass
class LocationListPlan:
    """What importing the list would do.

    Attributes:
        where: the file (and sheet) read, for messages.
        new: the locations to create, each after its parent.
        existing: rows naming a location the register has, as paths.
        problems: one line per refused row ("row 7, column Parent: …"); none to import.
    """

    where: str
    new: list[NewPlace] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: int = 0

    def summary(self) -> str:
        return list_summary(
            self.where, self.problems, len(self.new), ("location", "locations"), len(self.existing)
        )


@dataclass
class _Row:
    number: int
    name: str
    parent: str
    path: tuple[str, ...]
    kind: str
    code: str


def _kind(text: str) -> str | None:
    word = fold(text)
    word = KIND_WORDS.get(word, word)
    return word if word in LOCATION_KINDS else None


class _Planner:
    def __init__(self, session: Session, table: Table) -> None:
        self.table = table
        self.tree = _tree(session)
        self.plan = LocationListPlan(table.where)

    def problem(self, row: _Row, column: str, text: str) -> None:
        self.plan.problems.append(f"row {row.number}, column {_TITLES[column]}: {text}")

    def read_rows(self) -> list[_Row]:
        at, columns = find_columns(
            self.table,
            HEADERS,
            {"name", "path"},
            "no column names the places (a Name, Location or Complete name column in the "
            "first rows); a list of locations has one name a row",
        )
        rows: list[_Row] = []
        for cells, number in zip(
            self.table.rows[at + 1 :], self.table.row_numbers[at + 1 :], strict=True
        ):
            path = tuple(split_path(cell_text(cells, columns.get("path"))))
            name = cell_text(cells, columns.get("name"))
            if path and name and path[-1].casefold() != name.casefold():
                path = (*path, name)  # GLPI's "Complete name" of the parent, then a name
            if not path and not name:
                continue  # a blank row
            row = _Row(
                number,
                name or path[-1],
                cell_text(cells, columns.get("parent")),
                path,
                cell_text(cells, columns.get("kind")),
                cell_text(cells, columns.get("code")),
            )
            if len(row.name) > MAX_NAME:
                self.problem(row, "name", f"longer than {MAX_NAME} characters")
                continue
            if row.kind and _kind(row.kind) is None:
                self.problem(row, "kind", f"'{row.kind}' is not one of {', '.join(LOCATION_KINDS)}")
                continue
            rows.append(row)
        self.plan.rows = len(rows)
        return rows

    def full_paths(self, rows: list[_Row]) -> dict[int, tuple[str, ...]]:
        """Each row's path from the top: its own, or its parent's (another row of the
        list, else a location of the register) and its name."""
        by_name: dict[str, list[_Row]] = {}
        for row in rows:
            by_name.setdefault(row.name.casefold(), []).append(row)
        paths: dict[int, tuple[str, ...]] = {}

        def path_of(row: _Row, seen: tuple[int, ...]) -> tuple[str, ...] | None:
            if row.number in paths:
                return paths[row.number]
            if row.number in seen:
                self.problem(row, "parent", f"'{row.parent}' lies inside '{row.name}' itself")
                return None
            if len(row.path) > 1 or not row.parent:
                found = self.placed(row, row.path or (row.name,))
            else:
                parents = by_name.get(row.parent.casefold(), [])
                if len(parents) > 1:
                    self.problem(
                        row, "parent", f"several rows are called '{row.parent}': give its path"
                    )
                    return None
                if parents:
                    above = path_of(parents[0], (*seen, row.number))
                    found = None if above is None else (*above, row.name)
                else:
                    found = self.placed(row, (*split_path(row.parent), row.name), parent=True)
            if found is not None:
                paths[row.number] = found
            return found

        for row in rows:
            path_of(row, ())
        return paths

    def placed(
        self, row: _Row, parts: tuple[str, ...], *, parent: bool = False
    ) -> tuple[str, ...] | None:
        """``parts`` from the top of the tree: a path may start at a location of the
        register (its first part found anywhere), as the asset import reads it."""
        above = parts[:-1]
        if not above:
            # A name alone: the register's place of that name wherever it lies (as the
            # asset import reads it), else a new one at the top.
            named = self.tree.by_name.get(parts[0].casefold(), [])
            return tuple(self.tree.path(named[0])) if named else parts
        matches, depth = self.tree.resolve_path(list(above))
        if len(matches) > 1:
            shown = PATH_SEPARATOR.join(above[:depth])
            self.problem(
                row,
                "parent" if parent else "path",
                f"several locations are called '{shown}': give the path from the site down",
            )
            return None
        if parent and depth < len(above):
            self.problem(
                row,
                "parent",
                f"'{row.parent}' is neither a row of the list nor a location of the register",
            )
            return None
        if not matches:
            return parts
        return (*self.tree.path(matches[0]), *parts[depth:])

    def make(self) -> LocationListPlan:
        rows = self.read_rows()
        paths = self.full_paths(rows)
        wanted: dict[tuple[str, ...], _Row | None] = {}
        for row in rows:
            path = paths.get(row.number)
            if path is None:
                continue
            for depth in range(1, len(path)):
                wanted.setdefault(tuple(p.casefold() for p in path[:depth]), None)
            key = tuple(p.casefold() for p in path)
            if wanted.get(key) is not None:
                continue  # the same place twice: its first row counts
            wanted[key] = row
            if _existing(self.tree, path) is not None:
                self.plan.existing.append(PATH_SEPARATOR.join(path))
        spelled = {tuple(p.casefold() for p in path): path for path in paths.values()}
        self.new_places(wanted, spelled)
        return self.plan

    def new_places(
        self,
        wanted: dict[tuple[str, ...], _Row | None],
        spelled: dict[tuple[str, ...], tuple[str, ...]],
    ) -> None:
        keys = sorted(wanted, key=len)
        for full in list(spelled.values()):  # each level spelled as its first path has it
            for depth in range(1, len(full)):
                key = tuple(p.casefold() for p in full[:depth])
                spelled.setdefault(key, full[:depth])
        said = {k: _said(wanted[k], spelled[k][-1]) for k in keys}
        height: dict[tuple[str, ...], int] = dict.fromkeys(keys, 1)
        racks_only: dict[tuple[str, ...], bool] = {}
        for key in reversed(keys):  # the deepest first: each tells its parent
            above = key[:-1]
            if above in height:
                height[above] = max(height[above], height[key] + 1)
                racks_only[above] = racks_only.get(above, True) and said[key] == "rack"
        kinds: dict[tuple[str, ...], str] = {}
        codes = set(self.tree.by_code)  # the codes in use, by normalize_tag
        for key in keys:
            row, path = wanted[key], spelled[key]
            at = _existing(self.tree, path)
            if at is not None:
                kinds[key] = self.tree.nodes[at].kind
                continue
            parent_kind = kinds.get(key[:-1]) if len(key) > 1 else None
            kinds[key] = said[key] or (
                "room" if racks_only.get(key) else _level(parent_kind, height[key])
            )
            code = row.code if row else ""
            if code:
                if normalize_tag(code) in codes:
                    assert row is not None
                    self.problem(row, "code", f"the location code '{code}' is already used")
                    continue
                codes.add(normalize_tag(code))
            self.plan.new.append(NewPlace(path, kinds[key], code or None))


def _said(row: _Row | None, name: str) -> str | None:
    """The kind the list gives, or that the name starts with ("Room 101", "Rack 3"), as
    the Locations page reads a name typed."""
    if row is not None and row.kind:
        return _kind(row.kind)
    first = name.split(" ", 1)[0].casefold()
    return first if first in LOCATION_KINDS else None


def _level(parent_kind: str | None, height: int) -> str:
    """A new place's kind when neither the list nor its name says it: at the top, a site
    (a lone place too: Ralph's warehouses are cities), or a building with rooms only
    below it; below a kind, the next one down, and a place with nothing below it under a
    site or a building is a room."""
    room = LOCATION_KINDS.index("room")
    if parent_kind is None:
        return "building" if height == 2 else "site"
    below = LOCATION_KINDS.index(parent_kind) + 1 if parent_kind in LOCATION_KINDS else room
    if height == 1 and below < room:
        return "room"
    return LOCATION_KINDS[min(below, len(LOCATION_KINDS) - 1)]


def plan_location_list(db: Database, path: Path, sheet: str | None = None) -> LocationListPlan:
    """What importing the list in ``path`` would create; nothing is written."""
    table = read_table(path, sheet)
    with db.read() as session:
        return _Planner(session, table).make()


def import_location_list(
    db: Database,
    path: Path,
    username: str,
    *,
    sheet: str | None = None,
) -> LocationListPlan:
    """Create the list's new locations in one transaction, as ``username`` (an
    administrator); planned again inside it, so what another person added meanwhile is
    not made twice. Raises DesktopError naming the refused rows, writing nothing."""
    table = read_table(path, sheet)
    with reference.administer(db, username) as session:
        planner = _Planner(session, table)
        plan = planner.make()
        if plan.problems:
            raise DesktopError(plan.summary())
        made: dict[tuple[str, ...], uuid.UUID] = {}
        for place in plan.new:
            key = tuple(p.casefold() for p in place.path)
            parent: uuid.UUID | None = None
            if len(key) > 1:
                parent = made.get(key[:-1])
                if parent is None:
                    parent = _existing(planner.tree, place.path[:-1])
            made[key] = reference.create_location(
                session, name=place.path[-1], kind=place.kind, parent_id=parent, code=place.code
            ).id
        return plan


def _existing(tree: LocationTree, path: Sequence[str]) -> uuid.UUID | None:
    parent: uuid.UUID | None = None
    for name in path:
        found = tree.children[parent].get(name.casefold(), [])
        if not found:
            return None
        parent = found[0]
    return parent


def _tree(session: Session) -> LocationTree:
    rows = session.execute(
        select(Location.id, Location.name, Location.code, Location.parent_id, Location.kind)
    )
    return LocationTree(LocationNode(*r) for r in rows)
