"""A new user's first Receive on an empty register: the form says where the categories and
locations it asks for are made (it offered two empty pick lists and "is required")."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow


def test_first_receive_on_an_empty_register_says_where_categories_are_made(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    with sqlite_db.write() as session:
        reference.create_person(session, name="Solo", username="solo", roles=["administrator"])
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    window = MainWindow(sqlite_db, settings, layout_state=LayoutState(tmp_path / "l.ini"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
    receive = window.procedure_actions[ProcedureKind.RECEIVE]
    assert receive.isEnabled()
    qtbot.keyClick(window.view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.open_dialogs), timeout=10_000)
    form = window.open_dialogs[-1]
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    problems = form.problems()
    assert (
        "Category is required: this register has no category yet — add one in Data › Categories"
    ) in problems
    assert (
        "Location is required: this register has no location yet — add one in Data › Locations"
    ) in problems
    assert "Data › Categories" in form.status_label.text()
    assert "Performed by" not in form.status_label.text()  # the person is known
