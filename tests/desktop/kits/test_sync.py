"""Syncing a kit: every outcome, on every backend, through the same services."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import kits
from desktop.domain.lifecycle import AssetStatus, ProcedureState
from desktop.errors import PermissionDeniedError
from desktop.services.approvals import approve
from desktop.services.audit_scans import record_scan, undo_last_scan
from desktop.services.audits import audit_summary, close_audit, start_audit
from desktop.services.incident_queries import incident_rows
from desktop.services.incidents import IncidentRequest, add_note, log_incident, move_incident
from desktop.storage.database import open_database
from desktop.storage.models import (
    Asset,
    AuditScan,
    Incident,
    IncidentEvent,
    KitConflict,
    Person,
    Procedure,
)
from tests.desktop.kits.helpers import change, kit_of, procedure_count
from tests.factories import World

Outcome = kits.Outcome


def asset(world: World, tag: str) -> Asset:
    with world.db.read() as s:
        found = s.execute(select(Asset).where(Asset.tag == tag)).scalar_one()
        s.expunge(found)
        return found


def test_offline_install_is_applied_once_and_the_kit_is_refreshed(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        made = field.install("LAP-1")
        info = kits.kit_info(field.db)
        assert info is not None and info.waiting == 1
        report = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in report.results] == [Outcome.APPLIED]
        assert report.refreshed
        with world.db.read() as s:
            server = s.get(Procedure, made.procedure_id)
            assert server is not None
            assert server.origin == "field_kit"
            assert "Made offline in field kit" in server.note
        assert asset(world, "LAP-1").status == AssetStatus.IN_SERVICE.value
        info = kits.kit_info(field.db)
        assert info is not None and info.waiting == 0
        # Syncing again records nothing.
        before = procedure_count(world.db)
        again = kits.sync(field.db, world.db, "tech")
        assert again.results == ()
        assert procedure_count(world.db) == before
        # The refreshed kit takes server changes and can go out again.
        change(world.db, "LAP-1", {"name": "Renamed on server"})
        kits.sync(field.db, world.db, "tech")
        assert asset(field, "LAP-1").name == "Renamed on server"
        change(field.db, "LAP-1", {"serial_number": "SN-FIELD"})
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.APPLIED
        assert asset(world, "LAP-1").serial_number == "SN-FIELD"


def test_replay_after_a_crash_before_the_kit_heard_is_already_applied(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        field.install("LAP-1")
        first = kits.sync(field.db, world.db, "tech", refresh=False)
        assert first.counts()[Outcome.APPLIED] == 1
        with field.db.engine.begin() as c:  # as if killed before the kit marked it
            c.exec_driver_sql("UPDATE kit_journal SET synced = 0")
        before = procedure_count(world.db)
        again = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in again.results] == [Outcome.ALREADY_APPLIED]
        assert procedure_count(world.db) == before


def test_server_changed_other_fields_merges_and_says_rebased(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(world.db, "LAP-1", {"name": "Server name"})
        made = change(field.db, "LAP-1", {"serial_number": "SN-1"})
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.MERGED
        assert "rebased from version" in result.reason and "Name" in result.reason
        server = asset(world, "LAP-1")
        assert (server.name, server.serial_number) == ("Server name", "SN-1")
        with world.db.read() as s:
            procedure = s.get(Procedure, made.procedure_id)
            assert procedure is not None and "Rebased from version" in procedure.note


def test_same_field_changed_differently_is_a_conflict_and_nothing_is_applied(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(world.db, "LAP-1", {"serial_number": "SERVER"})
        change(field.db, "LAP-1", {"serial_number": "KIT", "name": "Kit name"})
        before = procedure_count(world.db)
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.CONFLICT
        assert procedure_count(world.db) == before
        server = asset(world, "LAP-1")
        assert (server.serial_number, server.name) == ("SERVER", "ThinkPad T14")
        (conflict,) = kits.conflicts(world.db)
        (difference,) = conflict.fields
        assert (difference.base, difference.server, difference.kit) == (None, "SERVER", "KIT")
        assert conflict.procedure_kind == "change"
        assert conflict.asset_tag == "LAP-1"
        info = kits.kit_info(field.db)
        assert info is not None and info.open_conflicts == 1 and info.waiting == 0


def test_status_moved_on_the_server_makes_the_procedure_a_conflict(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        world.install("LAP-1")
        field.install("LAP-1", location=field.room_a)
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.CONFLICT


def test_procedures_needing_approval_arrive_pending_and_are_not_approved_offline(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    world.install("LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        made = field.decommission("LAP-1")
        assert made.state is ProcedureState.PENDING_APPROVAL
        with pytest.raises(PermissionDeniedError, match="field kit"):
            approve(field.db, procedure_id=made.procedure_id, approver="approver")
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.PENDING_APPROVAL
        with world.db.read() as s:
            procedure = s.get(Procedure, made.procedure_id)
            assert procedure is not None
            assert procedure.state == ProcedureState.PENDING_APPROVAL.value
        assert asset(world, "LAP-1").status == AssetStatus.IN_SERVICE.value


def test_assets_received_offline_take_tags_from_the_kits_block(
    world: World, tmp_path: Path
) -> None:
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        info = kits.kit_info(field.db)
        assert info is not None
        block = next(b for b in info.tag_blocks if b.prefix == "LAP")
        offline = field.receive()
        online = world.receive()
        assert offline.asset_tag != online.asset_tag
        field.receive(tag="HAND-1")
        world.receive(tag="HAND-1")
        results = kits.sync(field.db, world.db, "tech").results
        assert [r.outcome for r in results] == [Outcome.APPLIED, Outcome.CONFLICT]
        assert "already used" in results[1].reason
        with world.db.read() as s:
            received = s.get(Asset, offline.asset_id)
            assert received is not None and received.tag == offline.asset_tag
        assert int(offline.asset_tag.split("-")[1]) == block.first


def test_scans_join_the_server_audit_exactly_once(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        record_scan(field.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor")
        record_scan(field.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
        record_scan(field.db, audit_id=audit.id, raw="LAP-2", scanned_by="auditor")
        undo_last_scan(field.db, audit_id=audit.id, scanned_by="auditor")
        record_scan(world.db, audit_id=audit.id, raw="LAP-2", scanned_by="tech2")
        with field.db.read() as s:
            kit_ids = set(s.execute(select(AuditScan.id)).scalars())
        report = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [r.outcome for r in report.results] == [Outcome.APPLIED] * 4
        # The undo is named as one (it was listed as a second scan of LAP-2).
        assert [r.summary.split(" by ")[0] for r in report.results] == [
            "Scan “ROOM-A1”",
            "Scan “LAP-1”",
            "Scan “LAP-2”",
            "Undo of the scan “LAP-2”",
        ]
        with field.db.engine.begin() as c:
            c.exec_driver_sql("UPDATE kit_journal SET synced = 0")
        again = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in again.results] == [Outcome.ALREADY_APPLIED] * 4
        with world.db.read() as s:
            server_ids = set(s.execute(select(AuditScan.id)).scalars())
            assert kit_ids <= server_ids
            assert len(server_ids) == len(kit_ids) + 1


def test_incidents_logged_offline_get_a_server_number(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    request = IncidentRequest(
        logged_by="tech",
        asset_tags=["LAP-1"],
        title="Does not boot",
        description="Black screen after the BIOS logo.",
        severity="high",
        routed_group="Infrastructure",
    )
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        offline = log_incident(field.db, request)
        online = log_incident(world.db, request)
        assert offline.number == online.number  # provisional in the kit
        # ... and said so wherever it is shown (a new user took #19 for the server's #19)
        assert offline.provisional and offline.number_text == f"#{offline.number} (provisional)"
        assert not online.provisional and online.number_text == f"#{online.number}"
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.APPLIED
        assert result.server_number == online.number + 1
        with field.db.read() as s:  # refreshed: the final number, no longer provisional
            (synced,) = [r for r in incident_rows(s, list(s.execute(select(Incident)).scalars()))
                         if r.id == offline.id]  # fmt: skip
            assert synced.number == online.number + 1 and not synced.provisional
        with world.db.read() as s:
            assert s.execute(select(func.count()).select_from(Incident)).scalar_one() == 2


def test_dry_run_changes_nothing_and_says_what_each_record_would_become(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(world.db, "LAP-2", {"serial_number": "SERVER"})
        field.install("LAP-1")
        change(field.db, "LAP-2", {"serial_number": "KIT"})
        before = procedure_count(world.db)
        report = kits.sync(field.db, world.db, "tech", dry_run=True)
        assert report.dry_run
        assert [r.outcome for r in report.results] == [Outcome.APPLIED, Outcome.CONFLICT]
        assert procedure_count(world.db) == before
        with world.db.read() as s:
            assert s.execute(select(func.count()).select_from(KitConflict)).scalar_one() == 0
        info = kits.kit_info(field.db)
        assert info is not None and info.waiting == 2


def test_a_kit_syncs_only_with_the_database_it_came_from(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        with kit_of(world, tmp_path / "kit.sqlite") as field:
            with pytest.raises(kits.KitError, match="no record of this kit"):
                kits.sync(field.db, other, "tech")
            with pytest.raises(kits.KitError, match="not a field kit"):
                kits.sync(world.db, world.db, "tech")
    finally:
        other.dispose()


def test_an_audit_closed_offline_is_closed_on_the_server_after_its_scans(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        record_scan(field.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
        close_audit(field.db, audit_id=audit.id, closed_by="auditor")
        report = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [(r.record, r.outcome) for r in report.results] == [
            ("scan", Outcome.APPLIED),
            ("audit close", Outcome.APPLIED),
        ]
        with field.db.engine.begin() as c:
            c.exec_driver_sql("UPDATE kit_journal SET synced = 0")
        again = kits.sync(field.db, world.db, "tech")
        assert {r.outcome for r in again.results} == {Outcome.ALREADY_APPLIED}
    with world.db.read() as s:
        assert audit_summary(s, audit.id).is_open is False


def test_an_audit_started_offline_is_started_scanned_and_closed_on_the_server_once(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        offline = start_audit(
            field.db, scope_location_id=field.site, started_by="auditor", name="Basement"
        )
        scan = record_scan(field.db, audit_id=offline.id, raw="LAP-1", scanned_by="auditor")
        close_audit(field.db, audit_id=offline.id, closed_by="auditor")
        report = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [(r.record, r.outcome) for r in report.results] == [
            ("audit", Outcome.APPLIED),
            ("scan", Outcome.APPLIED),
            ("audit close", Outcome.APPLIED),
        ]
        # A crash before the kit heard: replayed again, nothing twice.
        with field.db.engine.begin() as c:
            c.exec_driver_sql("UPDATE kit_journal SET synced = 0")
        again = kits.sync(field.db, world.db, "tech")
        assert {r.outcome for r in again.results} == {Outcome.ALREADY_APPLIED}
    assert kits.conflicts(world.db) == []
    with world.db.read() as s:
        summary = audit_summary(s, offline.id)
        assert (summary.name, summary.is_open, summary.scans) == ("Basement", False, 1)
        assert summary.started_at == offline.started_at
        server_scan = s.get(AuditScan, scan.scan_id)
        assert server_scan is not None and server_scan.audit_id == offline.id


def test_a_scan_into_an_audit_the_server_refused_is_queued(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        offline = start_audit(field.db, scope_location_id=field.site, started_by="auditor")
        record_scan(field.db, audit_id=offline.id, raw="LAP-1", scanned_by="auditor")
        # The auditor lost the audit right on the server meanwhile.
        with world.db.write() as s:
            s.get_one(Person, world.people["auditor"]).roles = []
        report = kits.sync(field.db, world.db, "tech")
        assert [(r.record, r.outcome) for r in report.results] == [
            ("audit", Outcome.CONFLICT),
            ("scan", Outcome.CONFLICT),
        ]
    assert len(kits.conflicts(world.db)) == 2


def test_a_worn_tag_block_is_renewed_at_sync(world: World, tmp_path: Path) -> None:
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        info = kits.kit_info(field.db)
        assert info is not None
        (block,) = [b for b in info.tag_blocks if b.prefix == "LAP"]
        with field.db.engine.begin() as c:  # as if 490 tags were used offline
            c.exec_driver_sql(
                "UPDATE tag_sequences SET next_value = ? WHERE prefix = 'LAP'",
                (block.last - 9,),
            )
        kits.sync(field.db, world.db, "tech")
        info = kits.kit_info(field.db)
        assert info is not None
        laps = [b for b in info.tag_blocks if b.prefix == "LAP"]
        assert len(laps) == 2 and laps[1].first > block.last
        made = field.receive()
        assert made.asset_tag.endswith(str(laps[1].first))
        assert world.receive().asset_tag != made.asset_tag


def test_a_cancelled_sync_leaves_both_sides_consistent(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        first = change(field.db, "LAP-1", {"serial_number": "ONE"})
        second = change(field.db, "LAP-2", {"serial_number": "TWO"})
        asked = iter([False, True])
        report = kits.sync(field.db, world.db, "tech", cancel=lambda: next(asked, True))
        assert report.cancelled and not report.refreshed
        assert [r.record_id for r in report.results] == [first.procedure_id]
        info = kits.kit_info(field.db)
        assert info is not None and info.waiting == 1
        with world.db.read() as s:
            assert s.get(Procedure, first.procedure_id) is not None
            assert s.get(Procedure, second.procedure_id) is None
        (rest,) = kits.sync(field.db, world.db, "tech").results
        assert (rest.record_id, rest.outcome) == (second.procedure_id, Outcome.APPLIED)


def _fan_noise(world: World) -> int:
    world.receive(tag="LAP-1")
    request = IncidentRequest(
        logged_by="tech",
        asset_tags=["LAP-1"],
        title="Fan noise",
        description="Loud fan.",
        severity="low",
        routed_group="Infrastructure",
    )
    return log_incident(world.db, request).number


def test_incident_notes_and_moves_made_offline_are_replayed_once(
    world: World, tmp_path: Path
) -> None:
    number = _fan_noise(world)
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        add_note(field.db, number=number, by="tech", note="Dust cleaned")
        move_incident(field.db, number=number, to_status="assigned", by="infra", assignee="infra")
        move_incident(field.db, number=number, to_status="in_progress", by="infra", note="On it")
        report = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [(r.record, r.outcome) for r in report.results] == [
            ("incident event", Outcome.APPLIED),
            ("incident event", Outcome.APPLIED),
            ("incident event", Outcome.APPLIED),
        ]
        with field.db.read() as s:
            kit_moves = {
                e.id: (e.at, e.to_status)
                for e in s.execute(
                    select(IncidentEvent).where(IncidentEvent.from_status.is_not(None))
                ).scalars()
            }
        with field.db.engine.begin() as c:
            c.exec_driver_sql("UPDATE kit_journal SET synced = 0")
        again = kits.sync(field.db, world.db, "tech")
        assert {r.outcome for r in again.results} == {Outcome.ALREADY_APPLIED}
    assert kits.conflicts(world.db) == []
    with world.db.read() as s:
        incident = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        assert incident.status == "in_progress"
        assert incident.assigned_to_id == world.people["infra"]
        for event_id, (at, to_status) in kit_moves.items():
            server_event = s.get(IncidentEvent, event_id)
            assert server_event is not None
            assert (server_event.at, server_event.to_status) == (at, to_status)
        counts = dict(
            s.execute(
                select(IncidentEvent.to_status, func.count())
                .where(IncidentEvent.incident_id == incident.id)
                .group_by(IncidentEvent.to_status)
            ).all()
        )
        assert (counts["assigned"], counts["in_progress"]) == (1, 1)
        notes = s.execute(
            select(func.count())
            .select_from(IncidentEvent)
            .where(IncidentEvent.note == "Dust cleaned")
        ).scalar_one()
        assert notes == 1


def test_an_incident_move_the_server_overtook_is_queued(world: World, tmp_path: Path) -> None:
    number = _fan_noise(world)
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        move_incident(field.db, number=number, to_status="assigned", by="infra", assignee="infra")
        move_incident(world.db, number=number, to_status="assigned", by="infra", assignee="tech")
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.CONFLICT
        assert f"moved incident #{number} to assigned meanwhile" in result.reason
    (conflict,) = kits.conflicts(world.db)
    assert conflict.record == "incident event"
    with world.db.read() as s:
        incident = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        assert incident.assigned_to_id == world.people["tech"]


def _fields(conflict: kits.Conflict) -> dict[str, tuple[str, str, str]]:
    return {f.field: (f.base_text, f.server_text, f.kit_text) for f in conflict.fields}


def test_two_kits_assigning_one_incident_the_second_is_a_conflict_with_its_values(
    world: World, tmp_path: Path
) -> None:
    """Not last-assignee-wins: the second kit's assignment, and the move it made after
    it, wait in the queue with the base, server and kit values; the first stands."""
    number = _fan_noise(world)
    with (
        kit_of(world, tmp_path / "a.sqlite") as first,
        kit_of(world, tmp_path / "b.sqlite") as second,
    ):
        move_incident(first.db, number=number, to_status="assigned", by="infra", assignee="infra")
        move_incident(second.db, number=number, to_status="assigned", by="tech", assignee="tech")
        move_incident(second.db, number=number, to_status="in_progress", by="tech")
        (applied,) = kits.sync(first.db, world.db, "tech").results
        assert applied.outcome is Outcome.APPLIED
        preview = kits.sync(second.db, world.db, "tech", dry_run=True).results
        assert [r.outcome for r in preview] == [Outcome.CONFLICT, Outcome.CONFLICT]
        assigned, started = kits.sync(second.db, world.db, "tech").results
    assert assigned.outcome is Outcome.CONFLICT
    assert f"moved incident #{number} to assigned meanwhile" in assigned.reason
    assert "the server assigned incident" in assigned.reason
    assert started.outcome is Outcome.CONFLICT
    assert "an earlier move" in started.reason
    first_conflict, second_conflict = kits.conflicts(world.db)
    infra_name = _person_name(world, "infra")
    assert _fields(first_conflict) == {
        "status": ("New", "Assigned", "Assigned"),
        "assigned_to": ("", infra_name, "Tess Tech"),
    }
    assert _fields(second_conflict)["status"] == ("Assigned", "Assigned", "In progress")
    with world.db.read() as s:
        incident = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        assert (incident.status, incident.assigned_to_id) == ("assigned", world.people["infra"])


def test_an_incident_assigned_on_the_server_and_in_the_kit_keeps_the_servers_assignee(
    world: World, tmp_path: Path
) -> None:
    number = _fan_noise(world)
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        move_incident(field.db, number=number, to_status="assigned", by="tech", assignee="tech")
        move_incident(world.db, number=number, to_status="assigned", by="infra", assignee="infra")
        preview = kits.sync(field.db, world.db, "tech", dry_run=True).results
        assert [r.outcome for r in preview] == [Outcome.CONFLICT]
        (result,) = kits.sync(field.db, world.db, "tech").results
    assert result.outcome is Outcome.CONFLICT
    (conflict,) = kits.conflicts(world.db)
    assert _fields(conflict)["assigned_to"] == ("", _person_name(world, "infra"), "Tess Tech")
    with world.db.read() as s:
        incident = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        assert incident.assigned_to_id == world.people["infra"]


def _person_name(world: World, username: str) -> str:
    with world.db.read() as s:
        person = s.get(Person, world.people[username])
        assert person is not None
        return person.name
