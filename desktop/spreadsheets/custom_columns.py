"""Columns nobody recognises, made custom fields: typed from their values, added to the
categories of the rows that give them a value.

A register's "EOL Date", "Company" or "Cost centre" has no asset field. Kept as a custom
field it stays searchable and typed: a column whose every value is a date becomes a date
field, every value a number a number field, yes/no words a yes/no field, else text.
The commit adds the definition (not required) to each category that needs it, through
the same service an administrator uses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from desktop.spreadsheets import cells as parse
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.columns import ColumnMapping
from desktop.spreadsheets.dates import read_date
from desktop.spreadsheets.mapping import NEW_CUSTOM, TOOL_FIELD_LABELS, TOOL_FIELD_TEXT

_NUMBER = re.compile(r"^\s*[-+]?[€$£]?\s*\d[\d,.' ]*\s*(?:[€$£]|[A-Z]{3})?\s*$")
_DATE_LIKE = re.compile(
    r"\d{1,4}[./\-\s]\d{1,2}[./\-\s]\d{1,4}|[A-Za-z]{3,9}\.?[\s\-./]\d|\d[\s\-./][A-Za-z]{3}"
)
_YES_NO = frozenset({"yes", "no", "y", "n", "true", "false", "ja", "nein", "oui", "non"})


@dataclass(frozen=True)
class NewField:
    """A custom field a column becomes: its key, label (the header) and type."""

    key: str
    label: str
    type: str

    def definition(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "type": self.type, "required": False}


def infer_type(values: Sequence[object], order: DateOrder) -> str:
    """date, number, yesno or text: the narrowest type every non-empty value fits."""
    filled = [v for v in values if v is not None and str(v).strip()]
    if not filled:
        return "text"
    if all(_is_date(v, order) for v in filled):
        return "date"
    if all(_is_number(v) for v in filled):
        return "number"
    if all(isinstance(v, bool) or str(v).strip().casefold() in _YES_NO for v in filled):
        return "yesno"
    return "text"


def _is_date(value: object, order: DateOrder) -> bool:
    if isinstance(value, dt.date):
        return True
    if not isinstance(value, str) or not _DATE_LIKE.search(value):
        return False
    try:
        read_date(value, order)
    except ValueError:
        return order is not DateOrder.MDY and _is_date_mdy(value)
    return True


def _is_date_mdy(value: str) -> bool:
    try:
        read_date(value, DateOrder.MDY)
    except ValueError:
        return False
    return True


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if not _NUMBER.match(str(value)):
        return False
    try:
        parse.parse_amount(value)
    except ValueError:
        return False
    return True


def new_fields(
    rows: Sequence[Sequence[object]], first: int, mapping: ColumnMapping, order: DateOrder
) -> dict[str, NewField]:
    """The new custom fields of a mapping, by target, typed from their columns' values."""
    result = {}
    for column, target in enumerate(mapping.targets):
        if not target.startswith(NEW_CUSTOM):
            continue
        values = [r[column] for r in rows[first:] if column < len(r)]
        key = target[len(NEW_CUSTOM) :]
        label = TOOL_FIELD_LABELS.get(key, mapping.headers[column])
        kind = "text" if key in TOOL_FIELD_TEXT else infer_type(values, order)
        result[target] = NewField(key, label, kind)
    return result


def new_value(
    field: NewField,
    raw: object,
    read: Callable[[object], object],
    decimal_mark: str | None = None,
) -> object:
    """One cell as the JSON value the field stores; raises ValueError with a message."""
    if raw is None or not str(raw).strip():
        return None
    if field.type == "date":
        value = read(raw)
        return value.isoformat() if isinstance(value, dt.date) else value
    if field.type == "number":
        amount = parse.parse_amount(raw, decimal_mark)
        return int(amount) if amount == amount.to_integral_value() else float(amount)
    if field.type == "yesno":
        return parse.parse_yes_no(raw)
    return (parse.clean_text(raw) or "")[:1000]


def add_new_custom_fields(
    session: Session, plan: object, category_of: Callable[[Any], object]
) -> list[str]:
    """Add the plan's new custom fields to the categories of the rows that use them
    (before the assets are written; ``category_of(row)``: the row's category id, a new
    category's once created). Returns "Category: label" for each one added."""
    from desktop.services import reference
    from desktop.spreadsheets.model import ImportPlan, RowAction
    from desktop.storage.models import Category

    assert isinstance(plan, ImportPlan)
    fields = {f.key: f for f in plan.report.new_fields.values()}
    if not fields:
        return []
    needed: dict[object, set[str]] = {}
    for row in plan.rows:
        if row.action not in (RowAction.CREATE, RowAction.UPDATE):
            continue
        category_id = category_of(row)
        if category_id:
            keys = {k for k, v in row.custom.items() if k in fields and v is not None}
            if keys:
                needed.setdefault(category_id, set()).update(keys)
    added = []
    for category_id, keys in needed.items():
        category = session.get(Category, category_id)
        if category is None:
            continue
        existing = list(category.custom_fields or ())
        known = {d["key"] for d in existing}
        new = [fields[k] for k in sorted(keys) if k not in known]
        if not new:
            continue
        reference.update_category(
            session,
            category_id=category.id,
            expected_version=None,
            name=category.name,
            tag_prefix=category.tag_prefix,
            audit_interval_days=category.audit_interval_days,
            custom_fields=[*existing, *(f.definition() for f in new)],
        )
        added += [f"{category.name}: {f.label}" for f in new]
    return added
