"""Scanning a tag while another program writes the file (a long import from the command
line holds the write lock). The tag was looked up on the GUI thread: the window froze for
up to the busy timeout at each scan, and the busy error went past the connection's watch.
It is now looked up on a worker: the event loop keeps turning, two quick scans show the
second, a refusal is said once, and the asset scanned shows once the file is free."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import (
    Register,
    detail_read,
    hold_the_file,
    let_go,
    window_with_busy_timeout,
)
from ui.gui.main_window import MainWindow
from ui.gui.models.asset_table_model import TagRole

#: The longest the event loop may go without turning while the file is busy (seconds).
RESPONSIVE = 0.5


class _Turns:
    """Times the event loop turned (a timer every 20 ms) and the message boxes seen."""

    def __init__(self, window: MainWindow) -> None:
        self.turns: list[float] = [time.monotonic()]  # a loop frozen from the start counts
        self.boxes: list[QMessageBox] = []
        self._timer = QTimer(window)
        self._timer.timeout.connect(self._tick)
        self._timer.start(20)

    def _tick(self) -> None:
        self.turns.append(time.monotonic())
        for widget in QApplication.topLevelWidgets():
            box = widget if isinstance(widget, QMessageBox) else None
            if box is not None and box.isVisible() and box not in self.boxes:
                self.boxes.append(box)

    def stop(self) -> float:
        """The longest gap between two turns (seconds)."""
        self._timer.stop()
        return max(b - a for a, b in itertools.pairwise(self.turns))


def _selected(window: MainWindow) -> list[str]:
    return [i.data(TagRole) for i in window.view.table.selectionModel().selectedRows()]


def _released(qtbot: QtBot, window: MainWindow, turns: _Turns, tag: str) -> None:
    """The file let go: the event loop kept turning while it was held, and the asset of
    ``tag`` (scanned last) is then selected, its detail and title shown; no box opened."""
    gap = turns.stop()
    assert gap < RESPONSIVE, f"the window froze for {gap:.2f} s"
    qtbot.waitUntil(lambda: _selected(window) == [tag], timeout=15_000)
    detail_read(qtbot, window)
    shown = window.view.detail.detail
    assert shown is not None and shown.row.tag == tag
    assert window.windowTitle().startswith(tag)
    assert turns.boxes == []  # no box took a scan's Enter


def test_two_scans_on_a_busy_file_keep_the_window_turning_and_show_the_second(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 10_000)
    ever_selected: list[str] = []
    window.view.table.selectionModel().selectionChanged.connect(
        lambda *_: ever_selected.extend(_selected(window))
    )
    scanner = HidScanner(qtbot)
    writer = hold_the_file(qtbot, register.db)
    turns = _Turns(window)
    try:
        scanner.scan("LAP-00003")  # looked up while the file is held: it waits
        scanner.scan("MON-00042")  # the second scan, before the first is answered
        qtbot.wait(800)
        assert window.scan_lookup.busy  # still waiting for the file
        assert _selected(window) == []
    finally:
        let_go(writer)
    _released(qtbot, window, turns, "MON-00042")  # within the busy timeout: nothing to say
    assert "LAP-00003" not in ever_selected  # the first scan's answer was dropped
    window.close()
    register.db.dispose()


def test_scans_refused_by_a_busy_file_say_so_once_and_show_the_asset_once_it_is_free(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file held longer than the busy timeout: each scan is refused. The status bar's
    busy state says so (no box: a box would take the next scan's Enter, and there is
    nothing to try again by hand); the last scan's asset shows once the file is free."""
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 1000)
    watch = window.connection
    label = window.findChild(QLabel, "connectionLost")
    assert label is not None
    scanner = HidScanner(qtbot)
    writer = hold_the_file(qtbot, register.db)
    turns = _Turns(window)
    try:
        scanner.scan("LAP-00003")
        scanner.scan("MON-00042")  # the second wins: it is the one refused and kept
        qtbot.waitUntil(label.isVisible, timeout=10_000)
        assert label.text() == "Database busy — another program is writing; trying again"
        qtbot.waitUntil(lambda: not window.scan_lookup.busy, timeout=10_000)
        said = window.statusBar().currentMessage()
        assert said == "Scanned MON-00042: shown once the busy file is free"
        assert window.view.table.hasFocus()  # nothing took the focus: the next scan goes on
        scanner.scan("MON-00044")
        qtbot.wait(50)
        qtbot.waitUntil(lambda: not window.scan_lookup.busy, timeout=10_000)
        said = window.statusBar().currentMessage()
        assert said == "Scanned MON-00044: shown once the busy file is free"
        assert _selected(window) == []
        assert label.isVisible()
    finally:
        let_go(writer)
    # Once the file is free (the watch's quiet check finds it), the last scan's asset shows;
    # neither an outage box nor one box per scan.
    _released(qtbot, window, turns, "MON-00044")
    assert not label.isVisible()
    assert watch.lost is None and watch.busy is None
    window.close()
    register.db.dispose()


def test_a_scan_into_the_search_box_refused_by_a_busy_file_shows_its_asset_once_free(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The focus in the search box: a scan there is kept until the database says whether
    an asset has the tag (else it is given back as typed). Refused as busy, it is not put
    in the search box (a search the busy file refuses too) but looked up once it is free."""
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 1000)
    search = window.view.filter_bar.search
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    writer = hold_the_file(qtbot, register.db)
    try:
        HidScanner(qtbot).scan("MON-00042")
        qtbot.waitUntil(lambda: not window.scan_lookup.busy, timeout=10_000)
        said = window.statusBar().currentMessage()
        assert said == "Scanned MON-00042: shown once the busy file is free"
        assert search.text() == ""
    finally:
        let_go(writer)
    qtbot.waitUntil(lambda: _selected(window) == ["MON-00042"], timeout=15_000)
    assert search.text() == ""  # no stray tag in the box
    assert window.model.filter.search == ""
    window.close()
    register.db.dispose()


def test_a_new_selection_refused_by_a_busy_file_opens_no_box_and_the_next_scan_shows(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An arrow key on the held file: the new row's detail read is refused after the busy
    timeout. That opened a window-modal "busy" box: the next scan's keys went to it, its
    Enter closed it and the scan was lost. Now the panel and the status bar say it, the
    focus stays in the table, and the scan made meanwhile shows once the file is free."""
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 1000)
    table = window.view.table
    label = window.findChild(QLabel, "connectionLost")
    assert label is not None
    writer = hold_the_file(qtbot, register.db)
    turns = _Turns(window)
    try:
        qtbot.keyClick(table, Qt.Key.Key_Down)  # a new row: its detail waits, then is refused
        passed = table.currentIndex().data(TagRole)
        qtbot.waitUntil(label.isVisible, timeout=10_000)
        qtbot.waitUntil(lambda: not window.detail_reader.busy, timeout=10_000)
        qtbot.wait(100)  # a box, if one opened, is seen by the ticker
        assert turns.boxes == []
        heading = window.view.detail.heading.text()
        assert f"{passed} · " in heading and "shown once the busy file is free" in heading
        assert table.hasFocus()
        HidScanner(qtbot).scan("MON-00042")
        qtbot.waitUntil(lambda: not window.scan_lookup.busy, timeout=10_000)
        said = window.statusBar().currentMessage()
        assert said == "Scanned MON-00042: shown once the busy file is free"
    finally:
        let_go(writer)
    _released(qtbot, window, turns, "MON-00042")
    window.close()
    register.db.dispose()


def test_a_scanned_asset_on_no_page_held_is_found_on_a_worker_while_the_file_is_busy(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tag far down the register, whose page the table never read: its row (and page)
    were read on the GUI thread. Another program takes the file just as the scan's
    look-up answers (the test holds it then): the window froze for the busy timeout and
    the busy error escaped the slot. Now the row is found on a worker: the loop keeps
    turning, the status bar says it, and the asset is selected once the file is free."""
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 2000)
    model = window.model
    assert model.rowCount() == 250 and model.cached_row_count() == 100  # MON-00248: row 249
    writers = []
    turned: list[_Turns] = []  # from the moment the file is held (holding it takes a while)
    show_scanned = window._show_scanned

    def taken_as_it_answers(tag: str, detail: object) -> None:
        writers.append(hold_the_file(qtbot, register.db))
        turned.append(_Turns(window))
        show_scanned(tag, detail)  # type: ignore[arg-type]

    monkeypatch.setattr(window, "_show_scanned", taken_as_it_answers)
    try:
        HidScanner(qtbot).scan("MON-00248")
        qtbot.waitUntil(lambda: bool(writers), timeout=10_000)
        said = "The asset is selected once the busy file is free"
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == said, timeout=10_000)
        assert _selected(window) == []
    finally:
        for writer in writers:
            let_go(writer)
    (turns,) = turned
    _released(qtbot, window, turns, "MON-00248")
    assert window.view.table.currentIndex().data(TagRole) == "MON-00248"
    window.close()
    register.db.dispose()
