"""The scan log a reopened scan screen lists (desktop.services.audit_log), on every backend."""

from __future__ import annotations

from desktop.services.audit_log import recent_scans
from desktop.services.audit_scans import ScanClass, record_scan, undo_last_scan
from desktop.services.audits import start_audit
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
    assert whole.scans[1].text == "NOPE-9: unknown tag in Room A1"
    assert whole.scans[3].text == "Now scanning in Room A1"
    assert [s.sequence for s in newest.scans] == [4, 3] and newest.older == 2
