"""An import follows each category's own template where it has one (``assetdesk import``
as a subprocess, the templates set with ``assetdesk templates set-approval``).

The import reads every current template at once (one query, then the same choice as the
procedure form: the category's own template for a kind, else the general one): the
Monitor's own install template waits for one approver, the general one for two; the
Laptop has none of its own.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import seed_world


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def test_each_row_waits_as_its_categorys_own_template_says(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    for argv in (
        ("install", "--approvers", "2"),
        ("install", "--category", "Monitor", "--approvers", "1"),
    ):
        done = assetdesk(sqlite_db, "templates", "set-approval", *argv, "--as", "admin")
        assert done.returncode == 0, done.stdout + done.stderr
    path = write_workbook(
        tmp_path / "deliveries.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Assigned to", "Status"],
            ["LAP-7", "Dev laptop", "Laptop", "Room A1", "user", "In service"],
            ["MON-7", "Dev screen", "Monitor", "Room A1", "user", "In service"],
            ["MON-8", "Spare screen", "Monitor", "Room A1", "", "In stock"],
        ],
    )

    dry = assetdesk(sqlite_db, "import", str(path), "--dry-run", "--as", "tech")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "row 2 LAP-7: pending: the install waits for 2 approvals" in dry.stdout
    assert "row 3 MON-7: pending: the install waits for 1 approval;" in dry.stdout
    assert "MON-8: pending" not in dry.stdout  # received in stock: a receive never waits

    done = assetdesk(sqlite_db, "import", str(path), "--as", "tech", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["committed"] is True and payload["pending_rows"] == 2
    assert [
        (p["tag"], p["kind"], p["approvals_required"]) for p in payload["pending_approval"]
    ] == [("LAP-7", "install", 2), ("MON-7", "install", 1)]
