"""Racks become locations: Ralph's ``rack_str`` ("R31 (DataCenter/ServerRoom)") and a
register's Rack column are a rack below the row's location, not a line in the notes.

Ralph's own data-center export (``tests/data/spreadsheets/management_ip_existing.csv``,
Apache-2.0, see the README there) and a made-up register with Location and Rack
columns; the command line runs as a subprocess.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.storage.models import Asset, Location
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"


def tree(database: Path) -> dict[str, list[str]]:
    """Each location as "path (kind)" → the tags of the assets in it."""
    db = open_db(database)
    try:
        with db.read() as session:
            rows = {
                r.id: (r.name, r.kind, r.parent_id)
                for r in session.execute(
                    select(Location.id, Location.name, Location.kind, Location.parent_id)
                )
            }
            located = session.execute(
                select(Asset.tag, Asset.location_id).order_by(Asset.tag)
            ).all()
    finally:
        db.dispose()

    def path(location_id: Any) -> str:
        name, kind, parent = rows[location_id]
        return (path(parent) + " › " if parent else "") + f"{name} ({kind})"

    result: dict[str, list[str]] = {path(i): [] for i in rows}
    for tag, location_id in located:
        result[path(location_id)].append(tag)
    return result


def test_ralph_rack_str_is_a_rack_in_its_server_room(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    sample = DATA / "management_ip_existing.csv"
    # Ralph writes its status as a number: 2 is "used" in its data-center statuses.
    args = ("import", str(sample), "--status-map", "2=in_stock")

    dry = assetdesk(database, *args, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "  rack_str: imported as a rack: a location below the row's location" in dry.stdout
    assert (
        "  location SZ_1OFFICE › SZ_1OFFICE_1FL › R31 (new; R31 is a rack), rows 2"
    ) in dry.stdout
    assert "Location: SZ_1OFFICE › SZ_1OFFICE_1FL › R31 (new)" in dry.stdout
    assert "rack_str:" not in dry.stdout.split("Values (")[1]  # not in the notes

    done = assetdesk(database, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    located = tree(database)
    assert sorted(located) == [
        "SZ_1OFFICE (building)",
        "SZ_1OFFICE (building) › SZ_1OFFICE_1FL (room)",
        "SZ_1OFFICE (building) › SZ_1OFFICE_1FL (room) › R31 (rack)",
    ]
    assert len(located["SZ_1OFFICE (building) › SZ_1OFFICE_1FL (room) › R31 (rack)"]) == 1


def test_a_rack_column_is_a_rack_below_the_row_s_location(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = tmp_path / "servers.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["Asset Tag", "Name", "Category", "Location", "Rack"],
                ["SRV-1", "web-1", "Server", "HQ › Server room", "R1"],
                ["SRV-2", "web-2", "Server", "HQ › Server room", "R2"],
                ["SRV-3", "db-1", "Server", "HQ › Server room", "R1"],
                ["SRV-4", "spare", "Server", "HQ › Server room", ""],
            ]
        )
    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "  Rack: imported as a rack: a location below the row's location" in dry.stdout
    assert "location HQ › Server room › R1 (new; R1 is a rack), rows 2, 4" in dry.stdout
    assert "location HQ › Server room › R2 (new; R2 is a rack), rows 3" in dry.stdout

    done = assetdesk(database, "import", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert tree(database) == {
        "HQ (building)": [],
        "HQ (building) › Server room (room)": ["SRV-4"],
        "HQ (building) › Server room (room) › R1 (rack)": ["SRV-1", "SRV-3"],
        "HQ (building) › Server room (room) › R2 (rack)": ["SRV-2"],
    }
    again = assetdesk(database, "import", str(path), "--dry-run")
    assert "0 create, 0 update, 4 unchanged" in again.stdout, again.stdout
