"""A pending procedure is completed only by its approvals, whatever client writes
(migration 0022).

On the shared PostgreSQL register of newuser27, Tom Tech — a technician, whose login may
UPDATE procedures as recording work needs — typed in psql ``UPDATE procedures SET
state='completed'`` on his own Decommission waiting for one approval: the database took
it, and the history read "Decommission completed" with no approval. These tests write
the same statements by hand on every backend; each is refused and the row is left as it
was, while the approval flow still completes a procedure.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve
from tests.approval_templates import set_approval_rule
from tests.desktop.storage.test_approval_triggers import _id, _pending
from tests.factories import World

pytestmark = pytest.mark.backends


def _update(world: World, procedure_id: uuid.UUID, assignments: str) -> None:
    with world.db.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE procedures SET {assignments} WHERE id = :id"),
            {"id": _id(world, procedure_id)},
        )


def _row(world: World, procedure_id: uuid.UUID) -> tuple[Any, ...]:
    with world.db.engine.connect() as connection:
        return tuple(
            connection.execute(
                text("SELECT state, approvals_required FROM procedures WHERE id = :id"),
                {"id": _id(world, procedure_id)},
            ).one()
        )


def test_completing_a_pending_procedure_by_hand_is_refused(world: World) -> None:
    procedure = _pending(world, "LAP-9")
    assert _row(world, procedure) == ("pending_approval", 2)
    with pytest.raises(DBAPIError, match="completed only when the approvals"):
        _update(world, procedure, "state = 'completed'")
    approve(world.db, procedure_id=procedure, approver="approver")  # one of two
    with pytest.raises(DBAPIError, match="completed only when the approvals"):
        _update(world, procedure, "state = 'completed'")
    assert _row(world, procedure) == ("pending_approval", 2)


def test_lowering_the_approvals_asked_for_by_hand_is_refused(world: World) -> None:
    procedure = _pending(world, "LAP-9")
    with pytest.raises(DBAPIError, match="never changed once it is recorded"):
        _update(world, procedure, "approvals_required = 0")
    assert _row(world, procedure) == ("pending_approval", 2)


def test_the_approvals_still_complete_it(world: World) -> None:
    set_approval_rule(world.db, ProcedureKind.DECOMMISSION, approvers=1)
    procedure = _pending(world, "LAP-9")
    outcome = approve(world.db, procedure_id=procedure, approver="approver")
    assert outcome.message.startswith("Approved the decommission procedure on asset LAP-9:")
    assert _row(world, procedure) == ("completed", 1)
