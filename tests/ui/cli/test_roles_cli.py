"""The command line (a real process) refuses work to a person without the role it needs."""

from __future__ import annotations

import subprocess

from sqlalchemy import text

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def _count(db: Database, table: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_an_approver_alone_cannot_start_an_audit(sqlite_db: Database) -> None:
    seed_world(sqlite_db)
    refused = _assetdesk(sqlite_db, "audit", "start", "--scope", "Building A", "--as", "approver")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert (
        "Abe Approver (approver) may not work on inventory audits: that needs the auditor "
        "or technician role; they hold approver"
    ) in output
    assert "Traceback" not in output
    assert _count(sqlite_db, "audits") == 0


def test_an_administrator_without_the_approver_role_cannot_approve(sqlite_db: Database) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    world.install("LAP-1")
    pending = world.decommission("LAP-1")
    refused = _assetdesk(sqlite_db, "approve", str(pending.procedure_id), "--as", "admin")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "the approver role is needed to decide" in output
    assert "Traceback" not in output
    assert _count(sqlite_db, "approvals") == 0
    done = _assetdesk(sqlite_db, "approve", str(pending.procedure_id), "--as", "approver")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _count(sqlite_db, "approvals") == 1
