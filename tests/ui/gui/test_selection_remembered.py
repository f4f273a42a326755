"""The asset selected when the window closed is selected again when it opens on the same
database (column widths and the window's place were remembered; the asset was not)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import Register, open_window


def test_the_selected_asset_is_selected_again_after_a_restart(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path)
    window.view.table.setFocus()
    HidScanner(qtbot).scan("LAP-00151")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00151"])
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    window.close()

    again = open_window(qtbot, register, tmp_path)  # the same layout file
    qtbot.waitUntil(lambda: [r.tag for r in again.selected_rows()] == ["LAP-00151"], timeout=10_000)
    qtbot.waitUntil(lambda: again.windowTitle().startswith("LAP-00151 · "))  # read on a worker
    table = again.view.table
    current = table.currentIndex()
    assert table.viewport().rect().intersects(table.visualRect(current))  # in sight

    again.view.table.clearSelection()
    again.close()
    third = open_window(qtbot, register, tmp_path)  # nothing selected: nothing remembered
    qtbot.wait(200)
    assert third.selected_rows() == []
