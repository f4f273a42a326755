"""The main window's menus and their keys: no shortcut is two actions' (the second one
never fires: Qt calls the key ambiguous and does neither), every menu item has an Alt
letter of its own in its menu, and the Data and Field kit entries people open often have
shortcuts that open them (they had none; Approvals lost its Alt letter once counted)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QMenu

from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register, open_window
from ui.gui.kits.sync_dialog import SyncDialog
from ui.gui.main_window import MainWindow
from ui.gui.menu_keys import DATA_MENU, with_mnemonics
from ui.gui.reference.dialog import ReferenceDataDialog
from ui.gui.shortcuts_dialog import ShortcutsDialog


def _menus(window: MainWindow) -> list[tuple[str, QMenu]]:
    """Every menu of the menu bar and their submenus (filled as when they open)."""
    found: list[tuple[str, QMenu]] = []

    def walk(path: str, menu: QMenu) -> None:
        menu.aboutToShow.emit()  # the Columns menu fills itself then
        found.append((path, menu))
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(f"{path} › {action.text()}", sub)

    for top in window.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu), top.text()
        walk(top.text(), menu)
    return found


def _items(menu: QMenu) -> list[QAction]:
    return [a for a in menu.actions() if not a.isSeparator()]


def _shortcuts(window: MainWindow) -> dict[str, list[str]]:
    """Each key sequence and who has it: the menus' actions, the window's own actions and
    QShortcuts (the toolbar's are the menus' actions)."""
    owners: dict[str, set[str]] = defaultdict(set)
    actions: dict[int, tuple[str, QAction]] = {}
    for path, menu in _menus(window):
        for action in _items(menu):
            actions[id(action)] = (f"{path} › {action.text()}", action)
    for action in window.actions():
        actions.setdefault(id(action), (f"(window) {action.text()}", action))
    for name, action in actions.values():
        for key in action.shortcuts():
            owners[key.toString()].add(name)
    window_wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    for shortcut in window.findChildren(QShortcut):
        if shortcut.context() in window_wide:
            owners[shortcut.key().toString()].add(f"(shortcut) {shortcut.parent()!r}")
    return {key: sorted(names) for key, names in owners.items()}


@pytest.fixture
def window(qtbot: QtBot, register: Register, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, register, tmp_path, "admin")


def test_no_two_actions_of_the_main_window_share_a_shortcut(window: MainWindow) -> None:
    keys = _shortcuts(window)
    assert {key: names for key, names in keys.items() if len(names) > 1} == {}
    # The ones given in this change, listed with the others.
    for key, name in (
        ("Ctrl+Q", "&File › &Quit"),
        ("Ctrl+Shift+L", "&Data › &Locations…"),
        ("Ctrl+Shift+C", "&Data › &Categories…"),
        ("Ctrl+Shift+M", "&Data › &Manufacturers and models…"),
        ("Ctrl+Shift+P", "&Data › &People…"),
        ("F9", "Field &kit › &Sync…"),
        ("F1", "&Help › &Keyboard shortcuts…"),
    ):
        assert keys.get(key) == [name], (key, keys.get(key))
    assert len(keys) >= 20


def test_every_menu_item_has_an_alt_letter_of_its_own(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    register.decommission_waiting_for_approval("LAP-00001")
    window = open_window(qtbot, register, tmp_path, "approver")
    window.features.refresh_badge()  # "Approvals (1)": counted, it kept its letter
    qtbot.waitUntil(lambda: window.features.approvals_action.iconText() == "Approvals (1)")
    bar = [a.text() for a in window.menuBar().actions()]
    problems = _letter_problems("menu bar", bar)
    for path, menu in _menus(window):
        problems += _letter_problems(path, [a.text() for a in _items(menu)])
    assert problems == []


def _letter_problems(where: str, texts: list[str]) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for text in texts:
        plain = text.replace("&&", "")
        place = plain.find("&")
        if place < 0 or place + 1 >= len(plain):
            problems.append(f"{where}: {text!r} has no Alt letter")
            continue
        letter = plain[place + 1].lower()
        if letter in seen:
            problems.append(f"{where}: {text!r} and {seen[letter]!r} share Alt+{letter}")
        seen[letter] = text
    return problems


@pytest.mark.parametrize(("page", "text", "keys"), [e for e in DATA_MENU if e[2]])
def test_a_data_shortcut_opens_its_page(
    qtbot: QtBot, window: MainWindow, page: str, text: str, keys: str
) -> None:
    window.view.filter_bar.search.setFocus()  # where the focus is after a search
    *held, key = keys.split("+")
    modifiers = Qt.KeyboardModifier.NoModifier
    for name in held:
        modifiers |= {"Ctrl": Qt.KeyboardModifier.ControlModifier}.get(
            name, Qt.KeyboardModifier.ShiftModifier
        )
    qtbot.keyClick(window.view.filter_bar.search, getattr(Qt.Key, f"Key_{key}"), modifiers)
    dialog = shown(qtbot, ReferenceDataDialog, timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    current = dialog.page_list.currentItem()
    assert current is not None
    assert current.text().lower() == text.replace("&", "").rstrip("…").lower()
    dialog.close()


def test_f9_opens_the_sync(qtbot: QtBot, window: MainWindow) -> None:
    window.view.table.setFocus()
    assert window.kit.sync_action.isEnabled()
    qtbot.keyClick(window.view.table, Qt.Key.Key_F9)
    dialog = shown(qtbot, SyncDialog, timeout=10_000)
    dialog.close()


def test_f1_lists_the_keys_of_the_menus(qtbot: QtBot, window: MainWindow) -> None:
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key.Key_F1)
    dialog = shown(qtbot, ShortcutsDialog, timeout=10_000)
    table = dialog.table
    rows = {}
    for row in range(table.rowCount()):
        menu, item, keys = (table.item(row, column) for column in range(3))
        assert menu is not None and item is not None and keys is not None
        rows[(menu.text(), item.text())] = keys.text()
    assert rows[("Asset", "Install")] == "Ctrl+I"
    assert rows[("Data", "Locations")] == "Ctrl+Shift+L"
    assert rows[("Field kit", "Sync")] == "F9"
    assert rows[("File", "Quit")] == "Ctrl+Q"
    assert rows[("Help", "Keyboard shortcuts")] == "F1"
    dialog.close()


def test_columns_get_alt_letters_of_their_own() -> None:
    assert with_mnemonics(["Asset tag", "Assigned to", "Status", "Serial number", "R&D"]) == [
        "&Asset tag",
        "Assigned &to",
        "&Status",
        "Serial &number",
        "&R&&D",
    ]
