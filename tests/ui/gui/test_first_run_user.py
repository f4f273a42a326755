"""First run on a local file: nobody set a user, so the computer's user acts (created once)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.models import Person, Procedure
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.ui.spreadsheets.test_import_wizard import click_next
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard


def test_an_import_on_an_empty_local_file_is_recorded_as_the_os_user(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "jdoe")
    window = MainWindow(
        sqlite_db, Settings(tmp_path / "settings.ini"), layout_state=LayoutState(tmp_path / "l")
    )
    qtbot.addWidget(window)
    window.show()
    # Looked up (and created) once the window has painted: never before the first paint.
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as jdoe", timeout=10_000)
    with sqlite_db.read() as s:
        person = s.execute(select(Person).where(Person.username == "jdoe")).scalar_one()
        person_id = person.id
        assert {r.name for r in person.roles} == {
            "technician",
            "approver",
            "auditor",
            "administrator",
        }

    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0]))
                  if a.text() == "&Import a spreadsheet…")  # fmt: skip
    assert action.isEnabled()
    action.trigger()
    wizard = next(d for d in window.open_dialogs if isinstance(d, ImportWizard))
    path = write_workbook(
        tmp_path / "first.xlsx",
        [["Asset tag", "Name", "Category", "Location"], ["LAP-1", "Laptop", "Laptop", "Desk 1"]],
    )
    qtbot.keyClicks(wizard.file_page.path, str(path))
    click_next(qtbot, wizard, SHEET)  # file → sheet
    for page in (MAPPING, PREVIEW, RESULT):
        click_next(qtbot, wizard, page)
    with sqlite_db.read() as s:
        performers = set(s.execute(select(Procedure.performed_by_id)).scalars())
        assert performers == {person_id}
    window.close()
