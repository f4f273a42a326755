"""The selected asset's detail, read on a worker.

Selecting a row read the asset's detail (its fields, history, incidents and checkout) on
the GUI thread. On a local file another program is writing (a long import from the
command line) that read waits for the busy timeout — the window froze for up to 10 s at
each click or arrow key. The detail is now read on a worker, one read at a time: a
selection that moves on meanwhile (an arrow key held) asks the read under way to stop
and reads only the asset selected last once it has ended; an answer about an asset no
longer asked for is dropped. A read that takes a moment says so in the panel.

A read the busy file refused (the busy timeout passed) is said by the watch's busy state
in the status bar and in the panel, never in a box: a window-modal box took the next
scan's keys, its Enter closed it and the scan was lost. The watch reads the register
again once the file is free, and with it the selected asset's detail.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from desktop.errors import DatabaseBusyError, NotFoundError
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from desktop.storage.database import Database
    from ui.gui.main_window import MainWindow

#: A read still under way after this long says so in the panel (ms).
READING_NOTICE_MS = 300


@dataclass(frozen=True)
class _Request:
    asset_id: uuid.UUID
    all_history: bool
    database: Database


@dataclass(frozen=True)
class _Answer:
    detail: Any  # AssetDetail (the ORM's queries are imported on the worker)
    incidents: list[Any]
    checkout: Any
    rows: list[Any]  # the asset's register row, read with it


class DetailReader(QObject):
    """Reads the detail of the asset asked for last and shows it in the window's panel."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._wanted: _Request | None = None  # the asset asked for last, until shown
        self._reading: tuple[_Request, Worker] | None = None
        self._closed = False
        self._notice = QTimer(self)
        self._notice.setSingleShot(True)
        self._notice.setInterval(READING_NOTICE_MS)
        self._notice.timeout.connect(self._say_reading)

    @property
    def busy(self) -> bool:
        """Whether a detail asked for has not been shown (or refused) yet."""
        return self._wanted is not None or self._reading is not None

    def read(self, asset_id: uuid.UUID, *, all_history: bool = False) -> None:
        """Read this asset's detail and show it once read (unless another is asked for
        meanwhile)."""
        if self._closed:
            return
        self._wanted = _Request(asset_id, all_history, self._window.database)
        if not self._notice.isActive():
            self._notice.start()
        if self._reading is not None:
            if self._reading[0] != self._wanted:
                self._reading[1].cancel()  # stops before reading, if it has not begun
            return  # the asset asked for last is read once this read has ended
        self._start()

    def shutdown(self) -> None:
        """The window closes: the read under way is asked to stop and none follows it."""
        self._closed = True
        self.forget()

    def forget(self) -> None:
        """Nothing is selected any more: a read under way shows nothing."""
        self._wanted = None
        self._notice.stop()
        if self._reading is not None:
            self._reading[1].cancel()

    def _start(self) -> None:
        request = self._wanted
        assert request is not None
        worker = Worker(_detail_job(request), self._window)
        self._reading = (request, worker)
        worker.succeeded.connect(lambda answer: self._read(request, answer))
        worker.failed.connect(lambda error: self._failed(request, error))
        worker.finished.connect(self._finished)
        self._window._track(worker)
        worker.start()

    def _read(self, request: _Request, answer: object) -> None:
        if request != self._wanted or request.database is not self._window.database:
            return  # another asset was selected meanwhile (or another database opened)
        assert isinstance(answer, _Answer)
        self._wanted = None
        self._notice.stop()
        window = self._window
        # A change made elsewhere (the CLI, another computer) shows in the detail: the
        # register's row, read with it, is shown too so that the two agree (an older one
        # than the row held is not), and the actions follow it (a decommission approved
        # elsewhere offers Dispose when its asset is scanned).
        if window.model.show_fresh_rows(answer.rows):
            window._update_actions()
        window.view.detail.show_detail(answer.detail, answer.incidents, answer.checkout)
        row = answer.detail.row
        window.setWindowTitle(f"{row.tag} · {row.name} — Assetdesk")

    def _failed(self, request: _Request, error: object) -> None:
        if request != self._wanted or request.database is not self._window.database:
            return
        if isinstance(error, _Cancelled):
            return  # asked for again after it was told to stop: read again once it ends
        self._wanted = None
        self._notice.stop()
        if isinstance(error, NotFoundError):
            self._window.view.detail.show_nothing(error.message)
            return
        # The database unavailable or busy: said once by the connection's watch; the
        # detail on screen stays. Read again (F5, the refresh after a dialog), the asset
        # the panel shows already is a read of the window's own, said in the status bar
        # only: F5 on a busy file said so twice, for the register's read and this one.
        window = self._window
        shown = window.view.detail.detail
        again = shown is not None and shown.row.id == request.asset_id
        if isinstance(error, DatabaseBusyError) and not again:
            # A new selection (a click, an arrow key, a scan's asset) refused: the panel
            # says which asset waits, the status bar why; the watch's refresh reads it
            # once the file is free. A box here took the next scan's Enter.
            window.connection.report(error, background=True)
            label = self._label(request.asset_id)
            said = f"{label or 'The asset'}: shown once the busy file is free"
            window.view.detail.show_nothing(said)
            window.setWindowTitle(f"{label} — Assetdesk" if label else "Assetdesk")
            return
        if again and window.connection.report(error, background=True):
            return
        window.show_error(error)

    def _finished(self) -> None:
        self._reading = None
        if self._wanted is not None and self._wanted.database is not self._window.database:
            self._wanted = None  # asked of the database the window used before
        if self._wanted is not None:
            self._start()  # the asset selected while the last read ran

    def _say_reading(self) -> None:
        """A read that takes a moment (a busy file): the panel says which asset is being
        read rather than showing another one's detail beside the selected row."""
        wanted, panel = self._wanted, self._window.view.detail
        if wanted is None or (panel.detail is not None and panel.detail.row.id == wanted.asset_id):
            return  # the asset shown is read again (a refresh): it stays meanwhile
        label = self._label(wanted.asset_id)
        panel.show_nothing(f"Reading {label or 'the asset'}…")
        # Nor does the title go on naming the asset shown before.
        self._window.setWindowTitle(f"{label} — Assetdesk" if label else "Assetdesk")

    def _label(self, asset_id: uuid.UUID) -> str | None:
        """The asset's tag and name from its row on screen (None if not held)."""
        model = self._window.model
        position = model.loaded_row_of(asset_id)
        row = model.row_at(position) if position is not None else None
        return f"{row.tag} · {row.name}" if row else None


class _Cancelled(Exception):
    """A read no longer wanted, stopped before it began."""


def _detail_job(request: _Request) -> Any:
    asset_id, database = request.asset_id, request.database

    def job(progress: Progress, cancel: threading.Event) -> _Answer:
        # The ORM's queries: imported on the worker, never before the window's first paint.
        from desktop.kits import checkouts_for_assets
        from desktop.services.incident_queries import incidents_for_asset
        from desktop.services.queries import HISTORY_SHOWN, asset_detail, assets_by_ids
        from desktop.services.register_checkouts import with_marks

        if cancel.is_set():
            raise _Cancelled
        limit = None if request.all_history else HISTORY_SHOWN
        with database.read() as session:
            detail = asset_detail(session, asset_id=asset_id, history_limit=limit)
            incidents = list(incidents_for_asset(session, asset_id))
            checkout = checkouts_for_assets(session, [asset_id]).get(asset_id)
            rows = list(with_marks(session.connection(), assets_by_ids(session, [asset_id])))
        return _Answer(detail, incidents, checkout, rows)

    return job
