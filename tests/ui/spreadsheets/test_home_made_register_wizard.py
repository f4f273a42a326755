"""An IT manager's home-made Excel register through the import wizard, by its keys.

The register as such files are (newuser26 under Xvfb): a title and a "maintained by" line
above the header, a merged group row over it, a hidden column, dates as text and as Excel
dates, prices with a pound sign (one with the decimal comma), a blank row in the middle,
a totals row of formulas with their results at the end, people as "Surname, Name", and
the machine named in "Description" with its maker in "Make".

The maker went to the notes ("Make: Dell") and the asset showed no manufacturer: the
Columns page said "no column gives the Model that would hold the manufacturer" and not
what to do. It now says that the column imported as the name may be the model; taking
that advice by keys gives each asset its manufacturer and model, and its name still.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QComboBox

from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.factories import seed_world
from tests.ui.spreadsheets.wizard_keys import next_page
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard

HEADER = ["Asset No", "Description", "Type", "Make", "Serial No.", "Purchase date", "Price",
          "Supplier", "Location", "Internal ref", "Assigned to", "Notes"]  # fmt: skip
ROWS: list[list[object]] = [
    ["ACM-001", "Dell Latitude 5420", "Laptop", "Dell", "7XK2Q93", "12/01/2022", "£1,049.00",
     "Dell UK", "London HQ / 2nd floor", "X-77", "Smith, John", "battery replaced 2024"],
    ["ACM-002", "Dell Latitude 5420", "Laptop", "Dell", "8YL3R04", dt.datetime(2022, 1, 12),
     1049, "Dell UK", "London HQ / 2nd floor", "X-78", "Patel, Priya", None],
    ["ACM-003", "Lenovo ThinkPad T14", "Laptop", "Lenovo", "PF2ABCDE", "25/11/2023",
     "£1.199,00", "Insight", "Manchester office", "X-80", "Nowak, Kasia", None],
    [None] * 12,
    ["ACM-004", "HP LaserJet Pro M404dn", "Printer", "HP", "PHBBB12345", "17/07/2018", "£ 245",
     "CDW", "London HQ / 2nd floor", "X-84", None, "toner 59A"],
]  # fmt: skip


def home_made_register(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "IT Register 2025"
    sheet["A1"] = "ACME Ltd — IT equipment register"
    sheet.merge_cells("A1:L1")
    sheet["A2"] = "Maintained by J. Bloggs, last reviewed 14/03/2025"
    for cell, title, span in (("A4", "Equipment", "A4:E4"), ("F4", "Purchase", "F4:H4")):
        sheet[cell] = title
        sheet.merge_cells(span)
    for number, title in enumerate(HEADER, 1):
        sheet.cell(row=5, column=number, value=title)
    for offset, values in enumerate(ROWS):
        for number, value in enumerate(values, 1):
            cell = sheet.cell(row=6 + offset, column=number, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
    total = 6 + len(ROWS)
    sheet.cell(row=total, column=1, value="TOTAL")
    sheet.cell(row=total, column=7, value=f"=SUM(G6:G{total - 1})")
    sheet.column_dimensions["J"].hidden = True
    book.save(path)
    # Excel keeps each formula's last result beside it: openpyxl writes none.
    with zipfile.ZipFile(path) as packed:
        parts = {name: packed.read(name) for name in packed.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r"<f>(SUM\([^<]*\))</f>(<v\s*/>|<v></v>)?", r"<f>\1</f><v>1049</v>", xml
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        for name, data in parts.items():
            packed.writestr(name, data)
    return path


def test_the_columns_page_says_where_the_model_may_be_and_the_maker_is_kept(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    wizard = ImportWizard(world.db, "admin")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.file_page.path, str(home_made_register(tmp_path / "register.xlsx")))
    next_page(qtbot, wizard, SHEET)
    next_page(qtbot, wizard, MAPPING)
    summary = wizard.mapping_page.summary.text()
    assert "The header is in row 5." in summary
    assert (
        "Make: added to the notes as 'Make: …' (no column gives the Model that would hold "
        "the manufacturer; if 'Description' names the model, import it as Model: the model "
        "gives the asset its name too)."
    ) in summary

    combo = wizard.mapping_page.table.cellWidget(1, 2)
    assert isinstance(combo, QComboBox) and combo.currentData() == "name"
    combo.setFocus()
    qtbot.keyClicks(combo, "Model")  # a closed combo box goes to the item typed
    assert combo.currentData() == "model"
    assert "Make: added to the notes" not in wizard.mapping_page.summary.text()

    next_page(qtbot, wizard, PREVIEW)
    assert "4 rows — 4 create, 0 update" in wizard.preview_page.summary.text()
    next_page(qtbot, wizard, RESULT)
    with world.db.read() as session:
        laptop = asset_detail(session, tag="ACM-001").row
        printer = asset_detail(session, tag="ACM-004").row
    assert (laptop.name, laptop.manufacturer, laptop.model) == (
        "Dell Latitude 5420", "Dell", "Latitude 5420"
    )  # fmt: skip
    assert (printer.manufacturer, printer.model, printer.purchase_cost) == (
        "HP", "LaserJet Pro M404dn", Decimal("245.00")
    )  # fmt: skip
    assert laptop.assigned_to == "Smith, John"
