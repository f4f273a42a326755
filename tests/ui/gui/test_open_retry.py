"""Starting the window while another program writes the file (a long import from the
command line): the message says it is busy and offers Retry, and Retry (Enter) opens the
window once the file is free. Before, the only button was OK, and OK quit the program
(fix19's finding): the person had to start it again.

``run_gui`` as ``assetdesk`` runs it, in this process; the file is held as
``assetdesk import`` holds it (a rollback journal, the write lock)."""

from __future__ import annotations

import argparse
import logging
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.storage import database as database_module
from desktop.storage.database import Database
from ui.gui.app import run_gui
from ui.gui.main_window import MainWindow


def _hold(path: Path) -> sqlite3.Connection:
    writer = sqlite3.connect(path, timeout=5, isolation_level=None)
    assert writer.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    writer.execute("BEGIN EXCLUSIVE")
    return writer


def test_a_busy_file_at_start_offers_retry_and_retry_opens_the_window(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    writer = _hold(path)
    said: list[str] = []
    opened: list[MainWindow] = []
    released: list[bool] = []

    def release() -> None:  # the other program finishes
        if not released:
            writer.execute("ROLLBACK")
            writer.close()
            released.append(True)

    def step() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                said.append(widget.text())
                buttons = widget.standardButtons()
                release()
                if buttons & QMessageBox.StandardButton.Retry:
                    qtbot.keyClick(widget, Qt.Key.Key_Return)  # Retry is the default
                else:
                    widget.reject()  # the old box: OK quits
                return
            if isinstance(widget, MainWindow) and widget.isVisible():
                opened.append(widget)
                widget.close()
                return

    root = logging.getLogger()  # run_gui sets up the program's log: put it back after
    handlers, level = list(root.handlers), root.level
    poll = QTimer()
    poll.timeout.connect(step)
    poll.start(50)
    try:
        code = run_gui(argparse.Namespace(database=f"sqlite:///{path}", debug=False))
    finally:
        poll.stop()
        release()
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    assert said, "no message about the busy file"
    assert "busy" in said[0].lower() or "locked" in said[0].lower(), said[0]
    assert str(path) in said[0], said[0]
    assert opened, f"the window did not open after Retry (run_gui returned {code})"
    assert code == 0
