"""A scan with no room scanned, in an audit of several rooms, of an asset the audit does
not list and that stood outside its scope is misplaced, as it is in any room of the scope
— not found where it was recorded, counted beyond the expected (newuser6: found +
missing was more than expected). Through the command line, run as a subprocess."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from tests.ui.spreadsheets.test_first_import_cli import assetdesk


def test_every_asset_scanned_with_no_room_finds_exactly_the_expected(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    made = assetdesk(database, "demo", "--assets", "30", "--seed", "1")
    assert made.returncode == 0, made.stdout + made.stderr
    exported = tmp_path / "register.csv"
    assert assetdesk(database, "export", str(exported)).returncode == 0
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        # Every asset in use (a missing or retired one is never on an audit's list).
        tags = [
            row["Asset tag"]
            for row in csv.DictReader(handle)
            if row["Status"] in ("In service", "In stock", "In repair")
        ]
    started = assetdesk(
        database, "audit", "start", "--scope", "London head office", "--name", "Walk", "--json"
    )
    assert started.returncode == 0, started.stdout + started.stderr
    expected = json.loads(started.stdout)["expected"]
    assert 0 < expected < len(tags)  # several rooms; most of the demo stands elsewhere

    scanned = assetdesk(database, "audit", "scan", "Walk", *tags, "--json")  # no --room
    assert scanned.returncode == 0, scanned.stdout + scanned.stderr
    results = [json.loads(line) for line in scanned.stdout.splitlines()]
    outside = [r for r in results if r["classification"] == "misplaced"]
    assert outside, results
    assert all("(outside this audit's scope; no room scanned)" in r["message"] for r in outside)
    assert all(r["expected_location"] for r in outside)
    assert {r["classification"] for r in results} == {"found", "misplaced"}

    report = assetdesk(database, "audit", "report", "Walk", "-o", str(tmp_path / "walk.xlsx"))
    assert report.returncode == 0, report.stdout + report.stderr
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (\w+)", report.stdout.split(": ", 1)[1])}
    assert counts["expected"] == expected
    assert counts["found"] == expected and counts["missing"] == 0, report.stdout
    assert counts["misplaced"] == len(outside)
