"""Incidents: template-driven logging, the status moves, numbers, reports — every backend."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import PermissionDeniedError, ValidationError
from desktop.services.incidents import (
    IncidentRequest,
    IncidentStatus,
    add_note,
    assets_by_incident_count,
    fix_candidates,
    incident_detail,
    incident_template,
    incidents_for_asset,
    link_fix,
    list_incidents,
    log_incident,
    move_incident,
    open_incidents_by_group,
)
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Asset, Incident, IncidentEvent, Person
from tests.factories import World


def report(world: World, *tags: str, title: str = "Does not boot", **extra: object) -> int:
    fields: dict[str, object] = {
        "logged_by": "tech",
        "asset_tags": list(tags),
        "title": title,
        "description": "Black screen after the BIOS logo.",
        "severity": "high",
        "routed_group": "Infrastructure",
        "reported_by": "user",
    }
    fields.update(extra)
    return log_incident(world.db, IncidentRequest(**fields)).number  # type: ignore[arg-type]


def incident_count(db: Database) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(Incident)).scalar_one()


def walk_to(world: World, number: int, status: IncidentStatus) -> None:
    steps = {
        IncidentStatus.ASSIGNED: {"assignee": "infra"},
        IncidentStatus.IN_PROGRESS: {},
        IncidentStatus.RESOLVED: {"root_cause": "Worn SSD", "resolution": "SSD replaced"},
        IncidentStatus.CLOSED: {},
    }
    for step, kwargs in steps.items():
        move_incident(world.db, number=number, to_status=step, by="infra", **kwargs)  # type: ignore[arg-type]
        if step is status:
            return


def test_the_shipped_template_drives_required_fields() -> None:
    template = incident_template()
    required = {f.key for f in template.fields if f.required}
    assert required == {"title", "description", "severity", "routed_group", "reported_by"}
    assert {f.key for f in template.resolve_fields if f.required} == {"root_cause", "resolution"}


def test_logging_an_incident_against_several_assets(world: World) -> None:
    world.receive(tag="LAP-1")
    world.receive(tag="MON-1", category=world.monitor_category)
    number = report(world, "lap-1 ", "MON-1", "LAP-1", answers={"users_affected": "A team"})
    with world.db.read() as s:
        detail = incident_detail(s, number)
    row = detail.row
    assert (row.number, row.status, row.severity) == (1, "new", "high")
    assert row.asset_tags == ("LAP-1", "MON-1")
    assert (row.reported_by, row.routed_group, row.assigned_to) == (
        "Una User",
        "Infrastructure",
        "",
    )
    assert detail.answers == {"users_affected": "A team"}
    assert (detail.template_name, detail.template_version) == ("Report an incident", 1)
    assert [(e.person, e.from_status, e.to_status) for e in detail.events] == [
        ("Tess Tech", None, "new")
    ]


def test_missing_and_wrong_fields_are_named_and_nothing_is_written(world: World) -> None:
    world.receive(tag="LAP-2")
    with pytest.raises(ValidationError) as caught:
        log_incident(
            world.db,
            IncidentRequest(
                logged_by="tech",
                asset_tags=["LAP-2", "NOPE-9"],
                title="  ",
                description="",
                severity="apocalyptic",
                routed_group="Nonexistent team",
                answers={"users_affected": "Martians", "colour": "red"},
            ),
        )
    assert caught.value.fields() == {
        "title",
        "description",
        "severity",
        "routed_group",
        "users_affected",
        "colour",
        "assets",
    }
    assert "NOPE-9" in caught.value.message
    with pytest.raises(ValidationError, match="at least one asset"):
        report(world)
    assert incident_count(world.db) == 0


def test_reported_by_defaults_to_the_person_who_logs_it(world: World) -> None:
    world.receive(tag="LAP-3")
    number = report(world, "LAP-3", reported_by=None)
    with world.db.read() as s:
        assert incident_detail(s, number).row.reported_by == "Tess Tech"


def test_an_inactive_person_cannot_log(world: World) -> None:
    world.receive(tag="LAP-4")
    with world.db.write() as s:
        s.execute(select(Person).where(Person.username == "tech")).scalar_one().active = False
    with pytest.raises(PermissionDeniedError):
        report(world, "LAP-4")
    assert incident_count(world.db) == 0


def test_the_whole_life_of_an_incident_is_recorded(world: World) -> None:
    world.receive(tag="LAP-5")
    number = report(world, "LAP-5")
    walk_to(world, number, IncidentStatus.CLOSED)
    with world.db.read() as s:
        detail = incident_detail(s, number)
    assert detail.row.status == "closed"
    assert detail.row.assigned_to == "Ivy Infra"
    assert (detail.row.root_cause, detail.row.resolution) == ("Worn SSD", "SSD replaced")
    assert detail.row.resolved_at is not None
    assert detail.row.closed_at is not None
    assert [(e.from_status, e.to_status) for e in detail.events] == [
        (None, "new"),
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (IncidentStatus.NEW, IncidentStatus.RESOLVED),
        (IncidentStatus.NEW, IncidentStatus.CLOSED),
        (IncidentStatus.NEW, IncidentStatus.IN_PROGRESS),
        (IncidentStatus.ASSIGNED, IncidentStatus.CLOSED),
        (IncidentStatus.IN_PROGRESS, IncidentStatus.NEW),
        (IncidentStatus.CLOSED, IncidentStatus.IN_PROGRESS),
    ],
)
def test_moves_that_are_not_allowed_are_refused(
    world: World, start: IncidentStatus, target: IncidentStatus
) -> None:
    world.receive(tag="LAP-6")
    number = report(world, "LAP-6")
    if start is not IncidentStatus.NEW:
        walk_to(world, number, start)
    with world.db.read() as s:
        events = s.execute(select(func.count()).select_from(IncidentEvent)).scalar_one()
    with pytest.raises(ValidationError, match="cannot become"):
        move_incident(
            world.db,
            number=number,
            to_status=target,
            by="infra",
            assignee="infra",
            root_cause="x",
            resolution="y",
        )
    with world.db.read() as s:
        assert incident_detail(s, number).row.status == start.value
        assert s.execute(select(func.count()).select_from(IncidentEvent)).scalar_one() == events


def test_resolving_needs_root_cause_and_resolution(world: World) -> None:
    world.receive(tag="LAP-7")
    number = report(world, "LAP-7")
    walk_to(world, number, IncidentStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as caught:
        move_incident(world.db, number=number, to_status="resolved", by="infra", root_cause=" ")
    assert caught.value.fields() == {"root_cause", "resolution"}
    with world.db.read() as s:
        row = incident_detail(s, number).row
    assert (row.status, row.root_cause, row.resolved_at) == ("in_progress", "", None)


def test_assigning_needs_an_assignee(world: World) -> None:
    world.receive(tag="LAP-8")
    number = report(world, "LAP-8")
    with pytest.raises(ValidationError, match="assigned to"):
        move_incident(world.db, number=number, to_status="assigned", by="infra")


def test_a_resolved_incident_can_be_reopened(world: World) -> None:
    world.receive(tag="LAP-9")
    number = report(world, "LAP-9")
    walk_to(world, number, IncidentStatus.RESOLVED)
    row = move_incident(
        world.db, number=number, to_status="in_progress", by="infra", note="came back"
    )
    assert row.status == "in_progress"
    assert row.is_open


def test_link_to_the_change_that_fixed_it(world: World) -> None:
    world.receive(tag="LAP-10")
    world.receive(tag="LAP-11")
    number = report(world, "LAP-10")
    fix = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="infra",
            asset_tag="LAP-10",
            values={"notes": "SSD replaced"},
            answers={"change_type": "Repair"},
        ),
    )
    other = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="infra",
            asset_tag="LAP-11",
            values={"notes": "x"},
            answers={"change_type": "Other"},
        ),
    )
    with world.db.read() as s:
        assert [c.procedure_id for c in fix_candidates(s, number)] == [fix.procedure_id]
    with pytest.raises(ValidationError, match="not about"):
        link_fix(world.db, number=number, procedure_id=other.procedure_id, by="infra")
    row = link_fix(world.db, number=number, procedure_id=fix.procedure_id, by="infra")
    assert row.fixed_by_procedure_id == fix.procedure_id
    with world.db.read() as s:
        assert "Linked" in incident_detail(s, number).events[-1].note


def test_notes_append_to_the_history(world: World) -> None:
    world.receive(tag="LAP-12")
    number = report(world, "LAP-12")
    add_note(world.db, number=number, by="tech2", note="user called again")
    with pytest.raises(ValidationError):
        add_note(world.db, number=number, by="tech2", note="  ")
    with world.db.read() as s:
        event = incident_detail(s, number).events[-1]
    assert (event.person, event.note, event.to_status) == ("Tom Tech", "user called again", None)


def test_concurrent_clients_get_unique_numbers(world: World) -> None:
    world.receive(tag="LAP-13")
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def one() -> None:
        barrier.wait()
        try:
            numbers.append(report(world, "LAP-13"))
        except BaseException as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
    assert incident_count(world.db) == 8


def test_reports_and_the_assets_incidents(world: World) -> None:
    for tag in ("LAP-20", "LAP-21", "LAP-22"):
        world.receive(tag=tag)
    first = report(world, "LAP-20", "LAP-21")
    report(world, "LAP-20", routed_group="Service desk")
    report(world, "LAP-20", routed_group="Service desk")
    walk_to(world, first, IncidentStatus.CLOSED)
    with world.db.read() as s:
        by_asset = [(a.tag, a.incidents, a.open_incidents) for a in assets_by_incident_count(s)]
        by_group = [(g.group, g.new, g.total) for g in open_incidents_by_group(s)]
        lap20 = incidents_for_asset(s, world_asset_id(s, "LAP-20"))
        open_rows = list_incidents(s, open_only=True)
    assert by_asset == [("LAP-20", 3, 2), ("LAP-21", 1, 0)]
    assert by_group == [("Service desk", 2, 2)]
    assert [r.number for r in lap20] == [3, 2, 1]
    assert [r.number for r in open_rows] == [3, 2]


def world_asset_id(session: Session, tag: str) -> uuid.UUID:
    return session.execute(select(Asset.id).where(Asset.tag == tag)).scalar_one()
