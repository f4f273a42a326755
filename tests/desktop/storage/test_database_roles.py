"""Per-person logins and per-role grants on PostgreSQL and MariaDB (issue 15, points 1, 2,
4 and 5).

Each test database gets its roles from ``db upgrade`` (Database.upgrade, as the owner)
and logins named ``<database>_<who>`` made through desktop.services.users; every one of
them is dropped with the database (tests/backends.drop_logins). The tests then connect
AS each login and send plain SQL, as a client we did not write would: what the role may
not do fails, what it may do through our services succeeds.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from desktop.errors import PermissionDeniedError
from desktop.services.approvals import approve
from desktop.services.reference import create_category
from desktop.services.users import add_user
from desktop.storage.database import Database
from desktop.storage.logins import database_name, holds_trigger
from tests.backends import make_database
from tests.factories import World, seed_world

PASSWORD = "correct horse battery"
ROLES = ("viewer", "technician", "approver", "auditor", "administrator")


@dataclasses.dataclass
class Register:
    owner: Database
    world: World
    logins: dict[str, str]  # role -> login

    def url(self, role: str) -> Any:
        return self.owner.url.set(username=self.logins[role], password=PASSWORD)

    def as_role(self, role: str) -> Database:
        return Database(self.url(role))


@pytest.fixture(params=["postgresql", "mariadb"])
def register(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[Register]:
    for owner in make_database(request.param, tmp_path, _sqlite_template_dir):
        owner.upgrade()  # as the owner: lays down the database roles and grants
        world = seed_world(owner)
        with owner.connect() as connection:
            prefix = database_name(connection)
        logins = {}
        for role in ROLES:
            login = f"{prefix}_{role[:5]}"
            add_user(owner, login=login, roles=[role], password=PASSWORD, name=role.title())
            logins[role] = login
        yield Register(owner, world, logins)


def _fails(register: Register, role: str, sql: str, **params: Any) -> None:
    engine = create_engine(register.url(role))
    if register.owner.backend == "mysql":
        from desktop.storage.database import _activate_personal_role

        _activate_personal_role(engine)
    try:
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def _succeeds(register: Register, role: str, sql: str, **params: Any) -> None:
    database = register.as_role(role)
    try:
        with database.engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        database.dispose()


def _id(register: Register, value: uuid.UUID) -> Any:
    return value if register.owner.backend == "postgresql" else value.hex


HISTORY = ("approvals", "audit_scans", "incident_events", "admin_log")


@pytest.mark.parametrize("role", ROLES)
def test_no_role_rewrites_history(register: Register, role: str) -> None:
    register.world.receive(tag="LAP-1")  # a completed procedure
    for table in HISTORY:
        _fails(register, role, f"DELETE FROM {table}")
        _fails(register, role, f"UPDATE {table} SET id = id")
    _fails(register, role, "DELETE FROM procedures")
    _fails(register, role, "UPDATE procedures SET reason = 'rewritten'")
    if role != "administrator":  # only administrators write the administration log
        _fails(
            register,
            role,
            "INSERT INTO admin_log (id, at, actor_login, action, target_login, detail) "
            "VALUES (:id, :at, 'x', 'add', 'x', 'forged')",
            id=_id(register, uuid.uuid4()),
            at="2026-12-05 05:00:00",
        )


def test_a_viewer_cannot_write_at_all(register: Register) -> None:
    register.world.receive(tag="LAP-1")
    for sql in (
        "UPDATE assets SET name = 'changed'",
        "DELETE FROM assets",
        "UPDATE people SET name = 'changed'",
        "UPDATE categories SET name = 'changed'",
        "UPDATE procedure_templates SET version = version + 1",
        "UPDATE tag_sequences SET next_value = next_value",
        "DELETE FROM label_templates",
    ):
        _fails(register, "viewer", sql)
    _succeeds(register, "viewer", "SELECT COUNT(*) FROM assets")


@pytest.mark.parametrize("role", ["technician", "approver", "auditor"])
def test_only_administrators_change_reference_data_and_templates(
    register: Register, role: str
) -> None:
    for sql in (
        "UPDATE categories SET name = 'changed'",
        "DELETE FROM locations",
        "UPDATE people SET active = active",
        "DELETE FROM person_roles",
        "UPDATE person_logins SET login = login",
        "UPDATE procedure_templates SET version = version",
        "DELETE FROM groups",
    ):
        _fails(register, role, sql)
    _succeeds(register, "administrator", "UPDATE categories SET name = name")


def test_normal_work_through_the_services_as_each_login(register: Register) -> None:
    world = register.world
    logins = register.logins
    technician = register.as_role("technician")
    approver = register.as_role("approver")
    admin = register.as_role("administrator")
    try:
        as_technician = dataclasses.replace(world, db=technician)
        as_technician.receive(tag="LAP-1", performed_by=logins["technician"])
        as_technician.install("LAP-1", performed_by=logins["technician"])
        pending = as_technician.decommission("LAP-1", performed_by=logins["technician"])
        assert pending.procedure_id is not None
        decided = approve(
            approver, procedure_id=pending.procedure_id, approver=logins["approver"], comment="ok"
        )
        assert decided.state in ("pending_approval", "completed")
        with admin.write() as session:
            create_category(session, name="Docking station", tag_prefix="DOC")
    finally:
        for database in (technician, approver, admin):
            database.dispose()


def test_a_login_cannot_act_as_another_person(register: Register) -> None:
    technician = register.as_role("technician")
    try:
        with pytest.raises(PermissionDeniedError, match="cannot act as Tess Tech"):
            dataclasses.replace(register.world, db=technician).receive(tag="LAP-2")
    finally:
        technician.dispose()
    # The owner login stands outside: it may act as a named person (the suite does).
    register.world.receive(tag="LAP-3")


def test_an_approval_is_only_inserted_by_the_approvers_own_login(register: Register) -> None:
    """Point 5: a hand-written INSERT naming another approver is refused by the database."""
    world = register.world
    world.receive(tag="LAP-1")
    world.install("LAP-1")
    pending = world.decommission("LAP-1")
    assert pending.procedure_id is not None
    insert = (
        "INSERT INTO approvals (id, procedure_id, approver_id, decision, comment, decided_at, "
        "approver_groups) VALUES (:id, :procedure, :approver, 'approve', 'by hand', :at, '[]')"
    )
    params = {
        "procedure": _id(register, pending.procedure_id),
        "approver": _id(register, world.people["infra"]),  # an approver outside tech's group
        "at": "2026-12-05 05:00:00",
    }
    # The approver login writes an approval in somebody else's name: refused.
    _fails(register, "approver", insert, id=_id(register, uuid.uuid4()), **params)
    with register.owner.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM approvals")).scalar_one() == 0
    # In their own name it goes in (they hold the approver role, share no group).
    with register.owner.read() as session:
        from desktop.services.identity import person_of_login

        own = person_of_login(session, register.logins["approver"])
        assert own is not None
        own_id = own.id
    _succeeds(
        register,
        "approver",
        insert,
        id=_id(register, uuid.uuid4()),
        **{**params, "approver": _id(register, own_id)},
    )


def test_an_audit_scan_cannot_name_another_scanner(register: Register) -> None:
    """The scan hot path (one query per scan) checks the login too."""
    from desktop.services.audit_scans import scanner_id

    auditor = register.as_role("auditor")
    try:
        with auditor.read() as session, pytest.raises(PermissionDeniedError, match="cannot act"):
            scanner_id(session, "auditor")  # Aud Itor, a person without this login
        with auditor.read() as session:
            assert scanner_id(session, register.logins["auditor"]) is not None
    finally:
        auditor.dispose()


def test_roles_of_a_person_with_a_login_change_only_with_the_grants(register: Register) -> None:
    """The People page may not change roles the database grants would not follow."""
    from desktop.errors import ValidationError
    from desktop.services.identity import person_of_login
    from desktop.services.reference import update_person

    with register.owner.write() as session:
        person = person_of_login(session, register.logins["technician"])
        assert person is not None
        with pytest.raises(ValidationError, match="users set-role"):
            update_person(
                session,
                person_id=person.id,
                expected_version=person.version,
                name=person.name,
                username=person.username,
                email=None,
                active=True,
                roles=["technician", "approver"],
            )


def test_a_technician_login_cannot_insert_an_approval_even_in_an_approvers_name(
    register: Register,
) -> None:
    world = register.world
    world.receive(tag="LAP-1")
    world.install("LAP-1")
    pending = world.decommission("LAP-1")
    assert pending.procedure_id is not None
    _fails(
        register,
        "technician",
        "INSERT INTO approvals (id, procedure_id, approver_id, decision, comment, decided_at, "
        "approver_groups) VALUES (:id, :procedure, :approver, 'approve', 'by hand', :at, '[]')",
        id=_id(register, uuid.uuid4()),
        procedure=_id(register, pending.procedure_id),
        approver=_id(register, world.people["infra"]),
        at="2026-12-05 05:00:00",
    )


def test_the_administration_log_names_the_login_that_wrote_it(register: Register) -> None:
    """Whatever actor a client sends, the database writes the inserting login."""
    _succeeds(
        register,
        "administrator",
        "INSERT INTO admin_log (id, at, actor_login, action, target_login, detail) "
        "VALUES (:id, :at, 'somebody-else', 'add', 'x', 'by hand')",
        id=_id(register, uuid.uuid4()),
        at="2026-12-05 05:00:00",
    )
    with register.owner.engine.connect() as connection:
        actor = connection.execute(
            text("SELECT actor_login FROM admin_log WHERE detail = 'by hand'")
        ).scalar_one()
    assert actor == register.logins["administrator"]


def test_work_is_only_recorded_in_the_name_of_the_login_that_records_it(
    register: Register,
) -> None:
    """Migration 0016: a hand-written INSERT naming another person as performer, scanner
    or reporter is refused by the database; in the login's own person's name it goes in."""
    world = register.world
    received = world.receive(tag="LAP-1")
    with register.owner.read() as session:
        from desktop.services.identity import person_of_login

        own = person_of_login(session, register.logins["technician"])
        assert own is not None
        own_id = own.id
        template_id, version = session.execute(
            text("SELECT template_id, template_version FROM procedures")
        ).one()
    insert = (
        "INSERT INTO procedures (id, asset_id, kind, state, template_id, template_version, "
        "performed_by_id, performed_at, created_at, updated_at, version, ticket_ref, reason, "
        "answers, changes, origin, origin_detail, approvals_required, note) VALUES (:id, "
        ":asset, 'change', 'completed', :template, :version, :performer, :at, :at, :at, 1, "
        "'', 'by hand', '{}', '[]', 'command_line', '', 0, '')"
    )
    params = {
        "asset": _id(register, received.asset_id),
        "template": _id(register, uuid.UUID(str(template_id))),
        "version": version,
        "at": "2026-12-05 05:00:00",
    }
    someone_else = world.people["tech"]
    _fails(
        register,
        "technician",
        insert,
        id=_id(register, uuid.uuid4()),
        performer=_id(register, someone_else),
        **params,
    )
    report = (
        "INSERT INTO incidents (id, number, title, description, severity, status, "
        "reported_by_id, answers, root_cause, resolution, reported_at, created_at, updated_at, "
        "version) VALUES (:id, 9999, 'forged', '', 'low', 'new', :reporter, '{}', '', '', "
        ":at, :at, :at, 1)"
    )
    _fails(
        register,
        "technician",
        report,
        id=_id(register, uuid.uuid4()),
        reporter=_id(register, someone_else),
        at="2026-12-05 05:00:00",
    )
    _succeeds(
        register,
        "technician",
        report,
        id=_id(register, uuid.uuid4()),
        reporter=_id(register, own_id),
        at="2026-12-05 05:00:00",
    )
    _succeeds(
        register,
        "technician",
        insert,
        id=_id(register, uuid.uuid4()),
        performer=_id(register, own_id),
        **params,
    )


def test_the_owner_is_told_by_the_trigger_privilege_in_show_grants() -> None:
    grants = [
        "GRANT USAGE ON *.* TO `tess`@`%` IDENTIFIED BY PASSWORD '*A1B2'",
        "GRANT `reg_u_tess` TO `tess`@`%`",
        "GRANT SELECT, INSERT, UPDATE ON `reg`.* TO `reg_technician`",
        "GRANT TRIGGER ON `reg`.`assets` TO `tess`@`%`",
        "GRANT TRIGGER ON `other`.* TO `tess`@`%`",
    ]
    assert not holds_trigger(grants, "reg")
    assert holds_trigger([*grants, "GRANT SELECT, TRIGGER ON `reg`.* TO `own`@`%`"], "reg")
    assert holds_trigger(["GRANT ALL PRIVILEGES ON `reg`.* TO `own`@`%`"], "reg")
    assert holds_trigger(["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost`"], "reg")
    assert holds_trigger(["GRANT ALL PRIVILEGES ON `we``ird`.* TO `o`@`%`"], "we`ird")
    assert holds_trigger(["GRANT TRIGGER ON `asset register`.* TO `o`@`%`"], "asset register")
    assert not holds_trigger(["GRANT TRIGGER ON `asset register`.* TO `o`@`%`"], "asset")
    assert not holds_trigger(["GRANT TRIGGER ON `a b`.`t c` TO `o`@`%`"], "a b")
