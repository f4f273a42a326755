"""The location tree (site › building › floor › room › rack) with drag-to-move.

A drop does not move anything by itself: it asks, through ``move_requested``, for the
move to be recorded in the database; the tree is reloaded from there afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.services.reference_queries import LocationRow
from ui.gui.reference.record_table_model import RowRole

Index = QModelIndex | QPersistentModelIndex
MIME_TYPE = "application/x-assetdesk-location-ids"
COLUMNS = ("Name", "Kind", "Code", "Assets")
ASSETS_TIP = (
    "Assets in this location and in the locations inside it; "
    "in brackets, those filed in the location itself"
)


def assets_text(row: LocationRow) -> str:
    """What a location holds, its rooms included: a site read 0 beside rooms of hundreds.
    Assets filed in the location itself are said apart when it has others inside it too:
    ``1,234 (12 here)``."""
    if 0 < row.asset_count < row.total_count:
        return f"{row.total_count:,} ({row.asset_count:,} here)"
    return f"{row.total_count:,}"


class LocationTreeModel(QAbstractItemModel):
    """Signals:
    move_requested(object, object): location id, new parent id (None for the top level).
    """

    move_requested = Signal(object, object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: dict[uuid.UUID, LocationRow] = {}
        self._children: dict[uuid.UUID | None, list[uuid.UUID]] = {None: []}
        self._parent_of: dict[uuid.UUID, uuid.UUID | None] = {}

    def set_rows(self, rows: Sequence[LocationRow]) -> None:
        self.beginResetModel()
        self._rows = {r.id: r for r in rows}
        self._children = {None: []}
        self._parent_of = {}
        # Indexes carry the id object itself as their internal pointer, and Qt compares
        # pointers: every id used in an index must be the one object of ``rows``.
        for row in sorted(rows, key=lambda r: r.name.lower()):
            parent = self._rows[row.parent_id].id if row.parent_id in self._rows else None
            self._parent_of[row.id] = parent
            self._children.setdefault(parent, []).append(row.id)
        self.endResetModel()

    # -- lookups -------------------------------------------------------------------

    def location(self, index: Index) -> LocationRow | None:
        return self._rows.get(index.internalPointer()) if index.isValid() else None

    def index_of(self, location_id: uuid.UUID) -> QModelIndex:
        if location_id not in self._rows:
            return QModelIndex()
        key = self._rows[location_id].id
        parent = self._parent_of[key]
        return self.createIndex(self._children[parent].index(key), 0, key)

    def path(self, location_id: uuid.UUID | None) -> str:
        names: list[str] = []
        while location_id is not None and location_id in self._rows:
            names.append(self._rows[location_id].name)
            location_id = self._parent_of[location_id]
        return " › ".join(reversed(names))

    # -- QAbstractItemModel --------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        key = parent.internalPointer() if parent.isValid() else None
        children = self._children.get(key, [])
        return self.createIndex(row, column, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._parent_of.get(index.internalPointer())
        if parent is None:
            return QModelIndex()
        grandparent = self._parent_of[parent]
        return self.createIndex(self._children[grandparent].index(parent), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        key = parent.internalPointer() if parent.isValid() else None
        return len(self._children.get(key, []))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.location(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, row.kind, row.code, assets_text(row))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.path(row.id)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RowRole:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and section == 3
        ):
            # A new user read "London head office: 0 assets" beside rooms of hundreds.
            return ASSETS_TIP
        return None

    # -- drag and drop -------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = sorted({str(i.internalPointer()) for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray("\n".join(ids).encode()))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        target = parent.internalPointer() if parent.isValid() else None
        moving = _ids(data)
        # Not onto itself or below itself, and not where it already is.
        ancestor: Any = target
        while ancestor is not None:
            if ancestor in moving:
                return False
            ancestor = self._parent_of.get(ancestor)
        return any(self._parent_of.get(m, "unknown") != target for m in moving)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = parent.internalPointer() if parent.isValid() else None
        for location_id in _ids(data):
            if self._parent_of.get(location_id) != target:
                self.move_requested.emit(location_id, target)
        return False  # the view must not remove the dragged rows: the reload shows the move


def _ids(data: QMimeData) -> list[uuid.UUID]:
    raw = bytes(data.data(MIME_TYPE).data()).decode()
    return [uuid.UUID(line) for line in raw.splitlines() if line.strip()]
