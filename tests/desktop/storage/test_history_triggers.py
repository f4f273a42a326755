"""History is enforced by the database itself: plain SQL from any client cannot rewrite it.

The application's own flush guards refuse the same (tests/desktop/services/test_history.py);
these tests go around them, as a client we did not write would, and send UPDATE and
DELETE statements straight to the database on every backend.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.services.approvals import approve
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.services.incidents import IncidentRequest, log_incident
from tests.factories import World

pytestmark = pytest.mark.backends

STATEMENTS = {
    "approvals": ("UPDATE approvals SET comment = 'rewritten'", "DELETE FROM approvals"),
    "audit_scans": ("UPDATE audit_scans SET raw = 'X'", "DELETE FROM audit_scans"),
    "incident_events": (
        "UPDATE incident_events SET note = 'rewritten'",
        "DELETE FROM incident_events",
    ),
    "procedures": (
        "UPDATE procedures SET reason = 'rewritten' WHERE state = 'completed'",
        "DELETE FROM procedures",
    ),
}


@pytest.fixture
def history(world: World) -> World:
    """One row at least in every history table, made through the services."""
    world.receive(tag="LAP-1")
    world.install("LAP-1")
    pending = world.decommission("LAP-1")
    approve(world.db, procedure_id=pending.procedure_id, approver="approver", comment="ok")
    approve(world.db, procedure_id=pending.procedure_id, approver="approver2", comment="ok")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor")
    log_incident(
        world.db,
        IncidentRequest(
            logged_by="tech",
            asset_tags=["LAP-1"],
            title="Does not boot",
            description="Black screen",
            severity="high",
            routed_group="Infrastructure",
        ),
    )
    return world


def _counts(world: World) -> dict[str, int]:
    with world.db.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in STATEMENTS
        }


@pytest.mark.parametrize("table", sorted(STATEMENTS))
@pytest.mark.parametrize("verb", ["update", "delete"])
def test_plain_sql_cannot_rewrite_history(history: World, table: str, verb: str) -> None:
    before = _counts(history)
    assert all(before.values()), before  # every table has rows for the statement to meet
    statement = STATEMENTS[table][0 if verb == "update" else 1]
    with pytest.raises(DBAPIError, match="history"), history.db.engine.begin() as connection:
        connection.execute(text(statement))
    assert _counts(history) == before
    with history.db.engine.connect() as connection:
        rewritten = connection.execute(
            text("SELECT COUNT(*) FROM procedures WHERE reason = 'rewritten'")
        ).scalar_one()
    assert rewritten == 0


def _states(world: World) -> list[str]:
    with world.db.engine.connect() as connection:
        return sorted(r[0] for r in connection.execute(text("SELECT state FROM procedures")))


def test_a_pending_procedure_still_moves_on(world: World) -> None:
    """The triggers refuse history rewrites, not the approval flow that finishes a procedure."""
    world.receive(tag="LAP-2")
    world.install("LAP-2")
    pending = world.decommission("LAP-2", evidence="WIPE-2")
    assert _states(world) == ["completed", "completed", "pending_approval"]
    approve(world.db, procedure_id=pending.procedure_id, approver="approver", comment="ok")
    approve(world.db, procedure_id=pending.procedure_id, approver="approver2", comment="ok")
    assert _states(world) == ["completed", "completed", "completed"]
