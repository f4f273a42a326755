"""Workers owned by a window: started, tracked, and never destroyed while running.

A window that started database work must not disappear under a running thread (Qt
aborts when a running ``QThread`` is destroyed). Two guards:

* while any of its jobs runs, the window (the owner's top-level widget) is held by a
  strong reference here, so dropping the last Python reference to it cannot delete it
  mid-job; it is released once the thread has ended, outside any signal emission;
* closing cancels the jobs and waits for their threads (a worker's thread ends as soon
  as its job does, so this returns once the jobs have rolled back).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.gui.worker import Worker

#: Longest a closing window waits for its jobs (seconds); they roll back when cancelled.
FINISH_TIMEOUT = 30.0

#: Windows with running jobs: id → (window, number of running jobs).
_held: dict[int, tuple[QObject, int]] = {}


def start_worker(owner: QObject, workers: list[Worker], job: Any) -> Worker:
    """Start ``job`` on a worker owned by ``owner`` and tracked in ``workers``."""
    worker = Worker(job, owner)
    workers.append(worker)
    window = owner.window() if isinstance(owner, QWidget) else owner
    _hold(window)
    worker.finished.connect(lambda: _forget(workers, worker, window))
    worker.start()
    return worker


def finish_workers(workers: list[Worker], timeout: float = FINISH_TIMEOUT) -> None:
    """Cancel every worker and wait until their threads have ended (they roll back)."""
    pending = list(workers)  # the list shrinks as workers finish
    for worker in pending:
        worker.cancel()
    for worker in pending:
        worker.wait(int(timeout * 1000))


def running_jobs(window: QObject) -> int:
    return _held.get(id(window), (window, 0))[1]


def _hold(window: QObject) -> None:
    _, count = _held.get(id(window), (window, 0))
    _held[id(window)] = (window, count + 1)


def _forget(workers: list[Worker], worker: Worker, window: QObject) -> None:
    # ``finished`` comes just before the thread really ends: let it end first.
    worker.wait(1000)
    if worker in workers:
        workers.remove(worker)
    # Release the window after this emission: its deletion also deletes the worker.
    QTimer.singleShot(0, lambda: _release(id(window)))


def _release(key: int) -> None:
    window, count = _held.get(key, (None, 0))
    if window is None:
        return
    if count <= 1:
        del _held[key]
    else:
        _held[key] = (window, count - 1)
