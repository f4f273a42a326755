"""A one-room audit scanned in a field kit from the command line, synced back: the scans
name the room on both sides, and a scan the kit holds without a room (as the command
line stored one before it knew the audit's room) is made in that room when replayed."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import AuditScan, Location
from tests.factories import seed_world
from tests.ui.audits.server_room import with_server_room
from tests.ui.kits.test_kit_cli import assetdesk, ok, ok_json


def scan_lines(*argv: str | Path) -> list[dict[str, Any]]:
    done = assetdesk(*argv, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def add_scan_without_room(kit: Path, tag: str) -> None:
    """A scan row with no room, copied from the kit's newest one (the journal trigger
    records it, as it records every scan the kit stores)."""
    with sqlite3.connect(kit) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(audit_scans)")]
        newest = connection.execute(
            "SELECT * FROM audit_scans ORDER BY sequence DESC LIMIT 1"
        ).fetchone()
        row = dict(zip(columns, newest, strict=True))
        (asset_id,) = connection.execute("SELECT id FROM assets WHERE tag = ?", (tag,)).fetchone()
        row |= {
            "id": uuid.uuid4().hex,
            "sequence": row["sequence"] + 1,
            "raw": tag,
            "asset_id": asset_id,
            "location_id": None,
            "classification": "found",
        }
        marks = ", ".join("?" for _ in columns)
        connection.execute(
            f"INSERT INTO audit_scans ({', '.join(columns)}) VALUES ({marks})",
            [row[c] for c in columns],
        )


def test_kit_scans_of_a_one_room_audit_are_made_in_its_room(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    with_server_room(world)
    source = sqlite_db.sqlite_path
    assert source is not None
    audit = ok_json("--database", source, "audit", "start", "--scope", "ROOM-SRV", "--as", "tech")
    kit = tmp_path / "server room.adkit"
    ok("--database", source, "kit", "checkout", "--scope", "ROOM-SRV", "--as", "tech", "-o", kit)

    lines = scan_lines(
        "--database", kit, "audit", "scan", audit["id"], "LAP-5", "LAP-1", "--as", "tech"
    )
    # In the kit LAP-1 (Room A1, outside the kit's scope) is a tag it does not know.
    assert [(r["raw"], r["classification"], r["room"]) for r in lines] == [
        ("LAP-5", "found", "Server room"),
        ("LAP-1", "unknown", "Server room"),
    ]
    add_scan_without_room(kit, "LAP-6")

    report = ok_json("kit", "sync", kit)
    assert [r["outcome"] for r in report["results"]] == ["applied"] * 3
    with sqlite_db.read() as session:
        synced = session.execute(
            select(AuditScan.raw, AuditScan.classification, Location.name)
            .outerjoin(Location, AuditScan.location_id == Location.id)
            .where(AuditScan.audit_id == uuid.UUID(audit["id"]))
            .order_by(AuditScan.sequence)
        ).all()
    # The server knows LAP-1: misplaced in the server room, as a scan there says.
    assert [tuple(row) for row in synced] == [
        ("LAP-5", "found", "Server room"),
        ("LAP-1", "misplaced", "Server room"),
        ("LAP-6", "found", "Server room"),
    ]
