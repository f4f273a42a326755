"""Incidents as a Qt table model (rows are plain :class:`IncidentRow` values)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.services.incidents import IncidentRow, IncidentStatus
from ui.gui.models.row_list_model import Index, RowListModel

#: Custom role: the whole row.
RowRole = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("#", "Status", "Severity", "Title", "Assets", "Routed to", "Assigned to", "Reported")
NUMBER, STATUS, SEVERITY, TITLE, ASSETS, GROUP, ASSIGNED, REPORTED = range(len(COLUMNS))
SEVERITY_COLOURS = {
    "critical": "#b00020",
    "high": "#c43c00",
    "medium": "#a05a00",
    "low": "#1b7f3b",
}


class IncidentListModel(RowListModel[IncidentRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_for(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == SEVERITY:
            colour = SEVERITY_COLOURS.get(row.severity)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == TITLE and row.root_cause:
            return f"Root cause: {row.root_cause}\nResolution: {row.resolution}"
        if role == RowRole:
            return row
        return None


def _display(row: IncidentRow, column: int) -> str:
    if column == NUMBER:
        return row.number_text.removeprefix("#")
    if column == STATUS:
        return IncidentStatus(row.status).label
    if column == SEVERITY:
        return row.severity.capitalize()
    if column == TITLE:
        return row.title
    if column == ASSETS:
        return ", ".join(row.asset_tags)
    if column == GROUP:
        return row.routed_group
    if column == ASSIGNED:
        return row.assigned_to
    if column == REPORTED:
        return row.reported_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return ""
