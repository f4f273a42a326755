"""The dry run as a table: one row per spreadsheet row, what will happen and why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.spreadsheets.model import ImportPlan, RowAction, RowPlan
from desktop.spreadsheets.plan import creation_changes
from desktop.wording import plural

COLUMNS = ("Row", "Action", "Asset tag", "Changes", "Problems", "Approval")
ROW, ACTION, TAG, CHANGES, PROBLEMS, APPROVAL = range(6)
RowRole = Qt.ItemDataRole.UserRole + 1

ACTION_COLOURS = {
    RowAction.CREATE: "#d9f2d9",
    RowAction.UPDATE: "#dde8f7",
    RowAction.UNCHANGED: "#f2f2f2",
    RowAction.CONFLICT: "#fde7c8",
    RowAction.ERROR: "#f9d4d4",
}
ACTION_LABELS = {
    RowAction.CREATE: "Create",
    RowAction.UPDATE: "Update",
    RowAction.UNCHANGED: "Unchanged",
    RowAction.CONFLICT: "Conflict",
    RowAction.ERROR: "Error",
}

_Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    """Rows of an :class:`ImportPlan`, optionally only some actions."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._plan: ImportPlan | None = None
        self._rows: list[RowPlan] = []
        self._texts: dict[int, str] = {}
        #: A purchase order's line of n items (Qty n) is n plan rows of one file row:
        #: each such plan row's index → (which of them, n).
        self._copies: dict[int, tuple[int, int]] = {}

    def set_plan(self, plan: ImportPlan | None, actions: set[RowAction] | None = None) -> None:
        self.beginResetModel()
        self._plan = plan
        rows = plan.rows if plan else []
        self._rows = [r for r in rows if actions is None or r.action in actions]
        self._texts = {}
        self._copies = _order_line_copies(rows)
        self.endResetModel()

    @property
    def has_order_lines(self) -> bool:
        """Whether a row of the file is several items (a purchase order's Qty)."""
        return bool(self._copies)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == PROBLEMS:
            return "\n".join(self._problems(row))  # one a line: the cell shows few of them
        copy = self._copies.get(row.index)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (ROW, TAG) and copy:
            return (
                f"Row {row.row} orders {copy[1]} items: it becomes {copy[1]} new assets, each "
                "tagged from its category's sequence (this is one of them)"
            )
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == ACTION:
            return QBrush(QColor(ACTION_COLOURS[row.action]))
        if role == RowRole:
            return row
        return None

    def _display(self, row: RowPlan, column: int) -> str:
        copy = self._copies.get(row.index)
        if column == ROW:  # "5 · 2 of 3": one of the 3 assets row 5 orders, not a repeat
            return f"{row.row} · {copy[0]} of {copy[1]}" if copy else str(row.row)
        if column == ACTION:
            return ACTION_LABELS[row.action]
        if column == TAG:
            if row.tag or row.action is not RowAction.CREATE:
                return row.tag or ""
            return f"(generated, {copy[0]} of {copy[1]})" if copy else "(generated)"
        if column == CHANGES:
            if row.index not in self._texts:
                self._texts[row.index] = self._changes_text(row)
            return self._texts[row.index]
        if column == APPROVAL:
            return row.approval.text() if row.approval is not None else ""
        problems = self._problems(row)
        if len(problems) > 1:  # say how many: a narrow cell shows only the first
            warned = len(self._warnings(row))
            counts = [plural(len(problems) - warned, "problem"), plural(warned, "warning")]
            said = ", ".join(c for c in counts if not c.startswith("0 "))
            return f"{said}: " + "; ".join(problems)  # "1 problem, 1 warning: …"
        return "".join(problems)

    def _problems(self, row: RowPlan) -> list[str]:
        """The row's refusals, then its warnings."""
        return [*(f"{p.column}: {p.message}" for p in row.problems), *self._warnings(row)]

    def _warnings(self, row: RowPlan) -> list[str]:
        return self._plan.report.warnings.get(row.row, []) if self._plan else []

    def _changes_text(self, row: RowPlan) -> str:
        changes = row.changes
        if row.action is RowAction.CREATE and self._plan is not None:
            changes = creation_changes(self._plan, row)
            return ", ".join(f"{c.label}: {c.after_text}" for c in changes)
        return "; ".join(
            f"{c.label}: {c.before_text or '—'} → {c.after_text or '—'}" for c in changes
        )


def _order_line_copies(rows: list[RowPlan]) -> dict[int, tuple[int, int]]:
    """Plan rows that share their file row (a purchase order's line of Qty n, planned as n
    new assets: desktop.spreadsheets.quantities): index → (which, of how many)."""
    by_row: dict[int, list[RowPlan]] = {}
    for plan_row in rows:
        by_row.setdefault(plan_row.row, []).append(plan_row)
    return {
        plan_row.index: (number, len(same))
        for same in by_row.values()
        if len(same) > 1
        for number, plan_row in enumerate(same, start=1)
    }
