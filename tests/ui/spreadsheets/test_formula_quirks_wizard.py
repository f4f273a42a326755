"""The import wizard on files written by a script (openpyxl: no formula has a saved
result): a column title computed by a formula refuses the file, naming the cell, on the
file page; a file of formulas without results says so once, first on the dry-run page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.spreadsheets.formula_files import ADVICE, HEADER
from tests.ui.spreadsheets.test_formula_quirks_cli import register
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from tests.ui.spreadsheets.test_migration_files import assets
from ui.gui.spreadsheets.import_wizard import FILE, MAPPING, PREVIEW, SHEET


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def test_a_column_title_without_a_saved_result_is_named_on_the_file_page(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    header = ["Name", "Category", '="Serial "&"number"', "Location"]
    path = register(
        tmp_path / "titles.xlsx", [["Sales laptop", "Laptop", "SN-1", "Room A1"]], header
    )
    wizard = open_wizard(qtbot, world, path)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    expected = (
        "titles.xlsx, sheet Assets, cell C1: the column title is a formula with no saved "
        f'result (="Serial "&"number"); {ADVICE}, or type the title; this file was saved by '
        "a program that does not compute formulas"
    )
    qtbot.waitUntil(lambda: expected in wizard.message.text(), timeout=15_000)
    qtbot.waitUntil(lambda: wizard.worker is None)
    assert wizard.pages.currentIndex() == FILE
    assert assets(world.db) == {}


def test_the_dry_run_page_says_first_that_no_formula_of_the_file_has_a_result(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    rows = [
        [f'="Laptop "&{n}', "Laptop", f"SN-{n}", "Room A1", "x", f"=100*{n}"] for n in range(40)
    ]
    path = register(tmp_path / "generated.xlsx", rows, [*HEADER, "With VAT"])
    wizard = open_wizard(qtbot, world, path)
    wizard.resize(1100, 760)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    summary = wizard.mapping_page.summary.text()
    assert "Not imported: With VAT (formulas with no saved result)." in summary, summary
    click_next(qtbot, wizard, PREVIEW)
    assert "40 error" in wizard.preview_page.summary.text(), wizard.preview_page.summary.text()
    shown = wizard.preview_page.references.text() + "\n" + wizard.preview_page.values.toPlainText()
    said = "This file was saved by a program that does not compute formulas"
    assert said in shown, shown
    assert shown.count(said) == 1
    assert shown.index(said) < shown.index("row 2: refused: Name: a formula with no saved result")
    assert "Name is required" not in shown, shown
    assert "Columns not imported: With VAT (formulas with no saved result)" in shown, shown
