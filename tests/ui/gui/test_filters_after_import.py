"""The filters' lists follow the register: someone leaving Snipe-IT imported their export
into a new local file and looked for what Tess Tech has: "Anyone" still offered the
nobody of the window's start (the lists were read once, at start), so "tess" found no one
and Enter left every asset shown (newuser18)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from desktop.services import reference
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.ui.gui.conftest import show_window
from tests.ui.keys import press_key, the_open_list, type_keys
from tests.ui.spreadsheets.test_import_wizard import click_next
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard

SNIPE_IT = Path(__file__).parents[2] / "data/spreadsheets/migration/snipeit_asset_list.csv"


def test_after_a_snipe_it_import_assigned_to_offers_its_people(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    with sqlite_db.write() as session:
        reference.create_person(session, name="Solo", username="solo", roles=["administrator"])
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "l.ini")
    bar = window.view.filter_bar
    qtbot.waitUntil(lambda: bar.assignee.findText("Solo") > 0, timeout=10_000)
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Import a spreadsheet…")
    action.trigger()
    wizard = next(d for d in window.open_dialogs if isinstance(d, ImportWizard))
    qtbot.keyClicks(wizard.file_page.path, str(SNIPE_IT))
    click_next(qtbot, wizard, SHEET)
    for page in (MAPPING, PREVIEW, RESULT):
        click_next(qtbot, wizard, page)
    wizard.close()
    qtbot.waitUntil(lambda: window.model.matching_assets == 2, timeout=10_000)

    edit = bar.assignee.lineEdit()
    assert edit is not None
    window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # "Anyone" goes
    type_keys(qtbot, "tess")
    popup = the_open_list(qtbot)
    assert popup.isVisible()
    press_key(qtbot, Qt.Key.Key_Return)  # the highlighted one: Tess Tech
    qtbot.waitUntil(lambda: window.model.matching_assets == 1, timeout=10_000)
    assert bar.assignee.currentText() == "Tess Tech"
    row = window.model.row_at(0)
    assert row is not None and row.tag == "DSK-5002"

    # Read again (F5), the lists keep what is chosen.
    qtbot.keyClick(window.view.table, Qt.Key.Key_F5)
    qtbot.wait(500)
    assert bar.assignee.currentText() == "Tess Tech"
    assert window.model.matching_assets == 1
    window.close()
