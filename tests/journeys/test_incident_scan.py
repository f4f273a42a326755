"""A scan in the incident form adds its asset wherever the focus is. Scanned while the
"Route to group" pick list had the focus, "LAP-…" chose the group its first letter named
(the incident went to Legal instead of the group chosen) and the asset was never added
(newuser8)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from tests.journeys.conftest import WindowFactory, scan_in_register
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_shortcuts_in_fields import press
from tests.journeys.windows import shown
from ui.gui.incidents.incident_dialog import IncidentDialog


def test_a_scan_in_a_pick_list_adds_the_asset_and_leaves_the_choice(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    box = window.view.scan_field
    scan_in_register(qtbot, window, scanner, "LAP-00011")
    press(qtbot, box, window.features.incident_action.shortcut().toString())
    dialog = shown(qtbot, IncidentDialog)
    qtbot.waitUntil(dialog.log_button.isEnabled, timeout=10_000)
    title = dialog.inputs["title"]
    assert isinstance(title, QLineEdit) and title.hasFocus()
    qtbot.keyClicks(title, "Screen flickers")
    group = dialog.inputs["routed_group"]
    assert isinstance(group, QComboBox)
    group.setFocus()  # as Tab or a click would put it there
    qtbot.waitUntil(group.hasFocus)
    qtbot.keyClick(group, Qt.Key.Key_Down)
    chosen = group.currentText()
    assert group.currentData() is not None, chosen
    scanner.scan("LAP-00013")
    qtbot.waitUntil(lambda: dialog.asset_tags() == ["LAP-00011", "LAP-00013"], timeout=5000)
    assert group.currentText() == chosen  # the scan did not re-route the incident
    # Scanned into the title, it may be a person typing fast: it stays as typed.
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    scanner.scan("LAP-00015")
    qtbot.waitUntil(lambda: title.text().endswith("LAP-00015"), timeout=5000)
    assert dialog.asset_tags() == ["LAP-00011", "LAP-00013"]
    dialog.reject()
