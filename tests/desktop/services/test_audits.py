"""Audits: every classification, undo, rooms, read-only when closed — on every backend."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from desktop.domain.lifecycle import AssetStatus
from desktop.errors import DesktopError, ValidationError
from desktop.services.audit_scans import (
    ScanClass,
    ScanKind,
    ScanResult,
    record_manual_find,
    record_scan,
    set_room_finished,
    undo_last_scan,
)
from desktop.services.audit_tally import AuditTally
from desktop.services.audits import (
    AuditClosedError,
    close_audit,
    find_audit,
    list_audits,
    start_audit,
)
from desktop.storage.models import Asset, AuditExpected, AuditScan, Location
from tests.factories import World


@dataclass
class Floor:
    """Head office with four expected assets, one retired, one at the branch."""

    world: World
    audit_id: uuid.UUID
    branch_code: str


def set_status(world: World, tag: str, status: AssetStatus) -> None:
    with world.db.write() as s:
        s.execute(select(Asset).where(Asset.tag == tag)).scalar_one().status = status.value


def make_floor(world: World) -> Floor:
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    world.install("LAP-2")  # now in service in Room A2
    world.receive(tag="LAP-3")
    world.receive(tag="MON-1", name="Dell U2720Q", category=world.monitor_category)
    world.receive(tag="LAP-R", name="Old laptop")
    set_status(world, "LAP-R", AssetStatus.DECOMMISSIONED)
    world.receive(tag="LAP-X", values={"location": world.other_site_room})
    summary = start_audit(
        world.db, scope_location_id=world.site, started_by="auditor", name="HQ 2026"
    )
    with world.db.read() as s:
        branch = s.get(Location, world.other_site_room)
        assert branch is not None
        code = branch.code
    return Floor(world, summary.id, code)


def scan(floor: Floor, raw: str, room: uuid.UUID | None = None) -> ScanResult:
    return record_scan(
        floor.world.db, audit_id=floor.audit_id, raw=raw, scanned_by="auditor", room_id=room
    )


def stored_scans(world: World, audit_id: uuid.UUID) -> list[tuple[int, str, str, str]]:
    with world.db.read() as s:
        rows = s.execute(
            select(AuditScan.sequence, AuditScan.kind, AuditScan.raw, AuditScan.classification)
            .where(AuditScan.audit_id == audit_id)
            .order_by(AuditScan.sequence)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_start_snapshots_in_scope_active_assets(world: World) -> None:
    floor = make_floor(world)
    with world.db.read() as s:
        expected = dict(
            s.execute(
                select(Asset.tag, AuditExpected.location_id)
                .join(Asset, Asset.id == AuditExpected.asset_id)
                .where(AuditExpected.audit_id == floor.audit_id)
            ).all()
        )
        (summary,) = list_audits(s)
    assert expected == {
        "LAP-1": world.room_a,
        "LAP-2": world.room_b,
        "LAP-3": world.room_a,
        "MON-1": world.room_a,
    }
    assert (summary.name, summary.started_by, summary.status) == ("HQ 2026", "Aud Itor", "open")
    assert summary.expected == 4


def test_every_classification_is_stored_and_counted(world: World) -> None:
    floor = make_floor(world)
    room = scan(floor, "ROOM-A1")
    assert (room.classification, room.room_id, room.room) == (
        ScanClass.ROOM,
        world.room_a,
        "Room A1",
    )
    a1 = room.room_id
    found = scan(floor, "LAP-1", a1)
    assert found.classification is ScanClass.FOUND
    assert "found in Room A1" in found.message
    duplicate = scan(floor, "  lap-1 ", a1)
    assert duplicate.classification is ScanClass.DUPLICATE
    misplaced = scan(floor, "LAP-2", a1)
    assert misplaced.classification is ScanClass.MISPLACED
    assert misplaced.expected_location == "Room A2"
    assert "expected in Room A2" in misplaced.message
    unknown = scan(floor, "NOPE-9", a1)
    assert unknown.classification is ScanClass.UNKNOWN
    assert unknown.raw == "NOPE-9"
    assert scan(floor, "nope-9", a1).classification is ScanClass.DUPLICATE
    retired = scan(floor, "LAP-R", a1)
    assert retired.classification is ScanClass.RETIRED
    assert "decommissioned" in retired.message
    outsider = scan(floor, "LAP-X", a1)
    assert outsider.classification is ScanClass.MISPLACED
    assert outsider.expected_location == "Branch store"
    elsewhere = scan(floor, floor.branch_code, a1)
    assert elsewhere.classification is ScanClass.ROOM_OUT_OF_SCOPE
    assert elsewhere.room_id is None
    manual = record_manual_find(
        world.db,
        audit_id=floor.audit_id,
        asset_id=_asset_id(world, "MON-1"),
        reason="label torn off",
        scanned_by="auditor",
        room_id=a1,
    )
    assert (manual.kind, manual.classification) == (ScanKind.MANUAL, ScanClass.FOUND)

    assert [(r[1], r[3]) for r in stored_scans(world, floor.audit_id)] == [
        ("location", "room"),
        ("asset", "found"),
        ("asset", "duplicate"),
        ("asset", "misplaced"),
        ("asset", "unknown"),
        ("asset", "duplicate"),
        ("asset", "retired"),
        ("asset", "misplaced"),
        ("location", "room_out_of_scope"),
        ("manual", "found"),
    ]
    with world.db.read() as s:
        tally = AuditTally.load(s, floor.audit_id)
    total = tally.total
    assert (total.expected, total.found, total.misplaced, total.unknown) == (4, 2, 2, 1)
    assert (total.retired, total.duplicates, total.missing) == (1, 2, 1)
    room_a = tally.rooms[world.room_a]
    assert (room_a.expected, room_a.found, room_a.misplaced, room_a.missing) == (3, 2, 2, 1)
    assert tally.rooms[world.room_b].missing == 0


def test_scan_without_a_room_counts_where_expected(world: World) -> None:
    floor = make_floor(world)
    result = scan(floor, "LAP-2")
    assert result.classification is ScanClass.FOUND
    assert "no room scanned" in result.message
    with world.db.read() as s:
        tally = AuditTally.load(s, floor.audit_id)
    assert tally.rooms[world.room_b].found == 1


def test_undo_is_a_scan_of_its_own(world: World) -> None:
    floor = make_floor(world)
    a1 = scan(floor, "ROOM-A1").room_id
    first = scan(floor, "LAP-1", a1)
    undo = undo_last_scan(world.db, audit_id=floor.audit_id, scanned_by="auditor", room_id=a1)
    assert (undo.kind, undo.undone_scan_id) == (ScanKind.UNDO, first.scan_id)
    assert undo.room_id == a1
    again = scan(floor, "LAP-1", a1)
    assert again.classification is ScanClass.FOUND  # the undone scan no longer counts
    undo_last_scan(world.db, audit_id=floor.audit_id, scanned_by="auditor", room_id=a1)
    back = undo_last_scan(world.db, audit_id=floor.audit_id, scanned_by="auditor", room_id=a1)
    assert back.room_id is None  # undoing the room label leaves no current room
    rows = stored_scans(world, floor.audit_id)
    assert [r[1] for r in rows] == ["location", "asset", "undo", "asset", "undo", "undo"]
    with world.db.read() as s:
        undone = s.execute(
            select(AuditScan.undoes_scan_id).where(AuditScan.kind == "undo")
        ).scalars()
        assert first.scan_id in set(undone)
        assert AuditTally.load(s, floor.audit_id).total.found == 0
    with pytest.raises(DesktopError, match="no scan to undo"):
        undo_last_scan(world.db, audit_id=floor.audit_id, scanned_by="auditor")


def test_finished_room_refuses_scans_until_reopened(world: World) -> None:
    floor = make_floor(world)
    a1 = scan(floor, "ROOM-A1").room_id
    assert a1 is not None
    set_room_finished(
        world.db, audit_id=floor.audit_id, room_id=a1, finished=True, scanned_by="auditor"
    )
    before = stored_scans(world, floor.audit_id)
    with pytest.raises(DesktopError, match="Room A1 is finished"):
        scan(floor, "LAP-1", a1)
    assert stored_scans(world, floor.audit_id) == before
    with world.db.read() as s:
        assert AuditTally.load(s, floor.audit_id).rooms[a1].finished
    set_room_finished(
        world.db, audit_id=floor.audit_id, room_id=a1, finished=False, scanned_by="auditor"
    )
    assert scan(floor, "LAP-1", a1).classification is ScanClass.FOUND


def test_closed_audit_is_read_only(world: World) -> None:
    floor = make_floor(world)
    a1 = scan(floor, "ROOM-A1").room_id
    scan(floor, "LAP-1", a1)
    closed = close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    assert (closed.status, closed.closed_by) == ("closed", "Aud Itor")
    before = stored_scans(world, floor.audit_id)
    attempts = [
        lambda: scan(floor, "LAP-3", a1),
        lambda: undo_last_scan(world.db, audit_id=floor.audit_id, scanned_by="auditor"),
        lambda: record_manual_find(
            world.db,
            audit_id=floor.audit_id,
            asset_id=_asset_id(world, "LAP-3"),
            reason="no label",
            scanned_by="auditor",
        ),
        lambda: set_room_finished(
            world.db,
            audit_id=floor.audit_id,
            room_id=world.room_a,
            finished=True,
            scanned_by="auditor",
        ),
        lambda: close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor"),
    ]
    for attempt in attempts:
        with pytest.raises(AuditClosedError, match="'HQ 2026' is closed and read-only"):
            attempt()
    assert stored_scans(world, floor.audit_id) == before


def test_manual_find_needs_a_reason(world: World) -> None:
    floor = make_floor(world)
    with pytest.raises(ValidationError) as caught:
        record_manual_find(
            world.db,
            audit_id=floor.audit_id,
            asset_id=_asset_id(world, "LAP-1"),
            reason="  ",
            scanned_by="auditor",
        )
    assert caught.value.fields() == {"reason"}
    assert stored_scans(world, floor.audit_id) == []


def test_several_audits_open_at_once(world: World) -> None:
    floor = make_floor(world)
    laptops = start_audit(
        world.db,
        scope_location_id=world.room_a,
        category_ids=[world.laptop_category],
        started_by="tech",
    )
    assert laptops.expected == 2  # LAP-1 and LAP-3; not the monitor
    scan(floor, "LAP-1")
    record_scan(world.db, audit_id=laptops.id, raw="LAP-1", scanned_by="tech")
    with world.db.read() as s:
        audits = list_audits(s, open_only=True)
        assert {a.name for a in audits} == {"HQ 2026", laptops.name}
        assert all(a.scans == 1 for a in audits)
        assert find_audit(s, "hq 2026").id == floor.audit_id
        assert find_audit(s, laptops.id.hex[:8]).id == laptops.id
        with pytest.raises(DesktopError, match="there is no audit 'nothing'"):
            find_audit(s, "nothing")
        total = s.execute(select(func.count()).select_from(AuditScan)).scalar_one()
    assert total == 2


def _asset_id(world: World, tag: str) -> uuid.UUID:
    with world.db.read() as s:
        return s.execute(select(Asset.id).where(Asset.tag == tag)).scalar_one()


def test_two_scanners_in_one_audit_get_distinct_sequences(world: World) -> None:
    """Two people scanning the same audit at once: every scan stored, numbered once."""
    floor = make_floor(world)
    errors: list[BaseException] = []

    def scanner(user: str, prefix: str) -> None:
        try:
            for n in range(10):
                record_scan(world.db, audit_id=floor.audit_id, raw=f"{prefix}-{n}", scanned_by=user)
        except BaseException as exc:  # reported below  # noqa: BLE001
            errors.append(exc)

    threads = [
        threading.Thread(target=scanner, args=("auditor", "A")),
        threading.Thread(target=scanner, args=("tech", "B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = stored_scans(world, floor.audit_id)
    assert [r[0] for r in rows] == list(range(1, 21))
    assert sorted(r[2] for r in rows) == sorted(
        [f"A-{n}" for n in range(10)] + [f"B-{n}" for n in range(10)]
    )
