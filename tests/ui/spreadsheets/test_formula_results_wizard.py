"""The import wizard's dry-run page on a register written by a script (openpyxl): its
formulas have no saved result. Each such cell is named and its row refused — read as
empty, a new asset's formula name looked missing and a formula's edit was not imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt

from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_formula_results_cli import ADVICE, write_register
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from tests.ui.spreadsheets.test_migration_files import assets
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def test_the_dry_run_page_names_each_formula_without_a_result_and_refuses_its_row(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    path = write_register(tmp_path / "register.xlsx", edited=True)
    wizard = open_wizard(qtbot, world, path)
    wizard.resize(1100, 760)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    summary = wizard.preview_page.summary.text()
    assert "3 rows — 1 create" in summary, summary
    below = wizard.preview_page.values.toPlainText()
    assert (
        'row 2: refused: Notes: a formula with no saved result (="moved to "&"Room A2"); ' + ADVICE
    ) in below, below
    assert (
        'row 4: refused: Name: a formula with no saved result (=CONCAT("Desk ","screen")); '
        f"{ADVICE}; Notes: a formula with no saved result (=SUM(1,2)); {ADVICE}"
    ) in below, below
    # The refused rows are left out when the user says so: "valid rows only".
    valid_only = wizard.preview_page.valid_only
    qtbot.mouseClick(valid_only, Qt.MouseButton.LeftButton, pos=QPoint(4, valid_only.height() // 2))
    assert valid_only.isChecked()
    click_next(qtbot, wizard, RESULT)
    assert {a.serial_number for a in assets(world.db).values()} == {"SN-F2"}
