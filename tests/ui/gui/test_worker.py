"""The worker runs jobs off the GUI thread and always reports how they ended."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QThread

from desktop.errors import DesktopError
from ui.gui.worker import Progress, Worker, _running


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    seen_threads: list[object] = []

    def job(progress: Progress, cancel: threading.Event) -> int:
        seen_threads.append(QThread.currentThread())
        for i in range(1, 4):
            progress(i, 3)
        return 42

    worker = Worker(job)
    progress: list[tuple[int, int]] = []
    worker.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(worker.succeeded) as result, qtbot.waitSignal(worker.finished):
        worker.start()
    assert result.args == [42]
    assert progress[-1] == (3, 3)
    assert seen_threads[0] is not QThread.currentThread()


def test_errors_reach_the_ui(qtbot: QtBot) -> None:
    def job(progress: Progress, cancel: threading.Event) -> None:
        raise DesktopError("the file book.xlsx is encrypted")

    worker = Worker(job)
    with qtbot.waitSignal(worker.failed) as failure, qtbot.waitSignal(worker.finished):
        worker.start()
    assert isinstance(failure.args[0], DesktopError)
    assert "book.xlsx" in str(failure.args[0])


def test_cancel_is_seen_by_the_job(qtbot: QtBot) -> None:
    started = threading.Event()

    def job(progress: Progress, cancel: threading.Event) -> str:
        started.set()
        if not cancel.wait(10):
            pytest.fail("cancel never arrived")
        return "cancelled"

    worker = Worker(job)
    with qtbot.waitSignal(worker.succeeded) as result, qtbot.waitSignal(worker.finished):
        worker.start()
        assert started.wait(5)
        worker.cancel()
    assert result.args == ["cancelled"]


def test_waiting_from_the_gui_thread_returns_at_once(qtbot: QtBot) -> None:
    import time

    worker = Worker(lambda progress, cancel: 1)
    with qtbot.waitSignal(worker.succeeded):
        worker.start()
    started = time.monotonic()
    assert worker.wait(5_000)
    assert time.monotonic() - started < 1.0


def test_a_dropped_worker_keeps_running_to_the_end(qtbot: QtBot) -> None:
    release = threading.Event()
    finished = threading.Event()

    def job(progress: Progress, cancel: threading.Event) -> None:
        release.wait(5)
        finished.set()

    others = set(_running)  # workers an earlier test left finishing are not this one
    worker = Worker(job)
    worker.start()
    del worker  # the last reference: a running QThread must not be destroyed
    release.set()
    assert finished.wait(5)
    qtbot.waitUntil(lambda: not (_running - others), timeout=10000)
