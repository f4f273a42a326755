"""``assetdesk kit sync FILE`` run as a subprocess brings the kit to the server's state
for its scope after every kind of change the server saw meanwhile (issue 16 points 3
and 8: the refresh reads only what moved, so each kind of change is shown caught).

The server (a local register file) changes while the kit is out: an asset in scope
edited, one moved into the scope and one out of it, a location moved below the scope
(bringing its asset along), a location renamed, a manufacturer deleted and a person
added, a new template version, an audit opened and another closed, an incident logged
and another closed. The kit is then read through the command line as a person would
(``--database KIT``), and compared table by table with the same kit re-filled whole
from the same server state.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.domain.incidents import IncidentStatus
from desktop.services import reference
from desktop.services.incidents import IncidentRequest, log_incident, move_incident
from desktop.storage.database import Database, open_database
from desktop.storage.models import Location, Manufacturer
from tests.desktop.kits.test_refresh_in_place import kit_rows, refilled_whole, search_index
from tests.factories import World, seed_world
from tests.ui.kits.test_kit_cli import assetdesk, ok, ok_json

_LINE = ("--answer", "change_type=Repair", "--as", "tech")


def _incident(db: Database, tag: str, title: str) -> int:
    request = IncidentRequest(
        logged_by="tech",
        asset_tags=[tag],
        title=title,
        description="It broke.",
        severity="high",
        routed_group="Infrastructure",
        reported_by="user",
    )
    return log_incident(db, request).number


def _close_incident(db: Database, number: int) -> None:
    steps: tuple[tuple[IncidentStatus, dict[str, Any]], ...] = (
        (IncidentStatus.ASSIGNED, {"assignee": "tech2"}),
        (IncidentStatus.IN_PROGRESS, {}),
        (IncidentStatus.RESOLVED, {"root_cause": "loose cable", "resolution": "cable fixed"}),
        (IncidentStatus.CLOSED, {}),
    )
    for status, extra in steps:
        move_incident(db, number=number, to_status=status, by="tech2", **extra)


def test_a_sync_refreshes_the_kit_after_every_kind_of_server_change(
    tmp_path: Path, sqlite_db: Database
) -> None:
    world: World = seed_world(sqlite_db)
    server = sqlite_db.sqlite_path
    assert server is not None
    for tag in ("LAP-1001", "LAP-1002", "LAP-1003"):
        world.receive(tag=tag, values={"location": world.room_b})
    world.receive(tag="LAP-2001", values={"location": world.other_site_room})
    with sqlite_db.write() as s:
        branch_desk = reference.create_location(
            s, name="Branch desk", kind="room", parent_id=world.other_site_room
        )
        reference.create_manufacturer(s, name="Gone Computers")
    world.receive(tag="LAP-2002", values={"location": branch_desk.id})
    ok("--database", server, "audit", "start", "--scope", "ROOM-A1", "--name", "Old count",
       "--as", "auditor")  # fmt: skip
    to_close = _incident(sqlite_db, "LAP-1001", "Fan noise")

    kit = tmp_path / "site.adkit"
    ok("--database", server, "kit", "checkout", "--scope", "Building A", "--as", "tech", "-o", kit)
    assert ok_json("--database", kit, "kit", "status")["asset_count"] == 3
    # Offline work the sync replays before its refresh.
    ok("--database", kit, "procedure", "change", "LAP-1001", "--set", "notes=checked on site",
       *_LINE)  # fmt: skip

    # The server meanwhile: every kind of change a refresh must bring.
    ok("--database", server, "procedure", "change", "LAP-1002", "--set", "serial_number=SRV-9",
       *_LINE)  # fmt: skip
    ok("--database", server, "procedure", "change", "LAP-2001", "--set", "location=ROOM-A1",
       *_LINE)  # fmt: skip
    ok("--database", server, "procedure", "change", "LAP-1003", "--set", "location=Branch store",
       *_LINE)  # fmt: skip
    with sqlite_db.write() as s:
        reference.move_location(s, location_id=branch_desk.id, new_parent_id=world.building)
        room = s.get(Location, world.room_b)
        assert room is not None
        reference.update_location(
            s, location_id=room.id, expected_version=None, name="Room A2 east", kind=room.kind,
            code=room.code or "",
        )  # fmt: skip
        gone = s.execute(
            select(Manufacturer).where(Manufacturer.name == "Gone Computers")
        ).scalar_one()
        reference.delete_manufacturer(s, manufacturer_id=gone.id)
        reference.create_person(s, name="Nel Newcomer", username="newcomer")
    ok("--database", server, "templates", "set-approval", "install", "--approvers", "2",
       "--as", "admin")  # fmt: skip
    ok("--database", server, "audit", "close", "Old count", "--as", "auditor")
    ok("--database", server, "audit", "start", "--scope", "ROOM-A2", "--name", "New count",
       "--as", "auditor")  # fmt: skip
    _close_incident(sqlite_db, to_close)
    _incident(sqlite_db, "LAP-1002", "Cracked screen")

    report = ok_json("kit", "sync", kit)
    assert [r["outcome"] for r in report["results"]] == ["applied"], report
    assert report["refreshed"] is True

    # The kit now, through the command line.
    assert ok_json("--database", kit, "kit", "status")["asset_count"] == 4
    edited = _asset(kit, "LAP-1002")
    assert edited["serial_number"] == "SRV-9"
    assert "Room A2 east" in str(edited["location"])
    assert "Room A1" in str(_asset(kit, "LAP-2001")["location"])
    assert "Branch desk" in str(_asset(kit, "LAP-2002")["location"])
    left = assetdesk("--database", kit, "asset", "show", "LAP-1003", "--json")
    assert left.returncode != 0 and "LAP-1003" in left.stderr and "Traceback" not in left.stderr
    assert _asset(kit, "LAP-1001")["notes"] == "checked on site"
    audits = {a["name"]: a for a in ok_json("--database", kit, "audit", "list")}
    assert "New count" in audits and "Old count" not in audits
    templates = ok_json("--database", kit, "templates", "list")
    (install,) = [t for t in templates if t["kind"] == "install" and not t["category"]]
    assert install["version"] == 2 and "2 approvers" in install["approval"], install
    titles = {i["title"] for i in ok_json("--database", kit, "incidents", "list")}
    assert titles == {"Cracked screen"}, titles

    # ... and exactly the rows a whole fill from the same server state leaves.
    twin = tmp_path / "twin.adkit"
    refilled_whole(kit, twin, open_database(f"sqlite:///{server}"))
    ours, theirs = kit_rows(kit), kit_rows(twin)
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert ours[name] == theirs[name], name
    assert search_index(kit) == search_index(twin)
    people = {r[0] for r in _names(kit, "people")}
    assert "Nel Newcomer" in people
    assert "Gone Computers" not in {r[0] for r in _names(kit, "manufacturers")}


def _asset(kit: Path, tag: str) -> dict[str, Any]:
    found: dict[str, Any] = ok_json("--database", kit, "asset", "show", tag)["asset"]
    return found


def _names(path: Path, table: str) -> list[tuple[str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT name FROM {table}").fetchall()
