"""What goes on a label: assets (tag and chosen fields) and locations (code, name, path)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError, NotFoundError
from desktop.labels.geometry import LabelItem
from desktop.services.queries import AssetFilter, AssetRow, list_assets
from desktop.storage.models import Location

MAX_FIELDS = 3
TAGS_PER_QUERY = 1000


@dataclass(frozen=True)
class LabelField:
    key: str
    title: str
    value: Callable[[AssetRow], str]


def _date(value: object) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


LABEL_FIELDS: dict[str, LabelField] = {
    f.key: f
    for f in (
        LabelField("name", "Name", lambda r: r.name),
        LabelField("model", "Model", lambda r: f"{r.manufacturer} {r.model}".strip()),
        LabelField(
            "serial_number",
            "Serial number",
            lambda r: f"S/N {r.serial_number}" if r.serial_number else "",
        ),
        LabelField("location", "Location", lambda r: r.location),
        LabelField("assigned_to", "Assigned to (owner)", lambda r: r.assigned_to),
        LabelField("owning_group", "Owning group", lambda r: r.owning_group),
        LabelField("category", "Category", lambda r: r.category),
        LabelField("purchase_date", "Purchase date", lambda r: _date(r.purchase_date)),
        LabelField(
            "warranty_end",
            "Warranty end",
            lambda r: f"Warranty to {_date(r.warranty_end)}" if r.warranty_end else "",
        ),
    )
}


def check_fields(fields: Sequence[str]) -> tuple[str, ...]:
    """The chosen field keys, checked: at most three, each one we know."""
    unknown = [f for f in fields if f not in LABEL_FIELDS]
    if unknown:
        raise DesktopError(
            f"unknown label field {', '.join(repr(f) for f in unknown)}; "
            f"choose from {', '.join(LABEL_FIELDS)}"
        )
    if len(fields) > MAX_FIELDS:
        raise DesktopError(f"a label shows at most {MAX_FIELDS} fields, not {len(fields)}")
    return tuple(fields)


def asset_items(rows: Sequence[AssetRow], fields: Sequence[str]) -> list[LabelItem]:
    """One label per asset: its tag, then the chosen fields that have a value."""
    chosen = [LABEL_FIELDS[f] for f in check_fields(fields)]
    items = []
    for row in rows:
        lines = tuple(line for line in (f.value(row).strip() for f in chosen) if line)
        items.append(LabelItem(value=row.tag, lines=lines))
    return items


def assets_by_tags(session: Session, tags: Sequence[str]) -> list[AssetRow]:
    """The assets with these tags, in the order given; unknown tags are an error naming them."""
    wanted = [t for t in (t.strip() for t in tags) if t]
    by_key: dict[str, AssetRow] = {}
    for start in range(0, len(wanted), TAGS_PER_QUERY):  # bound the SQL parameter count
        chunk = tuple(wanted[start : start + TAGS_PER_QUERY])
        for row in list_assets(session, AssetFilter(tags=chunk), limit=None):
            by_key[normalize_tag(row.tag)] = row
    missing = [t for t in wanted if normalize_tag(t) not in by_key]
    if missing:
        raise NotFoundError(f"there is no asset with the tag {', '.join(repr(t) for t in missing)}")
    seen: set[str] = set()
    ordered = []
    for tag in wanted:
        key = normalize_tag(tag)
        if key not in seen:
            seen.add(key)
            ordered.append(by_key[key])
    return ordered


def location_items(session: Session, location_ids: Sequence[uuid.UUID]) -> list[LabelItem]:
    """One label per location: its code as the barcode, its name, and the path above it."""
    everything = {
        row.id: row
        for row in session.execute(
            select(Location.id, Location.parent_id, Location.name, Location.code)
        )
    }
    items = []
    for location_id in location_ids:
        row = everything.get(location_id)
        if row is None:
            raise NotFoundError(f"there is no location with id {location_id}")
        path: list[str] = []
        parent = everything.get(row.parent_id) if row.parent_id else None
        while parent is not None and len(path) < 20:
            path.append(parent.name)
            parent = everything.get(parent.parent_id) if parent.parent_id else None
        lines = (row.name, " › ".join(reversed(path))) if path else (row.name,)
        items.append(LabelItem(value=row.code, lines=lines))
    return items
