"""A read the window started itself fails: its message box does not block the window,
and one reason is said once.

Seen in a CI run under load: a window whose database no longer had the schema it expects
failed its register page and its detail read alike; each failure opened the blocking
``QMessageBox.warning`` inside the other's event loop, and everything waiting on the
window (the test's own wait, the connection watch, any late answer) stood still behind
two identical boxes until someone dismissed them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.gui.conftest import Register, open_window
from tests.ui.windows import closed

SCHEMA_WORDS = "does not have the schema this version of Assetdesk expects"


def _boxes() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and SCHEMA_WORDS in w.text()
    ]


def test_the_schema_changed_under_the_window_is_said_once_and_the_window_goes_on(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    path = register.db.sqlite_path
    assert path is not None
    register.db.dispose()
    with sqlite3.connect(path) as connection:  # another program changed the schema
        connection.execute("PRAGMA legacy_alter_table = ON")  # its triggers left as they are
        connection.execute("ALTER TABLE assets RENAME TO assets_by_hand")

    # A guard: a box still open after 5 s while this test cannot go on is one that holds
    # the event loop (a blocking box): it is answered here so that the test fails, not hangs.
    held: list[str] = []
    guard = QTimer()
    guard.setInterval(5000)

    def answer_a_blocking_box() -> None:
        for box in _boxes():
            held.append(box.text())
            box.done(0)

    guard.timeout.connect(answer_a_blocking_box)
    guard.start()
    ticks: list[int] = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start(50)
    try:
        window.view.table.setFocus()
        qtbot.keyClick(window.view.table, Qt.Key.Key_F5)  # the person reads it again
        qtbot.waitUntil(lambda: bool(_boxes()), timeout=20_000)
        qtbot.keyClick(window.view.table, Qt.Key.Key_F5)  # and again: no second box
        before = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) > before + 20, timeout=10_000)  # the loop runs
        qtbot.waitUntil(lambda: not window._workers, timeout=20_000)
        boxes = _boxes()
        assert len(boxes) == 1, [b.text() for b in boxes]
        assert held == []  # nothing had to be answered for the window to go on
        assert str(path) in boxes[0].text() or "register.sqlite3" in boxes[0].text()
        box = boxes[0]
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter: OK
        qtbot.waitUntil(lambda: closed(box), timeout=5000)
        assert window.error_boxes.shown() == []
    finally:
        guard.stop()
        ticker.stop()
    window.close()
