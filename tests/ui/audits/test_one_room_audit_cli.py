"""``assetdesk audit scan`` in an audit of one room: with no ``--room`` and no label
scanned, the scans are made in that room, as the scan screen opens in it. A room with
only racks below it (a server room) is one room, and an asset expected in one of its
racks is found there. Through the real command, in a subprocess."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Location
from tests.cli_run import run_cli
from tests.factories import World, seed_world
from tests.ui.audits.server_room import with_server_room


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db)


def ok_json_lines(db: Database, *argv: str) -> list[dict[str, Any]]:
    done = assetdesk(db, *argv, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture
def world(sqlite_db: Database) -> World:
    made = seed_world(sqlite_db)
    with_server_room(made)
    return made


def start(db: Database, scope: str) -> str:
    done = assetdesk(db, "audit", "start", "--scope", scope, "--as", "auditor", "--json")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["id"])


def scans(lines: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(r["raw"], r["classification"], r["room"] or None) for r in lines]


def test_a_room_without_sub_locations_is_where_the_scans_are_made(world: World) -> None:
    audit = start(world.db, "ROOM-A1")
    lines = ok_json_lines(world.db, "audit", "scan", audit, "LAP-1", "LAP-5", "--as", "auditor")
    # It said "found (expected in Rack 1; no room scanned)" of a laptop from the server room.
    assert scans(lines) == [
        ("LAP-1", "found", "Room A1"),
        ("LAP-5", "misplaced", "Room A1"),
    ]
    assert lines[1]["message"] == "LAP-5 ThinkPad T14: misplaced, expected in Rack 1"


def test_a_server_room_with_racks_is_one_room(world: World) -> None:
    audit = start(world.db, "Server room")
    lines = ok_json_lines(
        world.db, "audit", "scan", audit, "LAP-5", "LAP-6", "LAP-1", "--as", "auditor"
    )
    assert scans(lines) == [
        ("LAP-5", "found", "Server room"),
        ("LAP-6", "found", "Server room"),
        ("LAP-1", "misplaced", "Server room"),
    ]
    assert lines[0]["message"] == "LAP-5 ThinkPad T14: found in Server room"

    # Closing with "moves" moves the laptop from Room A1; the racked ones stay in their racks.
    done = assetdesk(world.db, "audit", "close", audit, "--apply", "moves", "--as", "auditor",
                     "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert (payload["counts"]["found"], payload["counts"]["misplaced"]) == (2, 1)
    assert [(a["action"], a["recorded"]) for a in payload["actions"]] == [("moves", 1)]
    with world.db.read() as s:
        where = dict(
            s.execute(
                select(Asset.tag, Location.name).join(Location, Asset.location_id == Location.id)
            ).all()
        )
    assert (where["LAP-1"], where["LAP-5"], where["LAP-6"]) == ("Server room", "Rack 1", "Rack 2")


def test_several_rooms_still_need_a_label_or_room(world: World) -> None:
    """Building A has three rooms: with no room given, a scan is found where expected and
    names no room (as before). After the server room's label its racks' assets are found
    there (they were "misplaced, expected in Rack 2"); a rack's label makes the rack the
    room, and an asset of the other rack is misplaced in it."""
    audit = start(world.db, "Building A")
    lines = ok_json_lines(
        world.db, "audit", "scan", audit, "LAP-1", "ROOM-SRV", "LAP-6", "SRV-R2", "LAP-5",
        "--as", "auditor",
    )  # fmt: skip
    assert scans(lines) == [
        ("LAP-1", "found", None),
        ("ROOM-SRV", "room", "Server room"),
        ("LAP-6", "found", "Server room"),
        ("SRV-R2", "room", "Rack 2"),
        ("LAP-5", "misplaced", "Rack 2"),
    ]
