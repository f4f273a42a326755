"""An auditor with a scanner names rooms by their labels: the start dialog's scope takes a
scanned room label and shows the room as every list does ("Room A2  ·  ROOM-A2"; it kept
the code as scanned), and a label of a room outside the audit says which room in the same
form (it said "Room A1 (ROOM-A1)"). An audit of a single room opens its scan screen in
that room, with no label to scan first."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.audit_scan_types import ScanKind
from desktop.storage.models import AuditScan
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.windows import shown
from tests.ui.audits.server_room import with_server_room
from tests.ui.gui.conftest import Register
from ui.gui.audits.audit_window import AuditWindow
from ui.gui.audits.scan_screen import COUNT_COLUMNS, ScanScreen
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


def _scan_screen_on(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner, label: str
) -> ScanScreen:
    """An audit started on the location whose label is scanned into the scope, its scan
    screen shown with the keyboard in the scan field."""
    _audits, dialog = _start_dialog(qtbot, journey_window)
    edit = dialog.scope.lineEdit()
    assert edit is not None
    dialog.scope.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    scanner.scan(label)
    qtbot.waitUntil(lambda: dialog.scope.currentText().endswith(f"·  {label}"))
    qtbot.keyClick(dialog.scope, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    screen = shown(qtbot, ScanScreen, timeout=15_000)
    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    return screen


def _found_in(screen: ScanScreen, room: str, column: str = "Found") -> str:
    """The Found (or another) count the screen's table shows for ``room``."""
    found = COUNT_COLUMNS.index(column)
    for row in range(screen.counts.rowCount()):
        name = screen.counts.item(row, 0)
        if name is not None and name.text().rstrip(" ✓") == room:
            cell = screen.counts.item(row, found)
            assert cell is not None
            return cell.text()
    raise AssertionError(f"no row for {room} in the counts")


def test_a_scope_of_one_room_starts_in_that_room_without_a_label(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner, register: Register
) -> None:
    """An audit of one room (no sub-locations) opens in it: the first tag scanned is found
    there. It opened with "Room: none yet — scan a room label", the room's own label to
    scan first. No room scan is stored for it (the auditor made none)."""
    screen = _scan_screen_on(qtbot, journey_window, scanner, "ROOM-A2")
    assert screen.room_label.text() == "Room: Room A2"
    assert "Room A2" in screen.answer.text()
    assert screen.room_button.isEnabled()  # Ctrl+R can finish it already

    scanner.scan("LAP-00005")  # in service in Room A2
    qtbot.waitUntil(lambda: screen.answer.text().startswith("FOUND"), timeout=5000)
    assert "LAP-00005" in screen.answer.text() and "found in Room A2" in screen.answer.text()
    assert _found_in(screen, "Room A2") == "1"

    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.answer.text().startswith("UNDONE"), timeout=5000)
    assert screen.room_label.text() == "Room: Room A2"  # an undo keeps the room
    assert _found_in(screen, "Room A2") == "0"

    with register.db.read() as session:
        scans = session.execute(
            select(AuditScan.kind, AuditScan.location_id).order_by(AuditScan.sequence)
        ).all()
    # The tag and its undo, both in Room A2; no room label stored.
    assert scans == [
        (ScanKind.ASSET.value, register.world.room_b),
        (ScanKind.UNDO.value, register.world.room_b),
    ]


def test_a_server_room_with_only_racks_below_it_is_one_room(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner, register: Register
) -> None:
    """A room whose sub-locations are racks is one room to walk: the screen opens in it and
    an asset standing in one of its racks is found there. It asked for a room label (the
    racks counted as rooms), and after the room's label said "misplaced, expected in Rack 1".
    The rack's row counts it found."""
    with_server_room(register.world)
    screen = _scan_screen_on(qtbot, journey_window, scanner, "ROOM-SRV")
    assert screen.room_label.text() == "Room: Server room"
    scanner.scan("LAP-5")  # in Rack 1 of the server room
    qtbot.waitUntil(lambda: screen.answer.text().startswith("FOUND"), timeout=5000)
    assert "LAP-5" in screen.answer.text() and "found in Server room" in screen.answer.text()
    # Counted on its rack's row, where it was expected and is no longer missing.
    assert (_found_in(screen, "Rack 1"), _found_in(screen, "Rack 1", "Missing")) == ("1", "0")


def test_a_scope_of_several_rooms_still_asks_for_a_room_label(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    screen = _scan_screen_on(qtbot, journey_window, scanner, "SITE-HQ")
    assert screen.room_label.text() == "Room: none yet — scan a room label"
    assert "Scan a room label" in screen.answer.text()
    assert not screen.room_button.isEnabled()
    scanner.scan("ROOM-A2")
    qtbot.waitUntil(lambda: screen.room_label.text() == "Room: Room A2", timeout=5000)


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
