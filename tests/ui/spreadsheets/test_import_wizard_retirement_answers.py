"""The import wizard refuses a row that decommissions an existing asset without the form's
evidence, says where to give it, and records it once typed in its box (a new user's
finding, 2026-12-06: the decommission was recorded with neither)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.approval_templates import set_approval_rule
from tests.factories import seed_world
from tests.ui.spreadsheets.test_import_wizard import click_next, shoot
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.spreadsheets.preview_model import PROBLEMS, TAG


def test_the_evidence_typed_in_the_wizard_is_recorded_on_the_decommission(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-000002", name="Retired")
    set_approval_rule(sqlite_db, ProcedureKind.DECOMMISSION, mode="never")
    path = tmp_path / "retire.csv"
    path.write_text("Asset Tag,Status\nLAP-000002,Archived\n")

    wizard = ImportWizard(sqlite_db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    model = wizard.preview_page.model
    assert model.index(0, TAG).data() == "LAP-000002"
    problems = model.index(0, PROBLEMS).data()
    assert "the decommission this row records needs 'Data sanitisation method'" in problems
    assert ("give it as Wipe evidence under 'Evidence for retirements'") in problems
    assert "0 update, 0 unchanged, 0 conflicts, 1 error" in wizard.preview_page.summary.text()

    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == MAPPING)
    page = wizard.mapping_page
    qtbot.mouseClick(page.answers["sanitisation_method"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.answers["sanitisation_method"], "No data-bearing media")
    qtbot.mouseClick(page.answers["evidence_reference"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.answers["evidence_reference"], "WIPE-7")
    shoot(wizard, "import-3-retirement-evidence.png")
    click_next(qtbot, wizard, PREVIEW)
    assert "1 update" in wizard.preview_page.summary.text()
    assert not model.index(0, PROBLEMS).data()
    click_next(qtbot, wizard, RESULT)

    with sqlite_db.read() as s:
        detail = asset_detail(s, tag="LAP-000002")
    assert detail.row.status == "decommissioned"
    (decommission,) = [h for h in detail.history if h.kind == "decommission"]
    assert decommission.answers["sanitisation_method"] == "No data-bearing media"
    assert decommission.answers["evidence_reference"] == "WIPE-7"
