"""The first screen offers three ways to start, each a signal for the main window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from ui.gui.welcome_view import WelcomeView


def test_each_action_emits_its_request(qtbot: QtBot) -> None:
    view = WelcomeView()
    qtbot.addWidget(view)
    view.show()
    pairs = (
        (view.demo_button, view.create_demo_requested),
        (view.import_button, view.import_requested),
        (view.connect_button, view.connect_requested),
    )
    for button, signal in pairs:
        with qtbot.waitSignal(signal, timeout=1000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "Import a spreadsheet" in view.import_button.text().replace("&", "")


def test_keyboard_reaches_every_action(qtbot: QtBot) -> None:
    view = WelcomeView()
    qtbot.addWidget(view)
    view.show()
    view.setFocus()
    assert view.demo_button.hasFocus() or view.focusProxy() is view.demo_button
    view.demo_button.setFocus()
    qtbot.keyClick(view.demo_button, Qt.Key.Key_Tab)
    with qtbot.waitSignal(view.import_requested, timeout=1000):
        qtbot.keyClick(view.import_button, Qt.Key.Key_Space)


def test_says_how_to_start_from_scratch(qtbot: QtBot) -> None:
    """Receive on an empty database offers no category or location: the welcome says
    where they are made (a new user typed "Laptop" and read "not a known category")."""
    view = WelcomeView()
    qtbot.addWidget(view)
    view.show()
    assert view.scratch_label.isVisible()
    text = view.scratch_label.text()
    assert "in the Data menu (Categories, Locations)" in text
    assert "Asset › Receive (Ctrl+N)" in text
