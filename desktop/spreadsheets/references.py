"""Reference data by the names spreadsheets use: categories, locations, people, models...

Loaded once per import (these tables are small next to assets). A name that is not
found becomes a :class:`PendingReference`, listed in the dry run and created on commit —
except categories and groups, which decide tags and approvals and must exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
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
        kind: "location", "person", "supplier" or "model".
        name: as the spreadsheet gives it (for a model, the model name).
        manufacturer: for a model, its manufacturer's name.
        model_number: for a model, its model number if the file has one.
    """

    kind: str
    name: str
    manufacturer: str = ""
    model_number: str = ""

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
        self._locations_by_code: dict[str, uuid.UUID] = {}
        self._locations_by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        for row in session.execute(select(Location.id, Location.name, Location.code_key)):
            self.names[row.id] = row.name
            self._locations_by_code[row.code_key] = row.id
            self._locations_by_name[row.name.casefold()].append(row.id)
        self._people: dict[str, list[uuid.UUID]] = defaultdict(list)
        self._people_by_username: dict[str, uuid.UUID] = {}
        self.inactive: set[uuid.UUID] = set()
        for p in session.execute(
            select(Person.id, Person.name, Person.username, Person.email, Person.active)
        ):
            self.names[p.id] = p.name
            self._people_by_username[p.username.casefold()] = p.id
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
        for m in session.execute(select(Manufacturer.id, Manufacturer.name)):
            self.manufacturers[m.name.casefold()] = m.id
        self._models: dict[tuple[str, str], uuid.UUID] = {}
        self._models_by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.model_manufacturer: dict[uuid.UUID, str] = {}
        for row in session.execute(
            select(AssetModel.id, AssetModel.name, Manufacturer.name.label("maker")).join(
                Manufacturer, Manufacturer.id == AssetModel.manufacturer_id
            )
        ):
            self.names[row.id] = f"{row.maker} {row.name}".strip()
            self.model_manufacturer[row.id] = row.maker
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

    def category(self, text: str) -> uuid.UUID:
        found = self._category_keys.get(text.casefold())
        if found is None:
            known = ", ".join(sorted(c.name for c in self.categories.values()))
            raise ValueError(f"there is no category '{text}' (categories: {known or 'none yet'})")
        return found

    def location(self, text: str, current: uuid.UUID | None) -> uuid.UUID | PendingReference:
        by_code = self._locations_by_code.get(normalize_tag(text))
        if by_code is not None:
            return by_code
        return self._by_name(self._locations_by_name, text, current, "location", "its code")

    def person(self, text: str, current: uuid.UUID | None) -> uuid.UUID | PendingReference:
        by_username = self._people_by_username.get(text.casefold())
        if by_username is not None:
            found: uuid.UUID | PendingReference = by_username
        else:
            found = self._by_name(self._people, text, current, "person", "the user name")
        if isinstance(found, uuid.UUID) and found in self.inactive and found != current:
            raise ValueError(f"{self.names[found]} is no longer active")
        return found

    def group(self, text: str) -> uuid.UUID:
        found = self._groups.get(text.casefold())
        if found is None:
            raise ValueError(f"there is no group '{text}' (groups are created by an administrator)")
        return found

    def supplier(self, text: str) -> uuid.UUID | PendingReference:
        found = self._suppliers.get(text.casefold())
        return found if found is not None else PendingReference("supplier", text)

    def model(
        self, name: str, manufacturer: str, model_number: str, current: uuid.UUID | None
    ) -> uuid.UUID | PendingReference:
        if manufacturer:
            found = self._models.get((manufacturer.casefold(), name.casefold()))
            if found is None and name.casefold().startswith(manufacturer.casefold() + " "):
                found = self._models.get(
                    (manufacturer.casefold(), name[len(manufacturer) + 1 :].casefold())
                )
            if found is not None:
                return found
            return PendingReference("model", name, manufacturer, model_number)
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
        return PendingReference("model", name, UNKNOWN_MANUFACTURER, model_number)

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
