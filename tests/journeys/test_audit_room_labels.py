"""An auditor with a scanner names rooms by their labels: the start dialog's scope takes a
scanned room label and shows the room as every list does ("Room A2  ·  ROOM-A2"; it kept
the code as scanned), and a label of a room outside the audit says which room in the same
form (it said "Room A1 (ROOM-A1)")."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.windows import shown
from ui.gui.audits.audit_window import AuditWindow
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.audits.start_audit_dialog import StartAuditDialog


def _start_dialog(
    qtbot: QtBot, journey_window: WindowFactory
) -> tuple[AuditWindow, StartAuditDialog]:
    """The auditor's window, its audits window and the Start audit dialog, opened."""
    window = journey_window("auditor")
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    trigger(audits.start_action)
    dialog = audits.findChild(StartAuditDialog)
    assert dialog is not None and dialog.isVisible()
    return audits, dialog


def test_a_scanned_room_label_names_the_scope_and_a_room_outside_it(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    _audits, dialog = _start_dialog(qtbot, journey_window)
    categories = [dialog.categories.item(i).text() for i in range(dialog.categories.count())]
    assert "Laptop  ·  LAP" in categories  # as the register lists a choice with its code
    edit = dialog.scope.lineEdit()
    assert edit is not None
    dialog.scope.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    scanner.scan("ROOM-A2")  # Shift around the capitals, then Enter
    qtbot.waitUntil(lambda: dialog.scope.currentText().endswith("Room A2  ·  ROOM-A2"))
    assert dialog.scope.currentText() == "Head office › Building A › Room A2  ·  ROOM-A2"
    start = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    screen = shown(qtbot, ScanScreen, timeout=15_000)

    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    scanner.scan("ROOM-A1")
    qtbot.waitUntil(lambda: "not in this audit's scope" in screen.answer.text(), timeout=5000)
    assert "Room A1  ·  ROOM-A1 is not in this audit's scope" in screen.answer.text()
    assert "(ROOM-A1)" not in screen.answer.text()


def test_enter_on_a_room_label_names_the_room_and_does_not_start_the_audit(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """The Enter ending a room label (scanned or typed) settles the scope and leaves the
    dialog open for the categories; it started the audit whenever the suggestion list had
    not opened yet (a loaded machine), and a click on Start then made a second audit.
    Enter in the scope never starts it (a scanner ends every label with Enter); Alt+S does."""
    audits, dialog = _start_dialog(qtbot, journey_window)
    edit = dialog.scope.lineEdit()
    completer = dialog.scope.completer()
    assert edit is not None and completer is not None
    dialog.scope.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    focused = QApplication.focusWidget()  # where a keyboard's keys go: the combo box
    assert focused is dialog.scope
    qtbot.keyClicks(focused, "ROOM-A2")
    popup = completer.popup()
    assert popup is not None
    popup.hide()  # as when the list has not opened yet
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.scope.currentText() == "Head office › Building A › Room A2  ·  ROOM-A2"
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, ScanScreen)]
    qtbot.keyClick(focused, Qt.Key.Key_Return)  # again: still only names the room
    assert dialog.isVisible()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, ScanScreen)]
    qtbot.keyClick(focused, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    screen = shown(qtbot, ScanScreen, timeout=15_000)
    assert "scope Room A2" in screen.title.text()
    assert audits.model.rowCount() == 1
