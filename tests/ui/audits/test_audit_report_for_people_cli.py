"""The audit report as the finance person who opens it reads it.

A new auditor's report opened with "Audit id: 2c68b430-ddd5-…" under the audit's name, a
status "closed" in the database's own word, and a Scans sheet whose Kind column said
"asset" and "location". The report is for people: no ids, words as the window says them.
Run as a person runs it, on a real workbook.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def test_the_report_names_no_ids_and_says_its_words_as_people_do(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    audit = start_audit(sqlite_db, scope_location_id=world.building, started_by="auditor")
    for raw in ("ROOM-A1", "LAP-1"):
        record_scan(sqlite_db, audit_id=audit.id, raw=raw, scanned_by="auditor")
    close_audit(sqlite_db, audit_id=audit.id, closed_by="auditor")
    path = sqlite_db.sqlite_path
    assert path is not None

    report = tmp_path / "walk.xlsx"
    done = run_cli("audit", "report", str(audit.id), "-o", str(report), database=path)
    assert done.returncode == 0, done.stderr
    book = load_workbook(report)
    ids = [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and UUID.search(cell.value)
    ]
    assert not ids, ids
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Status"] == "Closed"
    header, *scans = list(book["Scans"].iter_rows(values_only=True))
    kind = header.index("Kind")
    assert [(s[3], s[kind]) for s in scans] == [("ROOM-A1", "Room label"), ("LAP-1", "Tag")]
