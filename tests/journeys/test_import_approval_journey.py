"""An importer in the main window meets a template that wants approval.

Opened with the shortcut, the wizard's dry run says which rows will wait for approval
(in the summary and in the row's Approval column); after the import those assets are
unchanged and the procedures wait in the approvals inbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import pending_approvals
from desktop.services.queries import asset_detail
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.approval_templates import set_approval_rule
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World, seed_world
from tests.journeys.test_importer_journey import click, next_page
from ui.gui import file_dialogs
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.spreadsheets.preview_model import APPROVAL, TAG


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Old name")
    world.receive(tag="LAP-2", name="Spare")
    set_approval_rule(sqlite_db, ProcedureKind.CHANGE, mode="always", approvers=2)
    return world


@pytest.fixture
def window(qtbot: QtBot, world: World, tmp_path: Path) -> Iterator[MainWindow]:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    main = MainWindow(world.db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    yield main
    if main.isVisible():
        main.close()


def test_the_dry_run_shows_rows_waiting_for_approval_and_the_import_leaves_them_pending(
    qtbot: QtBot,
    window: MainWindow,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = write_workbook(
        tmp_path / "edits.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Status"],
            ["LAP-1", "New name", "Laptop", "Room A1", ""],
            ["LAP-2", "Spare", "Laptop", "Room A1", "Archived"],
            ["LAP-3", "Fresh", "Laptop", "Room A1", ""],
        ],
    )
    qtbot.keyClick(
        window,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: any(isinstance(d, ImportWizard) for d in window.open_dialogs))
    (wizard,) = [d for d in window.open_dialogs if isinstance(d, ImportWizard)]
    qtbot.waitExposed(wizard)
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(source), ""))
    click(qtbot, wizard.file_page.browse)
    next_page(qtbot, wizard, SHEET)
    next_page(qtbot, wizard, MAPPING)
    # Retiring LAP-2 needs the decommission form's evidence, given for all rows.
    answers = wizard.mapping_page.answers
    qtbot.mouseClick(answers["sanitisation_method"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(answers["sanitisation_method"], "No data-bearing media")
    qtbot.mouseClick(answers["evidence_reference"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(answers["evidence_reference"], "WIPE-2")
    next_page(qtbot, wizard, PREVIEW)

    page = wizard.preview_page
    assert "1 create, 2 update, 0 unchanged, 0 conflicts, 0 errors; 2 wait for approval" in (
        page.summary.text()
    )
    assert "2 rows wait for approval" in page.references.text()
    model = page.model
    approval = {
        model.index(r, TAG).data(): model.index(r, APPROVAL).data() for r in range(model.rowCount())
    }
    assert approval == {
        "LAP-1": "pending: the change waits for 2 approvals; the asset stays as it is",
        "LAP-2": "pending: the decommission waits for 2 approvals; the asset stays as it is",
        "LAP-3": "",
    }

    next_page(qtbot, wizard, RESULT)
    assert "2 rows wait for approval" in wizard.result_page.summary.text()
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-1").row.name == "Old name"
        assert asset_detail(s, tag="LAP-2").row.status == "in_stock"
        assert asset_detail(s, tag="LAP-3").row.name == "Fresh"
        waiting = sorted((p.asset_tag, p.kind) for p in pending_approvals(s))
    assert waiting == [("LAP-1", "change"), ("LAP-2", "decommission")]
