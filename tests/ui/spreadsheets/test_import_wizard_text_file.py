"""A CSV file in the import wizard: no empty sheet list — the second page says what
reading the file found (delimiter, encoding, header row, rows), and Back/Next go through
it as through a workbook's sheet page."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_glpi_itop_cli import GLPI_HEADER, glpi_file
from tests.ui.spreadsheets.test_import_wizard import click_next, shoot
from ui.gui.spreadsheets.import_wizard import FILE, MAPPING, PREVIEW, RESULT, SHEET, ImportWizard


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def open_wizard(qtbot: QtBot, world: World, path: Path) -> ImportWizard:
    wizard = ImportWizard(world.db, "admin")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.keyClicks(wizard.file_page.path, str(path))
    return wizard


def test_a_csv_shows_what_reading_it_found_instead_of_a_sheet_list(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    # As German Excel saves "CSV (Trennzeichen-getrennt)": semicolons, Windows-1252.
    path = tmp_path / "Inventar.csv"
    path.write_bytes(
        "Inventarliste Büro Zürich;;;\r\n"
        "Asset Tag;Asset Name;Category;Location\r\n"
        "LAP-7;Laptop Müller;Laptop;Room A1\r\n"
        "LAP-8;Laptop Groß;Laptop;Room A1\r\n".encode("cp1252")
    )
    wizard = open_wizard(qtbot, world, path)
    click_next(qtbot, wizard, SHEET)
    page = wizard.sheet_page
    assert not page.sheets.isVisible() and not page.sheets_label.isVisible()
    assert page.text_file.isVisible()
    assert "File and matching" in page.title.text()
    assert page.text_file.text() == (
        "A text (CSV) file has no sheets: it is read whole.\n\n"
        "Delimiter: semicolon (;)\n"
        "Encoding: Windows-1252 (Western European)\n"
        "Header: row 2, naming 4 known columns\n"
        "Rows below the header: 2"
    )
    assert page.match.isVisible() and page.date_order.isVisible()  # still chosen here
    shoot(wizard, "import-2-text-file.png")

    # Back and Next go through the page both ways; Next from it reads nothing again.
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == FILE
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    assert "The header is in row 2" in wizard.mapping_page.summary.text()
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == SHEET and page.text_file.isVisible()
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    assert "2 create" in wizard.preview_page.summary.text()
    click_next(qtbot, wizard, RESULT)
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-8").row.name == "Laptop Groß"


def test_a_workbook_still_lists_its_sheets_after_a_csv(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    csv_path = tmp_path / "plain.csv"
    csv_path.write_text("Asset Tag,Asset Name\nLAP-1,x\n", encoding="utf-8")
    wizard = open_wizard(qtbot, world, csv_path)
    click_next(qtbot, wizard, SHEET)
    assert "Delimiter: comma (,)" in wizard.sheet_page.text_file.text()
    assert "Encoding: UTF-8\n" in wizard.sheet_page.text_file.text()
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    book = write_workbook(tmp_path / "book.xlsx", [["Asset Tag"], ["LAP-1"]], sheet="Assets")
    workbook = openpyxl.load_workbook(book)
    workbook.create_sheet("Totals").append(["Laptops", 1])  # a second sheet with data
    workbook.save(book)
    wizard.file_page.path.clear()
    qtbot.keyClicks(wizard.file_page.path, str(book))
    click_next(qtbot, wizard, SHEET)
    page = wizard.sheet_page
    assert page.sheets.isVisible() and not page.text_file.isVisible()
    assert "Sheet and matching" in page.title.text()
    assert [page.sheets.item(n).text() for n in range(page.sheets.count())][1:] == [
        "Assets",
        "Totals",
    ]


DATA = Path(__file__).parents[2] / "data" / "spreadsheets"


def test_a_workbook_with_one_sheet_holding_data_offers_no_sheet_choice(
    qtbot: QtBot, world: World
) -> None:
    """Excel 2007 saved three sheets, data on the first only (openpyxl's bug304.xlsx): no
    list to choose from, the page says which sheet is read and what reading it found."""
    wizard = open_wizard(qtbot, world, DATA / "bug304.xlsx")
    click_next(qtbot, wizard, SHEET)
    page = wizard.sheet_page
    assert not page.sheets.isVisible() and not page.sheets_label.isVisible()
    assert page.text_file.text() == (
        "The workbook has one sheet with data, 'Sheet1': it is read.\n\n"
        "Header: row 1, naming no known column (map the columns by hand on the next page)\n"
        "Rows below the header: 7"
    )
    assert "Sheet and matching" in page.title.text()
    assert page.match.isVisible() and page.date_order.isVisible()
    click_next(qtbot, wizard, MAPPING)
    assert wizard.table is not None and wizard.table.sheet == "Sheet1"
    header = wizard.mapping_page.table.item(1, 0)
    assert header is not None and header.text() == "ФИО"


def test_an_empty_csv_stays_on_the_file_page_with_a_message(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n", encoding="utf-8")
    wizard = open_wizard(qtbot, world, path)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.worker is None and bool(wizard.message.text()), timeout=15_000)
    assert wizard.pages.currentIndex() == FILE
    assert "blank.csv" in wizard.message.text()


def test_the_semicolon_ending_every_glpi_line_is_no_column(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, world, glpi_file(tmp_path / "glpi.csv"))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    table = wizard.mapping_page.table
    assert [str(table.model().index(n, 0).data()) for n in range(table.rowCount())] == GLPI_HEADER
    assert "of 18 columns are imported" in wizard.mapping_page.summary.text()
    assert "Column S" not in wizard.mapping_page.summary.text()
    # GLPI's entity and last update are kept as custom fields of their own name.
    for header, key in (("Entity", "entity"), ("Last update", "previous_last_update")):
        combo = table.cellWidget(GLPI_HEADER.index(header), 2)
        assert isinstance(combo, QComboBox)
        assert combo.currentData() == "new_custom." + key
        assert combo.currentText() == f"New custom field '{key}'"
    click_next(qtbot, wizard, PREVIEW)
    click_next(qtbot, wizard, RESULT)
    with world.db.read() as s:
        detail = asset_detail(s, tag="INV-0043")
    assert detail.custom_fields == {
        "entity": "Root entity > Paris",
        "previous_last_update": "2024-05-03 10:12",
    }
    labels = [d["label"] for d in detail.custom_field_definitions]
    assert labels == ["Entity", "Last update (previous tool)"]


def test_hidden_sheets_are_not_offered(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    """openpyxl's hidden_sheets.xlsx (Excel 2016): one visible sheet and two hidden ones
    holding 'Do Not Show'. The hidden ones were listed "(hidden)" and made the wizard ask
    which sheet: one visible sheet is no choice; beside another visible one, only the two
    visible sheets are offered."""
    wizard = open_wizard(qtbot, world, DATA / "hidden_sheets.xlsx")
    click_next(qtbot, wizard, SHEET)
    page = wizard.sheet_page
    assert not page.sheets.isVisible() and not page.sheets_label.isVisible()
    assert page.text_file.text().startswith(
        "The workbook has one sheet with data, 'Sheet': it is read.\n\nHeader: row 1"
    )
    click_next(qtbot, wizard, MAPPING)
    assert wizard.table is not None and wizard.table.sheet == "Sheet"
    header = wizard.mapping_page.table.item(0, 0)
    assert header is not None and header.text() == "LastName"

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Assets"
    first.append(["Asset Tag", "Asset Name", "Category", "Location"])
    first.append(["LAP-1", "ThinkPad", "Laptop", "Room A1"])
    book.create_sheet("Lists").append(["Laptop", "Monitor"])
    book["Lists"].sheet_state = "hidden"
    book.create_sheet("Totals").append(["Laptops", 1])
    path = tmp_path / "register.xlsx"
    book.save(path)
    other = open_wizard(qtbot, world, path)
    click_next(qtbot, other, SHEET)
    sheets = other.sheet_page.sheets
    assert sheets.isVisible()
    assert [sheets.item(n).text() for n in range(sheets.count())][1:] == ["Assets", "Totals"]
