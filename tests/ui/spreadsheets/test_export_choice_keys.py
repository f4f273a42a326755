"""File › Export the view: which assets, chosen by keys like every other choice there.

Seen under Xvfb (newuser26): an IT manager had searched the register for "smith" and
then exported the register for finance. The dialog offered "The current view (search
'smith')" and "The whole register" with no Alt letter, where its column choice, file
name and Export each had one: the only choice the keyboard could not reach directly.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.factories import seed_world
from tests.ui.gui.conftest import press, show_window

ALT = Qt.KeyboardModifier.AltModifier


def _alt(qtbot: QtBot, key: Qt.Key) -> None:
    """Alt+``key`` where the keys go: the widget with the focus in the window in front."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, ALT)


def _exported_tags(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["Asset tag"] for row in csv.DictReader(handle)]


def test_the_whole_register_and_the_view_by_alt_letters(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    for tag, name in (("LAP-1", "Smith's laptop"), ("LAP-2", "Spare"), ("LAP-3", "Spare")):
        world.receive(tag=tag, name=name)
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "layout.ini")
    qtbot.keyClicks(window.view.filter_bar.search, "smith")
    qtbot.waitUntil(lambda: window.model.matching_assets == 1, timeout=10_000)

    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    dialog.activateWindow()  # in front, as the window manager puts a new dialog
    qtbot.waitUntil(
        lambda: dialog.isActiveWindow() and dialog.isAncestorOf(QApplication.focusWidget()),
        timeout=5000,
    )
    assert dialog.current.isChecked()
    _alt(qtbot, Qt.Key.Key_W)
    qtbot.waitUntil(dialog.everything.isChecked, timeout=2000)  # (a mnemonic animates a click)
    _alt(qtbot, Qt.Key.Key_F)
    everything = tmp_path / "register for finance.csv"
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(everything))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        _alt(qtbot, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert _exported_tags(everything) == ["LAP-1", "LAP-2", "LAP-3"]

    _alt(qtbot, Qt.Key.Key_C)
    qtbot.waitUntil(dialog.current.isChecked, timeout=2000)
    view = tmp_path / "smith.csv"
    dialog.path.setFocus()
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(view))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        _alt(qtbot, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert _exported_tags(view) == ["LAP-1"]


def test_a_search_with_an_ampersand_is_said_as_typed(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """ "R&D" in the search: said "R&D", not "RD" with the D as an Alt letter."""
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="R&D laptop")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "layout.ini")
    qtbot.keyClicks(window.view.filter_bar.search, "R&D")
    qtbot.waitUntil(lambda: window.model.filter.search == "R&D", timeout=10_000)
    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    assert dialog.current.text() == "The &current view (search 'R&&D')"
