"""``assetdesk labels … -o FILE`` and ``assetdesk audit report … -o FILE`` keep a file that
exists unless ``--overwrite`` is given, as ``assetdesk export`` does: both replaced an
earlier PDF or report without a word (a report kept for the auditor's sign-off, labels
laid out by hand). Refused in one line; the file is left as it was. Run as a subprocess.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world

KEPT = b"an earlier file, kept\n"


def _refused_then_replaced(argv: list[str], out: Path, database: Database) -> None:
    out.write_bytes(KEPT)

    refused = run_cli(*argv, "-o", str(out), database=database)
    assert refused.returncode != 0
    assert refused.stderr.strip() == (
        f"assetdesk: {out} exists already; choose another name or pass --overwrite to replace it"
    )
    assert out.read_bytes() == KEPT

    replaced = run_cli(*argv, "-o", str(out), "--overwrite", database=database)
    assert replaced.returncode == 0, replaced.stderr
    assert out.read_bytes() != KEPT and out.stat().st_size > len(KEPT)


def test_labels_keep_an_existing_pdf_without_overwrite(sqlite_db: Database, tmp_path: Path) -> None:
    seed_world(sqlite_db).receive(tag="LAP-1", name="Finance laptop")
    out = tmp_path / "labels.pdf"
    argv = ["labels", "--template", "avery l7160", "--tags", "LAP-1"]
    _refused_then_replaced(argv, out, sqlite_db)
    assert out.read_bytes().startswith(b"%PDF")


def test_an_audit_report_keeps_an_existing_workbook_without_overwrite(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Finance laptop")
    start_audit(sqlite_db, scope_location_id=world.site, started_by="auditor", name="Walk")
    out = tmp_path / "walk.xlsx"
    _refused_then_replaced(["audit", "report", "Walk"], out, sqlite_db)
    assert out.read_bytes().startswith(b"PK")  # a workbook (a zip file)


@pytest.mark.parametrize("argv", [["labels", "--help"], ["audit", "report", "--help"]])
def test_the_help_names_overwrite(argv: list[str]) -> None:
    shown = run_cli(*argv)
    assert shown.returncode == 0, shown.stderr
    assert "--overwrite" in shown.stdout
