"""The audit report says which time zone its times are in.

Excel's cells hold no zone: the report wrote each time as the writer's local wall-clock
and said nowhere which zone that was, so a report read in another office (or compared
with the database's UTC) was an hour or more off without a word. The summary now says
"local time of the computer that wrote the report: EST (UTC−05:00)", the time columns
say "(local time)", and ``audit list`` names the zone after each time. Run as a person
runs it, in New York (TZ), on a real workbook.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from desktop.storage.models import Audit, AuditScan
from tests.cli_run import run_cli
from tests.factories import seed_world

NEW_YORK = ZoneInfo("America/New_York")


def _assetdesk(path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=path, env={"TZ": "America/New_York"})


def _zone(when: dt.datetime) -> str:
    local = when.astimezone(NEW_YORK)
    hours = int((local.utcoffset() or dt.timedelta()).total_seconds()) // 3600
    return f"{local.tzname()} (UTC−{-hours:02d}:00)"


def _near(cell: object, when: dt.datetime) -> bool:
    assert isinstance(cell, dt.datetime), cell
    wall = when.astimezone(NEW_YORK).replace(tzinfo=None)
    return abs(cell - wall) < dt.timedelta(seconds=1)


def test_the_report_names_the_zone_of_its_times(sqlite_db: Database, tmp_path: Path) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    audit = start_audit(sqlite_db, scope_location_id=world.room_a, started_by="auditor")
    record_scan(sqlite_db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
    with sqlite_db.read() as session:
        started = session.get(Audit, audit.id).started_at  # type: ignore[union-attr]
        scanned = session.query(AuditScan).one().scanned_at
    path = sqlite_db.sqlite_path
    assert path is not None

    report = tmp_path / "walk.xlsx"
    done = _assetdesk(path, "audit", "report", str(audit.id), "-o", str(report))
    assert done.returncode == 0, done.stderr
    book = load_workbook(report)
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Times"] == (
        f"local time of the computer that wrote the report: {_zone(started)}"
    ), summary["Times"]
    assert _near(summary["Started at"], started)
    header, scan = list(book["Scans"].iter_rows(values_only=True))
    assert header[1] == "Scanned at (local time)"
    assert _near(scan[1], scanned)
    found_header, found = list(book["Found"].iter_rows(values_only=True))
    assert found_header[7] == "Scanned at (local time)" and _near(found[7], scanned)

    listed = _assetdesk(path, "audit", "list")
    assert listed.returncode == 0, listed.stderr
    local = started.astimezone(NEW_YORK)
    assert f"{local:%Y-%m-%d %H:%M} {local.tzname()}" in listed.stdout, listed.stdout
