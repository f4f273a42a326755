"""A purchase order's "Qty" and order date, imported through ``assetdesk import`` as a subprocess.

A new user's finding (2026-12-06): a supplier's order with a line "Docking station, Qty
3" received one asset (the 3 went to the notes as "Qty: 3"), and the order date above
the table was not read, so no asset had a purchase date. Now a line of 3 without a tag
or serial number is 3 new assets tagged from their category's sequence; a line of 2
that gives one serial number is refused (which of the two would it be?); the order date
is every new asset's purchase date; the dry run says both.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.cli_run import run_cli
from tests.factories import seed_world


def cli(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, env={"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}, timeout=120)


def assets(db: Database) -> list[tuple[str, str, str | None, dt.date | None, Decimal | None]]:
    with db.read() as s:
        return sorted(
            (a.tag, a.name, a.serial_number, a.purchase_date, a.purchase_cost)
            for a in s.scalars(select(Asset))
        )


def write_order(path: Path) -> Path:
    """As procurement keeps it: a title, the order date beside its label, the lines."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "PO-2026-0077"
    sheet["A1"] = "PURCHASE ORDER PO-2026-0077 — Dell Technologies"
    sheet.merge_cells("A1:E1")
    sheet["A2"], sheet["B2"] = "Order date:", dt.datetime(2026, 11, 20)
    sheet.append([])
    sheet.append(["Item name", "Category", "Serial number", "Qty", "Unit price", "Location"])
    sheet.append(["Latitude 7450", "Laptop", None, 3, 1299.0, "Room A1"])  # row 5: 3 assets
    sheet.append(["Latitude 5550", "Laptop", "DL-5550-01", 1, 999.0, "Room A1"])  # row 6
    sheet.append(
        ["U2724D screen", "Monitor", "CN-0X1", 2, 449.0, "Room A1"]
    )  # row 7: one serial, 2 items
    book.save(path)
    return path


def test_a_line_of_three_is_three_assets_and_the_order_date_their_purchase_date(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    order = write_order(tmp_path / "PO-2026-0077.xlsx")

    dry = cli(sqlite_db, "import", str(order), "--dry-run", "--json", "--as", "tech")
    payload = json.loads(dry.stdout)
    assert dry.returncode == 1, payload  # row 7 is refused
    assert payload["counts"]["create"] == 4, payload["counts"]
    assert payload["counts"]["error"] == 1, payload["counts"]
    (refused,) = payload["errors"]
    assert refused["row"] == 7 and refused["column"] == "Qty"
    assert "Qty 2 with one serial number ('CN-0X1')" in refused["message"]
    assert "its own row" in refused["message"]
    fates = {c["header"]: c["fate"] for c in payload["columns"]}
    assert fates["Qty"].startswith("how many items the row is")
    notes = payload["notes"]
    assert any(n.startswith("Qty: 1 row orders more than one item (row 5 × 3)") for n in notes)
    assert any(
        n.startswith("Order date 2026-11-20 (row 2, above the table) is each new asset's")
        for n in notes
    ), notes
    assert assets(sqlite_db) == []

    text = cli(sqlite_db, "import", str(order), "--dry-run", "--as", "tech")
    assert "3 rows below the header in row 4" in text.stdout
    assert text.stdout.count("row 7, Qty:") == 1
    # The line of Qty 3 is said once, as three new assets (it was listed three times).
    assert text.stdout.count("row 5 (tag generated)") == 1, text.stdout
    assert "row 5 (tag generated) × 3 new assets: " in text.stdout

    done = cli(sqlite_db, "import", str(order), "--valid-only", "--as", "tech")
    assert done.returncode == 1, done.stdout + done.stderr  # row 7 left out, said
    stored = assets(sqlite_db)
    assert len(stored) == 4
    assert len({tag for tag, *_ in stored}) == 4
    assert all(tag.startswith("LAP-") for tag, *_ in stored)
    assert sorted((name, serial) for _, name, serial, _, _ in stored) == [
        ("Latitude 5550", "DL-5550-01"),
        ("Latitude 7450", None),
        ("Latitude 7450", None),
        ("Latitude 7450", None),
    ]
    assert {date for *_, date, _ in stored} == {dt.date(2026, 11, 20)}
    assert (
        sorted(cost or Decimal(-1) for *_, cost in stored)
        == [Decimal("999.00")] + [Decimal("1299.00")] * 3
    )


def test_a_quantity_column_in_a_csv_and_its_order_date_column(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    path = tmp_path / "bestellung.csv"  # Excel in Germany: semicolons, Windows-1252
    path.write_bytes(
        "Bestelldatum;Bezeichnung;Kategorie;Standort;Menge;Einzelpreis\r\n"
        "03.11.2026;Dock WD22TB4;Laptop;Room A1;2;289,00 €\r\n"
        "03.11.2026;Tastatur;Laptop;Room A1;0;19,90 €\r\n"
        "04.11.2026;Maus;Laptop;Room A1;zwei;9,90 €\r\n".encode("cp1252")
    )
    dry = cli(sqlite_db, "import", str(path), "--dry-run", "--json", "--date-order", "dmy")
    payload = json.loads(dry.stdout)
    assert payload["counts"]["create"] == 2, payload
    messages = {(e["row"], e["column"]): e["message"] for e in payload["errors"]}
    assert "0 items: the row receives no asset" in messages[(3, "Menge")]
    assert "'zwei' is not a whole number of items" in messages[(4, "Menge")]

    done = cli(sqlite_db, "import", str(path), "--valid-only", "--date-order", "dmy",
               "--as", "tech")  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    stored = assets(sqlite_db)
    assert [(name, date, cost) for _, name, _, date, cost in stored] == [
        ("Dock WD22TB4", dt.date(2026, 11, 3), Decimal("289.00")),
        ("Dock WD22TB4", dt.date(2026, 11, 3), Decimal("289.00")),
    ]
