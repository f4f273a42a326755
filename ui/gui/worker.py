"""Running Qt-free jobs on a worker thread.

A *job* is a plain callable from ``desktop/``::

    def job(progress: Callable[[int, int], None], cancel: threading.Event) -> T

It reports ``progress(done, total)`` and checks ``cancel``; it never touches widgets.
:class:`Worker` runs it on a ``QThread`` and turns its life into signals, delivered on the
GUI thread. Exceptions always reach the UI through ``failed``: a ``DesktopError`` is a
message for the user, anything else is a bug for the crash dialog.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

Progress = Callable[[int, int], None]
Job = Callable[[Progress, threading.Event], Any]

#: Progress is passed on at most this often (seconds), so the GUI is never flooded.
PROGRESS_INTERVAL = 0.1

#: Workers whose thread runs: held here so that dropping the last reference to a worker
#: (or to the window that owns it) never destroys a running QThread, which aborts Qt.
_running: set[Worker] = set()


class _Runner(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()

    def __init__(self, job: Job, cancel: threading.Event) -> None:
        super().__init__()
        self._job = job
        self._cancel = cancel
        self._last = 0.0

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            self.progress.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            result = self._job(self._report, self._cancel)
        except BaseException as exc:  # every failure must reach the UI  # noqa: BLE001
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class Worker(QObject):
    """Runs one job on its own thread.

    Give it a parent and let the parent delete it: a worker deleted with ``deleteLater``
    on its own ``finished`` crashed PySide6 now and then (a segfault in ~QObject during the
    next event loop turn, about one run in six under load).

    Signals:
        progress(int, int): done and total, at most every 100 ms.
        succeeded(object): the job's return value.
        failed(object): the exception the job raised (cancellation included, if the job
            raises on cancel).
        finished(): after succeeded or failed, once the thread has stopped.
    """

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        # The thread is the worker's child: it is destroyed with the worker, never by
        # Python's garbage collector at an arbitrary moment, and only once it has ended
        # (see _on_thread_finished). The runner is NOT deleted in its own thread with
        # deleteLater: destroying a Python QObject there needs the GIL while Qt holds its
        # connection locks, and a GUI thread connecting a signal at that moment deadlocks.
        self._thread = QThread(self)
        self._runner = _Runner(job, self.cancel_event)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.progress.connect(self.progress)
        self._runner.succeeded.connect(self.succeeded)
        self._runner.failed.connect(self.failed)
        # Direct: the thread ends as soon as the job does, without a trip through the GUI
        # thread's event loop, so wait() from a GUI slot returns at once.
        self._runner.done.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)
        self._thread.finished.connect(lambda: _running.discard(self))
        self._running = False

    @property
    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._running = True
        _running.add(self)
        parent = self.parent()
        if parent is not None:
            # Direct: destroyed is emitted before the parent deletes its children.
            parent.destroyed.connect(self._leave_parent, Qt.ConnectionType.DirectConnection)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop; it rolls back and ``finished`` follows."""
        self.cancel_event.set()

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Block until the thread ends (for shutdown and tests only)."""
        return self._thread.wait(milliseconds)

    @Slot()
    def _leave_parent(self) -> None:
        """The parent (or one of its ancestors, which deletes it) goes while the thread may
        still run: deleting the worker with it would destroy a running QThread, which
        aborts the process. The worker leaves it for the application instead; its job is
        asked to stop and its answer goes nowhere (whoever waited for it is gone)."""
        if not self._running:
            return
        self.cancel_event.set()
        with warnings.catch_warnings():  # PySide warns of a signal nobody listened to
            warnings.simplefilter("ignore", RuntimeWarning)
            for signal in (self.progress, self.succeeded, self.failed, self.finished):
                signal.disconnect()
        # Kept (a few hundred bytes) until the application ends: deleting a worker from
        # its own "finished" crashed PySide6 now and then (see the class's docstring).
        self.setParent(QCoreApplication.instance())

    def _on_thread_finished(self) -> None:
        # QThread emits finished just before its thread ends: wait for the end (at once),
        # so that whoever deletes this worker on "finished" never destroys a running thread.
        self._thread.wait()
        self._running = False
        self.finished.emit()


def stop_running_workers(milliseconds: int = 30_000) -> None:
    """Ask every worker whose thread runs to stop, and wait for them (the application
    quits: a running QThread destroyed with it aborts the process, and a job's signal sent
    through its deleted runner raised "Signal source has been deleted")."""
    workers = list(_running)
    for worker in workers:
        worker.cancel()
    for worker in workers:
        worker.wait(milliseconds)


def worker_for(
    job: Job,
    parent: QObject,
    *,
    progress: Callable[[int, int], None],
    succeeded: Callable[[Any], None],
    failed: Callable[[Any], None],
    finished: Callable[[], None],
) -> Worker:
    """A :class:`Worker` owned by ``parent`` with its four signals connected, not started
    yet (the caller keeps it, then calls ``start``): the wiring every dialog with a
    progress bar and a Cancel button wrote out."""
    worker = Worker(job, parent)
    worker.progress.connect(progress)
    worker.succeeded.connect(succeeded)
    worker.failed.connect(failed)
    worker.finished.connect(finished)
    return worker
