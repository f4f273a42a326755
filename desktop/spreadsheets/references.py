"""Reference data by the names spreadsheets use: categories, locations, people, models...

Loaded once per import (these tables are small next to assets). A name that is not
found becomes a :class:`PendingReference`, listed in the dry run and created on commit
(a new category with a tag prefix derived from its name) — unless the user said not to
create anything (``create = False``), when it is the row's error.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
from desktop.spreadsheets.location_paths import (
    PATH_SEPARATOR,
    RACK_SEPARATOR,
    LocationNode,
    LocationTree,
    split_path,
)
from desktop.storage.models import (
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    Supplier,
)

UNKNOWN_MANUFACTURER = "Unknown manufacturer"


@dataclass(frozen=True)
class PendingReference:
    """A row of reference data the import will create.

    Attributes:
        kind: "category", "location", "person", "group", "supplier" or "model".
        name: as the spreadsheet gives it (for a model, the model name).
        manufacturer: for a model, its manufacturer's name.
        model_number: for a model, its model number if the file has one.
    """

    kind: str
    name: str
    manufacturer: str = ""
    model_number: str = ""
    #: A category's tag prefix (derived from its name).
    tag_prefix: str = ""
    #: A location's new levels, top first, below ``parent_id`` (None: at the top).
    path: tuple[str, ...] = ()
    parent_id: uuid.UUID | None = None
    #: The kind of a new location's last level when the file says it ("rack").
    last_kind: str = ""
    #: A person's user name and e-mail address, when the file gives them.
    username: str = ""
    email: str = ""

    @property
    def text(self) -> str:
        if self.kind == "model":
            return f"{self.manufacturer} {self.name}".strip()
        return self.name


@dataclass(frozen=True)
class CategoryInfo:
    id: uuid.UUID
    name: str
    tag_prefix: str
    custom_fields: tuple[dict[str, Any], ...]


class ReferenceIndex:
    """Names → ids for every kind of reference data, and ids → the names history shows."""

    def __init__(self, session: Session) -> None:
        self.categories: dict[uuid.UUID, CategoryInfo] = {}
        self._category_keys: dict[str, uuid.UUID] = {}
        for category in session.execute(select(Category)).scalars():
            info = CategoryInfo(
                category.id,
                category.name,
                category.tag_prefix,
                tuple(category.custom_fields or ()),
            )
            self.categories[info.id] = info
            self._category_keys.setdefault(info.name.casefold(), info.id)
            self._category_keys.setdefault(info.tag_prefix.casefold(), info.id)
        self.names: dict[uuid.UUID, str] = {}
        #: False: a name not found is an error instead of new reference data.
        self.create = True
        self._new_categories: dict[str, PendingReference] = {}
        #: A new category's tag prefix as the file's tags show it, by its name (casefolded):
        #: set by the planner where every tag of that category's rows has the same prefix.
        self.file_tag_prefixes: dict[str, str] = {}
        self._new_people: dict[str, PendingReference] = {}
        self._new_locations: list[PendingReference] = []
        self.locations = LocationTree(
            LocationNode(row.id, row.name, row.code, row.parent_id, row.kind)
            for row in session.execute(
                select(Location.id, Location.name, Location.code, Location.parent_id, Location.kind)
            )
        )
        for location_id, text in self.locations.unique_names().items():
            self.names[location_id] = text
        self._people: dict[str, list[uuid.UUID]] = defaultdict(list)
        self._people_by_username: dict[str, uuid.UUID] = {}
        self._people_by_email: dict[str, list[uuid.UUID]] = defaultdict(list)
        self._people_by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        #: Register names written "Surname, Name", by "name surname" (casefolded).
        self._people_by_turned_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.inactive: set[uuid.UUID] = set()
        for p in session.execute(
            select(Person.id, Person.name, Person.username, Person.email, Person.active)
        ):
            self.names[p.id] = p.name
            self._people_by_username[p.username.casefold()] = p.id
            if p.email:
                self._people_by_email[p.email.casefold()].append(p.id)
            self._people_by_name[p.name.casefold()].append(p.id)
            if turned := turned_name(p.name):  # "Smith, John" is also John Smith
                self._people_by_turned_name[turned].append(p.id)
            if not p.active:
                self.inactive.add(p.id)
            for key in {p.username.casefold(), (p.email or "").casefold(), p.name.casefold()} - {
                ""
            }:
                self._people[key].append(p.id)
        self._groups: dict[str, uuid.UUID] = {}
        for g in session.execute(select(Group.id, Group.name)):
            self.names[g.id] = g.name
            self._groups[g.name.casefold()] = g.id
        self._suppliers: dict[str, uuid.UUID] = {}
        for s in session.execute(select(Supplier.id, Supplier.name)):
            self.names[s.id] = s.name
            self._suppliers[s.name.casefold()] = s.id
        self.manufacturers: dict[str, uuid.UUID] = {}
        self.manufacturer_names: dict[uuid.UUID, str] = {}
        for m in session.execute(select(Manufacturer.id, Manufacturer.name)):
            self.manufacturers[m.name.casefold()] = m.id
            self.manufacturer_names[m.id] = m.name
        self._models: dict[tuple[str, str], uuid.UUID] = {}
        self._models_by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.model_manufacturer: dict[uuid.UUID, str] = {}
        #: A model's category, where it has one (an asset's model must fit its category).
        self.model_category: dict[uuid.UUID, uuid.UUID] = {}
        for row in session.execute(
            select(
                AssetModel.id,
                AssetModel.name,
                AssetModel.category_id,
                Manufacturer.name.label("maker"),
            ).join(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
        ):
            self.names[row.id] = f"{row.maker} {row.name}".strip()
            self.model_manufacturer[row.id] = row.maker
            if row.category_id is not None:
                self.model_category[row.id] = row.category_id
            self._models[(row.maker.casefold(), row.name.casefold())] = row.id
            self._models_by_name[row.name.casefold()].append(row.id)
        for info in self.categories.values():
            self.names[info.id] = info.name

    def text(self, value: object) -> str:
        """The name a reference value shows in the dry run and in history."""
        if value is None:
            return ""
        if isinstance(value, PendingReference):
            return f"{value.text} (new)"
        if isinstance(value, uuid.UUID):
            return self.names.get(value, str(value))
        return str(value)

    # -- lookups: each returns an id, a PendingReference, or raises ValueError ----------

    def category(self, text: str) -> uuid.UUID | PendingReference:
        found = self._category_keys.get(text.casefold())
        if found is not None:
            return found
        if not self.create:
            known = ", ".join(sorted(c.name for c in self.categories.values()))
            raise ValueError(f"there is no category '{text}' (categories: {known or 'none yet'})")
        pending = self._new_categories.get(text.casefold())
        if pending is None:
            taken = {c.tag_prefix.upper() for c in self.categories.values()}
            taken |= {p.tag_prefix for p in self._new_categories.values()}
            prefix = self.file_tag_prefixes.get(text.casefold(), "")
            if not prefix or prefix in taken:
                prefix = derive_tag_prefix(text, taken)
            pending = PendingReference("category", text, tag_prefix=prefix)
            self._new_categories[text.casefold()] = pending
        return pending

    def location(self, text: str, current: uuid.UUID | None) -> uuid.UUID | PendingReference:
        if RACK_SEPARATOR in text:
            where, _, rack = text.rpartition(RACK_SEPARATOR)
            return self._rack(where, rack, current)
        tree = self.locations
        by_code = tree.by_code.get(normalize_tag(text))
        if by_code is not None:
            return by_code
        named = tree.by_name.get(text.casefold(), [])
        if len(named) == 1:
            return named[0]
        if current is not None and current in named:
            return current
        parts = split_path(text)
        if named and len(parts) < 2:
            raise ValueError(
                f"several locations are called '{text}': give its path "
                f"(Site{PATH_SEPARATOR}Building{PATH_SEPARATOR}Room) or its code instead"
            )
        if len(parts) < 2:
            return self._new_location(None, (text,))
        matches, depth = tree.resolve_path(parts)
        if depth == len(parts) and len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            shown = PATH_SEPARATOR.join(parts[:depth])
            raise ValueError(
                f"several locations are called '{shown}': give the path from the site down, "
                "or the location's code"
            )
        return self._new_location(matches[0] if matches else None, tuple(parts[depth:]))

    def _rack(
        self, where: str, name: str, current: uuid.UUID | None
    ) -> uuid.UUID | PendingReference:
        """The rack ``name`` below the location ``where`` (anywhere when "")."""
        name = name.strip()
        if not where.strip():
            named = self.locations.by_name.get(name.casefold(), [])
            if current is not None and current in named:
                return current
            if len(named) == 1:
                return named[0]
            if named:
                raise ValueError(f"several locations are called '{name}': give the rack's room")
            return self._new_location(None, (name,), "rack")
        parent = self.location(where, None)
        if isinstance(parent, PendingReference):
            return self._new_location(parent.parent_id, (*parent.path, name), "rack")
        found = self.locations.children[parent].get(name.casefold(), [])
        return found[0] if found else self._new_location(parent, (name,), "rack")

    def _new_location(
        self, parent: uuid.UUID | None, parts: tuple[str, ...], last_kind: str = ""
    ) -> PendingReference:
        """A location to create below ``parent``. Where another row of the file already
        creates a level named like ``parts[0]``, this one goes below that same level
        ("HQ › Building A › Room 1", then "Building A/Room 2" or "Room 1" alone)."""
        folded = [p.casefold() for p in parts]
        for other in self._new_locations:
            levels = [p.casefold() for p in other.path]
            if folded[0] in levels and (parent is None or parent == other.parent_id):
                at = levels.index(folded[0])
                if len(parts) == 1 and at == len(levels) - 1:
                    return other
                parent, parts = other.parent_id, (*other.path[:at], *parts)
                break
        tree = self.locations
        full = PATH_SEPARATOR.join([*(tree.path(parent) if parent else []), *parts])
        pending = self._new(
            PendingReference("location", full, path=parts, parent_id=parent, last_kind=last_kind)
        )
        if pending not in self._new_locations:
            self._new_locations.append(pending)
        return pending

    def knows_person(self, text: str) -> bool:
        """Whether a person of the register has ``text`` as user name or name."""
        key = text.casefold()
        return key in self._people_by_username or key in self._people_by_name

    def person(self, text: str, current: uuid.UUID | None) -> uuid.UUID | PendingReference:
        by_username = self._people_by_username.get(text.casefold())
        if by_username is not None:
            found: uuid.UUID | PendingReference = by_username
        else:
            found = self._by_name(self._people, text, current, "person", "the user name")
        if isinstance(found, PendingReference) and (other := self._turned_person(text, current)):
            found = other
        if isinstance(found, PendingReference):
            return self._new_person(found, (text,))
        return self._active(found, current)

    def _turned_person(self, text: str, current: uuid.UUID | None) -> uuid.UUID | None:
        """The one person of the register called ``text`` written the other way round:
        "Smith, John" for John Smith, or "John Smith" for one entered as "Smith, John". A
        home-made register writes "Surname, Name"; a people list imported first made
        "John Smith", and the register's import made a second person of each (newuser26)."""
        turned = turned_name(text)
        candidates = (
            self._people_by_name.get(turned, [])
            if turned
            else self._people_by_turned_name.get(" ".join(text.casefold().split()), [])
        )
        if current is not None and current in candidates:
            return current
        return candidates[0] if len(candidates) == 1 else None

    def person_by(
        self, username: str, email: str, name: str, current: uuid.UUID | None
    ) -> uuid.UUID | PendingReference:
        """A person from a file's user name, e-mail and full name columns: matched by
        user name, else e-mail, else full name; a new person gets all three."""
        if email and "@" not in email:  # not an address: a user name or a name after all
            username, email = username or email, ""
        if name and not username and not email and "@" in name:
            name, email = "", name
        if (
            username
            and "@" not in username
            and (found := self._people_by_username.get(username.casefold()))
        ):
            return self._active(found, current)
        if email or (username and "@" in username):
            address = email or username
            by_email = self._people_by_email.get(address.casefold(), [])
            if len(by_email) == 1 or (current is not None and current in by_email):
                return self._active(current if current in by_email else by_email[0], current)
            if by_email:
                raise ValueError(f"several people have the e-mail address '{address}'")
        if username and not email and not name:
            return self.person(username, current)
        if name:
            by_name = self._people_by_name.get(name.casefold(), [])
            if len(by_name) == 1 or (current is not None and current in by_name):
                return self._active(current if current in by_name else by_name[0], current)
            if by_name:
                raise ValueError(
                    f"several people are called '{name}': add a user name or e-mail column"
                )
            if other := self._turned_person(name, current):
                return self._active(other, current)
        shown = name or username or email
        pending = PendingReference("person", shown, username=username, email=email or "")
        return self._new_person(pending, (username, email, name))

    def _new_person(self, pending: PendingReference, keys: tuple[str, ...]) -> PendingReference:
        """A new person, the same one for every row of the file that names them
        (by user name, e-mail or name): one person is created, never "asmith2"."""
        self._new(pending)
        for key in keys:  # the same text again (most rows of a file): found at once
            if key and (known := self._new_people.get(key.casefold())) is not None:
                return known
        # "Nowak, Kasia", "Kasia  Nowak" and "kasia nowak" on three rows are one person
        spaced = [" ".join(k.casefold().split()) for k in keys if k]
        turned = filter(None, map(turned_name, spaced))
        wanted = list(dict.fromkeys([*(k.casefold() for k in keys if k), *spaced, *turned]))
        for key in wanted:
            if key in self._new_people:
                return self._new_people[key]
        for key in wanted:
            self._new_people[key] = pending
        return pending

    def _active(
        self, found: uuid.UUID | PendingReference, current: uuid.UUID | None
    ) -> uuid.UUID | PendingReference:
        if isinstance(found, uuid.UUID) and found in self.inactive and found != current:
            raise ValueError(f"{self.names[found]} is no longer active")
        return found

    def _new(self, pending: PendingReference) -> PendingReference:
        if not self.create:
            raise ValueError(
                f"there is no {pending.kind} '{pending.text}' "
                "(missing reference data is not created in this import)"
            )
        return pending

    def group(self, text: str) -> uuid.UUID | PendingReference:
        found = self._groups.get(text.casefold())
        return found if found is not None else self._new(PendingReference("group", text))

    def supplier(self, text: str) -> uuid.UUID | PendingReference:
        found = self._suppliers.get(text.casefold())
        return found if found is not None else self._new(PendingReference("supplier", text))

    def existing_names(self, kind: str) -> list[str]:
        """The names of reference data of ``kind`` (for "looks like" hints)."""
        if kind == "category":
            return [c.name for c in self.categories.values()]
        if kind == "location":
            return [n.name for n in self.locations.nodes.values()]
        if kind == "person":
            return [self.names[i] for i in self._people_by_username.values()]
        if kind == "group":
            return [self.names[i] for i in self._groups.values()]
        if kind == "supplier":
            return [self.names[i] for i in self._suppliers.values()]
        if kind == "model":
            return [self.names[i] for i in self.model_manufacturer]
        return []

    def model(
        self, name: str, manufacturer: str, model_number: str, current: uuid.UUID | None
    ) -> uuid.UUID | PendingReference:
        if manufacturer:
            found = self._models.get((manufacturer.casefold(), name.casefold()))
            if found is not None:
                return found
            # Snipe-IT registers often name a model with its maker ("Dell Latitude 7440"
            # by "Dell"): the model is "Latitude 7440", shown "Dell Latitude 7440", never
            # "Dell Dell …", and one model for both spellings.
            if name.casefold().startswith(manufacturer.casefold() + " "):
                name = name[len(manufacturer) + 1 :].strip()
                found = self._models.get((manufacturer.casefold(), name.casefold()))
                if found is not None:
                    return found
            return self._new(PendingReference("model", name, manufacturer, model_number))
        # Our export writes "Manufacturer Model" in one column when no manufacturer column is mapped.
        candidates = self._models_by_name.get(name.casefold(), [])
        if not candidates:
            candidates = [
                i
                for i, text in self.names.items()
                if i in self.model_manufacturer and text.casefold() == name.casefold()
            ]
        if len(candidates) == 1:
            return candidates[0]
        if current is not None and current in candidates:
            return current
        if candidates:
            raise ValueError(f"several models are called '{name}': add a Manufacturer column")
        return self._new(PendingReference("model", name, UNKNOWN_MANUFACTURER, model_number))

    @staticmethod
    def _by_name(
        index: dict[str, list[uuid.UUID]],
        text: str,
        current: uuid.UUID | None,
        kind: str,
        hint: str,
    ) -> uuid.UUID | PendingReference:
        candidates = index.get(text.casefold(), [])
        if len(candidates) == 1:
            return candidates[0]
        if current is not None and current in candidates:
            return current
        if candidates:
            raise ValueError(f"several {kind}s are called '{text}': give {hint} instead")
        return PendingReference(kind, text)


_SURNAME_FIRST = re.compile(r"([^,]+),([^,]+)")


def turned_name(text: str) -> str:
    """ "Smith, John" → "john smith" (casefolded, spaces single); "" for a name not
    written "Surname, Name" (no comma, or more than one)."""
    found = _SURNAME_FIRST.fullmatch(text.strip())
    if not found:
        return ""
    surname, name = (" ".join(part.casefold().split()) for part in found.groups())
    return f"{name} {surname}" if surname and name else ""


_TAG_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,15}?)[^A-Za-z0-9]?[0-9]+$")


def tag_prefix_of(tag: str) -> str:
    """The prefix a tag shows ("DSK-0001" and "dsk0001" → DSK), upper-cased; "" where the
    tag is not letters (and digits), at most one separator, then digits."""
    found = _TAG_PREFIX.match(tag.strip())
    return found.group(1).upper() if found else ""


def file_tag_prefixes(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Category name (casefolded) → the tag prefix every one of its tags has, from
    (category, tag) pairs; a category whose tags disagree or show none gets no entry."""
    seen: dict[str, str] = {}
    for category, tag in pairs:
        key = category.casefold()
        prefix = tag_prefix_of(tag)
        if seen.setdefault(key, prefix) != prefix:
            seen[key] = ""
    return {key: prefix for key, prefix in seen.items() if prefix}


def derive_tag_prefix(name: str, taken: set[str]) -> str:
    """A tag prefix for a new category: its first three letters ("Laptop" → LAP), else
    its words' initials, else the letters with a number — never one already ``taken``."""
    letters = "".join(c for c in name.upper() if c.isascii() and c.isalnum()) or "CAT"
    initials = "".join(w[0] for w in name.upper().split() if w[:1].isascii() and w[:1].isalnum())
    candidates = [letters[:3], initials if len(initials) >= 2 else "", letters[:4], letters[:5]]
    for candidate in candidates:
        if candidate and candidate not in taken:
            return candidate
    number = 2
    while f"{letters[:3]}{number}" in taken:
        number += 1
    return f"{letters[:3]}{number}"
