"""Creating the reference data a dry run listed as new, inside the import's transaction.

Each kind is looked up once more by name first (another client may have created it
since the dry run); locations are created level by level below their existing parent,
reusing a level another row of the same file created a moment before.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.services import reference
from desktop.spreadsheets.location_paths import chain_kinds
from desktop.spreadsheets.references import PendingReference
from desktop.storage.models import (
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Supplier,
)


class ReferenceCreator:
    """Turns :class:`PendingReference` values into rows; returns their ids."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, ref: PendingReference) -> uuid.UUID:
        if ref.kind == "category":
            return self._category(ref)
        if ref.kind == "location":
            return self._location(ref)
        if ref.kind == "person":
            return self._person(ref)
        if ref.kind == "group":
            found = self._by_name(Group, Group.name, ref.name)
            return found or reference.create_group(self.session, name=ref.name).id
        if ref.kind == "supplier":
            found = self._by_name(Supplier, Supplier.name, ref.name)
            return found or reference.create_supplier(self.session, name=ref.name).id
        if ref.kind == "manufacturer":
            return self._manufacturer(ref.name).id
        return self._model(ref)

    def _by_name(self, model: Any, column: Any, name: str) -> uuid.UUID | None:
        found: uuid.UUID | None = (
            self.session.execute(select(model.id).where(func.lower(column) == name.lower()))
            .scalars()
            .first()
        )
        return found

    def _category(self, ref: PendingReference) -> uuid.UUID:
        found = self._by_name(Category, Category.name, ref.name)
        if found is not None:
            return found
        return reference.create_category(self.session, name=ref.name, tag_prefix=ref.tag_prefix).id

    def _location(self, ref: PendingReference) -> uuid.UUID:
        parent = ref.parent_id
        parent_kind = None
        if parent is not None:
            parent_kind = self.session.execute(
                select(Location.kind).where(Location.id == parent)
            ).scalar_one()
        kinds = chain_kinds(parent_kind, len(ref.path), ref.last_kind)
        for name, kind in zip(ref.path, kinds, strict=True):
            query = select(Location.id).where(func.lower(Location.name) == name.lower())
            query = query.where(
                Location.parent_id.is_(None) if parent is None else Location.parent_id == parent
            )
            found = self.session.execute(query).scalars().first()
            if found is None:
                found = reference.create_location(
                    self.session, name=name, kind=kind, parent_id=parent
                ).id
            parent = found
        assert parent is not None
        return parent

    def _person(self, ref: PendingReference) -> uuid.UUID:
        email = (
            ref.email
            or (ref.name if "@" in ref.name else "")
            or (ref.username if "@" in ref.username else "")
        )
        wanted = ref.username if ref.username and "@" not in ref.username else ""
        if not wanted:
            source = email.split("@", 1)[0] if email and ref.name == email else ref.name
            wanted = reference.username_from_name(source)
        username = reference.unused_username(self.session, wanted)
        name = ref.name
        if "@" in name or name == ref.username:
            name = name.split("@", 1)[0].replace(".", " ").title() if "@" in name else name
        return reference.create_person(
            self.session, name=name, username=username, email=email or None
        ).id

    def _manufacturer(self, name: str) -> Manufacturer:
        return self.session.execute(
            select(Manufacturer).where(func.lower(Manufacturer.name) == name.lower())
        ).scalar_one_or_none() or reference.create_manufacturer(self.session, name=name)

    def _model(self, ref: PendingReference) -> uuid.UUID:
        maker = self._manufacturer(ref.manufacturer)
        found = self.session.execute(
            select(AssetModel.id).where(
                AssetModel.manufacturer_id == maker.id,
                func.lower(AssetModel.name) == ref.name.lower(),
            )
        ).scalar_one_or_none()
        if found is not None:
            return found
        return reference.create_model(
            self.session, manufacturer=maker, name=ref.name, model_number=ref.model_number or None
        ).id
