"""Asset field values: validation, storage form, and the words history shows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.fields import (
    CUSTOM_PREFIX,
    FIELDS_BY_KEY,
    REFERENCE_TYPES,
    AssetField,
    FieldType,
    plain_text,
)
from desktop.domain.lifecycle import AssetStatus
from desktop.domain.tags import tag_problem
from desktop.errors import Problem
from desktop.storage.folding import matching_choice
from desktop.storage.models import AssetModel, Category, Group, Location, Person, Supplier
from desktop.storage.models.base import Base

REFERENCE_MODELS: dict[FieldType, type[Base]] = {
    FieldType.CATEGORY: Category,
    FieldType.MODEL: AssetModel,
    FieldType.LOCATION: Location,
    FieldType.PERSON: Person,
    FieldType.GROUP: Group,
    FieldType.SUPPLIER: Supplier,
}
MAX_MONEY = Decimal("9999999999.99")


def reference_text(session: Session, type_: FieldType, ref_id: uuid.UUID | None) -> str:
    """The name history and forms show for a referenced row."""
    if ref_id is None:
        return ""
    row: Any = session.get(REFERENCE_MODELS[type_], ref_id)
    if row is None:
        return str(ref_id)
    if isinstance(row, AssetModel):
        return f"{row.manufacturer.name} {row.name}".strip()
    return str(row.name)


def coerce_asset_value(
    session: Session, spec: AssetField, value: object
) -> tuple[object, Problem | None]:
    """Validate ``value`` for asset field ``spec``; returns the column value or a problem."""
    label = spec.label
    if value is None or (isinstance(value, str) and not value.strip()):
        return ("" if spec.key in ("name", "notes") else None), None
    match spec.type:
        case FieldType.TEXT | FieldType.LONG_TEXT:
            if not isinstance(value, str):
                return None, Problem(spec.key, f"{label}: expected text, got {value!r}")
            text = value.strip() if spec.type is FieldType.TEXT else value.rstrip()
            if spec.max_length and len(text) > spec.max_length:
                return None, Problem(
                    spec.key, f"{label} is longer than {spec.max_length} characters"
                )
            if spec.key == "tag" and (problem := tag_problem(text)):
                return None, Problem("tag", problem)
            return text, None
        case FieldType.DATE:
            return coerce_date(spec.key, label, value)
        case FieldType.DATETIME:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                return value, None
            return None, Problem(
                spec.key, f"{label}: expected a date and time with its zone, got {value!r}"
            )
        case FieldType.MONEY:
            return coerce_money(spec.key, label, value)
        case FieldType.STATUS:
            try:
                return AssetStatus(str(value)).value, None
            except ValueError:
                names = ", ".join(s.value for s in AssetStatus)
                return None, Problem(spec.key, f"{label}: {value!r} is not a status ({names})")
        case _ if spec.type in REFERENCE_TYPES:
            try:
                ref_id = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
            except ValueError:
                return None, Problem(
                    spec.key, f"{label}: {value!r} is not a known {spec.type.value}"
                )
            row: Any = session.get(REFERENCE_MODELS[spec.type], ref_id)
            if row is None:
                return None, Problem(spec.key, f"{label}: no {spec.type.value} with id {ref_id}")
            if isinstance(row, Person) and not row.active:
                return None, Problem(spec.key, f"{label}: {row.name} is no longer active")
            return ref_id, None
    return None, Problem(spec.key, f"{label}: cannot be set here")  # pragma: no cover


def coerce_date(key: str, label: str, value: object) -> tuple[dt.date | None, Problem | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    try:
        return dt.date.fromisoformat(str(value).strip()), None
    except ValueError:
        return None, Problem(key, f"{label}: {value!r} is not a date (YYYY-MM-DD)")


def coerce_money(key: str, label: str, value: object) -> tuple[Decimal | None, Problem | None]:
    if isinstance(value, bool):
        return None, Problem(key, f"{label}: {value!r} is not an amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None, Problem(key, f"{label}: {value!r} is not an amount")
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        return None, Problem(key, f"{label}: {value!r} is not an amount between 0 and {MAX_MONEY}")
    return amount.quantize(Decimal("0.01")), None


def coerce_custom_value(definition: dict[str, Any], value: object) -> tuple[object, Problem | None]:
    """Validate a custom field value against its category's definition (JSON-storable result)."""
    key = CUSTOM_PREFIX + definition["key"]
    label = definition.get("label", definition["key"])
    if value is None or (isinstance(value, str) and not value.strip()):
        if definition.get("required"):
            return None, Problem(key, f"{label} is required")
        return None, None
    type_ = definition.get("type", "text")
    if type_ == "number":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None, Problem(key, f"{label}: {value!r} is not a number")
        return (int(number) if number == number.to_integral_value() else float(number)), None
    if type_ == "date":
        date, problem = coerce_date(key, label, value)
        return (date.isoformat() if date else None), problem
    if type_ == "yesno":
        if isinstance(value, bool):
            return value, None
        return None, Problem(key, f"{label}: expected yes or no, got {value!r}")
    if type_ == "choice":
        choices = definition.get("choices", [])
        choice = matching_choice(value, choices)
        if choice is None:
            return None, Problem(key, f"{label}: {value!r} is not one of {', '.join(choices)}")
        return choice, None
    if not isinstance(value, str):
        return None, Problem(key, f"{label}: expected text, got {value!r}")
    return value.strip()[:1000], None


def json_value(value: object) -> object:
    """A column value as JSON for the procedure's before/after record."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def display_text(session: Session, key: str, value: object) -> str:
    """How a value reads in history and conflict messages."""
    if value is None or value == "":
        return ""
    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.type in REFERENCE_TYPES:
        ref = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        return reference_text(session, spec.type, ref)
    if spec is not None and spec.type is FieldType.STATUS:
        return AssetStatus(str(value)).label
    return plain_text(value)
