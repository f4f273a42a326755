"""Log an incident from the main window and the status bar says it was logged.

The form closed on Log incident and nothing said what had happened: the same silence as
Cancel. A person wondered whether to log it again (newuser15 left it, newuser17 met it).
The status bar now names the incident, its assets and the group it went to.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from tests.journeys.conftest import WindowFactory, scan_in_register
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_shortcuts_in_fields import press
from tests.journeys.windows import shown
from ui.gui.incidents.incident_dialog import IncidentDialog


def test_the_status_bar_says_the_incident_was_logged(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    box = window.view.scan_field
    scan_in_register(qtbot, window, scanner, "LAP-00011")
    action = window.features.incident_action
    assert action.isEnabled(), action.toolTip()
    before = len(window.open_dialogs)
    press(qtbot, box, action.shortcut().toString())
    dialog = shown(qtbot, IncidentDialog)
    qtbot.waitUntil(dialog.log_button.isEnabled, timeout=10_000)
    title, description = dialog.inputs["title"], dialog.inputs["description"]
    assert isinstance(title, QLineEdit) and isinstance(description, QPlainTextEdit)
    qtbot.keyClicks(title, "Screen flickers")
    qtbot.keyClicks(description, "Since this morning.")
    qtbot.waitUntil(lambda: description.toPlainText() == "Since this morning.")
    for key in ("severity", "routed_group"):
        combo = dialog.inputs[key]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(1)
    group = dialog.inputs["routed_group"]
    assert isinstance(group, QComboBox)
    routed = group.currentText()
    with qtbot.waitSignal(dialog.logged, timeout=10_000) as logged:
        qtbot.mouseClick(dialog.log_button, Qt.MouseButton.LeftButton)
    number = logged.args[0].number
    qtbot.waitUntil(lambda: len(window.open_dialogs) == before, timeout=10_000)  # closed
    assert window.statusBar().currentMessage() == (
        f"Logged incident {number}: Screen flickers (LAP-00011), routed to {routed}."
    )
