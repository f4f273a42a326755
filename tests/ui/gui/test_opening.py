"""Opening the window's database: an older local file is upgraded on a worker, saying so."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from desktop.errors import DatabaseBusyError, DesktopError
from desktop.storage import database as database_module
from desktop.storage import migrate
from desktop.storage.database import Database, open_database
from tests.ui.gui.conftest import BusyWriter
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


def _watch_notices_while_busy(
    monkeypatch: pytest.MonkeyPatch, path: Path, *, hold: float, open_it: Any
) -> list[str]:
    """Open the file while another program holds its write lock for ``hold`` seconds (it
    lets go on its own, even if the event loop never turns); the notices shown meanwhile."""
    monkeypatch.setattr(gui_app, "OPENING_NOTICE_MS", 50)
    monkeypatch.setattr(gui_app, "BUSY_PROBE_MS", 100)
    writer = BusyWriter(path, hold=hold)
    writer.start()
    seen: list[list[str]] = []
    poll = QTimer()
    poll.timeout.connect(lambda: seen.append(_notices()))
    poll.start(100)
    try:
        open_it()
    finally:
        poll.stop()
        writer.join()
    return [texts[0] for texts in seen if texts]


def test_a_busy_file_at_start_says_it_is_waited_for_not_upgraded(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writes the file (a long import) as the window starts: the notice
    names the file and says it is busy and waited for — it said an older database was being
    upgraded, which it was not. Once the file is free the database opens."""
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()  # current: nothing to upgrade
    opened: list[Database] = []
    said = _watch_notices_while_busy(
        monkeypatch,
        path,
        hold=1.5,
        open_it=lambda: opened.append(gui_app.open_for_window(f"sqlite:///{path}")),
    )
    (database,) = opened
    try:
        assert said, "no notice while the busy file was waited for"
        assert f"The file {path} is busy" in said[0]
        assert "another program is writing to it" in said[0]
        assert not any("upgraded" in text for text in said)
        assert database.schema_state().up_to_date
        assert _notices() == []
    finally:
        database.dispose()


def test_a_file_busy_past_the_timeout_at_start_is_said_busy_throughout(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Busy for longer than the busy timeout (0.6 s here, 10 s in use): the notice says
    busy while it waits, never "upgraded"; the open then fails as busy (run_gui offers
    Retry)."""
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 600)

    def open_it() -> None:
        with pytest.raises(DatabaseBusyError):
            gui_app.open_for_window(f"sqlite:///{path}")

    said = _watch_notices_while_busy(monkeypatch, path, hold=4.0, open_it=open_it)
    assert said, "no notice while the busy file was waited for"
    assert all(f"The file {path} is busy" in text for text in said), said
    assert not any("upgraded" in text for text in said)
