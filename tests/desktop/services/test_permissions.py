"""Every kind of work checks the role of the person doing it, on every backend.

The table is desktop/domain/permissions.py; these tests go through the services a user's
command reaches and look at what the database holds afterwards.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.permissions import ALL_ROLES, ROLES_FOR, Work, refusal
from desktop.errors import PermissionDeniedError
from desktop.services import reference
from desktop.services.approvals import approve
from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.services.incidents import IncidentRequest, log_incident, move_incident
from desktop.services.permissions import grant_local_owner_roles
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Person, Supplier
from tests.factories import World, seed_world


def _procedures(world: World) -> int:
    with world.db.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM procedures")).scalar_one())


def test_every_kind_of_work_names_its_roles() -> None:
    assert set(ROLES_FOR) == set(Work)
    assert {Work(kind.value) for kind in ProcedureKind} <= set(ROLES_FOR)
    for roles in ROLES_FOR.values():
        assert roles and set(roles) <= set(ALL_ROLES)
    assert refusal("Abe", "abe", ["approver"], Work.DISPOSE) == (
        "Abe (abe) may not record a dispose procedure: that needs the technician or "
        "administrator role; they hold approver"
    )
    assert refusal("Una", "una", [], Work.REFERENCE_DATA) == (
        "Una (una) may not change reference data: that needs the administrator role; "
        "they hold no role"
    )


@pytest.mark.backends
@pytest.mark.parametrize("who", ["approver", "auditor", "user"])
def test_a_receive_needs_a_technician(world: World, who: str) -> None:
    before = _procedures(world)
    with pytest.raises(PermissionDeniedError, match=r"may not record a receive procedure"):
        world.receive(tag="LAP-1", performed_by=who)
    assert _procedures(world) == before
    world.receive(tag="LAP-1", performed_by="admin")  # an administrator may stand in
    assert _procedures(world) == before + 1


@pytest.mark.backends
def test_a_disposal_by_an_approver_alone_is_refused(world: World) -> None:
    world.receive(tag="LAP-1")
    before = _procedures(world)
    with pytest.raises(
        PermissionDeniedError,
        match=r"Abe Approver \(approver\) may not record an install procedure: that needs "
        r"the technician or administrator role; they hold approver",
    ):
        world.install("LAP-1", performed_by="approver")
    with pytest.raises(PermissionDeniedError, match="dispose procedure"):
        record_procedure(
            world.db,
            ProcedureRequest(
                kind=ProcedureKind.DISPOSE, performed_by="approver", asset_tag="LAP-1"
            ),
        )
    assert _procedures(world) == before


@pytest.mark.backends
def test_approving_needs_the_approver_role_even_for_an_administrator(world: World) -> None:
    world.receive(tag="LAP-1")
    world.install("LAP-1", performed_by="tech")
    pending = world.decommission("LAP-1")
    with pytest.raises(PermissionDeniedError, match="the approver role is needed"):
        approve(world.db, procedure_id=pending.procedure_id, approver="admin", comment="ok")


@pytest.mark.backends
def test_audits_need_an_auditor_or_a_technician(world: World) -> None:
    with pytest.raises(PermissionDeniedError, match=r"may not work on inventory audits"):
        start_audit(world.db, scope_location_id=world.site, started_by="approver")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with pytest.raises(PermissionDeniedError, match=r"Adm In \(admin\) may not work on"):
        record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="admin")
    record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="tech")
    with pytest.raises(PermissionDeniedError, match="may not work on inventory audits"):
        close_audit(world.db, audit_id=audit.id, closed_by="user")
    assert close_audit(world.db, audit_id=audit.id, closed_by="auditor").closed_by == "Aud Itor"


@pytest.mark.backends
def test_anybody_reports_an_incident_and_technicians_handle_it(world: World) -> None:
    world.receive(tag="LAP-1")
    row = log_incident(
        world.db,
        IncidentRequest(
            logged_by="user",
            asset_tags=["LAP-1"],
            title="Does not boot",
            description="Black screen",
            severity="high",
            routed_group="Infrastructure",
        ),
    )
    with pytest.raises(PermissionDeniedError, match=r"Una User \(user\) may not handle"):
        move_incident(
            world.db, number=row.number, to_status="assigned", by="user", assignee="infra"
        )
    move_incident(world.db, number=row.number, to_status="assigned", by="infra", assignee="infra")
    move_incident(world.db, number=row.number, to_status="in_progress", by="infra")
    move_incident(
        world.db,
        number=row.number,
        to_status="resolved",
        by="infra",
        root_cause="Worn SSD",
        resolution="SSD replaced",
    )
    with pytest.raises(PermissionDeniedError, match=r"Abe Approver \(approver\) may not handle"):
        move_incident(world.db, number=row.number, to_status="closed", by="approver")
    closed = move_incident(world.db, number=row.number, to_status="closed", by="user")
    assert closed.status == "closed"  # the reporter confirms the fix


def test_reference_data_is_the_administrators(sqlite_db: Database) -> None:
    world = seed_world(sqlite_db)
    with (
        pytest.raises(PermissionDeniedError, match=r"Tess Tech \(tech\) may not change reference"),
        reference.administer(world.db, "tech") as session,
    ):
        reference.create_supplier(session, name="Bechtle")
    with reference.administer(world.db, "admin") as session:
        reference.create_supplier(session, name="Bechtle")
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Supplier)) == 1


def test_the_one_person_of_a_local_file_may_do_everything(sqlite_db: Database) -> None:
    """A local file's own person: whatever their record lists, nobody else is there."""
    with reference.administer(sqlite_db, "alice") as session:  # an empty file: its owner begins
        reference.create_location(session, name="Home", kind="site")
        reference.create_person(session, name="Alice", username="alice")
        reference.create_category(session, name="Laptop", tag_prefix="LAP")
    with sqlite_db.read() as session:
        laptop = session.execute(text("SELECT id FROM categories")).scalar_one()
        home = session.execute(text("SELECT id FROM locations")).scalar_one()
    outcome = record_procedure(
        sqlite_db,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="alice",
            values={"name": "ThinkPad", "category": laptop, "location": home},
            checklist={"inspected": True, "contents_match": True},
        ),
    )
    assert outcome.asset_tag
    with reference.administer(sqlite_db, "alice") as session:
        bob = reference.create_person(session, name="Bob", username="bob")
    # Two people now: the roles on record count, and Alice holds none.
    with (
        pytest.raises(PermissionDeniedError, match=r"Alice \(alice\) may not change reference"),
        reference.administer(sqlite_db, "alice") as session,
    ):
        reference.create_location(session, name="Office", kind="site")
    with sqlite_db.write() as session:
        alice = session.execute(select(Person).where(Person.username == "alice")).scalar_one()
        grant_local_owner_roles(session, alice)
        assert sorted(r.name for r in alice.roles) == sorted(ALL_ROLES)
    with reference.administer(sqlite_db, "alice") as session:
        reference.create_location(session, name="Office", kind="site")
    assert bob.username == "bob"
