"""Segregation of duties is enforced by the database itself (migration 0013).

The service refuses the same with a plain-words reason (tests/desktop/services/
test_approvals.py); these tests go around it, as a client we did not write would, and
INSERT approval rows with plain SQL on every backend: each way through fails, the table
is left as it was, and the normal approval flow still completes a procedure.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve, reject, withdraw
from desktop.services.procedures import ProcedureRequest, record_procedure
from tests.factories import World

pytestmark = pytest.mark.backends


def _pending(world: World, tag: str, performed_by: str = "tech") -> uuid.UUID:
    world.receive(tag=tag)
    world.install(tag)
    outcome = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.DECOMMISSION,
            performed_by=performed_by,
            asset_tag=tag,
            values={"location": world.other_site_room},
            answers={
                "sanitisation_method": "Purge: cryptographic erase (NIST SP 800-88)",
                "evidence_reference": f"WIPE-{tag}",
            },
            checklist={"accounts_removed": True},
            reason="end of life",
        ),
    )
    assert outcome.procedure_id is not None
    return outcome.procedure_id


def _insert(world: World, procedure_id: uuid.UUID, approver: str) -> None:
    """An approval row written by hand, bypassing the application."""
    with world.db.engine.begin() as connection:
        ident = _id(world, procedure_id)
        connection.execute(
            text(
                "INSERT INTO approvals (id, procedure_id, approver_id, decision, comment, "
                "decided_at, approver_groups) VALUES (:id, :procedure, :approver, 'approve', "
                "'by hand', :at, '[]')"
            ),
            {
                "id": _id(world, uuid.uuid4()),
                "procedure": ident,
                "approver": _id(world, world.people[approver]),
                "at": "2026-12-05 05:00:00",
            },
        )


def _id(world: World, value: uuid.UUID) -> Any:
    """A UUID as this backend stores it (hex on SQLite and MariaDB, native on PostgreSQL)."""
    return value if world.db.engine.dialect.name == "postgresql" else value.hex


def _approvals(world: World) -> int:
    with world.db.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM approvals")).scalar_one())


def _refused(world: World, procedure_id: uuid.UUID, approver: str, match: str) -> None:
    before = _approvals(world)
    with pytest.raises(DBAPIError, match=match):
        _insert(world, procedure_id, approver)
    assert _approvals(world) == before


def test_a_hand_written_approval_of_ones_own_procedure_is_refused(world: World) -> None:
    # tech2 is a technician and an approver: the service would let them approve others.
    procedure_id = _pending(world, "LAP-1", performed_by="tech2")
    _refused(world, procedure_id, "tech2", "performed")


@pytest.mark.parametrize("who", ["auditor", "admin", "user"])
def test_a_hand_written_approval_without_the_approver_role_is_refused(
    world: World, who: str
) -> None:
    procedure_id = _pending(world, "LAP-1")
    _refused(world, procedure_id, who, "approver role")


def test_a_hand_written_approval_by_an_inactive_approver_is_refused(world: World) -> None:
    procedure_id = _pending(world, "LAP-1")
    with world.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE people SET active = :no WHERE username = 'approver'"), {"no": False}
        )
    _refused(world, procedure_id, "approver", "approver role")


def test_a_hand_written_approval_from_the_performers_group_is_refused(world: World) -> None:
    # tech2 holds the approver role but is in the Service desk, as tech is.
    procedure_id = _pending(world, "LAP-1")
    _refused(world, procedure_id, "tech2", "shares a group")


def test_a_second_hand_written_approval_by_the_same_approver_is_refused(world: World) -> None:
    procedure_id = _pending(world, "LAP-1")
    approve(world.db, procedure_id=procedure_id, approver="approver", comment="ok")
    before = _approvals(world)
    with pytest.raises(IntegrityError):
        _insert(world, procedure_id, "approver")
    assert _approvals(world) == before


def test_a_hand_written_approval_beyond_what_the_procedure_asks_for_is_refused(
    world: World,
) -> None:
    receive = world.receive(tag="LAP-9")  # completed at once: it needs no approval
    assert receive.procedure_id is not None
    _refused(world, receive.procedure_id, "approver", "not waiting for this decision")
    procedure_id = _pending(world, "LAP-1")  # needs two approvals
    approve(world.db, procedure_id=procedure_id, approver="approver", comment="ok")
    approve(world.db, procedure_id=procedure_id, approver="approver2", comment="ok")
    _refused(world, procedure_id, "infra", "not waiting for this decision")


def test_a_hand_written_approval_after_a_rejection_is_refused(world: World) -> None:
    procedure_id = _pending(world, "LAP-1")
    reject(world.db, procedure_id=procedure_id, approver="approver", comment="no wipe proof")
    _refused(world, procedure_id, "infra", "not waiting for this decision")


def test_a_hand_written_approval_of_a_withdrawn_procedure_is_refused(world: World) -> None:
    procedure_id = _pending(world, "LAP-1")
    withdraw(world.db, procedure_id=procedure_id, requester="tech")
    _refused(world, procedure_id, "infra", "not waiting for this decision")


def test_an_approval_that_keeps_the_rules_is_accepted_by_hand_too(world: World) -> None:
    """The triggers refuse the ways around the policy, not approvals that keep it."""
    procedure_id = _pending(world, "LAP-1")
    _insert(world, procedure_id, "infra")  # Infrastructure approver; tech is Service desk
    assert _approvals(world) == 1


def test_the_normal_approval_flow_still_completes(world: World) -> None:
    procedure_id = _pending(world, "LAP-1")
    approve(world.db, procedure_id=procedure_id, approver="approver", comment="ok")
    outcome = approve(world.db, procedure_id=procedure_id, approver="approver2", comment="ok")
    assert outcome.state == "completed"
    assert _approvals(world) == 2
