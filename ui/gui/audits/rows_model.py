"""A read-only table model over a list of frozen dataclasses (audits, reconciliation lists, due lists).

Columns are declared as (title, value function); an optional colour function gives a row
its background. The rows are plain values: no session, no live ORM object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ui.gui.models.row_list_model import Index, RowListModel

T = TypeVar("T")

RowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    value: Callable[[T], object]
    align_right: bool = False


def display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # a count: 3,012 expected, as the main window's counts are
    return str(value)


class RowsModel(RowListModel[T]):
    """Rows of ``T`` shown through ``columns``; ``RowRole`` gives the row itself."""

    def __init__(
        self,
        columns: Sequence[Column[T]],
        *,
        colour: Callable[[T], QColor | None] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__([c.title for c in columns], parent)
        self._columns = list(columns)
        self._colour = colour

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_for(index)
        if row is None:
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column.value(row))
        if role == SortRole:
            value = column.value(row)
            return value if isinstance(value, int | float | str) else display(value)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._colour is not None:
            colour = self._colour(row)
            return QBrush(colour) if colour is not None else None
        return None
