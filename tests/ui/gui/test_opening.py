"""Opening the window's database: an older local file is upgraded on a worker, saying so."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from desktop.errors import DesktopError
from desktop.storage import migrate
from desktop.storage.database import Database, open_database
from ui.gui import app as gui_app


def _notices() -> list[str]:
    return [
        w.labelText()
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible()
    ]


def _slow_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: Any, **kwargs: Any) -> Database:
        time.sleep(0.4)  # a large register's upgrade
        return open_database(*args, **kwargs)

    monkeypatch.setattr(gui_app, "open_database", slow)
    monkeypatch.setattr(gui_app, "OPENING_NOTICE_MS", 50)


def test_an_older_file_is_upgraded_on_a_worker_and_says_so(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "older.sqlite3"
    older = Database(f"sqlite:///{path}")
    migrate.upgrade(older.engine, "0003")
    older.dispose()
    _slow_open(monkeypatch)
    seen: list[list[str]] = []
    QTimer.singleShot(250, lambda: seen.append(_notices()))  # while the worker opens it
    database = gui_app.open_for_window(f"sqlite:///{path}")
    try:
        assert database.schema_state().up_to_date
        assert len(seen) == 1 and len(seen[0]) == 1
        assert str(path) in seen[0][0]
        assert "upgraded first" in seen[0][0]
        assert _notices() == []  # gone once open
    finally:
        database.dispose()


def test_a_file_that_cannot_be_opened_is_reported_by_name(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "not-a-database.sqlite3"
    path.write_bytes(b"this is a spreadsheet, honest" * 100)
    _slow_open(monkeypatch)
    with pytest.raises(DesktopError) as raised:
        gui_app.open_for_window(f"sqlite:///{path}")
    assert str(path) in raised.value.message
    assert _notices() == []
