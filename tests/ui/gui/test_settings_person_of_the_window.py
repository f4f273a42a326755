"""File › Settings › Signed-in person on a window that works on another database than the
saved one (``assetdesk --database FILE``, a kit opened in the window).

Found by a new user: with the window on demo.sqlite3, Settings showed (and kept) the person
of the default local file, so nobody could sign in as an approver of the open database
from the window; the person typed went to a database the window was not using."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.local_user import LOCAL_ROLES
from desktop.settings import Settings, signed_in_person
from desktop.storage.database import Database
from desktop.storage.models import Person
from desktop.storage.urls import default_database_url
from tests.factories import seed_world
from tests.ui.windows import closed
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.settings_dialog import SettingsDialog


def test_the_person_chosen_is_the_one_of_the_database_the_window_works_on(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    settings = Settings(tmp_path / "settings.ini")  # nothing saved: the default local file
    window = MainWindow(sqlite_db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(
        lambda: window.view.user_label.text().startswith("Signed in as"), timeout=10_000
    )
    assert window.settings_action.isEnabled()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SettingsDialog)
    # It says whose person this is, and offers the people of the window's database.
    assert dialog.person_scope.isVisible()
    assert str(sqlite_db.url.database) in dialog.person_scope.text()
    qtbot.waitUntil(lambda: dialog.user_combo.findData("infra") >= 0, timeout=20_000)
    dialog.user_combo.setCurrentIndex(dialog.user_combo.findData("infra"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    QApplication.processEvents()
    assert window.username == "infra"
    assert window.view.user_label.text() == "Signed in as infra"
    saved = Settings(settings.path)
    assert signed_in_person(saved, sqlite_db.url) == "infra"
    assert signed_in_person(saved, default_database_url()) == ""  # not the default file's


def test_a_new_user_adds_themselves_to_a_new_local_file_from_the_settings(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A field technician on a brand-new file typed their name as the signed-in person and
    met "nobody in this database has the user name 'Ana Field'", with only the computer's
    user to pick and Data › People behind the dialog (newuser18)."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "field")
    settings = Settings(tmp_path / "settings.ini")
    window = MainWindow(sqlite_db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as field", timeout=10_000)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitUntil(lambda: dialog.user_combo.findData("field") >= 0, timeout=20_000)
    edit = dialog.user_combo.lineEdit()
    assert edit is not None
    edit.setFocus()
    qtbot.keyClicks(edit, "Ana Field")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text().startswith(
        "Not saved: nobody in this database has the user name 'Ana Field'."
    )
    button = dialog.add_person_button
    assert button.isVisible() and button.isEnabled()
    assert button.text() == "Add 'Ana Field' to this file's people and si&gn in"
    qtbot.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    QApplication.processEvents()
    assert window.username == "ana.field"
    assert window.view.user_label.text() == "Signed in as ana.field"
    assert signed_in_person(Settings(settings.path), sqlite_db.url) == "ana.field"
    with sqlite_db.read() as session:
        person = session.execute(select(Person).where(Person.username == "ana.field")).scalar_one()
        assert person.name == "Ana Field"
        assert sorted(r.name for r in person.roles) == sorted(LOCAL_ROLES)
    window.close()
