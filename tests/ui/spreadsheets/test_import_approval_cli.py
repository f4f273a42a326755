"""An import obeys the templates' approval rules (``assetdesk import`` as a subprocess).

An administrator made every change wait for two approvers. The dry run says which rows
will wait; the import records them as pending and leaves those assets as they are; they
are listed by ``assetdesk approvals list`` and the last approval applies them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.approval_templates import set_approval_rule
from tests.cli_run import run_cli
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import seed_world


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def test_rows_needing_approval_are_pending_until_approved(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Old name")
    set_approval_rule(sqlite_db, ProcedureKind.CHANGE, mode="always", approvers=2)
    path = write_workbook(
        tmp_path / "edits.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            ["LAP-1", "New name", "Laptop", "Room A1"],
            ["LAP-9", "Fresh", "Laptop", "Room A1"],
        ],
    )

    dry = assetdesk(sqlite_db, "import", str(path), "--dry-run", "--as", "tech")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "1 create, 1 update" in dry.stdout
    assert "1 row waits for approval: their procedure is recorded as pending" in dry.stdout
    assert (
        "row 2 LAP-1: pending: the change waits for 2 approvals; the asset stays as it is"
    ) in dry.stdout

    done = assetdesk(sqlite_db, "import", str(path), "--as", "tech", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["committed"] is True and payload["pending_rows"] == 1
    assert payload["pending_approval"] == [
        {
            "row": 2,
            "tag": "LAP-1",
            "action": "update",
            "kind": "change",
            "approvals_required": 2,
            "not_recorded": [],
            "message": "pending: the change waits for 2 approvals; the asset stays as it is",
        }
    ]
    with sqlite_db.read() as s:
        detail = asset_detail(s, tag="LAP-1")
        assert (detail.row.name, detail.row.version) == ("Old name", 1)
        assert asset_detail(s, tag="LAP-9").row.name == "Fresh"  # a receive never waits

    listed = assetdesk(sqlite_db, "approvals", "list", "--as", "approver", "--json")
    assert listed.returncode == 0, listed.stderr
    (item,) = json.loads(listed.stdout)["pending"]
    assert (item["asset_tag"], item["kind"], item["approvals_required"]) == ("LAP-1", "change", 2)
    assert item["decidable"] is True
    assert [(c["field"], c["after"]) for c in item["changes"]] == [("name", "New name")]

    first = assetdesk(sqlite_db, "approve", item["procedure_id"], "--as", "approver")
    assert first.returncode == 0, first.stdout + first.stderr
    with sqlite_db.read() as s:
        assert asset_detail(s, tag="LAP-1").row.name == "Old name"  # 1 of 2
    last = assetdesk(sqlite_db, "approve", item["procedure_id"], "--as", "infra")
    assert last.returncode == 0, last.stdout + last.stderr
    assert "the last approval arrived and the change is applied" in last.stdout
    with sqlite_db.read() as s:
        detail = asset_detail(s, tag="LAP-1")
        assert detail.row.name == "New name"
        assert [(h.kind, h.state) for h in detail.history if h.kind == "change"] == [
            ("change", "completed")
        ]
