"""``assetdesk import`` as a person without the technician role is refused (a subprocess)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World, seed_world


@pytest.fixture
def world_db(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Old name")
    return world


def _assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def test_an_auditor_alone_cannot_import_and_a_technician_can(
    world_db: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "delivery.xlsx",
        [
            ["Asset Tag", "Asset Name", "Category", "Location"],
            ["LAP-1", "New name", "Laptop", "Room A1"],
            ["LAP-2", "Fresh", "Laptop", "Room A1"],
        ],
        sheet="Delivery",
    )
    before = counts(world_db.db)
    refused = _assetdesk(world_db.db, "import", str(path), "--as", "auditor")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert (
        "Aud Itor (auditor) may not import assets from a spreadsheet: that needs the "
        "technician or administrator role; they hold auditor"
    ) in output
    assert "Traceback" not in output
    assert counts(world_db.db) == before

    done = _assetdesk(world_db.db, "import", str(path), "--as", "tech")
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(world_db.db) != before
