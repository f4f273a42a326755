"""Reference data: categories, locations, people, groups, manufacturers, models, suppliers.

Each function opens its own transaction through a ``Database`` or works inside a given
session (``*_in`` variants are for bulk work such as demo data and imports).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.permissions import Work
from desktop.domain.tags import normalize_tag
from desktop.errors import ConflictError, FieldConflict, NotFoundError, Problem, ValidationError
from desktop.services.permissions import doing
from desktop.storage.database import Database
from desktop.storage.models import (
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    PersonLogin,
    Role,
    Supplier,
    TagSequence,
)
from desktop.storage.types import utcnow
from desktop.wording import plural

LOCATION_KINDS = ("site", "building", "floor", "room", "rack")
#: The kind of location that stands inside a room (a rack, a shelf): an audit walks the
#: room, not each rack, so a room with racks below it is one room to scan in.
IN_A_ROOM = "rack"
ROLE_NAMES = ("technician", "approver", "auditor", "administrator")
CUSTOM_FIELD_TYPES = ("text", "number", "date", "yesno", "choice")


def administer(db: Database, username: str) -> AbstractContextManager[Session]:
    """A write transaction for reference data, refused unless ``username`` is an administrator.

    The functions below work inside a given session (bulk work such as demo data and
    imports calls them directly); a person editing reference data does it through this.
    """
    return doing(db, username, Work.REFERENCE_DATA)


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


def _flush_new(session: Session, field: str, taken: str, verb: str = "exists already") -> None:
    """Write the new row whose names :func:`_unique` found free. A client that took the same
    name between that check and this write (both unaware of each other until the first
    commits) gets the check's own refusal, not the driver's duplicate-key error."""
    try:
        session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise ValidationError(Problem(field, f"{taken} {verb}")) from exc


def is_unique_violation(exc: IntegrityError) -> bool:
    """Whether ``exc`` is a duplicate key (not a missing reference or a NULL)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL
        return True
    args = getattr(orig, "args", ())
    if args and args[0] == 1062:  # MariaDB: ER_DUP_ENTRY
        return True
    return "UNIQUE constraint failed" in str(orig)  # SQLite


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
    counter = session.get(TagSequence, prefix)  # before the add: a get flushes what is added
    session.add(category)
    if counter is None:
        session.add(TagSequence(prefix=prefix, next_value=1))
    _flush_new(session, "name", f"the category '{name}' or the tag prefix '{prefix}'")
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
    _flush_new(session, "code", f"the location code '{code}'", "is already used")
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
    _flush_new(session, "name", f"the group '{name}'")
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
    _flush_new(session, "username", f"the user name '{username}'")
    return person


def username_from_name(name: str) -> str:
    """The user name of a person known by a name alone: "Maria Lopez" → "maria.lopez";
    "Lopez, Maria" (a register's "Surname, Name") → "maria.lopez", not "lopez,.maria"."""
    surname, comma, given = name.partition(",")
    if comma and "," not in given and surname.strip() and given.strip():
        name = f"{given} {surname}"
    return ".".join(name.replace(",", " ").split()).lower() or "person"


def unused_username(session: Session, wanted: str) -> str:
    """``wanted``, numbered from 2 ("maria.lopez2") if a person has it already, case
    ignored."""
    base = wanted[:90]
    username, n = base, 1
    while session.execute(
        select(Person.id).where(func.lower(Person.username) == username.lower())
    ).first():
        n += 1
        username = f"{base}{n}"
    return username


def create_manufacturer(session: Session, *, name: str) -> Manufacturer:
    name = _require(name, "name", "Manufacturer", 100)
    _unique(session, Manufacturer, Manufacturer.name, name, "name", "the manufacturer")
    manufacturer = Manufacturer(name=name)
    session.add(manufacturer)
    _flush_new(session, "name", f"the manufacturer '{name}'")
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
    _flush_new(session, "name", f"the supplier '{name}'")
    return supplier


# -- editing reference data (the reference data dialogs) ------------------------------
#
# Every edit names the version the user saw; a row that moved on since then is a
# conflict showing both values, never a silent overwrite. Deleting is only possible
# while nothing refers to the row (assets, procedures, audits, other rows).

_Row = TypeVar("_Row")

_TABLE_WORDS = {
    "assets": "asset",
    "locations": "location below it|locations below it",
    "asset_models": "model",
    "procedures": "procedure",
    "procedure_templates": "procedure template",
    "audits": "audit",
    "audit_expected": "audit entry",
    "audit_scans": "audit scan",
    "incidents": "incident",
    "incident_events": "incident event",
    "approvals": "approval",
    "group_memberships": "member",
    "person_roles": "role",
}


def _check_version(
    row: Any, expected_version: int | None, subject: str, yours: dict[str, Any]
) -> None:
    """Raise a conflict naming every field whose value differs from the caller's."""
    if expected_version is None or row.version == expected_version:
        return
    conflicts = [
        FieldConflict(field, _plain(value), _plain(getattr(row, field, None)))
        for field, value in yours.items()
        if _plain(value) != _plain(getattr(row, field, None))
    ]
    raise ConflictError(
        subject=subject,
        expected_version=expected_version,
        current_version=row.version,
        conflicts=conflicts,
    )


def _plain(value: object) -> object:
    return str(value) if isinstance(value, uuid.UUID) else value


def _get(session: Session, model: type[_Row], row_id: uuid.UUID, what: str) -> _Row:
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"there is no {what} with id {row_id} (someone may have deleted it)")
    return row


def usage(session: Session, model: type[Any], row_id: uuid.UUID) -> dict[str, int]:
    """How many rows of each table refer to ``row_id`` (found through the foreign keys)."""
    target = model.__table__
    counts: dict[str, int] = {}
    for table in target.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target:
                continue
            n = session.execute(
                select(func.count()).select_from(table).where(fk.parent == row_id)
            ).scalar_one()
            if n:
                counts[table.name] = counts.get(table.name, 0) + int(n)
    return counts


def _refuse_if_used(session: Session, model: type[Any], row_id: uuid.UUID, subject: str) -> None:
    used = usage(session, model, row_id)
    if used:
        words = ", ".join(plural(n, _TABLE_WORDS.get(t, t)) for t, n in sorted(used.items()))
        raise ValidationError(
            Problem("delete", f"{subject} cannot be deleted: it is still used by {words}")
        )


def _unique_other(
    session: Session,
    model: type[Any],
    column: Any,
    value: str,
    row_id: uuid.UUID,
    field: str,
    label: str,
) -> None:
    exists = session.execute(
        select(model.id).where(func.lower(column) == value.lower(), model.id != row_id)
    ).first()
    if exists is not None:
        raise ValidationError(Problem(field, f"{label} '{value}' exists already"))


def update_location(
    session: Session,
    *,
    location_id: uuid.UUID,
    expected_version: int | None,
    name: str,
    kind: str,
    code: str,
) -> Location:
    location = _get(session, Location, location_id, "location")
    _check_version(
        location,
        expected_version,
        f"location '{location.name}'",
        {"name": name, "kind": kind, "code": code},
    )
    name = _require(name, "name", "Location name", 150)
    code = _require(code, "code", "Location code", 64)
    if kind not in LOCATION_KINDS:
        raise ValidationError(
            Problem("kind", f"{kind!r} is not one of {', '.join(LOCATION_KINDS)}")
        )
    taken = session.execute(
        select(Location.id).where(
            Location.code_key == normalize_tag(code), Location.id != location_id
        )
    ).first()
    if taken:
        raise ValidationError(Problem("code", f"the location code '{code}' is already used"))
    location.name, location.kind, location.code = name, kind, code
    location.code_key = normalize_tag(code)
    session.flush()
    return location


def move_location_checked(
    session: Session,
    *,
    location_id: uuid.UUID,
    new_parent_id: uuid.UUID | None,
    expected_version: int | None,
) -> Location:
    """:func:`move_location` for a user's drag: refuses a location that changed meanwhile."""
    location = _get(session, Location, location_id, "location")
    _check_version(
        location, expected_version, f"location '{location.name}'", {"parent_id": new_parent_id}
    )
    if new_parent_id is not None:
        _get(session, Location, new_parent_id, "location")
    return move_location(session, location_id=location_id, new_parent_id=new_parent_id)


def delete_location(session: Session, *, location_id: uuid.UUID) -> None:
    location = _get(session, Location, location_id, "location")
    _refuse_if_used(session, Location, location_id, f"the location '{location.name}'")
    session.delete(location)
    session.flush()


def update_category(
    session: Session,
    *,
    category_id: uuid.UUID,
    expected_version: int | None,
    name: str,
    tag_prefix: str,
    audit_interval_days: int | None,
    custom_fields: Iterable[dict[str, Any]],
) -> Category:
    category = _get(session, Category, category_id, "category")
    fields = [validate_custom_field(d) for d in custom_fields]
    _check_version(
        category,
        expected_version,
        f"category '{category.name}'",
        {
            "name": name,
            "tag_prefix": tag_prefix,
            "audit_interval_days": audit_interval_days,
            "custom_fields": fields,
        },
    )
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
    keys = [f["key"] for f in fields]
    if len(keys) != len(set(keys)):
        raise ValidationError(Problem("custom_fields", "two custom fields have the same key"))
    _unique_other(session, Category, Category.name, name, category_id, "name", "the category")
    _unique_other(
        session, Category, Category.tag_prefix, prefix, category_id, "tag_prefix", "the tag prefix"
    )
    category.name, category.tag_prefix = name, prefix
    category.audit_interval_days = audit_interval_days
    category.custom_fields = fields
    if session.get(TagSequence, prefix) is None:
        session.add(TagSequence(prefix=prefix, next_value=1))
    session.flush()
    return category


def delete_category(session: Session, *, category_id: uuid.UUID) -> None:
    category = _get(session, Category, category_id, "category")
    _refuse_if_used(session, Category, category_id, f"the category '{category.name}'")
    session.delete(category)
    session.flush()


def update_manufacturer(
    session: Session, *, manufacturer_id: uuid.UUID, expected_version: int | None, name: str
) -> Manufacturer:
    row = _get(session, Manufacturer, manufacturer_id, "manufacturer")
    _check_version(row, expected_version, f"manufacturer '{row.name}'", {"name": name})
    name = _require(name, "name", "Manufacturer", 100)
    _unique_other(
        session, Manufacturer, Manufacturer.name, name, row.id, "name", "the manufacturer"
    )
    row.name = name
    session.flush()
    return row


def delete_manufacturer(session: Session, *, manufacturer_id: uuid.UUID) -> None:
    row = _get(session, Manufacturer, manufacturer_id, "manufacturer")
    _refuse_if_used(session, Manufacturer, row.id, f"the manufacturer '{row.name}'")
    session.delete(row)
    session.flush()


def update_model(
    session: Session,
    *,
    model_id: uuid.UUID,
    expected_version: int | None,
    name: str,
    model_number: str | None,
    category_id: uuid.UUID | None,
) -> AssetModel:
    row = _get(session, AssetModel, model_id, "model")
    _check_version(
        row,
        expected_version,
        f"model '{row.manufacturer.name} {row.name}'",
        {"name": name, "model_number": model_number or None, "category_id": category_id},
    )
    name = _require(name, "name", "Model name", 150)
    if category_id is not None:
        _get(session, Category, category_id, "category")
    exists = session.execute(
        select(AssetModel.id).where(
            AssetModel.manufacturer_id == row.manufacturer_id,
            func.lower(AssetModel.name) == name.lower(),
            AssetModel.id != row.id,
        )
    ).first()
    if exists:
        raise ValidationError(Problem("name", f"{row.manufacturer.name} {name} exists already"))
    row.name = name
    row.model_number = (model_number or "").strip() or None
    row.category_id = category_id
    session.flush()
    return row


def delete_model(session: Session, *, model_id: uuid.UUID) -> None:
    row = _get(session, AssetModel, model_id, "model")
    _refuse_if_used(session, AssetModel, row.id, f"the model '{row.manufacturer.name} {row.name}'")
    session.delete(row)
    session.flush()


def update_supplier(
    session: Session,
    *,
    supplier_id: uuid.UUID,
    expected_version: int | None,
    name: str,
    contact: str | None,
) -> Supplier:
    row = _get(session, Supplier, supplier_id, "supplier")
    _check_version(
        row, expected_version, f"supplier '{row.name}'", {"name": name, "contact": contact or None}
    )
    name = _require(name, "name", "Supplier", 150)
    _unique_other(session, Supplier, Supplier.name, name, row.id, "name", "the supplier")
    row.name = name
    row.contact = (contact or "").strip()[:300] or None
    session.flush()
    return row


def delete_supplier(session: Session, *, supplier_id: uuid.UUID) -> None:
    row = _get(session, Supplier, supplier_id, "supplier")
    _refuse_if_used(session, Supplier, row.id, f"the supplier '{row.name}'")
    session.delete(row)
    session.flush()


def update_person(
    session: Session,
    *,
    person_id: uuid.UUID,
    expected_version: int | None,
    name: str,
    username: str,
    email: str | None,
    active: bool,
    roles: Iterable[str],
) -> Person:
    """Edit a person; ``active=False`` deactivates them (people are never deleted: history
    names them)."""
    person = _get(session, Person, person_id, "person")
    role_list = sorted(set(roles))
    _check_version(
        person,
        expected_version,
        f"person '{person.name}'",
        {"name": name, "username": username, "email": email or None, "active": active},
    )
    name = _require(name, "name", "Name", 150)
    username = _require(username, "username", "User name", 100)
    if email and "@" not in email:
        raise ValidationError(Problem("email", f"'{email}' is not an e-mail address"))
    _unique_other(
        session, Person, Person.username, username, person.id, "username", "the user name"
    )
    if (
        sorted(r.name for r in person.roles) != role_list
        and session.get_bind().dialect.name != "sqlite"
        and session.get(PersonLogin, person.id) is not None
    ):
        raise ValidationError(
            Problem(
                "roles",
                f"{person.name} has a database login: change their roles with 'assetdesk "
                "users set-role' or on the Users and logins page, so that the database "
                "grants change with them",
            )
        )
    person.name, person.username = name, username
    person.email = (email or "").strip() or None
    person.active = active
    person.roles = [role(session, r) for r in role_list]
    # A change of roles alone touches only the link table: bump the version explicitly so
    # that another client editing this person sees the conflict.
    person.updated_at = utcnow()
    session.flush()
    return person


def set_person_active(
    session: Session, *, person_id: uuid.UUID, expected_version: int | None, active: bool
) -> Person:
    person = _get(session, Person, person_id, "person")
    _check_version(person, expected_version, f"person '{person.name}'", {"active": active})
    person.active = active
    session.flush()
    return person


def rename_group(
    session: Session, *, group_id: uuid.UUID, expected_version: int | None, name: str
) -> Group:
    group = _get(session, Group, group_id, "group")
    _check_version(group, expected_version, f"group '{group.name}'", {"name": name})
    name = _require(name, "name", "Group name", 100)
    _unique_other(session, Group, Group.name, name, group.id, "name", "the group")
    group.name = name
    session.flush()
    return group


def set_group_members(
    session: Session,
    *,
    group_id: uuid.UUID,
    expected_version: int | None,
    person_ids: Iterable[uuid.UUID],
) -> Group:
    """Make exactly ``person_ids`` the group's members (the group's version moves on)."""
    group = _get(session, Group, group_id, "group")
    wanted = set(person_ids)
    _check_version(group, expected_version, f"group '{group.name}'", {})
    people = {
        p.id: p for p in session.execute(select(Person).where(Person.id.in_(wanted))).scalars()
    }
    missing = wanted - set(people)
    if missing:
        raise NotFoundError(f"there is no person with id {sorted(missing, key=str)[0]}")
    current = session.execute(
        select(Person).join(Person.groups).where(Group.id == group.id)
    ).scalars()
    for person in current:
        if person.id not in wanted:
            person.groups = [g for g in person.groups if g.id != group.id]
    for person in people.values():
        if all(g.id != group.id for g in person.groups):
            person.groups = [*person.groups, group]
    group.updated_at = utcnow()
    session.flush()
    return group


def delete_group(session: Session, *, group_id: uuid.UUID) -> None:
    group = _get(session, Group, group_id, "group")
    _refuse_if_used(session, Group, group.id, f"the group '{group.name}'")
    session.delete(group)
    session.flush()
