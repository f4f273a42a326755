"""Pending procedures as a Qt table model: the approvals inbox's list.

Rows are :class:`desktop.services.approvals.PendingItem` values (plain, frozen); items the
signed-in person may not decide are greyed, with the reason as tooltip and in a column.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.services.approvals import PendingItem
from ui.gui.models.row_list_model import Index, RowListModel

#: Custom roles: the whole item; whether the signed-in person may decide it.
ItemRole = Qt.ItemDataRole.UserRole + 1
DecidableRole = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Asset", "Procedure", "Requested by", "Requested", "Risk", "Approvals", "Your turn?")
ASSET, KIND, REQUESTED_BY, REQUESTED, RISK, APPROVALS, YOURS = range(len(COLUMNS))
RISK_COLOURS = {"high": "#b00020", "medium": "#a05a00", "low": "#1b7f3b"}
GREYED = QColor("#808080")


class InboxModel(RowListModel[PendingItem]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    def decidable_count(self) -> int:
        return sum(1 for item in self._rows if item.decidable)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_for(index)
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(item, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if item.decidable else f"Not yours to decide: {item.why_not}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if not item.decidable:
                return QBrush(GREYED)
            if index.column() == RISK and item.risk_level in RISK_COLOURS:
                return QBrush(QColor(RISK_COLOURS[item.risk_level]))
            return None
        if role == ItemRole:
            return item
        if role == DecidableRole:
            return item.decidable
        return None


def _display(item: PendingItem, column: int) -> str:
    if column == ASSET:
        return f"{item.asset_tag}  {item.asset_name}".strip()
    if column == KIND:
        return item.kind.replace("_", " ").capitalize()
    if column == REQUESTED_BY:
        return item.performed_by
    if column == REQUESTED:
        return item.performed_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if column == RISK:
        return (item.risk_level or "—").capitalize()
    if column == APPROVALS:
        return f"{item.approvals_given} of {item.approvals_required}"
    if column == YOURS:
        return "Yes" if item.decidable else f"No: {item.why_not}"
    return ""
