"""Selecting an asset while another program writes the file (a long import from the
command line holds the write lock): the window stays responsive — its detail is read on
a worker, not on the GUI thread, which froze for up to the 10 s busy timeout at every
click or arrow key. The panel says which asset it is reading; once the file is free the
detail of the asset selected last shows (not one passed over on the way)."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer

from tests.ui.gui.conftest import BusyWriter, Register, open_window
from ui.gui.models.asset_table_model import TagRole

#: The longest the event loop may go without turning while the file is busy (seconds).
RESPONSIVE = 0.2


def test_selecting_an_asset_on_a_busy_file_keeps_the_window_responsive(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    table = window.view.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(window.selected_rows()) == 1)
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    path = register.db.sqlite_path
    assert path is not None
    window.database.dispose()  # its idle connections closed, as a window opened meanwhile
    # Let go after 3 s even if the window never turns (without the fix it freezes in the
    # key press below until the lock is gone: the test then fails, not hangs for 10 s).
    writer = BusyWriter(path, hold=3.0)
    writer.start()

    turns: list[float] = []
    ticker = QTimer(window)
    ticker.timeout.connect(lambda: turns.append(time.monotonic()))
    ticker.start(20)
    try:
        started = time.monotonic()
        for _ in range(3):  # the person goes down a few rows on the busy file
            qtbot.keyClick(table, Qt.Key.Key_Down)
        pressed = time.monotonic() - started
        assert pressed < RESPONSIVE, f"the key presses took {pressed:.2f} s"
        qtbot.wait(1000)
        (row,) = window.selected_rows()
        last_tag = table.currentIndex().data(TagRole)
        assert row.tag == last_tag
        assert window.detail_reader.busy  # still waiting for the file
        heading = window.view.detail.heading.text()
        assert f"Reading {last_tag}" in heading  # not the detail of the row left behind
        assert window.windowTitle().startswith(last_tag)  # nor its title
    finally:
        writer.join()
        ticker.stop()
    gaps = [b - a for a, b in itertools.pairwise(turns)]
    assert turns and max(gaps) < RESPONSIVE, f"the window froze for {max(gaps):.2f} s"

    qtbot.waitUntil(lambda: not window.detail_reader.busy, timeout=15_000)
    shown = window.view.detail.detail
    assert shown is not None and shown.row.tag == last_tag
    assert window.windowTitle().startswith(last_tag)
