"""The asset table's columns: keys, titles, which are shown by default, how values look."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor

from desktop.domain.lifecycle import STATUS_LABELS, AssetStatus
from desktop.services.register_rows import SORT_KEYS, AssetRow


@dataclass(frozen=True)
class Column:
    key: str  # an AssetRow attribute (and a sort key when sortable)
    title: str
    shown_by_default: bool = True
    width: int = 120

    @property
    def sortable(self) -> bool:
        return self.key in SORT_KEYS


COLUMNS: tuple[Column, ...] = (
    Column("tag", "Asset tag", width=110),
    Column("name", "Name", width=210),
    Column("status", "Status", width=140),
    Column("category", "Category", width=100),
    Column("manufacturer", "Manufacturer", shown_by_default=False),
    Column("model", "Model", width=170),
    Column("serial_number", "Serial number", width=120),
    Column("location", "Location", width=130),
    Column("assigned_to", "Assigned to", width=130),
    Column("owning_group", "Owning group", shown_by_default=False),
    Column("purchase_date", "Purchased", shown_by_default=False, width=95),
    Column("purchase_cost", "Cost", shown_by_default=False, width=90),
    Column("order_number", "Order number", shown_by_default=False),
    Column("supplier", "Supplier", shown_by_default=False),
    Column("warranty_end", "Warranty end", width=100),
    Column("last_audited_at", "Last audited", shown_by_default=False, width=100),
    Column("updated_at", "Updated", shown_by_default=False, width=140),
    Column("notes", "Notes", shown_by_default=False, width=200),
    # Out in a field kit (the shared database's register; empty in a kit itself).
    Column("checked_out", "Checked out", width=170),
)
COLUMN_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}

#: Status colours: (swatch/text colour, soft background) — readable on light themes.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    AssetStatus.IN_STOCK: ("#1d5fb4", "#e3eefb"),
    AssetStatus.IN_SERVICE: ("#1e7a34", "#e2f4e6"),
    AssetStatus.IN_REPAIR: ("#a35a00", "#fdf0dc"),
    AssetStatus.MISSING: ("#b3261e", "#fbe4e2"),
    AssetStatus.DECOMMISSIONED: ("#5f4b8b", "#ece7f6"),
    AssetStatus.DISPOSED: ("#5c5c5c", "#ececec"),
}


def status_label(status: str) -> str:
    try:
        return STATUS_LABELS[AssetStatus(status)]
    except ValueError:
        return status


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, ("#444444", "#ffffff"))[0])


def status_background(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, ("#444444", "#ffffff"))[1])


def display_value(row: AssetRow, key: str, date_format: str) -> str:
    """The text a cell shows."""
    if key == "checked_out":
        return checked_out_text(row, date_format)
    value = getattr(row, key)
    if key == "status":
        return status_label(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = value.astimezone()
        return QDate(local.year, local.month, local.day).toString(date_format) + local.strftime(
            " %H:%M"
        )
    if isinstance(value, dt.date):
        return QDate(value.year, value.month, value.day).toString(date_format)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def checked_out_text(row: AssetRow, date_format: str) -> str:
    """ "Tess Tech since 2026-12-05" for an asset out in a field kit, else empty."""
    if row.checked_out_at is None:
        return ""
    local = row.checked_out_at.astimezone()
    since = QDate(local.year, local.month, local.day).toString(date_format)
    return f"{row.checked_out_by} since {since}"


def alignment(key: str) -> Qt.AlignmentFlag:
    if key == "purchase_cost":
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
