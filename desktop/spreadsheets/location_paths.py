"""Locations as spreadsheets name them: a code, a unique name, or a path.

A path is written "Site › Building › Room", "Site > Building" or "Building/Room"; it may
start anywhere in the tree (its first part need not be a site). Our export writes each
location's name when no other location has it, else its full path from the site down,
else its code — so every exported location reads back as exactly one.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.domain.tags import normalize_tag

PATH_SEPARATOR = " › "
#: Between a location and the rack below it, in the text a row's Rack column makes
#: ("Server room ›› R31"): the last level is a rack.
RACK_SEPARATOR = " ›› "
_SPLIT = re.compile(r"\s*(?:›|>|/|\\)\s*")
LOCATION_KINDS = ("site", "building", "floor", "room", "rack")


@dataclass(frozen=True)
class LocationNode:
    id: uuid.UUID
    name: str
    code: str
    parent_id: uuid.UUID | None
    kind: str = "room"


def split_path(text: str) -> list[str]:
    """The parts of a path; a text without a separator is one part."""
    return [part for part in _SPLIT.split(text.strip()) if part]


class LocationTree:
    """Every location, by code, by name and by parent: lookups for one import."""

    def __init__(self, nodes: Iterable[LocationNode]) -> None:
        self.nodes: dict[uuid.UUID, LocationNode] = {n.id: n for n in nodes}
        self.by_code: dict[str, uuid.UUID] = {}
        self.by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.children: dict[uuid.UUID | None, dict[str, list[uuid.UUID]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for node in self.nodes.values():
            self.by_code[normalize_tag(node.code)] = node.id
            self.by_name[node.name.casefold()].append(node.id)
            self.children[node.parent_id][node.name.casefold()].append(node.id)

    def path(self, location_id: uuid.UUID) -> list[str]:
        """Names from the top of the tree down to ``location_id``."""
        names: list[str] = []
        seen: set[uuid.UUID] = set()
        current: uuid.UUID | None = location_id
        while current is not None and current not in seen and current in self.nodes:
            seen.add(current)
            node = self.nodes[current]
            names.append(node.name)
            current = node.parent_id
        return names[::-1]

    def unique_names(self) -> dict[uuid.UUID, str]:
        """Each location's unique spreadsheet name: its name, else its path, else its code."""
        paths = {i: PATH_SEPARATOR.join(self.path(i)) for i in self.nodes}
        path_count: dict[str, int] = defaultdict(int)
        for text in paths.values():
            path_count[text.casefold()] += 1
        result: dict[uuid.UUID, str] = {}
        for location_id, node in self.nodes.items():
            name, path = node.name, paths[location_id]
            others_code = self.by_code.get(normalize_tag(name), location_id) != location_id
            if len(self.by_name[name.casefold()]) == 1 and not others_code:
                result[location_id] = name
            elif path_count[path.casefold()] == 1 and all(
                len(split_path(part)) == 1 for part in self.path(location_id)
            ):
                result[location_id] = path
            else:
                result[location_id] = node.code
        return result

    def resolve_path(self, parts: Sequence[str]) -> tuple[list[uuid.UUID], int]:
        """The locations matching the longest prefix of ``parts``, and its length.

        The first part is looked for anywhere in the tree; each next one among the
        children of the previous matches.
        """
        matches = list(self.by_name.get(parts[0].casefold(), []))
        if not matches:
            return [], 0
        depth = 1
        for part in parts[1:]:
            below = [c for m in matches for c in self.children[m].get(part.casefold(), [])]
            if not below:
                break
            matches, depth = below, depth + 1
        return matches, depth


def chain_kinds(parent_kind: str | None, count: int, last: str = "") -> list[str]:
    """Kinds for ``count`` new locations created one below the other.

    Under an existing location each level is the next kind down (racks at the bottom);
    a new chain from the top ends in a room: "Building/Room", "Site › Building › Room".
    ``last``: the kind the file gives the last level (a rack); the levels above it end
    in a room.
    """
    if last and count:
        above = chain_kinds(parent_kind, count - 1)
        room = LOCATION_KINDS.index("room")
        if above and LOCATION_KINDS.index(above[-1]) < room:
            above[-1] = "room"
        return [*above, last]
    if parent_kind is not None:
        start = LOCATION_KINDS.index(parent_kind) + 1 if parent_kind in LOCATION_KINDS else 3
        return [LOCATION_KINDS[min(start + n, len(LOCATION_KINDS) - 1)] for n in range(count)]
    tops = {
        1: ["room"],
        2: ["building", "room"],
        3: ["site", "building", "room"],
        4: ["site", "building", "floor", "room"],
    }
    if count in tops:
        return tops[count]
    return [LOCATION_KINDS[min(n, len(LOCATION_KINDS) - 1)] for n in range(count)]
