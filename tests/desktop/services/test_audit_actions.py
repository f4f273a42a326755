"""Reconciliation on close and its actions (through procedures), on every backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop.domain.lifecycle import AssetStatus
from desktop.errors import DesktopError, PermissionDeniedError, ValidationError
from desktop.services.audit_actions import (
    AuditAction,
    apply_audit_actions,
    parse_actions,
    receive_unknown_tags,
)
from desktop.services.audit_report import write_audit_report
from desktop.services.audit_scans import record_manual_find, record_scan
from desktop.services.audit_tally import reconcile
from desktop.services.audits import close_audit
from desktop.storage.models import Asset, Procedure, ProcedureTemplate
from tests.desktop.services.test_audits import Floor, make_floor
from tests.factories import RECEIVE_CHECKLIST, World


def asset(world: World, tag: str) -> Asset:
    with world.db.read() as s:
        found = s.execute(select(Asset).where(Asset.tag == tag)).scalar_one()
        s.expunge(found)  # keep its loaded values after the read rolls back
        return found


def procedures(world: World, tag: str) -> list[Procedure]:
    with world.db.read() as s:
        found = list(
            s.execute(
                select(Procedure)
                .join(Asset, Asset.id == Procedure.asset_id)
                .where(Asset.tag == tag, Procedure.kind == "audit_correction")
                .order_by(Procedure.created_at)
            ).scalars()
        )
        s.expunge_all()
        return found


def walk(floor: Floor) -> None:
    """Room A1: LAP-1 found, LAP-2 misplaced (belongs in A2), an unknown tag, the retired
    laptop, MON-1 found by search; LAP-3 is never seen (missing)."""
    db, audit = floor.world.db, floor.audit_id
    a1 = record_scan(db, audit_id=audit, raw="ROOM-A1", scanned_by="auditor").room_id
    for tag in ("LAP-1", "LAP-2", "=NEW-7", "LAP-R", "LAP-1"):
        record_scan(db, audit_id=audit, raw=tag, scanned_by="auditor", room_id=a1)
    record_manual_find(
        db,
        audit_id=audit,
        asset_id=asset(floor.world, "MON-1").id,
        reason="label unreadable",
        scanned_by="auditor",
        room_id=a1,
    )


def test_reconciliation_lists(world: World) -> None:
    floor = make_floor(world)
    walk(floor)
    close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    with world.db.read() as s:
        result = reconcile(s, floor.audit_id)
    assert [i.tag for i in result.found] == ["LAP-1", "MON-1"]
    assert result.found[1].note == "found without a readable label: label unreadable"
    assert [(i.tag, i.expected_location) for i in result.missing] == [("LAP-3", "Room A1")]
    ((misplaced),) = result.misplaced
    assert (misplaced.tag, misplaced.room, misplaced.expected_location) == (
        "LAP-2",
        "Room A1",
        "Room A2",
    )
    assert [(i.tag, i.room) for i in result.unknown] == [("=NEW-7", "Room A1")]
    assert [(i.tag, i.status) for i in result.retired] == [("LAP-R", "Decommissioned")]
    assert result.counts() == {
        "expected": 4,
        "found": 2,
        "missing": 1,
        "misplaced": 1,
        "unknown": 1,
        "retired": 1,
        "duplicates": 1,
        "scans": 7,
    }


def test_actions_go_through_procedures_and_repeat_safely(world: World) -> None:
    floor = make_floor(world)
    walk(floor)
    everything = [AuditAction.MOVES, AuditAction.MISSING, AuditAction.AUDITED]
    with pytest.raises(DesktopError, match="close the audit 'HQ 2026' first"):
        apply_audit_actions(
            world.db, audit_id=floor.audit_id, actions=everything, performed_by="auditor"
        )
    close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    outcomes = apply_audit_actions(
        world.db, audit_id=floor.audit_id, actions=everything, performed_by="auditor"
    )
    assert [(o.action, o.recorded, o.pending_approval) for o in outcomes] == [
        (AuditAction.MOVES, 1, 0),
        (AuditAction.MISSING, 1, 0),
        (AuditAction.AUDITED, 3, 0),
    ]
    moved = asset(world, "LAP-2")
    assert moved.location_id == world.room_a
    (move, audited) = procedures(world, "LAP-2")
    assert audited.changes[0]["field"] == "last_audited_at"
    assert move.origin == "audit"
    assert move.answers["audit_reference"] == "HQ 2026"
    assert [(c["field"], c["before_text"], c["after_text"]) for c in move.changes] == [
        ("location", "Room A2", "Room A1")
    ]
    assert asset(world, "LAP-3").status == AssetStatus.MISSING.value
    (missing,) = procedures(world, "LAP-3")
    assert missing.changes[0]["after_text"] == "Missing"
    for tag in ("LAP-1", "LAP-2", "MON-1"):
        assert asset(world, tag).last_audited_at is not None
    (seen,) = procedures(world, "LAP-1")
    assert seen.state == "completed"
    assert seen.changes[0]["field"] == "last_audited_at"
    assert seen.changes[0]["before"] is None
    assert asset(world, "LAP-R").last_audited_at is None  # a retired record stays closed

    with world.db.read() as s:
        before = s.execute(select(func.count()).select_from(Procedure)).scalar_one()
    again = apply_audit_actions(
        world.db, audit_id=floor.audit_id, actions=everything, performed_by="auditor"
    )
    assert [(o.recorded, len(o.skipped)) for o in again] == [(0, 1), (0, 1), (0, 3)]
    with world.db.read() as s:
        assert s.execute(select(func.count()).select_from(Procedure)).scalar_one() == before


def test_moves_follow_the_templates_approval_rule(world: World) -> None:
    floor = make_floor(world)
    walk(floor)
    close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    with world.db.write() as s:  # an administrator made audit corrections need approval
        current = s.execute(
            select(ProcedureTemplate).where(
                ProcedureTemplate.kind == "audit_correction", ProcedureTemplate.is_current
            )
        ).scalar_one()
        definition = dict(current.definition)
        definition["approval"] = {"mode": "always", "approvers": 1}
        current.is_current = False
        s.flush()
        s.add(
            ProcedureTemplate(
                kind="audit_correction",
                scope_key="",
                version_number=current.version_number + 1,
                name=current.name,
                definition=definition,
                is_current=True,
            )
        )
    (outcome,) = apply_audit_actions(
        world.db, audit_id=floor.audit_id, actions=[AuditAction.MOVES], performed_by="auditor"
    )
    assert (outcome.recorded, outcome.pending_approval) == (0, 1)
    assert asset(world, "LAP-2").location_id == world.room_b  # unchanged until approved
    (pending,) = procedures(world, "LAP-2")
    assert pending.state == "pending_approval"


def test_receive_unknown_tags_as_new_assets(world: World) -> None:
    floor = make_floor(world)
    walk(floor)
    close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    with pytest.raises(ValidationError, match="'LAP-1' is not an unknown tag"):
        receive_unknown_tags(
            world.db,
            audit_id=floor.audit_id,
            tags=["LAP-1"],
            category_id=world.monitor_category,
            performed_by="tech",
            checklist=RECEIVE_CHECKLIST,
        )
    # Receiving creates an asset: a technician's work (an auditor alone may not).
    with pytest.raises(
        PermissionDeniedError, match=r"Aud Itor \(auditor\) may not record a receive"
    ):
        receive_unknown_tags(
            world.db,
            audit_id=floor.audit_id,
            tags=["=new-7"],
            category_id=world.monitor_category,
            performed_by="auditor",
            checklist=RECEIVE_CHECKLIST,
        )
    (outcome,) = receive_unknown_tags(
        world.db,
        audit_id=floor.audit_id,
        tags=["=new-7"],
        category_id=world.monitor_category,
        performed_by="tech",
        checklist=RECEIVE_CHECKLIST,
    )
    received = asset(world, "=NEW-7")
    assert outcome.asset_tag == "=NEW-7"
    assert received.status == AssetStatus.IN_STOCK.value
    assert received.location_id == world.room_a
    assert received.category_id == world.monitor_category
    assert received.name == "Found during audit: =NEW-7"


def test_parse_actions_names_the_unknown_word() -> None:
    assert parse_actions("moves, audited") == [AuditAction.MOVES, AuditAction.AUDITED]
    with pytest.raises(ValidationError, match="'teleport' is not an audit action"):
        parse_actions("moves,teleport")


def test_report_workbook_has_summary_and_every_list(world: World, tmp_path: Path) -> None:
    floor = make_floor(world)
    walk(floor)
    close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    path = tmp_path / "audit.xlsx"
    write_audit_report(world.db, audit_id=floor.audit_id, path=path)
    book = load_workbook(path)
    assert book.sheetnames == [
        "Summary",
        "Found",
        "Missing",
        "Misplaced",
        "Unknown",
        "Retired",
        "Scans",
    ]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Audit"] == "HQ 2026"
    assert summary["Status"] == "Closed"
    assert (summary["Expected"], summary["Found"], summary["Missing"]) == (4, 2, 1)
    assert isinstance(summary["Started at"], dt.datetime)
    missing = list(book["Missing"].iter_rows(values_only=True))
    assert missing[0][0] == "Asset tag"
    assert [r[0] for r in missing[1:]] == ["LAP-3"]
    unknown_cell = book["Unknown"]["A2"]
    assert (unknown_cell.value, unknown_cell.data_type) == ("=NEW-7", "s")  # text, not a formula
    scans = list(book["Scans"].iter_rows(values_only=True))
    assert len(scans) == 1 + 7
    assert scans[2][5] == "Found here"
    with pytest.raises(DesktopError, match=r"\.xlsx"):
        write_audit_report(world.db, audit_id=floor.audit_id, path=tmp_path / "audit.csv")


def test_found_asset_recorded_as_missing_comes_back(world: World) -> None:
    world.receive(tag="LAP-LOST")
    with world.db.write() as s:
        s.execute(select(Asset).where(Asset.tag == "LAP-LOST")).scalar_one().status = "missing"
    floor = make_floor(world)
    a1 = record_scan(world.db, audit_id=floor.audit_id, raw="ROOM-A1", scanned_by="auditor").room_id
    found = record_scan(
        world.db, audit_id=floor.audit_id, raw="LAP-LOST", scanned_by="auditor", room_id=a1
    )
    assert found.message.endswith("— it was recorded as missing")
    close_audit(world.db, audit_id=floor.audit_id, closed_by="auditor")
    apply_audit_actions(
        world.db, audit_id=floor.audit_id, actions=[AuditAction.AUDITED], performed_by="auditor"
    )
    back = asset(world, "LAP-LOST")
    assert back.status == AssetStatus.IN_STOCK.value
    assert back.last_audited_at == found.scanned_at
    assert [p.changes[0]["field"] for p in procedures(world, "LAP-LOST")] == [
        "status",
        "last_audited_at",
    ]
