"""Running a dialog's database work on workers, owned by the dialog.

A dialog never blocks on its workers: closing it only asks running jobs to cancel, and
the dialog finishes closing when the last thread has ended (STYLE.md, Qt habit 9).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from desktop.errors import DesktopError
from ui.gui.worker import Job, Worker


class DialogJobs(QObject):
    """The workers a dialog has started; errors that are bugs go to the crash handler."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._running: list[Worker] = []
        self._when_idle: list[Callable[[], None]] = []

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def start(
        self,
        job: Job,
        on_success: Callable[[Any], None],
        on_error: Callable[[DesktopError], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Worker:
        worker = Worker(job, self)
        self._running.append(worker)
        worker.succeeded.connect(on_success)
        worker.failed.connect(lambda exc: self._failed(exc, on_error))
        if on_finished is not None:
            worker.finished.connect(on_finished)
        worker.finished.connect(lambda: self._ended(worker))
        worker.start()
        return worker

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once no job is running (at once if none is)."""
        if self._running:
            self._when_idle.append(callback)
        else:
            callback()

    def cancel_then(self, callback: Callable[[], None]) -> None:
        """Ask every job to stop and call ``callback`` once they all have (or at once)."""
        if not self._running:
            callback()
            return
        self._when_idle.append(callback)
        for worker in self._running:
            worker.cancel()

    def _failed(self, exc: BaseException, on_error: Callable[[DesktopError], None] | None) -> None:
        if isinstance(exc, DesktopError) and on_error is not None:
            on_error(exc)
        else:  # a bug (or nobody to tell): the application's crash dialog shows it
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _ended(self, worker: Worker) -> None:
        self._running.remove(worker)
        if not self._running:
            callbacks, self._when_idle = self._when_idle, []
            for callback in callbacks:
                callback()
