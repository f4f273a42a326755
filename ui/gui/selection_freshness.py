"""The selected assets' states kept fresh while the window is open.

A decision made elsewhere — another person approves or rejects in their own window or
from the command line — changes which procedures the selected assets may get (a pending
dispose greys Dispose until it is decided). The register is not re-read for that (F5 does
it); what is re-read, on a worker, is only the selected rows, when the window becomes
active again (the person comes back to it) and on a light timer while it stays open, so
that Install, Decommission and Dispose, the detail pane and the approvals badge follow
without F5.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer

from desktop.errors import DesktopError
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: How often the selected rows are read again while the window stays open.
REFRESH_INTERVAL_MS = 30_000
#: More selected assets than this are left to F5 (one short read of a few rows only).
MAX_REFRESHED_ROWS = 50


class SelectionFreshness(QObject):
    """Re-reads the window's selected rows on activation and every ``REFRESH_INTERVAL_MS``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._reading: Worker | None = None  # the read under way, if any
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ActivationChange and self._window.isActiveWindow():
            # After the activation is handled (a dialog closing gives the focus back first).
            QTimer.singleShot(0, self.refresh)
        return False

    def uninstall(self) -> None:
        self.timer.stop()
        self._window.removeEventFilter(self)

    def refresh(self) -> None:
        """Read the selected rows again, on a worker (a shared server that does not answer
        must not freeze the window every 30 s); the actions, the detail and the badge
        follow if one of them changed (the detail is not redrawn otherwise: its scroll
        stays)."""
        window = self._window
        if window.model.is_loading or self._reading is not None:
            return  # the rows being read are fresh anyway; or a read is under way
        if window.connection.lost is not None:
            return  # the database is unavailable: its watch retries, and reads all again
        window.features.refresh_badge_unless_counting()
        before = window.selected_rows()
        if not before or len(before) > MAX_REFRESHED_ROWS:
            return
        database, ids = window.database, [row.id for row in before]

        def job(progress: Progress, cancel: threading.Event) -> list[Any]:
            from desktop.services.queries import assets_by_ids  # the ORM: on the worker
            from desktop.services.register_checkouts import with_marks

            with database.read() as session:
                return list(with_marks(session.connection(), assets_by_ids(session, ids)))

        worker = Worker(job, window)
        self._reading = worker
        worker.succeeded.connect(lambda rows: self._read(database, before, rows))
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        window._track(worker)
        worker.start()

    def _read(self, database: object, before: list[Any], rows: object) -> None:
        window = self._window
        if database is not window.database:
            return  # the window switched databases meanwhile
        assert isinstance(rows, list)
        # Rows read meanwhile by a scan, a click or a recorded procedure are newer than
        # these: they are kept (show_fresh_rows writes no older version over them).
        window.model.show_fresh_rows(rows)
        after = window.selected_rows()
        if window.selection_pending() or [r.id for r in after] != [r.id for r in before]:
            # The selection changed while these rows were read (a scan selected another
            # asset, or will once a search is read): what made it shows it. This answer
            # is about the old selection and must not show or select anything.
            return
        if after == before:
            return
        window.action_states.update()
        if len(after) == 1:
            window.show_asset(after[0].id)

    def _failed(self, error: object) -> None:
        if self._window.connection.report(error, background=True):
            return  # the database is unavailable: said once, retried by the watch
        if isinstance(error, DesktopError):  # a refusal: F5 says more; no box
            self._window.statusBar().showMessage(f"Could not re-read the selection: {error}", 5000)
            return
        self._window.show_error(error)

    def _finished(self) -> None:
        self._reading = None
