"""An audit keeps where every asset was expected when it started, through moves (issue 13).

LAP-X stands in the branch office, outside the audit's scope; it is found in Room A1.
"Record moves" then moves it there. The reconciliation and the report must still say it
was expected in the branch office room, not where it now is.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from desktop.services.audit_actions import AuditAction, apply_audit_actions
from desktop.services.audit_report import write_audit_report
from desktop.services.audit_scans import ScanClass, record_scan
from desktop.services.audit_tally import reconcile
from desktop.services.audits import close_audit
from desktop.storage.models import Location
from tests.desktop.services.test_audit_actions import asset
from tests.desktop.services.test_audits import make_floor
from tests.factories import World


def test_misplaced_keeps_its_expected_location_through_record_moves(
    world: World, tmp_path: Path
) -> None:
    floor = make_floor(world)
    db, audit = world.db, floor.audit_id
    with db.read() as s:
        branch = s.get(Location, world.other_site_room)
        assert branch is not None
        branch_name = branch.name
        room_a = s.get(Location, world.room_a)
        assert room_a is not None
        room_a_code, room_a_name = room_a.code, room_a.name
    a1 = record_scan(db, audit_id=audit, raw=room_a_code, scanned_by="auditor").room_id
    found = record_scan(db, audit_id=audit, raw="LAP-X", scanned_by="auditor", room_id=a1)
    assert found.classification is ScanClass.MISPLACED
    assert f"expected in {branch_name}" in found.message
    close_audit(db, audit_id=audit, closed_by="auditor")
    apply_audit_actions(db, audit_id=audit, actions=[AuditAction.MOVES], performed_by="auditor")
    assert asset(world, "LAP-X").location_id == world.room_a  # the move was recorded

    with db.read() as s:
        result = reconcile(s, audit)
    (misplaced,) = [i for i in result.misplaced if i.tag == "LAP-X"]
    assert (misplaced.expected_location, misplaced.room, misplaced.current_location) == (
        branch_name,
        room_a_name,
        room_a_name,
    )
    report = tmp_path / "audit.xlsx"
    write_audit_report(db, audit_id=audit, path=report)
    book = load_workbook(report, read_only=True)
    sheet = book["Misplaced"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    (lap_x,) = [dict(zip(header, row, strict=False)) for row in rows if row[0] == "LAP-X"]
    assert (lap_x["Expected in"], lap_x["Scanned in"]) == (branch_name, room_a_name)
