"""The scan log a reopened scan screen lists (desktop.services.audit_log), on every backend."""

from __future__ import annotations

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.audit_log import recent_scans
from desktop.services.audit_scans import ScanClass, record_scan, undo_last_scan
from desktop.services.audits import start_audit
from tests.approval_templates import set_approval_rule
from tests.factories import World


def test_the_newest_counted_scans_newest_first_without_undone_ones(world: World) -> None:
    for tag in ("LAP-1", "LAP-2"):
        world.receive(tag=tag)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    for raw in ("LAP-1", "NOPE-9", "LAP-1", "LAP-2"):
        record_scan(world.db, audit_id=audit.id, raw=raw, scanned_by="auditor", room_id=room)
    undo_last_scan(world.db, audit_id=audit.id, scanned_by="auditor", room_id=room)  # LAP-2

    with world.db.read() as session:
        whole = recent_scans(session, audit.id, 10)
        newest = recent_scans(session, audit.id, 2)
    assert [s.sequence for s in whole.scans] == [4, 3, 2, 1] and whole.older == 0
    assert [s.classification for s in whole.scans] == [
        ScanClass.DUPLICATE,
        ScanClass.UNKNOWN,
        ScanClass.FOUND,
        ScanClass.ROOM,
    ]
    assert (
        whole.scans[0].text
        == "LAP-1 ThinkPad T14: already scanned, counted once (scanned in Room A1)"
    )
    assert whole.scans[1].text == "Unknown tag NOPE-9: kept as scanned in Room A1"
    assert whole.scans[3].text == "Now scanning in Room A1"
    assert [s.sequence for s in newest.scans] == [4, 3] and newest.older == 2


def test_a_misplaced_line_says_where_it_was_expected_listed_or_not(world: World) -> None:
    """LAP-1 is expected in Room A1 (in the audit's list); LAP-3 stands in Room A2, outside
    an audit of Room A1 (not listed): each line says the room it was expected in, as the
    scan did when it was made."""
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-3", values={"location": world.room_b})
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    room_b = record_scan(world.db, audit_id=audit.id, raw="ROOM-A2", scanned_by="auditor")
    made = record_scan(
        world.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor", room_id=room_b.room_id
    )
    small = start_audit(world.db, scope_location_id=world.room_a, started_by="auditor")
    room_a = record_scan(world.db, audit_id=small.id, raw="ROOM-A1", scanned_by="auditor")
    record_scan(
        world.db, audit_id=small.id, raw="LAP-3", scanned_by="auditor", room_id=room_a.room_id
    )

    with world.db.read() as session:
        listed = recent_scans(session, audit.id, 10).scans[0]
        unlisted = recent_scans(session, small.id, 10).scans[0]
    assert made.message == "LAP-1 ThinkPad T14: misplaced, expected in Room A1"
    assert listed.classification is ScanClass.MISPLACED
    assert listed.text == "LAP-1 ThinkPad T14: misplaced, expected in Room A1 (scanned in Room A2)"
    assert unlisted.classification is ScanClass.MISPLACED
    assert (
        unlisted.text == "LAP-3 ThinkPad T14: misplaced, expected in Room A2 (scanned in Room A1)"
    )


def test_a_retired_line_says_its_status_as_the_scan_did(world: World) -> None:
    world.receive(tag="LAP-9")
    set_approval_rule(world.db, ProcedureKind.DECOMMISSION, mode="never")
    world.decommission("LAP-9")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    made = record_scan(world.db, audit_id=audit.id, raw="LAP-9", scanned_by="auditor", room_id=room)
    with world.db.read() as session:
        line = recent_scans(session, audit.id, 10).scans[0]
    assert made.message == "LAP-9 ThinkPad T14 is decommissioned but is here"
    assert line.classification is ScanClass.RETIRED
    assert line.text == f"{made.message} (scanned in Room A1)"
