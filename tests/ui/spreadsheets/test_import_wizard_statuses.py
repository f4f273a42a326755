"""The import wizard's dry run says what a Snipe-IT row checked out under a label other
than "Deployed" becomes, on the row (the preview table and the values list)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_import_wizard import click_next
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.spreadsheets.preview_model import PROBLEMS, TAG


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def test_the_dry_run_says_a_ready_to_deploy_row_with_an_assignee_is_installed(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "snipe.xlsx",
        [
            ["Asset Tag", "Asset Name", "Category", "Location", "Checked Out To: Username", "Status Label"],
            ["LAP-7", "Una's laptop", "Laptop", "Room A1", "user", "Ready to Deploy"],
            ["LAP-8", "Cracked", "Laptop", "Room A1", "user", "Broken"],
            ["LAP-9", "Spare", "Laptop", "Room A1", None, "Ready to Deploy"],
        ],
        sheet="Assets",
    )  # fmt: skip
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)

    model = wizard.preview_page.model
    shown = {
        model.index(r, TAG).data(): model.index(r, PROBLEMS).data() for r in range(model.rowCount())
    }
    assert not shown["LAP-7"]  # the ordinary case: said once, above the table
    assert (
        "Status Label 'Ready to Deploy' with a person in Checked Out To: Username: imported "
        "as In service — received, then installed for that person (Snipe-IT shows a "
        "checked-out asset with a deployable label as 'Deployed'): 1 row (row 2)"
    ) in wizard.preview_page.references.text()
    assert shown["LAP-8"].startswith(
        "Status Label 'Broken' and Checked Out To: Username 'user': imported as In repair: "
        "received, installed for user, then changed to In repair; it stays assigned to user."
    )
    assert not shown["LAP-9"]
    values = wizard.preview_page.values.toPlainText()
    assert "row 3 LAP-8:" in values and "warning: Status Label 'Broken' and" in values

    click_next(qtbot, wizard, RESULT)
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-7").row.status == "in_service"
        assert asset_detail(s, tag="LAP-8").row.status == "in_repair"
        assert asset_detail(s, tag="LAP-9").row.status == "in_stock"
