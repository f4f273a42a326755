"""The one job a dialog runs on a worker, its progress bar, and Cancel/Esc/close meanwhile.

The export, checkout and sync dialogs each wired this by hand: a ``worker`` attribute, a
busy progress bar that turns into a count, a "close when done" flag, and a finished
handler that hides the bar and closes the dialog if asked. Cancel, Esc and closing only
ask the job to stop; the dialog closes once its thread has finished (STYLE 9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QProgressBar

from ui.gui.worker import Job, Worker, worker_for


class DialogWork:
    """Runs ``dialog``'s jobs one at a time, showing their progress on ``progress``."""

    def __init__(self, dialog: QDialog, progress: QProgressBar) -> None:
        self._dialog = dialog
        self.progress = progress
        progress.setVisible(False)
        #: The running job's worker (the dialog's child), None when nothing runs.
        self.worker: Worker | None = None
        self._close_when_done = False

    @property
    def busy(self) -> bool:
        return self.worker is not None

    @property
    def cancelled(self) -> bool:
        """Whether the running job was asked to stop."""
        return self.worker is not None and self.worker.cancel_event.is_set()

    def start(
        self,
        job: Job,
        *,
        succeeded: Callable[[Any], None],
        failed: Callable[[Any], None],
        finished: Callable[[], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Worker:
        """Run ``job``: the bar shows "busy" until its first progress, then the count;
        ``finished`` follows the end (the bar is hidden and ``worker`` is None by then)."""

        def show(done: int, total: int) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            if progress is not None:
                progress(done, total)

        def ended() -> None:
            self.worker = None  # the worker is the dialog's child and goes with it
            self.progress.setVisible(False)
            if finished is not None:
                finished()
            if self._close_when_done:
                QDialog.reject(self._dialog)  # the dialog's own reject would cancel again

        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        worker = worker_for(
            job, self._dialog, progress=show, succeeded=succeeded, failed=failed, finished=ended
        )
        self.worker = worker
        worker.start()
        return worker

    def cancel(self, *, close: bool) -> bool:
        """Ask the running job to stop — and the dialog to close once it has, if
        ``close``. False when nothing runs (the caller closes the dialog itself)."""
        if self.worker is None:
            return False
        self.worker.cancel()
        self._close_when_done = self._close_when_done or close
        return True
