"""``audit report -o`` and ``labels -o`` onto a file that is there already.

Both wrote over it without a word: an auditor who ran last week's command again lost last
week's report, and a label sheet kept for a reprint was replaced. They refuse now, as
``export`` and ``db backup`` do, naming the file and ``--overwrite``; with it they replace.
Run as a person runs them.
"""

from __future__ import annotations

from pathlib import Path

from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world

KEPT = b"last week's file"


def test_report_and_labels_refuse_an_existing_file_without_overwrite(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    audit = start_audit(sqlite_db, scope_location_id=world.room_a, started_by="auditor")
    record_scan(sqlite_db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
    path = sqlite_db.sqlite_path
    assert path is not None
    report, labels = tmp_path / "walk.xlsx", tmp_path / "labels.pdf"
    commands = {
        report: ("audit", "report", str(audit.id), "-o", str(report)),
        labels: ("labels", "--tags", "LAP-1", "-o", str(labels)),
    }
    for output, argv in commands.items():
        output.write_bytes(KEPT)
        refused = run_cli(*argv, database=path)
        assert refused.returncode != 0, refused.stdout
        assert (
            f"{output} exists already; choose another name or pass --overwrite to replace it"
            in refused.stderr
        ), refused.stderr
        assert output.read_bytes() == KEPT
        replaced = run_cli(*argv, "--overwrite", database=path)
        assert replaced.returncode == 0, replaced.stderr
        assert output.read_bytes() != KEPT and output.stat().st_size > 1000
