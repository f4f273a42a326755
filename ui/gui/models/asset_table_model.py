"""The asset register as a Qt table model, paged from SQL.

The first page is read at once (one short indexed query) and shown; the rows grow with
``canFetchMore``/``fetchMore`` as the view scrolls. The number of matching assets is
counted on a worker thread after the first paint; once it is known the model has all
its rows, but holds only the pages that were looked at (a bounded cache): scrolling to
the end of a million assets reads the last page, not everything in between. Sorting and
filtering happen in SQL (:class:`desktop.services.register_pages.RegisterPager`).

Signals:
    counted(int, int): assets matching the filter, and assets in the register.
    reloaded(): the rows were replaced (new filter or sort).
    failed(object): counting failed with this exception.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from desktop.services.queries import AssetFilter, AssetRow, assets_by_ids, count_assets
from desktop.services.register_pages import RegisterPager
from desktop.storage.database import Database
from ui.gui.models.columns import (
    COLUMNS,
    alignment,
    display_value,
    status_background,
    status_colour,
    status_label,
)
from ui.gui.worker import Progress, Worker

#: Custom roles: the whole row, the asset's id, its tag, its status value.
RowRole = Qt.ItemDataRole.UserRole + 1
AssetIdRole = Qt.ItemDataRole.UserRole + 2
TagRole = Qt.ItemDataRole.UserRole + 3
StatusRole = Qt.ItemDataRole.UserRole + 4

PAGE_SIZE = 100
#: Quiet time after a reload before counting starts (typing restarts it).
COUNT_DELAY_MS = 200
#: Pages kept in memory; older ones are read again if the view comes back to them.
CACHED_PAGES = 60

_Index = QModelIndex | QPersistentModelIndex


class AssetTableModel(QAbstractTableModel):
    counted = Signal(int, int)
    reloaded = Signal()
    failed = Signal(object)

    def __init__(
        self, database: Database, parent: QObject | None = None, *, date_format: str = "yyyy-MM-dd"
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._date_format = date_format
        self._pager = RegisterPager(AssetFilter())
        self._pages: OrderedDict[int, list[AssetRow]] = OrderedDict()
        self._rows = 0  # rows the view knows about
        self._exhausted = False  # the last page has been read
        self._fetching = False  # guards fetchMore against re-entry
        self._generation = 0
        self._count_workers: set[Worker] = set()
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count_now)
        self.total_assets: int | None = None
        self.matching_assets: int | None = None
        self.pages_read = 0

    # -- what the view shows ---------------------------------------------------------

    @property
    def filter(self) -> AssetFilter:
        return self._pager.filter

    @property
    def sort_key(self) -> str:
        return self._pager.sort

    @property
    def sort_descending(self) -> bool:
        return self._pager.descending

    def set_filter(self, flt: AssetFilter) -> None:
        if flt != self._pager.filter:
            self._reload(RegisterPager(flt, sort=self.sort_key, descending=self.sort_descending))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or not COLUMNS[column].sortable:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = COLUMNS[column].key
        if key != self.sort_key or descending != self.sort_descending:
            self._reload(RegisterPager(self.filter, sort=key, descending=descending))

    def reload(self) -> None:
        """Read the view again (after a change that may add, remove or move rows)."""
        self._reload(
            RegisterPager(self.filter, sort=self.sort_key, descending=self.sort_descending)
        )

    def set_database(self, database: Database) -> None:
        """Show another database's register (after Settings changed it)."""
        self.shutdown()
        self._database = database
        self.total_assets = None
        self._reload(RegisterPager(AssetFilter()))

    def cached_row_count(self) -> int:
        """Rows held in memory (at most ``CACHED_PAGES * PAGE_SIZE``)."""
        return sum(len(page) for page in self._pages.values())

    def row_at(self, row: int) -> AssetRow | None:
        if not 0 <= row < self._rows:
            return None
        page = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def loaded_row_of(self, asset_id: uuid.UUID) -> int | None:
        for number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == asset_id:
                    return number * PAGE_SIZE + offset
        return None

    def position_of(self, asset_id: uuid.UUID) -> int | None:
        """The asset's row under the current filter and sort (None: filtered out).

        Asks the database, so it also finds rows that were never loaded; makes sure the
        model has that row.
        """
        position = self.loaded_row_of(asset_id)
        if position is None:
            with self._database.read() as session:
                position = self._pager.position(session, asset_id)
        if position is None:
            return None
        if position >= self._rows and self.matching_assets is None:
            with self._database.read() as session:
                matching = self._pager.count(session)
            self._counted(self._generation, matching, None)
        return position if position < self._rows else None

    def refresh_assets(self, asset_ids: list[uuid.UUID]) -> None:
        """Show the current values of these assets; reload if one is not in view."""
        loaded = {aid: self.loaded_row_of(aid) for aid in asset_ids}
        if any(row is None for row in loaded.values()):
            self.reload()
            return
        with self._database.read() as session:
            fresh = {row.id: row for row in assets_by_ids(session, asset_ids)}
        for asset_id, row in loaded.items():
            assert row is not None
            page = self._pages.get(row // PAGE_SIZE)
            if page is not None and asset_id in fresh:
                page[row % PAGE_SIZE] = fresh[asset_id]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def shutdown(self) -> None:
        """Stop counting (before the database closes or the window goes)."""
        self._generation += 1  # whatever a cancelled count reports is stale
        self._count_timer.stop()
        for worker in list(self._count_workers):
            worker.cancel()
            worker.wait()
        self._count_workers.clear()

    # -- Qt model interface ----------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].title
            if role == Qt.ItemDataRole.ToolTipRole and not COLUMNS[section].sortable:
                return f"{COLUMNS[section].title} (cannot be sorted)"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(row, key, self._date_format)
        if role == RowRole:
            return row
        if role == AssetIdRole:
            return row.id
        if role == TagRole:
            return row.tag
        if role == StatusRole:
            return row.status
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(key)
        if key == "status":
            return self._status_data(row.status, role)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("name", "notes", "location"):
            return getattr(row, key) or None
        return None

    def _status_data(self, status: str, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole:
            return status_colour(status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return status_colour(status)
        if role == Qt.ItemDataRole.BackgroundRole:
            return status_background(status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Status: {status_label(status)}"
        return None

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._exhausted and self.matching_assets is None

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or self._fetching or not self.canFetchMore(parent):
            return
        self._fetching = True
        try:
            number = self._rows // PAGE_SIZE
            page = self._read_page(number)
            if len(page) < PAGE_SIZE:
                self._exhausted = True
            if page:
                self.beginInsertRows(QModelIndex(), self._rows, self._rows + len(page) - 1)
                self._rows += len(page)
                self.endInsertRows()
        finally:
            self._fetching = False

    # -- reading ---------------------------------------------------------------------

    def _reload(self, pager: RegisterPager) -> None:
        for worker in self._count_workers:
            worker.cancel()  # its count is stale: interrupt it, keep the CPU for this page
        self.beginResetModel()
        self._generation += 1
        self._pager = pager
        self._pages.clear()
        self._rows = 0
        self._exhausted = False
        self.matching_assets = None
        first = self._read_page(0)
        self._rows = len(first)
        self._exhausted = len(first) < PAGE_SIZE
        self.endResetModel()
        self.reloaded.emit()
        self._start_count()

    def _page(self, number: int) -> list[AssetRow]:
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
        else:
            self._pages.move_to_end(number)
        return page

    def _read_page(self, number: int) -> list[AssetRow]:
        with self._database.read() as session:
            page = self._pager.page(session, number * PAGE_SIZE, PAGE_SIZE)
        self.pages_read += 1
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def _start_count(self) -> None:
        """Count soon, off the GUI thread: after ``COUNT_DELAY_MS`` without a new reload,
        so that typing in the search box does not start a count per keystroke."""
        self._count_timer.start()

    def _count_now(self) -> None:
        generation = self._generation
        pager = self._pager
        database = self._database
        flt = pager.filter

        def count(progress: Progress, cancel: threading.Event) -> tuple[int, int]:
            with database.read() as session, _interruptible(session, cancel):
                matching = pager.count(session)
                total = matching if flt == AssetFilter() else count_assets(session)
            return matching, total

        for previous in self._count_workers:
            previous.cancel()
        worker = Worker(count)
        worker.succeeded.connect(
            lambda result, g=generation: self._counted(g, result[0], result[1])
        )
        worker.failed.connect(lambda error, g=generation: self._count_failed(g, error))
        worker.finished.connect(lambda w=worker: self._count_workers.discard(w))
        self._count_workers.add(worker)
        worker.start()

    def _counted(self, generation: int, matching: int, total: int | None) -> None:
        if generation != self._generation:
            return
        self.matching_assets = matching
        if total is not None:
            self.total_assets = total
        if matching > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, matching - 1)
            self._rows = matching
            self.endInsertRows()
        self._exhausted = True
        if self.total_assets is not None:
            self.counted.emit(matching, self.total_assets)

    def _count_failed(self, generation: int, error: object) -> None:
        if generation == self._generation:  # a stale count was interrupted: no news
            self.failed.emit(error)


@contextmanager
def _interruptible(session: Session, cancel: threading.Event) -> Iterator[None]:
    """Let ``cancel`` interrupt a long SQLite query (a count made stale by new typing)."""
    raw: Any = session.connection().connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        yield
        return
    raw.set_progress_handler(lambda: 1 if cancel.is_set() else 0, 20_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)
