"""The scan screen, driven like a USB scanner drives it: keystrokes and Enter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt

from desktop.services import reference
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from desktop.storage.models import AuditScan
from tests.factories import World, seed_world
from ui.gui.audits import scan_screen as scan_screen_module
from ui.gui.audits.scan_screen import ScanScreen

SHOTS = os.environ.get("ASSETDESK_SHOTS")


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    world.install("LAP-3")
    return world


def scan(qtbot: QtBot, screen: ScanScreen, text: str) -> None:
    qtbot.keyClicks(screen.scan_field, text)
    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)


def stored(world: World) -> list[tuple[str, str]]:
    with world.db.read() as s:
        return [
            (r.raw, r.classification)
            for r in s.execute(select(AuditScan).order_by(AuditScan.sequence)).scalars()
        ]


def test_typed_scans_are_answered_stored_and_counted(qtbot: QtBot, world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="Walk")
    beeps: list[int] = []
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: beeps.append(1))
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.focusWidget() is screen.scan_field

    def beeps_after(text: str) -> int:
        """Scan and count the beeps of its cue (a new scan cuts the previous cue short)."""
        before = len(beeps)
        scan(qtbot, screen, text)
        qtbot.wait(550)
        return len(beeps) - before

    assert beeps_after("ROOM-A1") == 1
    assert screen.room_label.text() == "Room: Room A1"
    assert beeps_after("LAP-1") == 1
    assert screen.answer.text().startswith("FOUND\nLAP-1 ThinkPad T14: found in Room A1")
    assert screen.answer.property("classification") == "found"
    assert "#2e7d32" in screen.answer.styleSheet()
    assert screen.scan_field.text() == ""  # ready for the next scan
    assert beeps_after("LAP-3") == 3
    assert screen.answer.text().startswith("MISPLACED\n")
    assert "expected in Room A2" in screen.answer.text()
    if SHOTS:
        screen.grab().save(str(Path(SHOTS) / "audit-scan-screen-misplaced.png"))
    assert beeps_after("WHO-1") == 4
    assert screen.answer.text().startswith("UNKNOWN TAG\n")
    assert beeps_after("lap-1") == 2
    assert screen.answer.text().startswith("ALREADY SCANNED\n")
    assert "1 found · 1 misplaced · 1 unknown" in screen.total_label.text()
    cells = [screen.counts.item(0, c) for c in range(8)]
    assert [c.text() if c else "" for c in cells] == [
        "Room A1",
        "2", "1", "1", "1", "0", "1", "1",
    ]  # fmt: skip

    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert screen.answer.text().startswith("UNDONE\n")
    assert "0 unknown" not in screen.total_label.text()  # the repeat was undone, not the unknown
    assert screen.tally.total.duplicates == 0
    assert stored(world)[-1] == ("lap-1", "undo")
    assert screen.focusWidget() is screen.scan_field
    # The log of answers wraps in its column: nothing to scroll sideways to (a new user
    # found the answers cut at the right edge).
    screen.resize(900, 600)
    recent = screen.recent
    qtbot.waitUntil(lambda: recent.count() > 0)
    assert recent.wordWrap()
    assert (
        recent.horizontalScrollBar().maximum() == 0 or not recent.horizontalScrollBar().isVisible()
    )
    if SHOTS:
        screen.grab().save(str(Path(SHOTS) / "audit-scan-screen.png"))


def test_refused_scan_says_why_and_stores_nothing(qtbot: QtBot, world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    scan(qtbot, screen, "ROOM-A1")
    screen.toggle_room_finished()
    assert screen.room_label.text() == "Room: Room A1 (finished)"
    qtbot.keyClicks(screen.scan_field, "LAP-1")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)
    assert screen.answer.text().startswith("REFUSED\nRoom A1 is finished")
    assert [c for _, c in stored(world)] == ["room", "room_closed"]


def test_manual_find_by_search_with_a_reason(qtbot: QtBot, world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    scan(qtbot, screen, "ROOM-A1")
    screen.open_manual_find()
    dialog = screen._manual
    assert dialog is not None
    qtbot.keyClicks(dialog.search, "LAP-2")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.results.count() == 1
    qtbot.keyClicks(dialog.reason, "label torn off")
    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert screen.answer.text().startswith("FOUND\nLAP-2")
    with world.db.read() as s:
        manual = s.execute(
            select(AuditScan.raw, AuditScan.reason, AuditScan.classification).where(
                AuditScan.kind == "manual"
            )
        ).one()
    assert tuple(manual) == ("LAP-2", "label torn off", "found")


def _idle_screen(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> tuple[ScanScreen, list[Database]]:
    """A scanning screen whose idle checkpoint comes after 50 ms and is recorded."""
    calls: list[Database] = []
    monkeypatch.setattr(scan_screen_module, "checkpoint_wal", calls.append)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    screen._idle.setInterval(50)
    return screen, calls


def test_idle_screen_checkpoints_the_log_off_the_answer_path(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, calls = _idle_screen(qtbot, world, monkeypatch)
    scan(qtbot, screen, "LAP-1")
    assert calls == []  # never inside the scan itself
    qtbot.waitUntil(lambda: calls == [world.db], timeout=3000)
    qtbot.waitUntil(lambda: not screen.jobs.busy(), timeout=3000)


def test_a_checkpoint_due_while_the_worker_is_busy_comes_later(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loaded machine the idle timer can fire while the screen's worker still runs
    (the scan's follow-up): the checkpoint is tried again, not skipped until the next scan."""
    screen, calls = _idle_screen(qtbot, world, monkeypatch)
    real_busy = screen.jobs.busy
    answers = iter([True, True])
    monkeypatch.setattr(screen.jobs, "busy", lambda: next(answers, None) or real_busy())
    scan(qtbot, screen, "LAP-1")
    qtbot.waitUntil(lambda: calls == [world.db], timeout=3000)
    qtbot.waitUntil(lambda: not screen.jobs.busy(), timeout=3000)


def test_the_scanning_window_closes_by_keys(qtbot: QtBot, world: World) -> None:
    """A new user without a window manager (no close box) could not leave the Scanning
    window: Ctrl+W (also on a button) closes it; the scans stay stored."""
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="Walk")
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    assert screen.close_button.text() == "Close (Ctrl+W)"
    with qtbot.waitSignal(screen.closed, timeout=5000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not screen.isVisible()


def test_a_room_typed_by_hand_is_that_room_and_a_shared_name_is_refused(
    qtbot: QtBot, world: World
) -> None:
    """A room without a label: its name or path, typed and Enter, is that room (stored by
    its code); a name two rooms share says so and stores nothing; unknown tags stay."""
    with world.db.write() as s:
        for parent in (world.room_a, world.room_b):
            reference.create_location(s, name="Réserve", parent_id=parent)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    scan(qtbot, screen, "Head office / Building A / Room A2")
    assert screen.answer.text() == "ROOM\nNow scanning in Room A2"
    assert screen.room_label.text() == "Room: Room A2"
    qtbot.keyClicks(screen.scan_field, "reserve")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)
    assert screen.answer.text().startswith("REFUSED\n2 locations are named “reserve”: ")
    assert "Room A1 › Réserve" in screen.answer.text()
    assert screen.room_label.text() == "Room: Room A2"  # not guessed
    scan(qtbot, screen, "room a1 / reserve")
    assert screen.room_label.text() == "Room: Réserve"
    scan(qtbot, screen, "ZZZ-404")
    assert screen.answer.text().startswith("UNKNOWN")
    raws = stored(world)
    assert raws[0] == ("ROOM-A2", "room")
    assert raws[1][1] == "room" and raws[1][0] != "room a1 / reserve"  # its generated code
    assert raws[2] == ("ZZZ-404", "unknown")


def test_a_room_finished_with_assets_unseen_says_how_many(qtbot: QtBot, world: World) -> None:
    """ "ROOM FINISHED — Room A1 finished" read like a room done while one of its two
    laptops was never scanned: a new auditor walked on to the next room."""
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="Walk")
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    scan(qtbot, screen, "ROOM-A1")
    scan(qtbot, screen, "LAP-1")
    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert screen.answer.text() == (
        "ROOM FINISHED\nRoom A1 finished: 1 of its 2 expected assets not seen "
        "(Still missing: Ctrl+K)"
    )
    assert stored(world)[-1] == ("ROOM-A1", "room_closed")
    # Re-opened and finished again once every one is seen: nothing more to say.
    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    scan(qtbot, screen, "LAP-2")
    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert screen.answer.text() == "ROOM FINISHED\nRoom A1 finished"
    scan(qtbot, screen, "ROOM-A2")
    with qtbot.waitSignal(screen.scanned, timeout=2000):
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert screen.answer.text() == (
        "ROOM FINISHED\nRoom A2 finished: none of its 1 expected assets seen (Still missing: Ctrl+K)"
    )
