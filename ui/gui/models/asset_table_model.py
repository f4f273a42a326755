"""The asset register as a Qt table model, paged from SQL on worker threads.

Nothing is read on the GUI thread while the user types, sorts or scrolls: a new filter or
sort reads its first page on a worker and the old rows stay on screen until it arrives
(a newer request makes an older one stale: it is interrupted and its rows dropped). Rows
grow with ``canFetchMore``/``fetchMore`` as the view scrolls. The number of matching
assets is counted on a worker after the first page is shown; once it is known the model
has all its rows but holds only the pages that were looked at (a bounded cache): a row
whose page is not in memory shows "…" until its page, read on a worker, arrives.
Scrolling to the end of a million assets reads the last page, not everything in between.
Sorting and filtering happen in SQL (:class:`desktop.services.register_pages.RegisterPager`).

Code that needs a row itself (``RowRole`` and the id, tag and status roles: selections,
procedures) gets it at once: its page is read on the spot if it is not in memory.

Signals:
    counted(int, int): assets matching the filter, and assets in the register.
    reloaded(): the rows were replaced (new filter or sort).
    loading(bool): a new filter or sort is being read (True) or is shown (False).
    failed(object): reading or counting failed with this exception.
    rows_refreshed(): rows read again (``refresh_assets``) had changed and are shown.
    refresh_failed(object): rows read again could not be read (this exception).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from shiboken6 import isValid

from desktop.services.register_rows import AssetFilter, AssetRow
from ui.gui.models.columns import (
    COLUMNS,
    alignment,
    display_value,
    status_background,
    status_colour,
    status_label,
)
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from desktop.services.register_pages import RegisterPager
    from desktop.storage.database import Database

#: Custom roles: the whole row, the asset's id, its tag, its status value.
RowRole = Qt.ItemDataRole.UserRole + 1
AssetIdRole = Qt.ItemDataRole.UserRole + 2
TagRole = Qt.ItemDataRole.UserRole + 3
StatusRole = Qt.ItemDataRole.UserRole + 4
#: Roles that give code the row itself: answered at once, reading the page if need be.
_ROW_ROLES = frozenset(int(r) for r in (RowRole, AssetIdRole, TagRole, StatusRole))
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
#: Roles only the status column answers (its colour).
_STATUS_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
    )
)
_CELL_ROLES = _STATUS_ROLES | {_DISPLAY, _TOOLTIP, _ALIGNMENT}
_STATUS_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.key == "status")
_ALIGNMENTS = tuple(alignment(c.key) for c in COLUMNS)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

PAGE_SIZE = 100
#: Quiet time after a reload before counting starts (typing restarts it).
COUNT_DELAY_MS = 200
#: Pages kept in memory; older ones are read again if the view comes back to them.
CACHED_PAGES = 60
#: Page reads running at once, and waiting (the most recently asked for are read first;
#: past this many the oldest requests are dropped: the view has scrolled past them).
PAGE_READERS = 2
QUEUED_PAGES = 8
#: What a row shows until its page arrives.
PLACEHOLDER = "…"

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class _View:
    filter: AssetFilter = field(default_factory=AssetFilter)
    sort: str = "tag"
    descending: bool = False


class _Reader:
    """One view of the register and its pager, made on first use in whichever thread
    needs it (so that the first page can be shown before the ORM is imported)."""

    def __init__(self, view: _View) -> None:
        self.view = view
        self._pager: RegisterPager | None = None
        self._lock = threading.Lock()

    def pager(self) -> RegisterPager:
        with self._lock:
            if self._pager is None:
                from desktop.services.register_pages import RegisterPager

                view = self.view
                self._pager = RegisterPager(view.filter, sort=view.sort, descending=view.descending)
            return self._pager

    def page(
        self, database: Database, number: int, cancel: threading.Event | None = None
    ) -> list[AssetRow]:
        from desktop.services.register_checkouts import with_marks

        with database.read() as session:
            rows = self.pager().page(session, number * PAGE_SIZE, PAGE_SIZE, cancel=cancel)
            return with_marks(session.connection(), rows)

    def first_page(self, database: Database, cancel: threading.Event | None) -> list[AssetRow]:
        """The first page; for the whole register by one plain query, without the ORM."""
        view = self.view
        if view.filter == AssetFilter():
            from desktop.services.register_checkouts import with_marks
            from desktop.services.register_rows import first_page_rows

            with database.connect() as connection:
                rows = first_page_rows(connection, view.sort, view.descending, PAGE_SIZE)
                if rows is not None:
                    return with_marks(connection, rows)
        return self.page(database, 0, cancel)


class AssetTableModel(QAbstractTableModel):
    counted = Signal(int, int)
    reloaded = Signal()
    busy = Signal(bool)
    failed = Signal(object)
    rows_refreshed = Signal()
    refresh_failed = Signal(object)

    def __init__(
        self, database: Database, parent: QObject | None = None, *, date_format: str = "yyyy-MM-dd"
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._date_format = date_format
        self._requested = _View()  # the newest filter and sort asked for
        self._reader = _Reader(self._requested)  # the view on screen
        self._pages: OrderedDict[int, list[AssetRow]] = OrderedDict()
        self._rows = 0  # rows the view knows about
        self._exhausted = False  # the last page has been read
        self._generation = 0  # bumped by every reload request: older first pages are stale
        self._loading = False
        self._wanted: list[int] = []  # pages asked for and not yet being read, oldest first
        self._asked: set[int] = set()  # pages waiting or being read
        self._page_workers: set[Worker] = set()
        self._other_workers: set[Worker] = set()  # first pages and counts
        self._row_workers: set[Worker] = set()  # rows read again (refresh_assets)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count_now)
        self.total_assets: int | None = None
        self.matching_assets: int | None = None

    # -- what the view shows ---------------------------------------------------------

    @property
    def filter(self) -> AssetFilter:
        """The filter of the rows on screen (a newer one may be loading)."""
        return self._reader.view.filter

    @property
    def sort_key(self) -> str:
        return self._reader.view.sort

    @property
    def sort_descending(self) -> bool:
        return self._reader.view.descending

    @property
    def is_loading(self) -> bool:
        """A new filter or sort is being read; the rows on screen are the previous ones."""
        return self._loading

    def start(self, column: int, order: Qt.SortOrder) -> None:
        """Show the first page of the whole register under this sort, read at once (one
        short query, for the window's first paint) unless the sort needs more."""
        self._reload(replace(self._requested, **self._sort_of(column, order)), now=True)

    def set_filter(self, flt: AssetFilter) -> None:
        if flt == self._requested.filter:
            return
        view = replace(self._requested, filter=flt)
        if self._loading and view == self._reader.view:
            self._keep_shown()  # back to the rows on screen before newer ones arrived
        else:
            self._reload(view)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or not COLUMNS[column].sortable:
            return
        view = replace(self._requested, **self._sort_of(column, order))
        if view != self._requested:
            self._reload(view)

    def reload(self) -> None:
        """Read the view again (after a change that may add, remove or move rows)."""
        self._reload(self._requested)

    def set_database(self, database: Database) -> None:
        """Show another database's register (after Settings changed it)."""
        self.shutdown()
        self.beginResetModel()  # the old database's rows go at once
        self._database = database
        self._pages.clear()
        self._rows = 0
        self._exhausted = True
        self.total_assets = self.matching_assets = None
        self.endResetModel()
        self._reload(replace(self._requested, filter=AssetFilter()))

    def cached_row_count(self) -> int:
        """Rows held in memory (at most ``CACHED_PAGES * PAGE_SIZE``)."""
        return sum(len(page) for page in self._pages.values())

    def row_at(self, row: int) -> AssetRow | None:
        """The row, read at once if its page is not in memory."""
        if not 0 <= row < self._rows:
            return None
        number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self._reader.page(self._database, number)
            self._store(number, page)
        return page[offset] if offset < len(page) else None

    def loaded_row_of(self, asset_id: uuid.UUID) -> int | None:
        for number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == asset_id:
                    return number * PAGE_SIZE + offset
        return None

    def locate(
        self,
        asset_id: uuid.UUID,
        found: Callable[[int | None], None],
        failed: Callable[[object], None],
    ) -> Worker:
        """Find the asset's row under the filter and sort on screen, on a worker (a busy
        file must not freeze the window: a scan of a tag far down the register read this
        on the GUI thread). Its page is read with it, so selecting the row reads nothing
        more; the count too when the row lies past the rows known. ``found(position)``
        (None: the filter hides it) once the model holds that row; ``found`` is not called
        if the view changed meanwhile (a new search or sort: ask again once it shows),
        ``failed(error)`` if the database could not answer."""
        reader, database, known = self._reader, self._database, self._rows
        counted = self.matching_assets is not None

        def read(progress: Progress, cancel: threading.Event) -> tuple[int, Any, Any] | None:
            with database.read() as session:
                position = reader.pager().position(session, asset_id, cancel=cancel)
                if position is None:
                    return None
                matching = None
                if position >= known and not counted:
                    matching = reader.pager().count(session, cancel=cancel)
            return position, reader.page(database, position // PAGE_SIZE, cancel), matching

        def arrived(answer: tuple[int, list[AssetRow], int | None] | None) -> None:
            if answer is None:
                found(None)
                return
            position, page, matching = answer
            if matching is not None and self.matching_assets is None:
                self._counted(reader, matching, None)
            if position >= self._rows:
                found(None)  # not among the rows shown (the count since says fewer)
                return
            self._store(position // PAGE_SIZE, page)
            found(position)

        worker = Worker(read)
        worker.succeeded.connect(lambda answer: arrived(answer) if self._counts(reader) else None)
        worker.failed.connect(lambda error: failed(error) if self._counts(reader) else None)
        worker.finished.connect(lambda: self._row_workers.discard(worker))
        self._row_workers.add(worker)
        worker.start()
        return worker

    def refresh_assets(self, asset_ids: list[uuid.UUID]) -> None:
        """Show the current values of these assets, read on a worker (a busy file must not
        freeze the window); reload if one is not in view. ``rows_refreshed`` follows when
        one held has changed, ``refresh_failed`` if they could not be read."""
        loaded = {aid: self.loaded_row_of(aid) for aid in asset_ids}
        if any(row is None for row in loaded.values()):
            self.reload()
            return
        database, reader = self._database, self._reader

        def read(progress: Progress, cancel: threading.Event) -> list[AssetRow]:
            from desktop.services.queries import assets_by_ids  # the ORM: on the worker
            from desktop.services.register_checkouts import with_marks

            with database.read() as session:
                return list(with_marks(session.connection(), assets_by_ids(session, asset_ids)))

        def arrived(rows: list[AssetRow]) -> None:
            if self.show_fresh_rows(rows):
                self.rows_refreshed.emit()

        worker = Worker(read)
        worker.succeeded.connect(lambda rows: arrived(rows) if self._counts(reader) else None)
        worker.failed.connect(
            lambda error: self.refresh_failed.emit(error) if self._counts(reader) else None
        )
        worker.finished.connect(lambda: self._row_workers.discard(worker))
        self._row_workers.add(worker)
        worker.start()

    def _counts(self, reader: _Reader) -> bool:
        """Whether an answer about rows of ``reader``'s view is still this model's to show
        (a window closed or switched meanwhile has deleted the model)."""
        return isValid(self) and reader is self._reader

    def show_fresh_rows(self, rows: Iterable[AssetRow]) -> bool:
        """Put these rows, read again, in place of the ones held (found by id: a row the
        model does not hold any more is left out, and so is one older than the row held —
        an answer that arrives after a newer read of the same asset). True if a row held
        was older (changed elsewhere: the CLI, another computer)."""
        newer = False
        for fresh in rows:
            position = self.loaded_row_of(fresh.id)
            page = self._pages.get(position // PAGE_SIZE) if position is not None else None
            if page is None or position is None:
                continue
            held = page[position % PAGE_SIZE].version
            if fresh.version < held:
                continue
            newer = newer or fresh.version > held
            page[position % PAGE_SIZE] = fresh
            self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))
        return newer

    def refresh_if_stale(self, asset_id: uuid.UUID, version: int) -> bool:
        """Re-read the asset's row (that row only) if the one held is older than
        ``version`` (a change made elsewhere: the CLI, another window on a shared server).
        False if the row is not held or is current."""
        position = self.loaded_row_of(asset_id)
        if position is None:
            return False
        held = self._pages[position // PAGE_SIZE][position % PAGE_SIZE]
        if held.version >= version:
            return False
        self.refresh_assets([asset_id])
        return True

    def shutdown(self) -> None:
        """Stop reading and counting (before the database closes or the window goes)."""
        self._generation += 1  # whatever a cancelled read reports is stale
        self._reader = _Reader(self._reader.view)  # ... and so are its pages
        self._count_timer.stop()
        workers = self._page_workers | self._other_workers | self._row_workers
        for worker in workers:
            worker.cancel()
        for worker in workers:
            worker.wait()
        self._page_workers.clear()
        self._other_workers.clear()
        self._row_workers.clear()
        self._wanted.clear()
        self._asked.clear()
        self._set_loading(False)

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
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every cell at each paint: answer the roles it never
        # needs first, and read the row only for those that show it.
        if role in _ROW_ROLES:
            return self._row_data(self.row_at(index.row()), role) if index.isValid() else None
        if role not in _CELL_ROLES or not index.isValid():
            return None
        column = index.column()
        if role == _ALIGNMENT:
            return _ALIGNMENTS[column]
        if role in _STATUS_ROLES and column != _STATUS_COLUMN:
            return None
        row = self._loaded_row(index.row())
        if row is None:
            return PLACEHOLDER if role == _DISPLAY else None
        key = COLUMNS[column].key
        if role == _DISPLAY:
            return display_value(row, key, self._date_format)
        if column == _STATUS_COLUMN:
            return self._status_data(row.status, role)
        if role == _TOOLTIP and key in ("name", "notes", "location"):
            return getattr(row, key) or None
        if role == _TOOLTIP and key == "checked_out" and row.checked_out_at is not None:
            since = row.checked_out_at.astimezone().strftime("%Y-%m-%d %H:%M")
            return f"Out in a field kit: checked out by {row.checked_out_by} since {since}"
        return None

    @staticmethod
    def _row_data(row: AssetRow | None, role: int) -> Any:
        if row is None:
            return None
        if role == AssetIdRole:
            return row.id
        if role == TagRole:
            return row.tag
        if role == StatusRole:
            return row.status
        return row

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
        if self.canFetchMore(parent):
            self._ask_for_page(self._rows // PAGE_SIZE)

    # -- reading ---------------------------------------------------------------------

    @staticmethod
    def _sort_of(column: int, order: Qt.SortOrder) -> dict[str, Any]:
        if not 0 <= column < len(COLUMNS) or not COLUMNS[column].sortable:
            return {"sort": "tag", "descending": False}
        return {"sort": COLUMNS[column].key, "descending": order == Qt.SortOrder.DescendingOrder}

    def _reload(self, view: _View, *, now: bool = False) -> None:
        self._generation += 1
        generation = self._generation
        self._requested = view
        self._count_timer.stop()
        for worker in self._other_workers:
            worker.cancel()  # a stale first page or count: interrupt it, keep the CPU
        reader = _Reader(view)
        if now:
            self._show(generation, reader, reader.first_page(self._database, None))
            return
        self._set_loading(True)
        database = self._database

        def first_page(progress: Progress, cancel: threading.Event) -> list[AssetRow]:
            return reader.first_page(database, cancel)

        self._run(
            first_page,
            self._other_workers,
            lambda page: self._show(generation, reader, page),
            lambda: generation == self._generation,
            first_page=True,
        )

    def _keep_shown(self) -> None:
        """Drop the newer request that is being read: the rows on screen are wanted."""
        self._generation += 1
        self._requested = self._reader.view
        for worker in self._other_workers:
            worker.cancel()
        self._set_loading(False)
        if self.matching_assets is None:
            self._count_timer.start()

    def _show(self, generation: int, reader: _Reader, page: list[AssetRow]) -> None:
        """The first page of a new view has arrived: it replaces the rows on screen."""
        if generation != self._generation:
            return
        for worker in self._page_workers:
            worker.cancel()  # pages of the old view
        # The same view read again (F5, after a procedure or an import) keeps the length
        # it had, so a user scrolled past the first page stays where they were: the rows
        # below load as they are shown, and the count settles the length.
        kept = self._rows if reader.view == self._reader.view else 0
        if self.matching_assets is None:
            kept = 0  # not counted yet: the rows held are what was read, no more
        self.beginResetModel()
        self._reader = reader
        self._pages.clear()
        self._wanted.clear()
        self._asked.clear()
        self._store(0, page)
        self._rows = len(page)
        self._exhausted = len(page) < PAGE_SIZE
        if kept > len(page) and not self._exhausted:
            self._rows = kept
            self._exhausted = True  # no reading past it before the count
        self.matching_assets = None
        self.endResetModel()
        self._set_loading(False)
        self.reloaded.emit()
        self._count_timer.start()  # count soon: not per keystroke while the user types

    def _loaded_row(self, row: int) -> AssetRow | None:
        """The row if its page is in memory; else None, and the page is asked for."""
        if not 0 <= row < self._rows:
            return None
        number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            self._ask_for_page(number)
            return None
        self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def _ask_for_page(self, number: int) -> None:
        if number in self._pages or number in self._asked:
            return
        self._asked.add(number)
        self._wanted.append(number)
        if len(self._wanted) > QUEUED_PAGES:
            self._asked.discard(self._wanted.pop(0))  # scrolled past: asked again if seen
        self._read_wanted_pages()

    def _read_wanted_pages(self) -> None:
        while self._wanted and len(self._page_workers) < PAGE_READERS:
            self._read_page(self._wanted.pop())  # the newest request: what the view shows now

    def _read_page(self, number: int) -> None:
        reader, database = self._reader, self._database

        def read(progress: Progress, cancel: threading.Event) -> list[AssetRow]:
            return reader.page(database, number, cancel)

        self._run(
            read,
            self._page_workers,
            lambda page: self._page_arrived(reader, number, page),
            lambda: reader is self._reader,
            lambda: self._page_ended(reader, number),
        )

    def _page_ended(self, reader: _Reader, number: int) -> None:
        if reader is self._reader:
            self._asked.discard(number)
        self._read_wanted_pages()

    def _page_arrived(self, reader: _Reader, number: int, page: list[AssetRow]) -> None:
        if reader is not self._reader:
            return
        self._store(number, page)
        start = number * PAGE_SIZE
        if start >= self._rows:  # the next page while scrolling down, before the count
            if len(page) < PAGE_SIZE:
                self._exhausted = True
            if page and self.matching_assets is None:
                self.beginInsertRows(QModelIndex(), self._rows, self._rows + len(page) - 1)
                self._rows += len(page)
                self.endInsertRows()
        else:
            last = min(start + len(page), self._rows) - 1
            if last >= start:
                self.dataChanged.emit(self.index(start, 0), self.index(last, len(COLUMNS) - 1))

    def _store(self, number: int, page: list[AssetRow]) -> None:
        self._pages[number] = page
        self._pages.move_to_end(number)
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)

    def _run(
        self,
        job: Callable[[Progress, threading.Event], Any],
        workers: set[Worker],
        succeeded: Callable[[Any], None],
        current: Callable[[], bool],
        ended: Callable[[], None] | None = None,
        *,
        first_page: bool = False,
    ) -> None:
        """Run ``job`` on a worker; its result or error counts only while ``current()``.
        A failed ``first_page`` ends the loading (the rows on screen stay)."""
        worker = Worker(job)

        def counts() -> bool:
            # A window closed or switched meanwhile has deleted this model: its answer is
            # nobody's (its signals can no longer be sent).
            return isValid(self) and current()

        def failed(error: object) -> None:
            # A job this model cancelled (a newer request, the rows on screen kept) ends
            # with SQLite's "interrupted": that is the cancel, not a bug to report.
            if not worker.cancel_event.is_set() and counts():
                self._job_failed(error, first_page)

        worker.succeeded.connect(lambda result: succeeded(result) if counts() else None)
        worker.failed.connect(failed)

        def finished() -> None:
            workers.discard(worker)
            if ended is not None and isValid(self):
                ended()

        worker.finished.connect(finished)
        workers.add(worker)
        worker.start()

    def _job_failed(self, error: object, first_page: bool) -> None:
        if first_page:
            self._set_loading(False)
        self.failed.emit(error)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.busy.emit(loading)

    def _count_now(self) -> None:
        reader, database = self._reader, self._database
        whole_register = reader.view.filter == AssetFilter()

        def count(progress: Progress, cancel: threading.Event) -> tuple[int, int]:
            with database.read() as session:
                matching = reader.pager().count(session, cancel=cancel)
                if whole_register:
                    return matching, matching
                everything = _Reader(_View()).pager()
                return matching, everything.count(session, cancel=cancel)

        for previous in self._other_workers:
            previous.cancel()
        self._run(
            count,
            self._other_workers,
            lambda result: self._counted(reader, result[0], result[1]),
            lambda: reader is self._reader and not self._loading,
        )

    def _counted(self, reader: _Reader, matching: int, total: int | None) -> None:
        if reader is not self._reader:
            return
        self.matching_assets = matching
        if total is not None:
            self.total_assets = total
        if matching > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, matching - 1)
            self._rows = matching
            self.endInsertRows()
        elif matching < self._rows:  # a view read again kept a length that has shrunk
            self.beginRemoveRows(QModelIndex(), matching, self._rows - 1)
            self._rows = matching
            self.endRemoveRows()
        self._exhausted = True
        if self.total_assets is not None:
            self.counted.emit(matching, self.total_assets)
