"""The main window's side of a database switch: the status bar never stays at
"Opening the database…", and names the database path as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.settings import Settings
from desktop.storage.database import Database
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow


def test_a_switch_that_fails_says_why_and_the_window_keeps_its_database(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(
        sqlite_db, Settings(tmp_path / "s.ini"), layout_state=LayoutState(tmp_path / "l.ini")
    )
    qtbot.addWidget(window)
    window.show()
    path = str(sqlite_db.sqlite_path)
    assert window.view.database_label.text() == f"Local file {path}"  # the path as it is
    garbage = tmp_path / "Not A Database.sqlite3"
    garbage.write_bytes(b"PK\x03\x04 a zip, not SQLite")
    window.switch_database(f"sqlite:///{garbage}")
    assert window.statusBar().currentMessage() == "Opening the database…"
    qtbot.waitUntil(lambda: bool(window.error_boxes.shown()), timeout=20_000)
    assert "file is not a database" in window.error_boxes.shown()[0]
    assert window.statusBar().currentMessage() == ""
    assert window.database is sqlite_db
    window.close()
