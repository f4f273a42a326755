"""``assetdesk export OUT --columns TITLE,...``: the columns the register view shows, by title.

A new user's finding (2026-12-06): the window exports the view's columns, the command
line only every column. Titles are those the register shows ("Cost", "Purchased"),
accents and case ignored; an unknown title is refused in one line listing the valid
ones, and no file is written. Run as a subprocess; the files are read back.
"""

from __future__ import annotations

import csv
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl

from desktop.spreadsheets.export import REGISTER_COLUMNS, REGISTER_TITLES
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def test_export_writes_the_columns_named_by_their_titles(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Finance laptop", values={"purchase_cost": Decimal("1299.00")})
    world.receive(tag="LAP-2", name="Sales laptop")

    out = tmp_path / "chosen.csv"
    done = assetdesk(
        sqlite_db, "export", str(out), "--columns", " NAME , côst,location ", "--as", "tech"
    )
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    # The tag first (an edited copy imports back by it), then the titles' columns in
    # their order; Key and Version end the row.
    assert header[:4] == ["Asset tag", "Name", "Purchase cost", "Location"], header
    assert header[-2:] == ["Key", "Version"]
    assert "Serial number" not in header and "Status" not in header
    by_tag = {r[0]: r for r in rows[1:]}
    assert by_tag["LAP-1"][1] == "Finance laptop"
    assert Decimal(by_tag["LAP-1"][2]) == Decimal("1299")

    book_path = tmp_path / "chosen.xlsx"
    done = assetdesk(
        sqlite_db, "export", str(book_path), "--columns", "Purchased,Serial number",
        "--as", "tech",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(book_path, read_only=True).worksheets[0]
    first = [c for c in next(sheet.iter_rows(values_only=True))]
    assert first[:3] == ["Asset tag", "Purchase date", "Serial number"], first


def test_an_unknown_title_is_refused_listing_the_valid_ones(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db).receive(tag="LAP-1")
    out = tmp_path / "nothing.xlsx"
    done = assetdesk(sqlite_db, "export", str(out), "--columns", "Name,Colour", "--as", "tech")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("assetdesk: --columns: the export has no column 'Colour'")
    assert "(its columns: Asset tag, Name, Status, Category," in line
    assert "Cost" in line and "Last audited" in line
    assert not out.exists()


def test_the_titles_are_the_register_views() -> None:
    from ui.gui.models.columns import COLUMNS

    shown = [(c.key, c.title) for c in COLUMNS if c.key in REGISTER_COLUMNS]
    assert shown == list(REGISTER_TITLES.items())


def test_custom_fields_are_written_only_when_named(sqlite_db: Database, tmp_path: Path) -> None:
    """A finance user asked for four columns and got every custom field besides (RAM,
    IMEI, firmware …, fifteen columns): ``--columns`` writes only what it names, a custom
    field by its label or key, in the order named."""
    from desktop.services import reference

    world = seed_world(sqlite_db)
    with sqlite_db.write() as session:
        reference.create_category(
            session,
            name="Phone",
            tag_prefix="PHN",
            custom_fields=[
                {"key": "imei", "label": "IMEI", "type": "text"},
                {"key": "phone_number", "label": "Phone number", "type": "text"},
            ],
        )
    world.receive(tag="LAP-1", name="Finance laptop")

    out = tmp_path / "four.csv"
    done = assetdesk(sqlite_db, "export", str(out), "--columns", "Name,Cost", "--as", "tech")
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["Asset tag", "Name", "Purchase cost", "Key", "Version"], header

    done = assetdesk(
        sqlite_db,
        "export",
        str(out),
        "--columns",
        "phone NUMBER,Name,imei",
        "--as",
        "tech",
        "--overwrite",
    )
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["Asset tag", "Name", "Phone number", "IMEI", "Key", "Version"], header

    done = assetdesk(sqlite_db, "export", str(out), "--columns", "Name,Colour", "--as", "tech")
    assert done.returncode == 2
    assert "IMEI, Phone number)" in done.stderr
