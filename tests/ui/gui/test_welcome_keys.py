"""The welcome screen by keyboard: Tab to a choice, Return takes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.settings import Settings
from desktop.storage.database import Database
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.settings_dialog import SettingsDialog
from ui.gui.welcome_view import WelcomeView


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space])
def test_return_on_the_choice_tab_reached_takes_it(qtbot: QtBot, key: Qt.Key) -> None:
    welcome = WelcomeView(demo_assets=10)
    qtbot.addWidget(welcome)
    welcome.show()
    qtbot.waitExposed(welcome)
    welcome.demo_button.setFocus()
    qtbot.keyClick(welcome.demo_button, Qt.Key.Key_Tab)
    qtbot.keyClick(welcome.focusWidget(), Qt.Key.Key_Tab)
    assert welcome.focusWidget() is welcome.connect_button
    with qtbot.waitSignal(welcome.connect_requested, timeout=2000):
        qtbot.keyClick(welcome.connect_button, key)


def test_connect_opens_the_settings_on_the_shared_server_with_the_focus_in_its_url(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """It opened them on "Local file on this computer", the URL field greyed out: the user
    had to find Alt+S before typing the server they came for."""
    window = MainWindow(
        sqlite_db, Settings(tmp_path / "s.ini"), layout_state=LayoutState(tmp_path / "l.ini")
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._welcome is not None, timeout=10_000)
    welcome = window._welcome
    assert isinstance(welcome, WelcomeView)
    welcome.connect_button.setFocus()
    qtbot.keyClick(welcome.connect_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.open_dialogs), timeout=5000)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    assert dialog.server_radio.isChecked() and dialog.url_edit.isEnabled()
    assert dialog.focusWidget() is dialog.url_edit
    qtbot.keyClicks(dialog.focusWidget(), "postgresql://tom@db.example.org/assetdesk")
    assert dialog.url_edit.text() == "postgresql://tom@db.example.org/assetdesk"
    dialog.reject()
