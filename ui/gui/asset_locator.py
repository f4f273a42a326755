"""An asset to select that is not on a page the register holds, found on a worker.

Selecting an asset the table has not read (a scan of a tag far down a 1,000-row register,
the asset a form just recorded, the selection remembered from the last session) asked the
database for its row on the GUI thread, and read its page there too. On a local file
another program is writing (a long import from the command line) each read waited for the
busy timeout: the window froze at the scan. Its row is now found on a worker with its
page (:meth:`AssetTableModel.locate`), one request at a time: a newer selection drops the
older one's answer, and so does a person who selects something else meanwhile. A filter
hiding the asset is cleared, as before, and the asset selected once the register shows.
A request the busy file refused is said by the watch's busy state in the status bar (no
box: it would take the next scan's Enter) and made again once the file is free, unless the
person has selected something else since.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView

from desktop.errors import DatabaseBusyError
from desktop.services.register_rows import AssetFilter

if TYPE_CHECKING:
    from desktop.storage.database import Database
    from ui.gui.main_window import MainWindow
    from ui.gui.worker import Worker

ScrollHint = QAbstractItemView.ScrollHint


@dataclass(frozen=True, eq=False)
class _Request:
    asset_id: uuid.UUID
    hint: ScrollHint | None
    database: Database
    selection: tuple[Any, ...]  # the ids selected when it was asked for


class AssetLocator(QObject):
    """Finds the row of the asset asked for last and selects it (see the module)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._wanted: _Request | None = None  # asked for last, until selected or dropped
        self._worker: Worker | None = None
        self._refused: _Request | None = None  # refused as busy: asked again when free
        self._closed = False

    @property
    def busy(self) -> bool:
        """Whether an asset asked for is still being looked for."""
        return self._wanted is not None

    def locate(self, asset_id: uuid.UUID, hint: ScrollHint | None) -> None:
        """Find the asset's row on a worker, then select it (unless dropped meanwhile)."""
        if self._closed:
            return
        window = self._window
        request = _Request(asset_id, hint, window.database, self._selection())
        self.forget()
        self._refused = None  # a newer request: the refused one is not wanted any more
        self._wanted = request
        worker = window.model.locate(
            asset_id, lambda position: self._found(request, position), self._failed_for(request)
        )
        self._worker = worker
        worker.finished.connect(lambda: self._ended(request, worker))
        window._track(worker)

    def forget(self) -> None:
        """Another selection is asked for: the request under way is dropped (one refused
        as busy is dropped by the selection it would undo)."""
        self._wanted = None
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None

    def again(self) -> None:
        """The database answers again: the request it refused as busy is made now, if the
        person has not selected something else since."""
        refused, self._refused = self._refused, None
        if refused is None or self._closed or refused.database is not self._window.database:
            return
        if self._selection() == refused.selection:  # (a refresh reads, selects it after)
            self._window.select_asset(refused.asset_id, refused.hint)

    def shutdown(self) -> None:
        """The window closes: nothing is selected any more."""
        self._closed = True
        self.forget()

    def _selection(self) -> tuple[Any, ...]:
        return tuple(row.id for row in self._window.selected_rows())

    def _current(self, request: _Request) -> bool:
        return request is self._wanted and request.database is self._window.database

    def _found(self, request: _Request, position: int | None) -> None:
        if not self._current(request):
            return
        self._wanted = None
        window = self._window
        if self._selection() != request.selection:
            return  # the person selected another row meanwhile: that one stays
        if window.model.is_loading:  # a search typed meanwhile is read: selected in it
            window.select_asset(request.asset_id, request.hint)
        elif position is not None:
            window.select_row(position, request.hint)
        elif window.model.filter != AssetFilter():  # the filter hides it: cleared
            window.view.filter_bar.clear_filters()
            window.select_asset(request.asset_id, request.hint)  # once the register shows

    def _failed_for(self, request: _Request) -> Any:
        def failed(error: object) -> None:
            if not self._current(request):
                return
            self._wanted = None
            window = self._window
            if isinstance(error, DatabaseBusyError):
                window.connection.report(error, background=True)
                self._refused = request
                window.statusBar().showMessage(
                    "The asset is selected once the busy file is free", 30_000
                )
                return
            window.show_error(error)

        return failed

    def _ended(self, request: _Request, worker: Worker) -> None:
        if worker is not self._worker:
            return  # dropped for a newer request
        self._worker = None
        if request is self._wanted:
            # Neither found nor refused: the view changed while the row was looked for (a
            # search, a sort). It is looked for in the view now shown (once it is read).
            self._wanted = None
            self._window.select_asset(request.asset_id, request.hint)
