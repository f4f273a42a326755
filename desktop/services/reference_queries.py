"""Reads of reference data for forms and the reference data dialogs: plain frozen values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.fields import FieldType
from desktop.domain.naming import name_after_model
from desktop.storage.models import (
    Asset,
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    Supplier,
)
from desktop.storage.models.reference import group_memberships

#: Separator between the levels of a location path ("Head office › Building A › Room A1").
PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class LocationRow:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    kind: str
    code: str
    version: int
    #: Assets filed in this location itself.
    asset_count: int
    #: Assets in it and in every location inside it (a site's rooms): what a site holds.
    total_count: int


@dataclass(frozen=True)
class CategoryRow:
    id: uuid.UUID
    name: str
    tag_prefix: str
    audit_interval_days: int | None
    custom_fields: tuple[dict[str, Any], ...]
    version: int
    asset_count: int


@dataclass(frozen=True)
class ManufacturerRow:
    id: uuid.UUID
    name: str
    version: int
    model_count: int


@dataclass(frozen=True)
class ModelRow:
    id: uuid.UUID
    manufacturer_id: uuid.UUID
    manufacturer: str
    name: str
    model_number: str
    category_id: uuid.UUID | None
    category: str
    version: int


@dataclass(frozen=True)
class SupplierRow:
    id: uuid.UUID
    name: str
    contact: str
    version: int


@dataclass(frozen=True)
class PersonRow:
    id: uuid.UUID
    name: str
    username: str
    email: str
    active: bool
    roles: tuple[str, ...]
    group_ids: tuple[uuid.UUID, ...]
    version: int


@dataclass(frozen=True)
class GroupRow:
    id: uuid.UUID
    name: str
    member_ids: tuple[uuid.UUID, ...]
    version: int


def _counts(session: Session, column: Any) -> dict[uuid.UUID, int]:
    return {
        key: int(n)
        for key, n in session.execute(
            select(column, func.count()).where(column.is_not(None)).group_by(column)
        )
    }


def list_locations(session: Session) -> list[LocationRow]:
    counts = _counts(session, Asset.location_id)
    rows = list(session.execute(select(Location).order_by(Location.name)).scalars())
    parent_of = {r.id: r.parent_id for r in rows}
    totals = dict.fromkeys(parent_of, 0)
    for location_id, n in counts.items():
        seen: set[uuid.UUID] = set()  # moves refuse cycles; never loop on one anyway
        at: uuid.UUID | None = location_id
        while at is not None and at in totals and at not in seen:
            seen.add(at)
            totals[at] += n
            at = parent_of[at]
    return [
        LocationRow(
            r.id, r.parent_id, r.name, r.kind, r.code, r.version, counts.get(r.id, 0), totals[r.id]
        )
        for r in rows
    ]


def location_paths(rows: list[LocationRow]) -> dict[uuid.UUID, str]:
    """Each location's full path, root first (cycles cannot occur: moves refuse them)."""
    by_id = {r.id: r for r in rows}
    paths: dict[uuid.UUID, str] = {}

    def path(row: LocationRow) -> str:
        if row.id not in paths:
            parent = by_id.get(row.parent_id) if row.parent_id else None
            paths[row.id] = (path(parent) + PATH_SEPARATOR if parent else "") + row.name
        return paths[row.id]

    for row in rows:
        path(row)
    return paths


def list_categories(session: Session) -> list[CategoryRow]:
    counts = _counts(session, Asset.category_id)
    return [
        CategoryRow(
            r.id,
            r.name,
            r.tag_prefix,
            r.audit_interval_days,
            tuple(r.custom_fields or ()),
            r.version,
            counts.get(r.id, 0),
        )
        for r in session.execute(select(Category).order_by(Category.name)).scalars()
    ]


def list_manufacturers(session: Session) -> list[ManufacturerRow]:
    counts = _counts(session, AssetModel.manufacturer_id)
    return [
        ManufacturerRow(r.id, r.name, r.version, counts.get(r.id, 0))
        for r in session.execute(select(Manufacturer).order_by(Manufacturer.name)).scalars()
    ]


def list_models(session: Session, manufacturer_id: uuid.UUID | None = None) -> list[ModelRow]:
    query = (
        select(AssetModel, Category.name)
        .outerjoin(Category, Category.id == AssetModel.category_id)
        .join(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
        .order_by(Manufacturer.name, AssetModel.name)
    )
    if manufacturer_id is not None:
        query = query.where(AssetModel.manufacturer_id == manufacturer_id)
    return [
        ModelRow(
            m.id,
            m.manufacturer_id,
            m.manufacturer.name,
            m.name,
            m.model_number or "",
            m.category_id,
            category or "",
            m.version,
        )
        for m, category in session.execute(query)
    ]


def list_suppliers(session: Session) -> list[SupplierRow]:
    return [
        SupplierRow(r.id, r.name, r.contact or "", r.version)
        for r in session.execute(select(Supplier).order_by(Supplier.name)).scalars()
    ]


def list_people(session: Session, *, active_only: bool = False) -> list[PersonRow]:
    query = select(Person).order_by(Person.name)
    if active_only:
        query = query.where(Person.active.is_(True))
    return [
        PersonRow(
            p.id,
            p.name,
            p.username,
            p.email or "",
            p.active,
            tuple(sorted(r.name for r in p.roles)),
            tuple(g.id for g in p.groups),
            p.version,
        )
        for p in session.execute(query).scalars()
    ]


def list_groups(session: Session) -> list[GroupRow]:
    members: dict[uuid.UUID, list[uuid.UUID]] = {}
    for person_id, group_id in session.execute(
        select(group_memberships.c.person_id, group_memberships.c.group_id)
    ):
        members.setdefault(group_id, []).append(person_id)
    return [
        GroupRow(g.id, g.name, tuple(members.get(g.id, ())), g.version)
        for g in session.execute(select(Group).order_by(Group.name)).scalars()
    ]


@dataclass(frozen=True)
class Choice:
    """One entry of a form's pick list."""

    id: uuid.UUID
    label: str
    detail: str = ""


@dataclass(frozen=True)
class ReferenceChoices:
    """Everything a procedure form's pick lists offer, by field type."""

    by_type: dict[FieldType, tuple[Choice, ...]]
    category_fields: dict[uuid.UUID, tuple[dict[str, Any], ...]]
    #: Each model's category (None: a model of no category, fit for any).
    model_categories: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)

    def models_for(self, category_id: uuid.UUID | None) -> tuple[Choice, ...]:
        """The models an asset of ``category_id`` may have: its own and those of no
        category (every model when no category is chosen yet)."""
        models = self.by_type.get(FieldType.MODEL, ())
        if category_id is None:
            return models
        return tuple(m for m in models if self.model_categories.get(m.id) in (None, category_id))

    def label(self, type_: FieldType, ref_id: uuid.UUID | None) -> str:
        if ref_id is None:
            return ""
        for choice in self.by_type.get(type_, ()):
            if choice.id == ref_id:
                return choice.label
        return ""


def reference_choices(session: Session) -> ReferenceChoices:
    """Pick lists for forms: active people only; locations by their full path."""
    locations = list_locations(session)
    paths = location_paths(locations)
    categories = list_categories(session)
    models = list_models(session)
    return ReferenceChoices(
        by_type={
            FieldType.CATEGORY: tuple(Choice(c.id, c.name, c.tag_prefix) for c in categories),
            FieldType.MODEL: tuple(
                # Labelled as an asset of the model is named when it is given no name.
                Choice(m.id, name_after_model(m.manufacturer, m.name), m.model_number)
                for m in models
            ),
            FieldType.LOCATION: tuple(
                sorted(
                    (Choice(r.id, paths[r.id], r.code) for r in locations),
                    key=lambda c: c.label.lower(),
                )
            ),
            FieldType.PERSON: tuple(
                Choice(p.id, p.name, p.username) for p in list_people(session, active_only=True)
            ),
            FieldType.GROUP: tuple(Choice(g.id, g.name) for g in list_groups(session)),
            FieldType.SUPPLIER: tuple(Choice(s.id, s.name) for s in list_suppliers(session)),
        },
        category_fields={c.id: c.custom_fields for c in categories},
        model_categories={m.id: m.category_id for m in models},
    )
