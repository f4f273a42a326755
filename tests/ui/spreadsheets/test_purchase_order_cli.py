"""A supplier's purchase order as procurement keeps it, imported through the command line as
a subprocess: a merged title, merged group headers above the real header, "Unit price" for
what each item cost, and a totals row whose "Total" is merged over the columns left of
its =SUM(…).

The totals row was refused ("Unit price: 'Total' is not an amount; Category: there is no
category 'Total'…"), which stopped the whole order, and each item's price went to the
notes as "Unit price: 1149.0".
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import select

from desktop.storage.models import Asset
from tests.factories import World
from tests.ui.spreadsheets.test_migration_files import cli, world  # noqa: F401 - a fixture


def write_purchase_order(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "PO 2026-0042"
    sheet["A1"] = "PURCHASE ORDER PO-2026-0042 — Apple Business"
    sheet.merge_cells("A1:G1")
    sheet["A2"], sheet["B2"] = "Order date", dt.datetime(2026, 11, 20)
    for cells, group in (("A4:C4", "Item"), ("D4:F4", "Pricing"), ("G4:G4", "Delivery")):
        sheet[cells.split(":")[0]] = group
        sheet.merge_cells(cells)
    header = ["Description", "Category", "Serial number", "Qty", "Unit price", "Line total"]
    sheet.append([*header, "Location"])
    items = [
        ("Finance laptop", "Laptop", "POSN-1001", 1149.0),
        ("Sales laptop", "Laptop", "POSN-1002", 1149.0),
        ("Desk screen", "Monitor", "POSN-2001", 189.99),
    ]
    for row, (name, category, serial, price) in enumerate(items, start=6):
        sheet.append([name, category, serial, 1, price, f"=D{row}*E{row}", "Room A1"])
    sheet.append(["Total", None, None, None, None, "=SUM(F6:F8)"])
    sheet.merge_cells("A9:E9")
    workbook.save(path)
    return path


def test_a_purchase_orders_totals_row_is_left_out_and_its_unit_prices_are_costs(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    order = write_purchase_order(tmp_path / "po_2026_0042.xlsx")
    dry = cli(world.db, "import", str(order), "--dry-run", "--json")
    assert "Traceback" not in dry.stderr, dry.stderr
    payload = json.loads(dry.stdout)
    assert payload["counts"]["create"] == 3, payload
    assert payload["counts"]["error"] == 0, payload
    assert payload["formula_only_rows"] == [9]
    fates = {c["header"]: c["fate"] for c in payload["columns"]}
    assert fates["Unit price"] == "imported as Purchase cost", fates

    done = cli(world.db, "import", str(order), "--as", "tech")
    assert done.returncode == 0, done.stdout + done.stderr
    with world.db.read() as session:
        bought = {
            str(a.serial_number): (a.purchase_cost, a.notes or "")
            for a in session.scalars(select(Asset).where(Asset.serial_number.like("POSN-%")))
        }
    assert sorted(bought) == ["POSN-1001", "POSN-1002", "POSN-2001"]
    assert bought["POSN-2001"][0] == Decimal("189.99")
    assert "Unit price" not in bought["POSN-1001"][1]

    # The same order imported again, finding the assets by serial number: nothing new.
    again = json.loads(
        cli(world.db, "import", str(order), "--match", "serial", "--dry-run", "--json").stdout
    )
    assert again["counts"]["create"] == 0 and again["counts"]["unchanged"] == 3, again["counts"]
