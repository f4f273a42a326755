"""``assetdesk import --locations FILE``: a list of places into the location tree.

A Snipe-IT administrator exports Locations (ID, Name, Parent, Address, …: a child may
come before its parent), a GLPI one exports "Complete name" paths ("Paris > Floor 1 >
Room 3"), a register kept in Excel has a sheet of rooms. Each becomes the tree, with
kinds and codes where the file gives them; what the register has already is left as it
is; a row that cannot be placed refuses the whole list, naming its row and column, and
nothing is written. Run as a subprocess on files written as those tools write them.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Location
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, fresh, open_db  # noqa: F401

SNIPE_IT = (
    "ID,Name,Image,Parent,Assets,Assigned,Current Location,Address,City,State,Zip,Country,"
    "Manager\r\n"
    "7,Room 2.14,,Leeds HQ,3,0,,,,,,,\r\n"  # before its parent
    '3,Leeds HQ,,,12,0,,"1 Park Row",Leeds,,LS1 5AB,GB,Anna Smith\r\n'
    "8,Server room,,Leeds HQ,0,0,,,,,,,\r\n"
    "9,Rack A,,Server room,0,0,,,,,,,\r\n"
    "4,Bristol office,,,2,0,,,Bristol,,,GB,\r\n"
)
GLPI = (
    "Name;Complete name;Comments;Entity\n"
    "Paris;Paris;HQ;Root entity\n"
    "Floor 1;Paris > Floor 1;;Root entity\n"
    "Room 3;Paris > Floor 1 > Room 3;meeting room;Root entity\n"
    "Room 4;Paris > Floor 1 > Room 4;;Root entity\n"
)


def tree(path: Path) -> dict[str, tuple[str, str | None, str]]:
    """Each location by name: (kind, its parent's name, code)."""
    db = open_db(path)
    try:
        with db.read() as session:
            rows = session.execute(
                select(Location.id, Location.name, Location.kind, Location.parent_id, Location.code)
            ).all()
    finally:
        db.dispose()
    names = {r.id: r.name for r in rows}
    return {r.name: (r.kind, names.get(r.parent_id), r.code) for r in rows}


def test_snipe_it_s_locations_export_becomes_the_tree(fresh: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = tmp_path / "locations.csv"
    listing.write_bytes(("\ufeff" + SNIPE_IT).encode())
    before = tree(fresh)

    dry = assetdesk(fresh, "import", "--locations", "--dry-run", str(listing))
    assert dry.returncode == 0, dry.stderr
    assert "locations.csv: 5 new locations (dry run: nothing was written)" in dry.stdout
    assert "new  Leeds HQ › Server room › Rack A (rack)" in dry.stdout
    assert tree(fresh) == before

    done = assetdesk(fresh, "import", "--locations", str(listing))
    assert done.returncode == 0, done.stderr
    made = tree(fresh)
    assert made["Leeds HQ"][:2] == ("site", None)
    assert made["Room 2.14"][:2] == ("room", "Leeds HQ")
    assert made["Server room"][:2] == ("room", "Leeds HQ")  # only a rack below it
    assert made["Rack A"][:2] == ("rack", "Server room")
    assert made["Bristol office"][:2] == ("site", None)

    again = assetdesk(fresh, "import", "--locations", str(listing))
    assert again.returncode == 0, again.stderr
    assert "nothing new, 5 already in the register" in again.stdout
    assert tree(fresh) == made


def test_glpi_s_complete_names_with_kinds_and_codes(fresh: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = tmp_path / "glpi-locations.csv"
    listing.write_text(GLPI, encoding="utf-8")
    done = assetdesk(fresh, "import", "--locations", str(listing))
    assert done.returncode == 0, done.stderr
    made = tree(fresh)
    assert made["Paris"][:2] == ("site", None)
    assert made["Floor 1"][:2] == ("floor", "Paris")  # as its name says
    assert made["Room 3"][:2] == ("room", "Floor 1")

    # A hand-made sheet: rooms below a place the register has, with Kind and Code.
    rooms = tmp_path / "rooms.csv"
    rooms.write_text(
        "Location,Parent location,Type,Code\n"
        "Room 5,Paris > Floor 1,,PAR-1-05\n"
        "Cabinet 1,Room 5,Cabinet,PAR-1-05-C1\n",
        encoding="utf-8",
    )
    done = assetdesk(fresh, "import", "--locations", str(rooms))
    assert done.returncode == 0, done.stderr
    made = tree(fresh)
    assert made["Room 5"] == ("room", "Floor 1", "PAR-1-05")
    assert made["Cabinet 1"] == ("rack", "Room 5", "PAR-1-05-C1")


def test_a_row_that_cannot_be_placed_refuses_the_list(fresh: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = tmp_path / "bad.csv"
    listing.write_text(
        "Name,Parent,Kind,Code\n"
        "Leeds HQ,,site,LDS\n"
        "Room 1,Leeds HQ,room,LDS\n"  # row 3: the code of row 2
        "Room 2,Leeds HQX,room,\n"  # row 4: a parent nobody has
        "Room 3,Leeds HQ,hall,\n",  # row 5: no such kind
        encoding="utf-8",
    )
    before = tree(fresh)
    done = assetdesk(fresh, "import", "--locations", str(listing))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "row 5, column Kind: 'hall' is not one of site, building, floor, room, rack" in (
        done.stderr
    )
    assert (
        "row 4, column Parent: 'Leeds HQX' is neither a row of the list nor a location of "
        "the register" in done.stderr
    )
    assert "row 3, column Code: the location code 'LDS' is already used" in done.stderr
    assert tree(fresh) == before

    empty = tmp_path / "empty.csv"
    empty.write_text("Asset tag,Serial\nLAP-1,SN1\n", encoding="utf-8")
    done = assetdesk(fresh, "import", "--locations", str(empty))
    assert done.returncode != 0 and "no column names the places" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree(fresh) == before
