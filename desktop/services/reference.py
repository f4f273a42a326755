"""Reference data: categories, locations, people, groups, manufacturers, models, suppliers.

Each function opens its own transaction through a ``Database`` or works inside a given
session (``*_in`` variants are for bulk work such as demo data and imports).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
from desktop.errors import NotFoundError, Problem, ValidationError
from desktop.storage.models import (
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    Role,
    Supplier,
    TagSequence,
)

LOCATION_KINDS = ("site", "building", "floor", "room", "rack")
ROLE_NAMES = ("technician", "approver", "auditor", "administrator")
CUSTOM_FIELD_TYPES = ("text", "number", "date", "yesno", "choice")


def _require(value: str, field: str, label: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(Problem(field, f"{label} is required"))
    if len(text) > max_length:
        raise ValidationError(Problem(field, f"{label} is longer than {max_length} characters"))
    return text


def _unique(
    session: Session, model: type[Any], column: Any, value: str, field: str, label: str
) -> None:
    exists = session.execute(select(model.id).where(func.lower(column) == value.lower())).first()
    if exists is not None:
        raise ValidationError(Problem(field, f"{label} '{value}' exists already"))


def create_category(
    session: Session,
    *,
    name: str,
    tag_prefix: str,
    audit_interval_days: int | None = 365,
    custom_fields: Iterable[dict[str, Any]] = (),
) -> Category:
    name = _require(name, "name", "Category name", 100)
    prefix = _require(tag_prefix, "tag_prefix", "Tag prefix", 16).upper()
    if not prefix.isalnum():
        raise ValidationError(
            Problem("tag_prefix", f"the tag prefix '{prefix}' may hold only letters and digits")
        )
    if audit_interval_days is not None and audit_interval_days <= 0:
        raise ValidationError(
            Problem("audit_interval_days", "the audit interval must be a positive number of days")
        )
    fields = [validate_custom_field(d) for d in custom_fields]
    keys = [f["key"] for f in fields]
    if len(keys) != len(set(keys)):
        raise ValidationError(Problem("custom_fields", "two custom fields have the same key"))
    _unique(session, Category, Category.name, name, "name", "the category")
    _unique(session, Category, Category.tag_prefix, prefix, "tag_prefix", "the tag prefix")
    category = Category(
        name=name, tag_prefix=prefix, audit_interval_days=audit_interval_days, custom_fields=fields
    )
    session.add(category)
    if session.get(TagSequence, prefix) is None:
        session.add(TagSequence(prefix=prefix, next_value=1))
    session.flush()
    return category


def validate_custom_field(definition: dict[str, Any]) -> dict[str, Any]:
    key = str(definition.get("key", "")).strip()
    if not key or not key.replace("_", "").isalnum():
        raise ValidationError(
            Problem("custom_fields", f"custom field key {key!r} must be letters, digits or _")
        )
    type_ = definition.get("type", "text")
    if type_ not in CUSTOM_FIELD_TYPES:
        raise ValidationError(
            Problem("custom_fields", f"custom field {key}: unknown type {type_!r}")
        )
    result = {
        "key": key,
        "label": str(definition.get("label") or key.replace("_", " ").capitalize()),
        "type": type_,
        "required": bool(definition.get("required", False)),
    }
    if type_ == "choice":
        choices = [str(c) for c in definition.get("choices", [])]
        if not choices:
            raise ValidationError(
                Problem("custom_fields", f"custom field {key}: a choice needs choices")
            )
        result["choices"] = choices
    return result


def create_location(
    session: Session,
    *,
    name: str,
    kind: str = "room",
    parent_id: uuid.UUID | None = None,
    code: str | None = None,
) -> Location:
    name = _require(name, "name", "Location name", 150)
    if kind not in LOCATION_KINDS:
        raise ValidationError(
            Problem("kind", f"{kind!r} is not one of {', '.join(LOCATION_KINDS)}")
        )
    if parent_id is not None and session.get(Location, parent_id) is None:
        raise NotFoundError(f"there is no location with id {parent_id}")
    location_id = uuid.uuid4()
    code = (code or f"LOC-{location_id.hex[:8].upper()}").strip()
    if session.execute(select(Location.id).where(Location.code_key == normalize_tag(code))).first():
        raise ValidationError(Problem("code", f"the location code '{code}' is already used"))
    location = Location(
        id=location_id,
        name=name,
        kind=kind,
        parent_id=parent_id,
        code=code,
        code_key=normalize_tag(code),
    )
    session.add(location)
    session.flush()
    return location


def subtree_location_ids(session: Session, root_id: uuid.UUID) -> list[uuid.UUID]:
    """``root_id`` and every location below it (a recursive query on every backend)."""
    tree = select(Location.id).where(Location.id == root_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Location.id).where(Location.parent_id == tree.c.id))
    return list(session.execute(select(tree.c.id)).scalars())


def move_location(
    session: Session, *, location_id: uuid.UUID, new_parent_id: uuid.UUID | None
) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise NotFoundError(f"there is no location with id {location_id}")
    if new_parent_id is not None and new_parent_id in subtree_location_ids(session, location_id):
        raise ValidationError(Problem("parent", f"'{location.name}' cannot be moved below itself"))
    location.parent_id = new_parent_id
    session.flush()
    return location


def create_group(session: Session, *, name: str) -> Group:
    name = _require(name, "name", "Group name", 100)
    _unique(session, Group, Group.name, name, "name", "the group")
    group = Group(name=name)
    session.add(group)
    session.flush()
    return group


def role(session: Session, name: str) -> Role:
    found = session.execute(select(Role).where(Role.name == name)).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"there is no role '{name}' (roles: {', '.join(ROLE_NAMES)})")
    return found


def create_person(
    session: Session,
    *,
    name: str,
    username: str,
    email: str | None = None,
    groups: Iterable[Group] = (),
    roles: Iterable[str] = (),
) -> Person:
    name = _require(name, "name", "Name", 150)
    username = _require(username, "username", "User name", 100)
    if email and "@" not in email:
        raise ValidationError(Problem("email", f"'{email}' is not an e-mail address"))
    _unique(session, Person, Person.username, username, "username", "the user name")
    person = Person(name=name, username=username, email=email or None, active=True)
    person.groups = list(groups)
    person.roles = [role(session, r) for r in roles]
    session.add(person)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent client took the name first
        raise ValidationError(
            Problem("username", f"the user name '{username}' exists already")
        ) from exc
    return person


def create_manufacturer(session: Session, *, name: str) -> Manufacturer:
    name = _require(name, "name", "Manufacturer", 100)
    _unique(session, Manufacturer, Manufacturer.name, name, "name", "the manufacturer")
    manufacturer = Manufacturer(name=name)
    session.add(manufacturer)
    session.flush()
    return manufacturer


def create_model(
    session: Session,
    *,
    manufacturer: Manufacturer,
    name: str,
    model_number: str | None = None,
    category: Category | None = None,
) -> AssetModel:
    name = _require(name, "name", "Model name", 150)
    exists = session.execute(
        select(AssetModel.id).where(
            AssetModel.manufacturer_id == manufacturer.id,
            func.lower(AssetModel.name) == name.lower(),
        )
    ).first()
    if exists:
        raise ValidationError(Problem("name", f"{manufacturer.name} {name} exists already"))
    model = AssetModel(
        manufacturer=manufacturer,
        name=name,
        model_number=model_number,
        category_id=category.id if category else None,
    )
    session.add(model)
    session.flush()
    return model


def create_supplier(session: Session, *, name: str, contact: str | None = None) -> Supplier:
    name = _require(name, "name", "Supplier", 150)
    _unique(session, Supplier, Supplier.name, name, "name", "the supplier")
    supplier = Supplier(name=name, contact=contact)
    session.add(supplier)
    session.flush()
    return supplier
