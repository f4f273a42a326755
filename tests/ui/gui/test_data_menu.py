"""Every entry of the Data menu opens the reference data window at its page (Manufacturers
and models raised "unknown reference data page 'models'" into the crash dialog; Users and
logins and Procedure templates had no entry at all)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QMenu

from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, open_window
from ui.gui.reference.dialog import PAGES, ReferenceDataDialog


def test_each_data_menu_entry_opens_its_page(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "admin")
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Data")
    assert isinstance(menu, QMenu)
    entries = [a for a in menu.actions() if not a.isSeparator()]
    shown = []
    for action in entries:
        assert action.isEnabled(), action.text()
        trigger(action)
        dialog = window.open_dialogs[-1]
        assert isinstance(dialog, ReferenceDataDialog)
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)  # noqa: B023
        current = dialog.page_list.currentItem()
        assert current is not None
        shown.append(current.text())
        assert action.text().replace("&", "").rstrip("…").lower() == current.text().lower()
        dialog.close()
        qtbot.waitUntil(lambda: dialog not in window.open_dialogs, timeout=20_000)  # noqa: B023
    assert shown == [title for _, title in PAGES]  # every page has its entry
