"""Reopening an open audit's scan screen lists the scans made before (newuser L8): five
scans made elsewhere (``assetdesk audit scan``) were not listed and the next was "6."."""

from __future__ import annotations

import uuid

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.audit_log import recent_scans
from desktop.services.audit_scans import ScanResult, record_scan, undo_last_scan
from desktop.services.audits import start_audit
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from ui.gui.audits import scan_screen
from ui.gui.audits.audit_window import AuditWindow
from ui.gui.audits.scan_screen import ScanScreen


def log_lines(screen: ScanScreen) -> list[str]:
    return [screen.recent.item(i).text() for i in range(screen.recent.count())]


def test_reopened_scan_screen_lists_the_earlier_scans_newest_first(
    qtbot: QtBot,
    journey_window: WindowFactory,
    scanner: HidScanner,
    register: Register,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = register.world
    audit = start_audit(
        register.db, scope_location_id=world.building, started_by="auditor", name="Walk"
    )

    def scan_elsewhere(raw: str, room: uuid.UUID | None = None) -> ScanResult:
        return record_scan(
            register.db, audit_id=audit.id, raw=raw, scanned_by="auditor", room_id=room
        )

    room = scan_elsewhere("ROOM-A2").room_id  # 1
    for tag in ("LAP-00005", "LAP-00001", "NEW-77A", "LAP-00005"):  # 2 … 5
        scan_elsewhere(tag, room)
    scan_elsewhere("LAP-00009", room)  # 6, undone by 7: not listed
    undo_last_scan(register.db, audit_id=audit.id, scanned_by="auditor", room_id=room)
    monkeypatch.setattr(scan_screen, "RECENT_LIMIT", 4)  # an audit with more than it shows

    window = journey_window("auditor")
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    trigger(audits.scan_action)  # Ctrl+S on the selected open audit
    screen = shown(qtbot, ScanScreen)
    qtbot.waitUntil(lambda: screen.earlier_read, timeout=5000)
    # The auditor's room is known: go on there (it said "Scan a room label" under it).
    assert screen.room_label.text() == "Room: Room A2"
    assert screen.answer.text() == "Still in Room A2: scan its assets, or another room's label."
    lines = log_lines(screen)
    assert [line.split(".", 1)[0] for line in lines[:4]] == ["5", "4", "3", "2"]
    # In the words the scans had when they were made (newuser2: they differed).
    assert lines[0] == (
        "5. LAP-00005 ThinkPad T14 #5: already scanned, counted once (scanned in Room A2)"
    )
    assert lines[1] == "4. Unknown tag NEW-77A: kept as scanned in Room A2"
    # Where it was expected, as the scan said when it was made (it said only where it was
    # scanned: a reopened audit lost the one thing an auditor acts on).
    assert lines[2] == (
        "3. LAP-00001 ThinkPad T14 #1: misplaced, expected in Room A1 (scanned in Room A2)"
    )
    assert lines[3] == "2. LAP-00005 ThinkPad T14 #5: found in Room A2"
    assert lines[4] == "… and 1 earlier scans (every scan is in the audit report)"
    assert len(lines) == 5

    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    scanner.scan("LAP-00015")
    qtbot.waitUntil(lambda: log_lines(screen)[0].startswith("8. LAP-00015 "), timeout=5000)
    # After the undone 6 and its undo, 7; the log keeps its newest RECENT_LIMIT lines and
    # says how many earlier ones it does not list.
    assert log_lines(screen)[1:] == [
        *lines[:3],
        "… and 2 earlier scans (every scan is in the audit report)",
    ]
    with register.db.read() as session:  # the whole log: the room label first, 6 undone
        log = recent_scans(session, audit.id, 10)
    assert [s.sequence for s in log.scans] == [8, 5, 4, 3, 2, 1] and log.older == 0
    assert log.scans[-1].text == "Now scanning in Room A2"
