"""The window's database stops answering while the window is open (the local file becomes
unreadable): one clear message, a visible state in the status bar, quiet retries, and the
register back when the file is readable again — never a message box per background read
(the kit banner said it every 20 s, a pile of boxes by the time the person came back)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.errors import DatabaseUnavailableError
from tests.ui.gui.conftest import Register, fast_background_reads, open_window
from tests.ui.windows import closed
from ui.gui import connection_watch
from ui.gui.crash_dialog import CrashDialog


def _visible_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_a_database_lost_while_the_window_is_open_is_said_once_and_found_again(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_background_reads(monkeypatch)
    window = open_window(qtbot, register, tmp_path, "tech")
    table = window.view.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # an asset selected, as the person does
    qtbot.waitUntil(lambda: len(window.selected_rows()) == 1)
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)

    # Every message box shown from now on is counted (a modal one would stop the test
    # where it opened: it is closed once counted).
    seen: list[str] = []

    def count_boxes() -> None:
        for box in _visible_boxes():
            if box.objectName() != "counted":
                seen.append(f"{box.text()}\n{box.informativeText()}")
                box.setObjectName("counted")
                if box.isModal() and len(seen) > 1:
                    box.reject()

    counter = QTimer(window)  # ends with the window, even if the test fails
    counter.timeout.connect(count_boxes)
    counter.start(20)

    path = register.db.sqlite_path
    assert path is not None
    good = path.read_bytes()
    path.write_bytes(b"not a database " * (len(good) // 15 + 1))  # the same file, unreadable

    label = window.findChild(QLabel, "connectionLost")
    assert label is not None
    qtbot.waitUntil(label.isVisible, timeout=10_000)
    assert "connection lost" in label.text() and "retrying" in label.text()
    qtbot.wait(2500)  # a dozen background reads and several retries later
    assert len(seen) == 1, seen
    assert window.database.description in seen[0]
    assert "kept" in seen[0]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]
    assert label.isVisible()

    path.write_bytes(good)  # the file is readable again
    qtbot.waitUntil(lambda: closed(label), timeout=10_000)
    assert "answers again" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.model.matching_assets == register.size, timeout=10_000)
    counter.stop()
    assert len(seen) == 1, seen


def test_a_background_read_failing_after_the_database_answers_again_says_nothing(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read under way while the database came back fails after the recovery was said: it
    must not start a second outage (one message box per outage, never two). The watch checks
    for itself before it says anything about a background read; what the person asked for is
    said at once."""
    monkeypatch.setattr(connection_watch, "RETRY_INTERVAL_MS", 300)
    window = open_window(qtbot, register, tmp_path, "tech")
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    label = window.findChild(QLabel, "connectionLost")
    assert label is not None
    late = DatabaseUnavailableError("Cannot use the database: database disk image is malformed")

    assert window.connection.report(late, background=True)
    qtbot.waitUntil(lambda: window.connection._checking is None, timeout=10_000)
    qtbot.wait(50)
    assert window.connection.lost is None
    assert window.connection.message_box is None
    assert not label.isVisible()
    assert not _visible_boxes()

    # A background read that fails while the database really is unavailable: said once.
    path = register.db.sqlite_path
    assert path is not None
    good = path.read_bytes()
    path.write_bytes(b"not a database " * (len(good) // 15 + 1))
    try:
        assert window.connection.report(late, background=True)
        qtbot.waitUntil(lambda: window.connection.message_box is not None, timeout=10_000)
        assert label.isVisible()
    finally:
        path.write_bytes(good)
    box = window.connection.message_box
    assert box is not None
    box.accept()
    qtbot.waitUntil(lambda: closed(label), timeout=10_000)
