"""The register's plain values, and its first page by one plain query.

Light on purpose: the window imports this module before its first paint, so it imports
neither the ORM (``sqlalchemy.orm``) nor the mapped models. :mod:`desktop.services.queries`
re-exports these names and does everything else.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Date, Integer, String, Text, Uuid, column, text

from desktop.domain.lifecycle import AssetStatus
from desktop.storage.types import Money, UTCDateTime

#: Every sort key of the register (``queries.SORT_COLUMNS`` maps them to SQL).
SORT_KEYS: tuple[str, ...] = (
    "tag",
    "name",
    "category",
    "manufacturer",
    "model",
    "serial_number",
    "status",
    "location",
    "assigned_to",
    "owning_group",
    "purchase_date",
    "purchase_cost",
    "order_number",
    "supplier",
    "warranty_end",
    "last_audited_at",
    "updated_at",
)

#: Sort keys that are columns of the assets table: key → column. The other keys are
#: looked-up names (category, model, person, …), which the register pager pages by group.
ASSET_COLUMN_SORTS: dict[str, str] = {
    "tag": "tag_key",
    "name": "name",
    "serial_number": "serial_number",
    "status": "status",
    "purchase_date": "purchase_date",
    "purchase_cost": "purchase_cost",
    "order_number": "order_number",
    "warranty_end": "warranty_end",
    "last_audited_at": "last_audited_at",
    "updated_at": "updated_at",
}


@dataclass(frozen=True)
class AssetFilter:
    """What the register shows. Empty means everything."""

    search: str = ""
    statuses: tuple[str, ...] = ()
    category_ids: tuple[uuid.UUID, ...] = ()
    location_id: uuid.UUID | None = None  # this location and everything below it
    assigned_to_id: uuid.UUID | None = None
    owning_group_id: uuid.UUID | None = None
    overdue_audit: bool = False
    warranty_within_days: int | None = None
    tags: tuple[str, ...] = ()

    def describe(self, names: Mapping[uuid.UUID, str] | None = None) -> str:
        """The filter in words, as the filter bar shows it: "search 'macbook air'; status
        In service; category Laptop". ``names``: the chosen categories', location's,
        assignee's and group's names by id (without them: "1 category", "one assignee").
        """
        names = names or {}
        parts = []
        if self.search:
            parts.append(f"search '{self.search}'")
        if self.statuses:
            labels = {status.value: status.label for status in AssetStatus}
            parts.append("status " + ", ".join(labels.get(s, s) for s in self.statuses))
        if self.category_ids:
            known = [names[i] for i in self.category_ids if i in names]
            if len(known) == len(self.category_ids):
                word = "category" if len(known) == 1 else "categories"
                parts.append(f"{word} {', '.join(known)}")
            else:
                count = len(self.category_ids)
                parts.append(f"{count} {'category' if count == 1 else 'categories'}")
        if self.location_id:
            where = names.get(self.location_id)
            parts.append(
                f"location {where} (with everything below it)" if where else "a location subtree"
            )
        if self.assigned_to_id:
            who = names.get(self.assigned_to_id)
            parts.append(f"assigned to {who}" if who else "one assignee")
        if self.owning_group_id:
            group = names.get(self.owning_group_id)
            parts.append(f"owning group {group}" if group else "one owning group")
        if self.overdue_audit:
            parts.append("overdue for audit")
        if self.warranty_within_days is not None:
            parts.append(f"warranty ending within {self.warranty_within_days} days")
        if self.tags:
            parts.append(f"{len(self.tags)} tags")
        return "; ".join(parts) or "all assets"


@dataclass(frozen=True)
class AssetRow:
    id: uuid.UUID
    tag: str
    name: str
    category: str
    manufacturer: str
    model: str
    serial_number: str
    status: str
    location: str
    assigned_to: str
    owning_group: str
    purchase_date: dt.date | None
    purchase_cost: Decimal | None
    order_number: str
    supplier: str
    warranty_end: dt.date | None
    last_audited_at: dt.datetime | None
    notes: str
    version: int
    updated_at: dt.datetime
    #: Out in a field kit: who checked it out, since when (filled in for the register's
    #: view by :mod:`desktop.services.register_checkouts`; empty elsewhere).
    checked_out_by: str = ""
    checked_out_at: dt.datetime | None = None
    #: The procedures waiting for approval on it (id, kind value), oldest first (filled in
    #: for the register's view by :mod:`desktop.services.register_checkouts`; empty
    #: elsewhere): the window greys a second move of its status.
    pending: tuple[tuple[uuid.UUID, str], ...] = ()


def asset_row(r: Sequence[Any]) -> AssetRow:
    """An :class:`AssetRow` from values in its field order (as ``queries`` selects them)."""
    return AssetRow(
        id=r[0],
        tag=r[1],
        name=r[2] or "",
        category=r[3] or "",
        manufacturer=r[4] or "",
        model=r[5] or "",
        serial_number=r[6] or "",
        status=r[7],
        location=r[8] or "",
        assigned_to=r[9] or "",
        owning_group=r[10] or "",
        purchase_date=r[11],
        purchase_cost=r[12],
        order_number=r[13] or "",
        supplier=r[14] or "",
        warranty_end=r[15],
        last_audited_at=r[16],
        notes=r[17] or "",
        version=r[18],
        updated_at=r[19],
    )


#: The row's columns with the types that turn stored values into Python ones (the same
#: types as the mapped columns, so that rows equal those the ORM queries make).
_ROW_COLUMNS = (
    column("id", Uuid()),
    column("tag", String()),
    column("name", String()),
    column("category", String()),
    column("manufacturer", String()),
    column("model", String()),
    column("serial_number", String()),
    column("status", String()),
    column("location", String()),
    column("assigned_to", String()),
    column("owning_group", String()),
    column("purchase_date", Date()),
    column("purchase_cost", Money()),
    column("order_number", String()),
    column("supplier", String()),
    column("warranty_end", Date()),
    column("last_audited_at", UTCDateTime()),
    column("notes", Text()),
    column("version", Integer()),
    column("updated_at", UTCDateTime()),
)

# The page's assets are found first (a walk along the (column, tag_key) index, no joins),
# then joined to their looked-up names. Ties are broken by the unique tag in the same
# direction, as the register pager does; NULLs sort where the database puts them, as
# there. Table names are quoted by the dialect ("groups" is reserved on MySQL).
_FIRST_PAGE_SQL = """
SELECT a.id, a.tag, a.name, c.name AS category, mf.name AS manufacturer, m.name AS model,
       a.serial_number, a.status, l.name AS location, p.name AS assigned_to,
       g.name AS owning_group, a.purchase_date, a.purchase_cost, a.order_number,
       s.name AS supplier, a.warranty_end, a.last_audited_at, a.notes, a.version,
       a.updated_at
FROM (
    SELECT * FROM {assets} ORDER BY {column} {direction}, tag_key {direction} LIMIT :limit
) a
LEFT OUTER JOIN {categories} c ON c.id = a.category_id
LEFT OUTER JOIN {asset_models} m ON m.id = a.model_id
LEFT OUTER JOIN {manufacturers} mf ON mf.id = m.manufacturer_id
LEFT OUTER JOIN {locations} l ON l.id = a.location_id
LEFT OUTER JOIN {people} p ON p.id = a.assigned_to_id
LEFT OUTER JOIN {groups} g ON g.id = a.owning_group_id
LEFT OUTER JOIN {suppliers} s ON s.id = a.supplier_id
ORDER BY a.{column} {direction}, a.tag_key {direction}
"""
_TABLES = (
    "assets",
    "categories",
    "asset_models",
    "manufacturers",
    "locations",
    "people",
    "groups",
    "suppliers",
)


def first_page_rows(
    connection: Connection, sort: str, descending: bool, limit: int
) -> list[AssetRow] | None:
    """The first ``limit`` rows of the whole (unfiltered) register sorted by ``sort``.

    The same rows as ``RegisterPager(AssetFilter(), sort=sort, descending=descending)
    .page(session, 0, limit)``, read by one plain query on a Core connection (no ORM to
    import before the window's first paint). None for a sort by a looked-up name, which
    this query does not serve: the caller then asks the pager.
    """
    sort_column = ASSET_COLUMN_SORTS.get(sort)
    if sort_column is None:
        return None
    if limit <= 0:
        return []
    quote = connection.dialect.identifier_preparer.quote
    sql = _FIRST_PAGE_SQL.format(
        column=quote(sort_column),
        direction="DESC" if descending else "ASC",
        **{table: quote(table) for table in _TABLES},
    )
    query = text(sql).columns(*_ROW_COLUMNS)
    return [asset_row(r) for r in connection.execute(query, {"limit": limit})]
