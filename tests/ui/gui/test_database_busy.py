"""A local file another program is writing (a long import from the command line) is busy,
not lost: the window's reads refused after the busy timeout ("database is locked") show a
"busy" state in the status bar with no outage box; F5 meanwhile says, once, that the
database (named) is busy and to try again; the register is read again once it is free."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.storage.database import Database
from tests.ui.gui.conftest import (
    Register,
    hold_the_file,
    let_go,
    read_often_from_now,
    window_with_busy_timeout,
)
from tests.ui.windows import closed
from ui.gui import connection_watch
from ui.gui.main_window import MainWindow
from ui.gui.models import asset_table_model


def _visible_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_a_database_another_program_is_writing_is_busy_not_lost(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection_watch, "RETRY_INTERVAL_MS", 300)
    # The window's database waits 0.2 s for a busy file instead of 10 s.
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 200)
    watch = window.connection
    table = window.view.table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(window.selected_rows()) == 1)
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)

    seen: list[QMessageBox] = []

    def count_boxes() -> None:
        seen.extend(box for box in _visible_boxes() if box not in seen)

    counter = QTimer(window)
    counter.timeout.connect(count_boxes)
    counter.start(20)

    writer = hold_the_file(qtbot, register.db)
    read_often_from_now(window)  # the timers' reads: every 200 ms
    try:
        label = window.findChild(QLabel, "connectionLost")
        assert label is not None
        qtbot.waitUntil(label.isVisible, timeout=10_000)  # the timers' reads fail
        assert label.text() == "Database busy — another program is writing; trying again"
        assert f"The database {window.database.description}" in label.toolTip()
        qtbot.wait(1500)  # a handful of background reads and busy checks later
        assert seen == []  # no outage box, no box at all for reads nobody asked for
        assert watch.lost is None
        assert label.isVisible()

        qtbot.keyClick(table, Qt.Key.Key_F5)  # the person asks: told once, naming it
        qtbot.waitUntil(lambda: watch.busy_box is not None and watch.busy_box.isVisible())
        box = watch.busy_box
        assert box is not None
        assert box.text() == (
            f"The database {window.database.description} is busy: another program is writing to it."
        )
        assert "try again in a moment" in box.informativeText().lower()
        qtbot.waitUntil(lambda: bool(seen))
        assert [b.objectName() for b in seen] == ["databaseBusyMessage"]
        box.accept()
    finally:
        let_go(writer)
    qtbot.waitUntil(lambda: closed(label), timeout=10_000)
    assert "is free again" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.model.matching_assets == register.size, timeout=10_000)
    assert watch.lost is None
    assert [b.objectName() for b in seen] == ["databaseBusyMessage"]
    counter.stop()
    window.close()
    register.db.dispose()


def _busy_window(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ms: int
) -> tuple[MainWindow, Register]:
    """The window on a database that waits ``ms`` for a busy file (its engine made anew),
    an asset selected, its first reads done."""
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, ms)
    qtbot.keyClick(window.view.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(window.selected_rows()) == 1)
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    return window, register


def test_a_second_f5_while_the_register_waits_for_a_busy_file_starts_no_second_wait(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F5 on a busy file: the register's read waits for the busy timeout. A second F5
    meanwhile started it again (the first read's answer dropped): a new wait from that
    moment, and pressed often enough the 'busy' message never came. Now it leaves the read
    under way to answer, and says so."""
    window, register = _busy_window(qtbot, register, tmp_path, monkeypatch, 2000)
    reads: list[float] = []
    first_page = asset_table_model._Reader.first_page

    def counted(reader: Any, database: Database, cancel: Any) -> Any:
        reads.append(time.monotonic())
        return first_page(reader, database, cancel)

    monkeypatch.setattr(asset_table_model._Reader, "first_page", counted)
    table = window.view.table
    watch = window.connection
    writer = hold_the_file(qtbot, register.db)
    try:
        qtbot.keyClick(table, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: window.view.count_label.text() != "Reading the register…")
        qtbot.wait(600)  # the read waits for the file
        assert window.model.is_loading
        qtbot.keyClick(table, Qt.Key.Key_F5)  # the person presses again
        said = window.statusBar().currentMessage()
        assert said.startswith("Still reading the register: the database ")
        qtbot.waitUntil(lambda: watch.busy_box is not None, timeout=10_000)
        assert len(reads) == 1  # one read of the register, one wait
        box = watch.busy_box
        assert box is not None and box.objectName() == "databaseBusyMessage"
        box.accept()
    finally:
        let_go(writer)
    qtbot.waitUntil(lambda: watch.busy is None, timeout=10_000)
    qtbot.waitUntil(lambda: window.model.matching_assets == register.size, timeout=10_000)
    window.close()
    register.db.dispose()


def test_a_local_file_whose_connections_all_wait_is_said_busy_not_a_server_not_answering(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every connection of the window's pool taken by reads waiting for the file: the next
    read's pool timeout said "a server that does not answer" in the outage box, for a
    local file. It is busy: the busy message names the file."""
    window, register = _busy_window(qtbot, register, tmp_path, monkeypatch, 2000)
    pool: Any = window.database.read_engine.pool
    pool._timeout = 0.1
    waiting: list[Any] = []  # what the reads waiting for the file would hold
    try:
        while True:
            try:
                waiting.append(window.database.read_engine.connect())
            except PoolTimeoutError:
                break
        pool._timeout = 0.3
        qtbot.keyClick(window.view.table, Qt.Key.Key_F5)
        watch = window.connection
        qtbot.waitUntil(lambda: watch.busy_box is not None, timeout=10_000)
        box = watch.busy_box
        assert box is not None and box.isVisible()
        assert box.objectName() == "databaseBusyMessage"
        assert box.text().startswith(f"The database {window.database.description} is busy")
        detail = box.detailedText()
        assert str(register.db.sqlite_path) in detail and "is busy" in detail
        assert "server" not in detail
        assert watch.lost is None and watch.message_box is None  # no outage
        box.accept()
    finally:
        for connection in waiting:
            connection.close()
    qtbot.waitUntil(lambda: window.model.matching_assets == register.size, timeout=10_000)
    window.close()
    register.db.dispose()
