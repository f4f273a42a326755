"""Running Qt-free audit jobs on worker threads, owned by the widget that started them.

A widget that starts jobs keeps a :class:`JobList`. Closing the widget while a job runs
only defers the close: the widget closes itself once its threads have finished, so no
thread outlives the object that receives its result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import DesktopError
from ui.gui.worker import Worker


class JobList:
    def __init__(self, owner: QWidget) -> None:
        self._owner = owner
        self._workers: list[Worker] = []
        self._close_pending = False

    def run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        *,
        on_finished: Callable[[], None] | None = None,
    ) -> Worker:
        """Run ``work()`` on a worker; ``on_success(result)`` runs on the GUI thread.

        A :class:`DesktopError` becomes a message box naming the problem; any other
        exception is re-raised on the GUI thread so that it reaches the crash dialog.
        """
        worker = Worker(lambda progress, cancel: work(), self._owner)
        worker.succeeded.connect(on_success)
        worker.failed.connect(lambda exc: show_failure(self._owner, exc))
        if on_finished is not None:
            worker.finished.connect(on_finished)
        worker.finished.connect(lambda: self._finished(worker))
        self._workers.append(worker)
        worker.start()
        return worker

    def busy(self) -> bool:
        return bool(self._workers)

    def defer_close(self, event: QEvent | None = None) -> bool:
        """In ``closeEvent``/``reject``: True (and the close postponed) while jobs run."""
        if not self._workers:
            return False
        self._close_pending = True
        if event is not None:
            event.ignore()
        return True

    def wait(self, milliseconds: int = 30_000) -> None:
        """Block until the running jobs end (tests and shutdown only)."""
        for worker in list(self._workers):
            worker.wait(milliseconds)

    def _finished(self, worker: Worker) -> None:
        self._workers.remove(worker)
        if self._close_pending and not self._workers:
            self._close_pending = False
            self._owner.close()


def show_failure(owner: QWidget, exc: BaseException) -> None:
    if not isinstance(exc, DesktopError):
        raise exc
    box = QMessageBox(QMessageBox.Icon.Warning, "Assetdesk", exc.sentence, parent=owner)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
