"""What a new user reads from ``assetdesk import`` and ``export`` (run as a subprocess) on
Ralph's one-row export (the corpus sample ``management_ip_existing.csv``) into the demo
register: one row, one asset, each said in the singular."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.spreadsheets.profiles import load_profile, save_profile
from desktop.storage.database import Database
from desktop.storage.models import Asset, ImportProfile
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

RALPH = Path(__file__).parents[2] / "data" / "spreadsheets" / "management_ip_existing.csv"
IN_SERVICE = ["--status-map", "2=in_service", "--set", "location=A0.12 Server room"]


def new_tag(db: Database) -> str:
    """The tag the import gave Ralph's server (its file has no barcode)."""
    with db.read() as session:
        found = select(Asset.tag).where(Asset.serial_number == "M000000015L")
        return str(session.execute(found).scalar_one())


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite3"
    done = assetdesk(path, "demo", "--assets", "20")
    assert done.returncode == 0, done.stderr
    return path


def test_one_row_one_asset_in_the_singular(demo: Path, tmp_path: Path) -> None:
    source = shutil.copy(RALPH, tmp_path / RALPH.name)
    dry = assetdesk(demo, "import", str(source), "--dry-run")
    assert dry.returncode == 1
    assert dry.stdout.startswith(f"{RALPH.name}: 1 row below the header in row 1\n")

    refused = assetdesk(demo, "import", str(source))  # status 2 is not ours
    assert "Nothing was imported: 1 row was rejected (fix it," in refused.stdout

    nobody = assetdesk(demo, "import", str(source), *IN_SERVICE)
    assert (
        "row 2, Assigned to: an asset in service needs Assigned to or Owning group "
        "(a column, or --set owning_group=NAME for every new row)"
    ) in nobody.stdout
    done = assetdesk(demo, "import", str(source), *IN_SERVICE, "--set", "owning_group=Service desk")
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_db(demo)
    tag = new_tag(db)
    db.dispose()
    assert f"Imported: 1 asset received ({tag}), 0 changed, 2 procedures recorded" in done.stdout

    out = tmp_path / "emc.xlsx"
    exported = assetdesk(demo, "export", str(out), "--search", "EMC1-3")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == f"Exported 1 asset to {out}"


def test_numbers_in_the_header_row_read_as_written(demo: Path) -> None:
    """A workbook stores a header cell 1 as 1.0: the columns were shown as "1.0, 2.0"."""
    data = RALPH.parent
    for name, columns in (
        ("any_sheets.xlsx", "(columns: 1, 2)"),
        ("formulae.xlsx", "(columns: 12345, Value, Column C"),
    ):
        done = assetdesk(demo, "import", str(data / name), "--dry-run")
        assert done.returncode != 0 and columns in done.stderr, done.stderr
        # No tag column: what would do instead, in the command line's words.
        assert (
            "(a column or --set name=… or --set category=…; missing: Name, Category; a Model"
            in (done.stderr)
        )


def test_ralphs_management_ip_fills_the_custom_field_where_the_category_has_it(
    demo: Path, tmp_path: Path
) -> None:
    """The demo's servers label the field ip_address "iLO / iDRAC IP address", switches
    "Management IP address": Ralph's management_ip is that field on a server, and stays a
    notes line on an asset of a category without it (here Ralph's own, new "Storage")."""
    source = str(shutil.copy(RALPH, tmp_path / RALPH.name))
    owned = [*IN_SERVICE, "--set", "owning_group=Service desk"]
    other = tmp_path / "other.sqlite3"
    assert assetdesk(other, "demo", "--assets", "20").returncode == 0
    server = assetdesk(demo, "import", source, *owned, "--set", "category=Server")
    assert "management_ip: imported as Management IP address" in server.stdout
    storage = assetdesk(other, "import", source, *owned)
    assert storage.returncode == 0, storage.stdout + storage.stderr
    for path, custom, in_notes in ((demo, {"ip_address": "10.0.0.103"}, False), (other, {}, True)):
        db = open_db(path)
        with db.read() as session:
            found = select(Asset).where(Asset.serial_number == "M000000015L")
            asset = session.execute(found).scalar_one()
            assert (asset.custom_fields or {}) == custom
            notes = (asset.notes or "").splitlines()
            assert ("management_ip: 10.0.0.103" in notes) is in_notes, notes
        db.dispose()


def test_a_profile_saved_with_float_headers_maps_the_numbers(tmp_path: Path) -> None:
    """A profile saved before numbers in the header row were read as written holds "1.0"
    and "2.0": it maps the columns 1 and 2 of calamine's any_sheets.xlsx, unchanged."""
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    db = open_db(database)
    old = {"1.0": "tag", "2.0": "serial_number"}
    save_profile(db, "Old numbers", old, match="tag", date_order="dmy")
    db.dispose()
    path = RALPH.parent / "any_sheets.xlsx"
    given = [
        "--set",
        "name=Probe",
        "--set",
        "category=Sensor",
        "--set",
        "location=Lab",
        "--dry-run",
    ]
    done = assetdesk(database, "import", str(path), "--profile", "Old numbers", *given)
    assert "  1: imported as Asset tag\n  2: imported as Serial number\n" in done.stdout, (
        done.stdout + done.stderr
    )
    assert "row 2 3: Asset tag: 3; Name: Probe; Category: Sensor (new); Serial number: 4" in (
        done.stdout
    )
    db = open_db(database)
    assert load_profile(db, "Old numbers")["columns"]["1"] == "tag"
    with db.read() as session:  # read leniently, not rewritten
        stored = session.execute(select(ImportProfile.mapping)).scalar_one()
    db.dispose()
    assert stored["columns"] == old


def test_the_column_list_says_where_management_ip_went(demo: Path, tmp_path: Path) -> None:
    """Ralph's row as it is (a Storage box: no such field) and a server's row beside it:
    the column list says the storage row's management_ip went to the notes."""
    lines = RALPH.read_text(encoding="utf-8").splitlines()
    server = (
        lines[1]
        .replace("10.0.0.103", "10.0.0.104")
        .replace("[Storage] EMC", "[Server] HP ProLiant DL380")
        .replace("EMC1-3,M000000015L", "SRV1-1,M000000016L")
    )
    source = tmp_path / "two.csv"
    source.write_text("\n".join([*lines, server]) + "\n", encoding="utf-8")
    owned = [*IN_SERVICE, "--set", "owning_group=Service desk"]
    both = assetdesk(demo, "import", str(source), *owned)
    assert both.returncode == 0, both.stdout + both.stderr
    assert (
        "  management_ip: imported as Management IP address where the row's category has that "
        "field; added to the notes as 'management_ip: …' on row 2 (their category has no such "
        "field)\n"
    ) in both.stdout
    db = open_db(demo)
    with db.read() as session:
        found = {
            a.serial_number: a
            for a in session.execute(
                select(Asset).where(Asset.serial_number.in_(["M000000015L", "M000000016L"]))
            ).scalars()
        }
        assert (found["M000000016L"].custom_fields or {}).get("ip_address") == "10.0.0.104"
        assert "management_ip: 10.0.0.103" in (found["M000000015L"].notes or "").splitlines()
    db.dispose()

    other = tmp_path / "other.sqlite3"
    assert assetdesk(other, "demo", "--assets", "20").returncode == 0
    alone = assetdesk(other, "import", str(RALPH), *owned, "--dry-run", "--json")
    columns = {c["header"]: c["fate"] for c in json.loads(alone.stdout)["columns"]}
    assert columns["management_ip"] == (
        "added to the notes as 'management_ip: …' (no row's category has the field "
        "Management IP address)"
    )
