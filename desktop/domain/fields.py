"""The asset's fields: one registry used by forms, history, export and import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"
    YESNO = "yesno"
    STATUS = "status"
    CATEGORY = "category"
    MODEL = "model"
    LOCATION = "location"
    PERSON = "person"
    GROUP = "group"
    SUPPLIER = "supplier"


#: Field types whose value is the id of a row in another table.
REFERENCE_TYPES = frozenset(
    {
        FieldType.CATEGORY,
        FieldType.MODEL,
        FieldType.LOCATION,
        FieldType.PERSON,
        FieldType.GROUP,
        FieldType.SUPPLIER,
    }
)


@dataclass(frozen=True)
class AssetField:
    """One field of an asset.

    Attributes:
        key: the name used in code, forms, history and the export's key row.
        label: the column title users see.
        type: how values are validated, shown and stored.
        column: the ``Asset`` attribute that holds it.
        max_length: for text fields, the longest value the database keeps.
        accepts_scan: a barcode scanned while the field has the focus becomes its value
            (a serial number printed as a barcode); a scan into any other field is
            ignored, so that a stray scan never changes a field.
    """

    key: str
    label: str
    type: FieldType
    column: str
    max_length: int | None = None
    accepts_scan: bool = False


ASSET_FIELDS: tuple[AssetField, ...] = (
    AssetField("tag", "Asset tag", FieldType.TEXT, "tag", 64),
    AssetField("name", "Name", FieldType.TEXT, "name", 200),
    AssetField("category", "Category", FieldType.CATEGORY, "category_id"),
    AssetField("model", "Model", FieldType.MODEL, "model_id"),
    AssetField(
        "serial_number", "Serial number", FieldType.TEXT, "serial_number", 100, accepts_scan=True
    ),
    AssetField("status", "Status", FieldType.STATUS, "status"),
    AssetField("location", "Location", FieldType.LOCATION, "location_id"),
    AssetField("assigned_to", "Assigned to", FieldType.PERSON, "assigned_to_id"),
    AssetField("owning_group", "Owning group", FieldType.GROUP, "owning_group_id"),
    AssetField("purchase_date", "Purchase date", FieldType.DATE, "purchase_date"),
    AssetField("purchase_cost", "Purchase cost", FieldType.MONEY, "purchase_cost"),
    AssetField("order_number", "Order number", FieldType.TEXT, "order_number", 100),
    AssetField("supplier", "Supplier", FieldType.SUPPLIER, "supplier_id"),
    AssetField("warranty_end", "Warranty end", FieldType.DATE, "warranty_end"),
    AssetField("notes", "Notes", FieldType.LONG_TEXT, "notes", 20_000),
    AssetField("last_audited_at", "Last audited", FieldType.DATETIME, "last_audited_at"),
)

FIELDS_BY_KEY: dict[str, AssetField] = {f.key: f for f in ASSET_FIELDS}

#: Fields a procedure form may set directly (status moves through the lifecycle rules,
#: "last audited" only through audits).
EDITABLE_FIELD_KEYS = tuple(f.key for f in ASSET_FIELDS if f.key != "last_audited_at")

CUSTOM_PREFIX = "custom."


def field_label(key: str, custom_labels: Mapping[str, str] | None = None) -> str:
    """A field's title for people: a custom field's as its category names it ("RAM (GB)",
    ``custom_labels`` from :func:`custom_field_labels`; a new user read "Ram gb" in the
    approvals inbox under details that say "RAM (GB)"), else its key made readable."""
    if key.startswith(CUSTOM_PREFIX):
        name = key[len(CUSTOM_PREFIX) :]
        return (custom_labels or {}).get(name) or name.replace("_", " ").capitalize()
    return FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key


def custom_field_labels(definitions: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """A category's custom field titles by key (from its ``custom_fields`` definitions)."""
    return {
        str(d["key"]): str(d.get("label") or d["key"]) for d in definitions or () if d.get("key")
    }


def plain_text(value: object) -> str:
    """How a value that names nothing reads in history (a custom field's, say): a yes/no
    reads "yes" or "no", not "True"; a date in ISO form; empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
