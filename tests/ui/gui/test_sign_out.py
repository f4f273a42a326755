"""File › Sign out…: on a shared desk the next person signs in with their own login (a new
user found no way to: the window went on recording, and approving, as the one before;
newuser16)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from desktop import credentials
from desktop.services.users import add_user
from desktop.settings import DATABASE_URL, Settings, signed_in_person
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.factories import seed_world
from tests.journeys.windows import button, message_box
from tests.keyrings import MemoryKeyring
from tests.ui.gui.conftest import Register, show_window
from tests.ui.windows import closed
from ui.gui.main_window import MainWindow

PASSWORD = "technician-password"


@pytest.fixture
def logins(tmp_path: Path, _sqlite_template_dir: Path) -> Iterator[tuple[Database, str, str]]:
    """A server with two technicians' logins: Tom's, then Ann's."""
    for owner in make_database("postgresql", tmp_path, _sqlite_template_dir):
        owner.upgrade()
        seed_world(owner)
        with owner.connect() as connection:
            prefix = database_name(connection)
        for who in ("tom", "ann"):
            add_user(
                owner, login=f"{prefix}_{who}", roles=["technician"], password=PASSWORD, name=who
            )
        yield owner, f"{prefix}_tom", f"{prefix}_ann"


def _window(qtbot: QtBot, database: Database, settings: Settings, tmp_path: Path) -> MainWindow:
    return show_window(qtbot, database, settings, tmp_path / "layout", timeout=15_000)


def _sign_out(qtbot: QtBot, window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu) and window.sign_out_action in file_menu.actions()
    assert window.sign_out_action.isEnabled()
    window.sign_out_action.trigger()  # File › Sign out…
    box = message_box(qtbot, containing="Sign out")
    assert box.defaultButton() is button(box, "Cancel")  # a scanner's Enter signs nobody out
    qtbot.mouseClick(button(box, "Sign out"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sign_out.sign_in is not None)


def test_signing_out_forgets_the_login_and_the_next_person_signs_in(
    qtbot: QtBot,
    logins: tuple[Database, str, str],
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    owner, tom, ann = logins
    where = f"{owner.url.host}:{owner.url.port}/{owner.url.database}"
    tom_url = f"postgresql://{tom}@{where}"  # as File › Settings saves it
    credentials.store_password(tom_url, PASSWORD)
    settings = Settings(tmp_path / "settings.ini")
    settings.set(DATABASE_URL, tom_url)
    as_tom = Database(owner.url.set(username=tom, password=PASSWORD))
    window = _window(qtbot, as_tom, settings, tmp_path)
    qtbot.waitUntil(lambda: window.view.user_label.text() == f"Signed in as {tom}")

    _sign_out(qtbot, window)
    assert credentials.get_password(tom_url) is None  # forgotten on this computer
    # The server as the settings wrote it (postgresql://), without a login: the next
    # start asks for one too.
    server_only = f"postgresql://{where}"
    assert settings.get(DATABASE_URL) == server_only
    assert signed_in_person(settings, tom_url) == ""
    sign_in = window.sign_out.sign_in
    assert sign_in is not None and sign_in.isVisible()
    assert sign_in.server_radio.isChecked()
    edit = sign_in.url_edit
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit)
    assert edit.text() == server_only and not edit.hasSelectedText()
    qtbot.keyClicks(edit, f"{ann}@")  # typed where the login goes
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(sign_in.password_edit, PASSWORD)
    qtbot.keyClick(sign_in.password_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: window.database.url.username == ann, timeout=20_000)
    qtbot.waitUntil(lambda: window.view.user_label.text() == f"Signed in as {ann}")
    assert window.isVisible() and window.isEnabled()
    window.close()


def test_nobody_signing_in_closes_the_window(
    qtbot: QtBot, logins: tuple[Database, str, str], tmp_path: Path
) -> None:
    """Cancel on the sign-in: the window is not left working as the person who left."""
    owner, tom, _ann = logins
    as_tom = Database(owner.url.set(username=tom, password=PASSWORD))
    window = _window(qtbot, as_tom, Settings(tmp_path / "settings.ini"), tmp_path)
    _sign_out(qtbot, window)
    sign_in = window.sign_out.sign_in
    assert sign_in is not None
    qtbot.keyClick(sign_in, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)


def test_a_local_file_has_nobody_to_sign_out(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = _window(qtbot, register.db, Settings(tmp_path / "settings.ini"), tmp_path)
    assert not window.sign_out_action.isEnabled()
    window.close()
