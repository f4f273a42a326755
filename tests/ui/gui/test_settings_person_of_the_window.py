"""File › Settings › Signed-in person on a window that works on another database than the
saved one (``assetdesk --database FILE``, a kit opened in the window).

Found by a new user: with the window on demo.sqlite3, Settings showed (and kept) the person
of the default local file, so nobody could sign in as an approver of the open database
from the window; the person typed went to a database the window was not using."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.settings import Settings, signed_in_person
from desktop.storage.database import Database
from desktop.storage.urls import default_database_url
from tests.factories import seed_world
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
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    QApplication.processEvents()
    assert window.username == "infra"
    assert window.view.user_label.text() == "Signed in as infra"
    saved = Settings(settings.path)
    assert signed_in_person(saved, sqlite_db.url) == "infra"
    assert signed_in_person(saved, default_database_url()) == ""  # not the default file's
