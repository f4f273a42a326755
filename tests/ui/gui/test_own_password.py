"""File › Change my password: a person on a shared server rotates their own password in
the window (found by a new user: a team lead looked for it in the window; only
``assetdesk users set-password`` on a terminal could, as the page that made the login
said)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.users import add_user
from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.factories import seed_world
from tests.ui.cli.test_users_cli import _can_log_in
from tests.ui.gui.conftest import Register, show_window
from ui.gui.main_window import MainWindow
from ui.gui.own_password_dialog import OwnPasswordDialog

OLD, NEW = "technician-password", "a-new-one-for-tom-42"


@pytest.fixture
def tom(tmp_path: Path, _sqlite_template_dir: Path) -> Iterator[tuple[Database, Database, str]]:
    for owner in make_database("postgresql", tmp_path, _sqlite_template_dir):
        owner.upgrade()
        seed_world(owner)
        with owner.connect() as connection:
            login = f"{database_name(connection)}_tom"
        add_user(owner, login=login, roles=["technician"], password=OLD, name="Tom")
        as_tom = Database(owner.url.set(username=login, password=OLD))
        yield owner, as_tom, login


def _window(qtbot: QtBot, database: Database, tmp_path: Path) -> MainWindow:
    settings = Settings(tmp_path / "settings.ini")
    return show_window(qtbot, database, settings, tmp_path / "layout", timeout=15_000)


def _open(qtbot: QtBot, window: MainWindow) -> OwnPasswordDialog:
    assert window.password_action.isEnabled()
    window.password_action.trigger()  # File › Change my password…
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, OwnPasswordDialog)
    return dialog


def _type(qtbot: QtBot, dialog: OwnPasswordDialog, new: str, repeated: str) -> None:
    assert dialog.focusWidget() is dialog.new_edit
    qtbot.keyClicks(dialog.new_edit, new)
    qtbot.keyClick(dialog.new_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.repeat_edit, repeated)
    qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Return)


def test_a_person_changes_their_own_password_and_the_window_reconnects(
    qtbot: QtBot, tom: tuple[Database, Database, str], tmp_path: Path
) -> None:
    owner, as_tom, login = tom
    window = _window(qtbot, as_tom, tmp_path)
    dialog = _open(qtbot, window)
    assert login in dialog.intro.text()
    _type(qtbot, dialog, NEW, NEW[:-1] + "3")
    assert dialog.message.text() == "The two passwords differ: type the same new password twice."
    assert _can_log_in(owner, login, OLD)

    dialog.repeat_edit.clear()
    with qtbot.waitSignal(dialog.changed, timeout=20_000):
        qtbot.keyClicks(dialog.repeat_edit, NEW)
        qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Return)
    assert dialog.message.text().startswith(f"The password of {login} was changed.")
    assert NEW not in dialog.message.text()
    assert _can_log_in(owner, login, NEW) and not _can_log_in(owner, login, OLD)
    focused = QApplication.focusWidget() or dialog.cancel_button
    qtbot.keyClick(focused, Qt.Key.Key_Return)  # Close
    qtbot.waitUntil(lambda: window.database.url.password == NEW, timeout=15_000)
    qtbot.waitUntil(lambda: window.view.user_label.text() == f"Signed in as {login}")
    window.close()
    as_tom.dispose()


def test_a_local_file_has_no_password_to_change(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = _window(qtbot, register.db, tmp_path)
    assert not window.password_action.isEnabled()
    window.close()
