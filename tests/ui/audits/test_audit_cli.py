"""``assetdesk audit start|scan|close|report`` — and a scanning process killed mid-audit."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset, AuditScan
from tests.factories import World, seed_world
from ui.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db.url.render_as_string(hide_password=False), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def floor(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    world.install("LAP-3")  # in service in Room A2
    return world


def start(capsys: pytest.CaptureFixture[str], world: World) -> str:
    code, out, err = run(
        capsys, world.db, "audit", "start", "--scope", "Building A", "--category", "lap",
        "--name", "Floor walk", "--as", "auditor", "--json",
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert (payload["name"], payload["expected"], payload["status"]) == ("Floor walk", 3, "open")
    return str(payload["id"])


def test_start_scan_close_report(
    floor: World,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    audit_id = start(capsys, floor)
    code, out, err = run(
        capsys, floor.db, "audit", "scan", audit_id[:8], "LAP-1", "LAP-3", "ODD-1", "lap-1",
        "--room", "ROOM-A1", "--as", "auditor", "--json",
    )  # fmt: skip
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["raw"], r["classification"]) for r in lines] == [
        ("LAP-1", "found"),
        ("LAP-3", "misplaced"),
        ("ODD-1", "unknown"),
        ("lap-1", "duplicate"),
    ]
    assert lines[1]["expected_location"] == "Room A2"
    assert {r["audit_id"] for r in lines} == {audit_id}

    # A scanner log on standard input: the room label sets the room.
    monkeypatch.setattr(sys, "stdin", io.StringIO("ROOM-A2\n\nLAP-2\n"))
    code, out, _ = run(capsys, floor.db, "audit", "scan", "Floor walk", "--as", "auditor")
    assert code == 0
    assert "Now scanning in Room A2" in out
    assert "LAP-2 ThinkPad T14: misplaced, expected in Room A1" in out

    code, out, err = run(
        capsys, floor.db, "audit", "close", audit_id, "--apply", "moves,missing,audited",
        "--as", "auditor", "--json",
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert payload["status"] == "closed"
    assert payload["counts"] == {
        "expected": 3,
        "found": 1,
        "missing": 0,
        "misplaced": 2,
        "unknown": 1,
        "retired": 0,
        "duplicates": 1,
        "scans": 6,
    }
    assert [(a["action"], a["recorded"]) for a in payload["actions"]] == [
        ("moves", 2),
        ("missing", 0),
        ("audited", 3),
    ]
    with floor.db.read() as s:
        moved = s.execute(select(Asset.location_id).where(Asset.tag == "LAP-3")).scalar_one()
    assert moved == floor.room_a

    code, _, err = run(capsys, floor.db, "audit", "scan", audit_id, "LAP-1", "--as", "auditor")
    assert code == 1
    assert "closed and read-only" in err

    report = tmp_path / "report.xlsx"
    code, out, _ = run(capsys, floor.db, "audit", "report", audit_id, "-o", str(report))
    assert code == 0
    assert "2 misplaced" in out
    assert [r[0] for r in load_workbook(report)["Unknown"].iter_rows(values_only=True)] == [
        "Asset tag",
        "ODD-1",
    ]


def test_bad_input_is_named(floor: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, floor.db, "audit", "start", "--scope", "Nowhere", "--as", "auditor")
    assert code == 2
    assert "no location with the code or name 'Nowhere'" in err
    audit_id = start(capsys, floor)
    code, _, err = run(
        capsys, floor.db, "audit", "close", audit_id, "--apply", "moves,fly", "--as", "auditor"
    )
    assert code == 2
    assert "'fly' is not an audit action" in err


def test_killed_scanner_loses_no_acknowledged_scan(
    floor: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scan through a real process, SIGKILL it mid-audit: every printed scan is stored."""
    audit_id = start(capsys, floor)
    url = floor.db.url.render_as_string(hide_password=False)
    with subprocess.Popen(
        [sys.executable, "-m", "ui.cli.main", "--database", url, "audit", "scan", audit_id,
         "--as", "auditor", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as process:  # fmt: skip
        assert process.stdin is not None and process.stdout is not None
        acknowledged = []
        try:
            stream = ["ROOM-A1", "LAP-1", "LAP-2"] + [f"ODD-{n}" for n in range(20)]
            for raw in stream:
                process.stdin.write(raw + "\n")
                process.stdin.flush()
                acknowledged.append(json.loads(process.stdout.readline()))
            process.stdin.write("LAP-3\n")  # in flight when the process dies
            process.stdin.flush()
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    with floor.db.read() as s:
        stored = {
            r.sequence: (r.raw, r.classification)
            for r in s.execute(
                select(AuditScan).where(AuditScan.audit_id == uuid.UUID(audit_id))
            ).scalars()
        }
    assert len(acknowledged) == 23
    for ack in acknowledged:
        assert stored[ack["sequence"]] == (ack["raw"], ack["classification"])
    assert len(stored) in (23, 24)  # the scan in flight may or may not have made it


def test_list_and_due(floor: World, capsys: pytest.CaptureFixture[str]) -> None:
    audit_id = start(capsys, floor)
    code, out, _ = run(capsys, floor.db, "audit", "list", "--json")
    assert code == 0
    (audit,) = json.loads(out)
    assert (audit["id"], audit["status"], audit["scans"]) == (audit_id, "open", 0)
    code, out, _ = run(capsys, floor.db, "audit", "due", "--list", "never", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["counts"] == {"overdue": 0, "due": 3, "never": 3}
    assert sorted(a["tag"] for a in payload["assets"]) == ["LAP-1", "LAP-2", "LAP-3"]
    assert all(a["next_audit"] is None for a in payload["assets"])
    code, out, _ = run(capsys, floor.db, "audit", "due", "--list", "due", "--location", "ROOM-A2")
    assert code == 0
    assert out.splitlines()[0] == "Overdue: 0 · Due: 1 · Never audited: 1"
    assert out.splitlines()[1].startswith("LAP-3 ")


def _cli(world: World, *argv: str) -> subprocess.CompletedProcess[str]:
    """The command as a person runs it: its own process, the auditor acting."""
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database",
         world.db.url.render_as_string(hide_password=False), *argv, "--as", "auditor"],
        capture_output=True, text=True, check=False, timeout=120, cwd=ROOT,
    )  # fmt: skip


def test_a_second_scan_command_goes_on_in_the_room_scanned_before(floor: World) -> None:
    """Each `audit scan` started with no room: LAP-3 (installed in Room A2) scanned in a
    second call after Room A1's label was "found (expected in Room A2; no room scanned)"
    and counted found, never misplaced (newuser6). It goes on in the room this person last
    scanned, as the scan screen does, and says so."""
    started = _cli(floor, "audit", "start", "--scope", "Building A", "--json")
    assert started.returncode == 0, started.stderr
    audit = json.loads(started.stdout)["id"]
    first = _cli(floor, "audit", "scan", audit, "ROOM-A1", "LAP-1")
    assert first.returncode == 0, first.stderr
    second = _cli(floor, "audit", "scan", audit, "LAP-3")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0] == ("Scanning in Room A1 (the room you last scanned in).")
    assert "LAP-3 ThinkPad T14: misplaced, expected in Room A2" in second.stdout


def test_an_audit_of_one_room_scans_in_that_room(floor: World) -> None:
    """A scope of one room (no sub-locations) starts in it, as the scan screen does: LAP-1
    of Room A1 scanned in an audit of Room A2 is misplaced there (it was "found …; no
    room scanned — not in this audit's expected list")."""
    started = _cli(floor, "audit", "start", "--scope", "ROOM-A2", "--json")
    assert started.returncode == 0, started.stderr
    audit = json.loads(started.stdout)["id"]
    scanned = _cli(floor, "audit", "scan", audit, "LAP-1", "LAP-3", "--json")
    assert scanned.returncode == 0, scanned.stderr
    lines = [json.loads(line) for line in scanned.stdout.splitlines()]
    assert [(r["raw"], r["classification"], r["room"]) for r in lines] == [
        ("LAP-1", "misplaced", "Room A2"),
        ("LAP-3", "found", "Room A2"),
    ]
