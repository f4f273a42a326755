"""``assetdesk import`` and ``assetdesk export`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World, seed_world
from ui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db.url.render_as_string(hide_password=False), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def world_db(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Old name")
    return world


def supplier_file(tmp_path: Path) -> Path:
    return write_workbook(
        tmp_path / "delivery.xlsx",
        [
            ["Asset Tag", "Asset Name", "Category", "Location", "Purchase Cost", "Vendor SKU"],
            ["LAP-1", "New name", "Laptop", "Room A1", None, "x"],
            ["LAP-2", "Fresh", "Laptop", "Room A1", "1.099,00", "y"],
            ["PRN-1", "Printer", "Printer", "Room A1", None, "z"],
        ],
        sheet="Delivery",
    )


def test_dry_run_json_counts_and_errors_and_exit_status(
    world_db: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = counts(world_db.db)
    code, out, _ = run(
        capsys,
        world_db.db,
        "import",
        str(supplier_file(tmp_path)),
        "--dry-run",
        "--json",
        "--no-create",
    )
    payload = json.loads(out)
    assert code == 1
    assert payload["counts"] == {
        "create": 1,
        "update": 1,
        "unchanged": 0,
        "conflict": 0,
        "error": 1,
    }
    assert payload["errors"] == [
        {
            "sheet": "Delivery",
            "row": 4,
            "column": "Category",
            "message": "there is no category 'Printer' (categories: Laptop, Monitor)",
        }
    ]
    # A column nobody recognises keeps its data: it goes into the notes by default.
    assert payload["unmapped_columns"] == []
    fates = {c["header"]: c["fate"] for c in payload["columns"]}
    assert fates["Vendor SKU"] == "added to the notes as 'Vendor SKU: …' (not a known column)"
    assert fates["Asset Name"] == "imported as Name"
    assert payload["committed"] is False
    assert counts(world_db.db) == before


def test_all_or_nothing_refuses_and_valid_only_writes_with_an_error_workbook(
    world_db: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = supplier_file(tmp_path)
    before = counts(world_db.db)
    code, out, _ = run(capsys, world_db.db, "import", str(path), "--as", "tech", "--no-create")
    assert code == 1 and "Nothing was imported: 1 row was rejected" in out
    assert counts(world_db.db) == before

    errors = tmp_path / "rejected.xlsx"
    code, out, _ = run(
        capsys,
        world_db.db,
        "import",
        str(path),
        "--as",
        "tech",
        "--valid-only",
        "--no-create",
        "--errors",
        str(errors),
    )
    assert code == 1
    assert (
        "Imported: 1 asset received (LAP-2), 1 changed, 2 procedures recorded, 1 row left out"
        in out
    )
    assert "row 2 LAP-1: Name: Old name → New name" in out
    assert counts(world_db.db) == (before[0] + 1, before[1] + 2)
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None
    assert sheet["G1"].value == "Import problems" and sheet["A2"].value == "PRN-1"


def test_export_then_import_by_key_is_clean(
    world_db: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path = tmp_path / "register.xlsx"
    code, out, _ = run(
        capsys, world_db.db, "export", str(out_path), "--status", "In stock", "--category", "LAP"
    )
    assert code == 0 and out.strip() == f"Exported 1 asset to {out_path}"
    code, out, _ = run(
        capsys, world_db.db, "import", str(out_path), "--match", "key", "--as", "tech"
    )
    assert code == 0
    assert "0 create, 0 update, 1 unchanged, 0 conflicts, 0 errors" in out
    code, _, err = run(
        capsys, world_db.db, "export", str(tmp_path / "x.csv"), "--location", "Nowhere"
    )
    assert code == 2 and "--location: there is no location 'Nowhere'" in err


def test_unreadable_file_is_one_line_on_stderr(
    world_db: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    code, out, err = run(capsys, world_db.db, "import", str(empty), "--dry-run")
    assert code == 2 and out == ""
    assert err.strip() == "assetdesk: empty.xlsx is empty (0 bytes)"


def test_profile_saved_from_one_import_maps_the_next(
    world_db: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_workbook(tmp_path / "a.xlsx", [["Asset Tag", "Asset Name"], ["LAP-1", "Renamed"]])
    code, _, _ = run(
        capsys, world_db.db, "import", str(path), "--dry-run", "--save-profile", "Supplier A"
    )
    assert code == 0
    code, out, _ = run(
        capsys, world_db.db, "import", str(path), "--profile", "supplier a", "--json", "--dry-run"
    )
    assert json.loads(out)["mapping"] == {"Asset Tag": "tag", "Asset Name": "name"}
