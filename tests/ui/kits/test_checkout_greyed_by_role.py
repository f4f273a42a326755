"""Field kit › Check out… is greyed, saying why, for a person whose roles may not check a
kit out (an approver): the menu does not offer what the dialog would refuse at the end."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from tests.ui.gui.conftest import Register, _register_template, open_window, register
from ui.gui.main_window import MainWindow

__all__ = ["_register_template", "register"]


def _press_in_menu(qtbot: QtBot, window: MainWindow, letter: Qt.Key) -> None:
    """Open the Field kit menu and press an item's letter, as the user does."""
    menu = window.kit.menu
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    qtbot.keyClick(menu, letter)
    qtbot.wait(50)
    menu.close()


def test_check_out_is_greyed_with_the_reason_for_an_approver(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "approver")
    action = window.kit.checkout_action
    qtbot.waitUntil(lambda: not action.isEnabled(), timeout=10_000)
    assert action.toolTip() == (
        "Check out a field kit: Abe Approver (approver) may not check out a field kit: "
        "that needs the technician or auditor or administrator role; they hold approver"
    )
    assert action.statusTip() == action.toolTip()
    assert window.kit.menu.toolTipsVisible()  # the reason shows on the greyed item
    _press_in_menu(qtbot, window, Qt.Key.Key_C)
    assert window.open_dialogs == []  # no dialog that would refuse at its end


def test_check_out_stays_offered_to_an_auditor(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "auditor")
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)  # the roles are read
    qtbot.waitUntil(lambda: window.kit.info is None and not window.kit._workers, timeout=10_000)
    action = window.kit.checkout_action
    assert action.isEnabled()
    assert action.toolTip() == "Copy part of this database into a kit file to work offline"
    _press_in_menu(qtbot, window, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: len(window.open_dialogs) == 1, timeout=5_000)
    dialog = window.open_dialogs[-1]
    assert type(dialog).__name__ == "CheckoutDialog"
    dialog.close()
