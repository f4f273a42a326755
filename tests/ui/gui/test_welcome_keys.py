"""The welcome screen by keyboard: Tab to a choice, Return takes it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

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
