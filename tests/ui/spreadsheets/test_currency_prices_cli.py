"""Prices written with their currency, imported through ``assetdesk import`` as a subprocess.

A new user's finding (2026-12-06): "1 299,00 kr" was refused as no amount, and "€1.299,00"
beside "$1,299.00" in one file were imported as 1299 and 1299 without a word: the sign
was dropped and costs in two currencies would be added up as one. The amount is read by
the cell's marks, and the dry run says the currency (the register keeps a cost without
one and converts nothing) and, loudly, when a file mixes currencies.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.cli_run import run_cli
from tests.factories import seed_world


def cli(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, env={"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}, timeout=120)


def costs(db: Database) -> dict[str, Decimal | None]:
    with db.read() as s:
        return {a.tag: a.purchase_cost for a in s.scalars(select(Asset))}


def _notes(payload: dict[str, Any]) -> list[str]:
    return [n for n in payload["notes"] if "currenc" in n]


def test_a_european_csv_in_crowns_is_read_and_its_currency_said(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    path = tmp_path / "inköp.csv"  # Excel in Sweden: semicolons, Windows-1252, CRLF
    path.write_bytes(
        "Asset Tag;Name;Category;Location;Purchase price\r\n"
        "LAP-000101;Ekonomi laptop;Laptop;Room A1;1 299,00 kr\r\n"
        "LAP-000102;Sälj laptop;Laptop;Room A1;12 450,50 kr\r\n"
        "LAP-000103;Reserv;Laptop;Room A1;899:-\r\n".encode("cp1252")
    )
    dry = cli(sqlite_db, "import", str(path), "--dry-run", "--json", "--as", "tech")
    payload = json.loads(dry.stdout)
    assert dry.returncode == 0, payload["errors"]
    assert payload["counts"]["create"] == 3
    (note,) = _notes(payload)
    assert note.startswith("Purchase price: the amounts are written in kr (crowns)")
    assert "nothing is converted" in note

    done = cli(sqlite_db, "import", str(path), "--as", "tech")
    assert done.returncode == 0, done.stdout + done.stderr
    assert costs(sqlite_db) == {
        "LAP-000101": Decimal("1299.00"),
        "LAP-000102": Decimal("12450.50"),
        "LAP-000103": Decimal("899"),
    }


def test_a_workbook_mixing_currencies_is_said_and_nothing_converted(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    path = tmp_path / "orders 2026.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asset Tag", "Name", "Category", "Location", "Purchase price"])
    sheet.append(["LAP-000201", "Berlin laptop", "Laptop", "Room A1", "€1.299,00"])  # typed as text
    sheet.append(["LAP-000202", "Boston laptop", "Laptop", "Room A1", "$1,299.00"])
    sheet.append(["LAP-000203", "London laptop", "Laptop", "Room A1", "GBP 450"])
    sheet.append(["LAP-000204", "Paris laptop", "Laptop", "Room A1", "1.099,-  €"])
    sheet.append(
        ["LAP-000205", "Spare", "Laptop", "Room A1", 799.5]
    )  # a number: no currency written
    book.save(path)

    dry = cli(sqlite_db, "import", str(path), "--dry-run", "--as", "tech")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    (line,) = [n for n in dry.stdout.splitlines() if "currenc" in n]
    assert line.startswith(
        "Note: Purchase price: the amounts are written in 3 different currencies"
    )
    assert "EUR (rows 2, 5)" in line
    assert "USD (row 3)" in line
    assert "GBP (row 4)" in line
    assert "no currency (row 6)" in line
    assert "NOT converted" in line
    assert costs(sqlite_db) == {}  # a dry run

    done = cli(sqlite_db, "import", str(path), "--as", "tech")
    assert done.returncode == 0, done.stdout + done.stderr
    assert costs(sqlite_db) == {
        "LAP-000201": Decimal("1299.00"),
        "LAP-000202": Decimal("1299.00"),
        "LAP-000203": Decimal("450"),
        "LAP-000204": Decimal("1099"),
        "LAP-000205": Decimal("799.5"),
    }


def test_words_that_name_no_currency_are_still_refused(sqlite_db: Database, tmp_path: Path) -> None:
    seed_world(sqlite_db)
    path = tmp_path / "prices.csv"
    path.write_text(
        "Asset Tag,Name,Category,Location,Purchase price\nLAP-000301,X,Laptop,Room A1,12 apples\n"
    )
    dry = cli(sqlite_db, "import", str(path), "--dry-run", "--as", "tech")
    assert dry.returncode == 1
    assert "'12 apples' is not an amount" in dry.stdout
