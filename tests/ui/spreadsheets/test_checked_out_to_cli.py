"""Snipe-IT's "Checked Out To" in its forms, imported through ``assetdesk import``.

Snipe-IT checks an asset out to a place as to a person; its export's "Checked Out To"
then names the place, as its Location does: "Boardroom 3". The import made a new person
called "Boardroom 3" and assigned the screen to them (newuser13). Now: the row is read as
checked out to that location with nobody assigned, and the dry run says so on the row
(in service with nobody assigned, it needs an owning group: the refusal says how to give
one). A person of the register whose name is a room's stays that person.

Snipe-IT's full report names a person as "Name (username)", and an asset checked out to
another asset as "(TAG) - Model" (grokability/snipe-it#17855, #18281). The import made
people called "Anna Smith (asmith)" and "(LT-1) - T14". Now the first is the person
whose user name is asmith (named Anna Smith, one person for every row naming her), and
the second assigns nobody — we assign assets to people — said on the row and kept in the
asset's notes. A plain name stays a name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.storage.models import Asset, Location, Person
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

EXPORT = (
    "Asset Tag,Asset Name,Category,Model,Manufacturer,Status,Location,Checked Out To\n"
    "SCR-1,Boardroom screen,Monitor,U2724D,Dell,Deployed,Boardroom 3,Boardroom 3\n"
    "SCR-2,Lobby screen,Monitor,U2724D,Dell,Deployed,HQ › Lobby,lobby\n"
    "LT-1,Anna's laptop,Laptop,T14,Lenovo,Deployed,HQ,Anna Smith\n"
)


def _dry_run(tmp_path: Path, export: str) -> tuple[Path, Path, Any]:
    """Set-up: a new register, the export written as a file; the dry run's JSON."""
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = tmp_path / "snipeit-assets.csv"
    path.write_text(export, encoding="utf-8")
    dry = assetdesk(database, "import", str(path), "--dry-run", "--json")
    return database, path, json.loads(dry.stdout)


def _imported(database: Path, path: Path, *columns: Any) -> tuple[list[tuple[Any, ...]], set[str]]:
    """The import run with an owning group for all rows; ``columns`` of each asset (its
    location and assignee joined), by tag, and the names of all people."""
    done = assetdesk(database, "import", str(path), "--set", "owning_group=Facilities")
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_db(database)
    try:
        with db.read() as session:
            rows = session.execute(
                select(*columns)
                .select_from(Asset)
                .outerjoin(Location, Location.id == Asset.location_id)
                .outerjoin(Person, Person.id == Asset.assigned_to_id)
                .order_by(Asset.tag)
            ).all()
            names = set(session.scalars(select(Person.name)))
    finally:
        db.dispose()
    return [tuple(r) for r in rows], names


def test_a_checkout_to_the_rows_own_location_assigns_nobody(tmp_path: Path) -> None:
    database, path, payload = _dry_run(tmp_path, EXPORT)
    warnings = {w["row"]: w["message"] for w in payload["warnings"]}
    assert warnings[2] == (
        "Checked Out To 'Boardroom 3' is the row's location: read as checked out to that "
        "location, with nobody assigned"
    ), payload["warnings"]
    assert "lobby" in warnings[3]
    people = [n["name"] for n in payload["new_references"] if n["kind"] == "person"]
    assert people == ["Anna Smith"], people
    refused = {e["row"]: e["message"] for e in payload["errors"]}
    assert set(refused) == {2, 3}
    assert "needs Assigned to or Owning group" in refused[2]
    assert "--set owning_group=NAME" in refused[2]

    rows, names = _imported(
        database,
        path,
        Asset.tag,
        Asset.status,
        Location.name,
        Person.name,
        Asset.owning_group_id.is_not(None),
    )
    assert rows == [
        ("LT-1", "in_service", "HQ", "Anna Smith", True),
        ("SCR-1", "in_service", "Boardroom 3", None, True),
        ("SCR-2", "in_service", "Lobby", None, True),
    ]
    assert "Boardroom 3" not in names and "lobby" not in names


FULL_REPORT = (
    "Asset Tag,Asset Name,Category,Model,Manufacturer,Status,Location,Checked Out To\n"
    "LT-1,Anna's laptop,Laptop,T14,Lenovo,Deployed,HQ,Anna Smith (asmith)\n"
    "LT-2,Anna's spare,Laptop,T14,Lenovo,Deployed,HQ,Anna  Smith (asmith)\n"
    "DOCK-1,Anna's dock,Dock,TB4,Lenovo,Deployed,HQ,(LT-1) - T14\n"
    "LT-3,Ben's laptop,Laptop,T14,Lenovo,Deployed,HQ,Ben Jones\n"
)


def test_name_and_username_and_an_asset_checked_out_to_an_asset(tmp_path: Path) -> None:
    database, path, payload = _dry_run(tmp_path, FULL_REPORT)
    people = sorted(n["name"] for n in payload["new_references"] if n["kind"] == "person")
    assert people == ["Anna Smith", "Ben Jones"], people
    warnings = {w["row"]: w["message"] for w in payload["warnings"]}
    assert warnings[4] == (
        "Checked Out To '(LT-1) - T14' is the asset LT-1 (Snipe-IT checks an asset out to "
        "another): nobody is assigned, and the notes say which asset it was with"
    ), payload["warnings"]

    rows, names = _imported(database, path, Asset.tag, Person.name, Person.username, Asset.notes)
    assert rows == [
        ("DOCK-1", None, None, "Checked out to asset: (LT-1) - T14"),
        ("LT-1", "Anna Smith", "asmith", ""),
        ("LT-2", "Anna Smith", "asmith", ""),
        ("LT-3", "Ben Jones", "ben.jones", ""),
    ]
    assert not {n for n in names if "(" in n}, names


#: Snipe-IT's custom asset report with "Checked Out To" ticked: a "Type" column follows,
#: saying what the asset is checked out to; an asset is named "Name (TAG)" there.
CUSTOM_REPORT = (
    "Company,Asset Tag,Model,Category,Manufacturer,Serial,Location,Checked Out To,Type,Status\n"
    ",LT-1,T14,Laptop,Lenovo,S1,HQ,Anna Smith,user,Deployed\n"
    ",DOCK-1,TB4,Dock,Lenovo,S2,HQ,Anna's laptop (LT-1),asset,Deployed\n"
    ",SCR-1,U2724D,Monitor,Dell,S3,HQ,Boardroom 3,location,Deployed\n"
)


def test_the_custom_report_s_type_column_says_what_it_is_checked_out_to(
    tmp_path: Path,
) -> None:
    """ "Anna's laptop (LT-1)" beside "asset" became a new person called "Anna's laptop"
    whose user name is LT-1, and "Boardroom 3" beside "location" a person too (or, with
    --no-create, a refusal that said nothing of a checkout)."""
    database, path, payload = _dry_run(tmp_path, CUSTOM_REPORT)
    people = sorted(n["name"] for n in payload["new_references"] if n["kind"] == "person")
    assert people == ["Anna Smith"], people
    warnings = {w["row"]: w["message"] for w in payload["warnings"]}
    assert warnings[3] == (
        "Checked Out To 'Anna's laptop (LT-1)' is the asset LT-1 (Type: asset; Snipe-IT "
        "checks an asset out to another): nobody is assigned, and the notes say which asset "
        "it was with"
    ), payload["warnings"]
    assert warnings[4] == (
        "Checked Out To 'Boardroom 3' is a location (Type: location): read as checked out "
        "to that location, with nobody assigned"
    ), payload["warnings"]

    rows, names = _imported(database, path, Asset.tag, Person.name, Asset.notes)
    assert rows == [
        ("DOCK-1", None, "Type: asset\nChecked out to asset: Anna's laptop (LT-1)"),
        ("LT-1", "Anna Smith", "Type: user"),
        ("SCR-1", None, "Type: location\nChecked out to location: Boardroom 3"),
    ]
    assert not {n for n in names if "laptop" in n or "Boardroom" in n}, names
