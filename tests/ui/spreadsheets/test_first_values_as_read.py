"""The mapping page's "First values" say a file's numbers as the spreadsheet shows them.

A finance person opened calamine's ``inventory-table.xlsx`` (an Excel Table: Item 1, 2,
3; Quantity 50, 200, 60) in the wizard and read "1.0 | 2.0 | 3.0" and "50.0 | 200.0 |
60.0" (newuser21): the table's reader gives whole numbers as floats, and the page showed
Python's ``str``. It shows each value as the import reads it (``clean_text``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from ui.gui.spreadsheets.import_wizard import MAPPING, SHEET, ImportWizard

INVENTORY = Path(__file__).parents[2] / "data" / "spreadsheets" / "inventory-table.xlsx"


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def _next_by_key(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "&Next >"
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=15_000
    )


def test_whole_numbers_of_an_excel_table_read_as_written(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, world, Path(shutil.copy(INVENTORY, tmp_path / INVENTORY.name)))
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5000)
    _next_by_key(qtbot, wizard, SHEET)
    _next_by_key(qtbot, wizard, MAPPING)
    table = wizard.mapping_page.table
    shown = {}
    for row in range(table.rowCount()):
        header, values = table.item(row, 0), table.item(row, 1)
        assert header is not None and values is not None
        shown[header.text()] = values.text()
    assert shown["Item"].startswith("1 | 2 | 3"), shown
    assert shown["Quantity"].startswith("50 | 200 | 60"), shown
    assert shown["Type"].startswith("Apple | Banana | Orange"), shown
