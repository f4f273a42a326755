"""Incidents as a Qt table model (rows are plain :class:`IncidentRow` values)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.services.incidents import IncidentRow, IncidentStatus

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

_Index = QModelIndex | QPersistentModelIndex


class IncidentListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IncidentRow] = []

    def set_rows(self, rows: list[IncidentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> IncidentRow:
        return self._rows[index]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
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
        return str(row.number)
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
