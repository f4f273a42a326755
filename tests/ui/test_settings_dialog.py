"""Settings: database choice, the password in the keyring only, the signed-in person."""

from __future__ import annotations

import getpass
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop import credentials
from desktop.settings import DATABASE_URL, DATE_FORMAT, Settings, signed_in_person
from desktop.storage.database import Database
from desktop.storage.urls import default_database_url
from tests.factories import seed_world
from tests.keyrings import MemoryKeyring
from tests.ui.mnemonics import mnemonics
from tests.ui.windows import closed
from ui.gui.settings_dialog import SettingsDialog

SERVER = "postgresql://assetdesk@127.0.0.1:5432/assetdesk_settings_test"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def server_answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The server the tests name opens (no server needed): the URLs it was opened with."""
    opened: list[str] = []

    def test_job(url: str) -> object:
        def job(progress: object, cancel: object) -> str:
            opened.append(url)
            return "Connected"

        return job

    monkeypatch.setattr("ui.gui.settings_dialog._test_job", test_job)
    return opened


def open_dialog(qtbot: QtBot, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    return dialog


def test_password_goes_to_the_keyring_never_the_file(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    qtbot.keyClicks(dialog.url_edit, SERVER)
    qtbot.keyClicks(dialog.password_edit, "s3cret-pw")
    with qtbot.waitSignal(dialog.database_changed) as changed:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    bare = SERVER  # as typed, without the password
    assert changed.args == [bare]
    assert server_answers[0].endswith("assetdesk:s3cret-pw@127.0.0.1:5432/assetdesk_settings_test")
    text = settings.path.read_text(encoding="utf-8")
    assert "s3cret-pw" not in text
    assert Settings(settings.path).get(DATABASE_URL) == bare
    assert credentials.get_password(bare) == "s3cret-pw"
    assert credentials.url_with_password(bare).endswith(
        "assetdesk:s3cret-pw@127.0.0.1:5432/assetdesk_settings_test"
    )


def test_password_typed_into_the_url_is_moved_to_the_keyring(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    dialog.url_edit.setText("mariadb://root:in-url-pw@db.example.org/assets")
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        dialog.save()
    assert "in-url-pw" not in settings.path.read_text(encoding="utf-8")
    assert list(memory_keyring.passwords.values()) == ["in-url-pw"]
    assert Settings(settings.path).get(DATABASE_URL) == "mariadb://root@db.example.org/assets"


def test_the_url_is_shown_as_it_was_typed(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    typed = "postgresql://Inventory@DB-01.example.org:6432/Assets_2024?sslmode=require"
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    qtbot.keyClicks(dialog.url_edit, typed)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    again = open_dialog(qtbot, Settings(settings.path))
    assert again.server_radio.isChecked()
    assert again.url_edit.text() == typed  # no driver name added, nothing re-spelt


def test_no_keyring_says_so_and_saves_nothing(
    qtbot: QtBot, settings: Settings, server_answers: list[str]
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        dialog = open_dialog(qtbot, settings)
        dialog.server_radio.setChecked(True)
        dialog.url_edit.setText(SERVER)
        dialog.password_edit.setText("s3cret-pw")
        dialog.save()
        qtbot.waitUntil(lambda: dialog.error_label.text() != "Opening the database…")
    finally:
        keyring.set_keyring(previous)
    assert dialog.isVisible()
    assert "no password store" in dialog.error_label.text()
    # What to do instead: ~/.pgpass, which the connection reads by itself (a new user was
    # told to put the whole URL, password and all, into ASSETDESK_DATABASE).
    assert "~/.pgpass" in dialog.error_label.text()
    assert "ASSETDESK_DATABASE" not in dialog.error_label.text()
    assert not settings.path.exists()


def test_test_connection_reports_success_and_failure(
    qtbot: QtBot, settings: Settings, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.path_edit.setText(str(tmp_path / "new.sqlite3"))
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith(("✔", "✖")), timeout=20_000)
    assert dialog.connection_label.text().startswith("✔ Connected to the local file")
    dialog.server_radio.setChecked(True)
    dialog.url_edit.setText("postgresql://nobody@127.0.0.1:1/nothing")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith(("✔", "✖")), timeout=20_000)
    assert "Cannot use the database PostgreSQL server 127.0.0.1:1" in dialog.connection_label.text()
    qtbot.waitUntil(lambda: not dialog.is_busy())
    # The answer wraps over several lines and is shown whole (a new user saw it clipped).
    label = dialog.connection_label
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5000)
    assert label.heightForWidth(label.width()) > label.fontMetrics().height() * 1.5


def test_person_is_chosen_from_the_people_of_the_database(
    qtbot: QtBot, settings: Settings, sqlite_db: Database, memory_keyring: MemoryKeyring
) -> None:
    seed_world(sqlite_db)
    settings.set(DATABASE_URL, sqlite_db.url.render_as_string(hide_password=False))
    dialog = open_dialog(qtbot, settings)
    qtbot.waitUntil(lambda: dialog.user_combo.count() > 5, timeout=20_000)
    dialog.user_combo.setCurrentIndex(dialog.user_combo.findData("infra"))
    dialog.date_combo.setCurrentIndex(dialog.date_combo.findData("dd.MM.yyyy"))
    with qtbot.assertNotEmitted(dialog.database_changed):
        dialog.save()
    saved = Settings(settings.path)
    # The person belongs to the database it was chosen for (a new user's person followed
    # them into every other database).
    assert signed_in_person(saved, sqlite_db.url) == "infra"
    assert signed_in_person(saved, "sqlite:////elsewhere/other.sqlite3") == ""
    assert saved.get(DATE_FORMAT) == "dd.MM.yyyy"


def test_typing_a_role_lists_the_people_who_hold_it(
    qtbot: QtBot, settings: Settings, sqlite_db: Database, memory_keyring: MemoryKeyring
) -> None:
    """A new user wanting a change approved looked for someone to sign in as: the list of
    people did not say who may approve. Each person is listed with their roles, and typing
    "approv" offers exactly those who hold that role."""
    seed_world(sqlite_db)
    settings.set(DATABASE_URL, sqlite_db.url.render_as_string(hide_password=False))
    dialog = open_dialog(qtbot, settings)
    qtbot.waitUntil(lambda: dialog.user_combo.count() > 5, timeout=20_000)
    assert dialog.user_combo.findText("Ivy Infra  ·  infra — approver, technician") >= 0
    edit = dialog.user_combo.lineEdit()
    assert edit is not None
    edit.setFocus()
    qtbot.keyClicks(edit, "approv")
    completer = dialog.user_combo.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    offered = [
        str(completer.completionModel().index(row, 0).data())
        for row in range(completer.completionModel().rowCount())
    ]
    assert offered == [
        "Abe Approver  ·  approver — approver",
        "Ada Approver  ·  approver2 — approver",
        "Ivy Infra  ·  infra — approver, technician",
        "Tom Tech  ·  tech2 — approver, technician",
    ]
    assert popup.currentIndex().row() == 0  # the list opens with the first highlighted
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert edit.text() == "Ada Approver  ·  approver2 — approver"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    assert signed_in_person(Settings(settings.path), sqlite_db.url) == "approver2"


def test_a_whole_user_name_typed_is_saved_with_one_click_on_ok(
    qtbot: QtBot, settings: Settings, sqlite_db: Database, memory_keyring: MemoryKeyring
) -> None:
    """The list pops up while typing; a whole user name needs none (the popup took the
    first click on OK)."""
    seed_world(sqlite_db)
    settings.set(DATABASE_URL, sqlite_db.url.render_as_string(hide_password=False))
    dialog = open_dialog(qtbot, settings)
    qtbot.waitUntil(lambda: dialog.user_combo.count() > 5, timeout=20_000)
    edit = dialog.user_combo.lineEdit()
    completer = dialog.user_combo.completer()
    assert edit is not None and completer is not None
    popup = completer.popup()
    assert popup is not None
    edit.setFocus()
    qtbot.keyClicks(edit, "inf")
    qtbot.waitUntil(popup.isVisible, timeout=5000)  # "Ivy Infra  ·  infra — …" offered
    qtbot.keyClicks(edit, "ra")
    qtbot.waitUntil(lambda: closed(popup), timeout=5000)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    assert signed_in_person(Settings(settings.path), sqlite_db.url) == "infra"


def test_local_file_is_chosen_with_the_file_dialog(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = tmp_path / "team" / "register.sqlite3"
    monkeypatch.setattr(
        "ui.gui.file_dialogs.get_save_file_name",
        lambda *args, **kwargs: (str(chosen), ""),
    )
    dialog = open_dialog(qtbot, settings)
    assert dialog.local_radio.isChecked()
    assert not dialog.url_edit.isEnabled()
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(chosen)
    with qtbot.waitSignal(dialog.database_changed, timeout=20_000) as changed:
        dialog.save()
    assert changed.args == [f"sqlite:///{chosen}"]
    assert memory_keyring.passwords == {}


def test_no_person_chosen_on_a_local_file_says_who_acts(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    """The field was blank while the status bar said "Signed in as root" (a new user)."""
    dialog = open_dialog(qtbot, settings)
    edit = dialog.user_combo.lineEdit()
    assert edit is not None and edit.text() == ""
    qtbot.waitUntil(lambda: getpass.getuser() in edit.placeholderText(), timeout=10_000)
    assert edit.placeholderText() == f"none chosen: {getpass.getuser()} acts (this computer's user)"


def test_person_typed_on_the_default_local_file_signs_them_in_there(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    """A new user on the local file of the data folder (no database chosen yet) types
    their person and presses OK: the window of that file signs them in. The person was
    kept under an empty database name, so nobody was ever signed in (found by a new user:
    the status bar kept "Signed in as root" and approvals refused the approver)."""
    dialog = open_dialog(qtbot, settings)
    assert dialog.local_radio.isChecked() and not dialog.path_edit.text()
    edit = dialog.user_combo.lineEdit()
    assert edit is not None
    edit.clear()
    qtbot.keyClicks(edit, "anna")
    with qtbot.assertNotEmitted(dialog.database_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    saved = Settings(settings.path)
    assert saved.get(DATABASE_URL) == ""
    assert signed_in_person(saved, default_database_url()) == "anna"


def test_each_alt_letter_of_the_settings_names_one_control(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    """Alt+S was both "Shared server" and "Signed-in person": pressed to reach the person,
    it moved the focus to the server choice (newuser4). The person is Alt+I now."""
    dialog = open_dialog(qtbot, settings)
    letters = mnemonics(dialog)
    assert {letter: texts for letter, texts in letters.items() if len(texts) > 1} == {}
    assert letters["i"] == ["Signed-&in person:"]
    assert letters["s"] == ["Shared &server (PostgreSQL or MariaDB)"]


def test_test_connection_counts_one_person_as_one_person(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    """Test connection said "…: schema up to date, 1 people." (found by a new user on
    a new server with its first login)."""
    from desktop.services.local_user import ensure_local_person

    path = tmp_path / "one.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    ensure_local_person(database, "ada")
    database.dispose()
    dialog = open_dialog(qtbot, settings)
    dialog.path_edit.setText(str(path))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith(("✔", "✖")), timeout=20_000)
    assert dialog.connection_label.text().endswith(": schema up to date, 1 person.")


def test_alt_s_then_typing_fills_the_server_url(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    """A new user pressed Alt+S (Shared server) and typed the URL: it went nowhere, the
    focus stayed on the radio button. The choice now takes the person to its field."""
    dialog = open_dialog(qtbot, settings)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.server_radio.isChecked)
    qtbot.waitUntil(dialog.url_edit.hasFocus)
    qtbot.keyClicks(QApplication.focusWidget(), SERVER)
    assert dialog.url_edit.text() == SERVER
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.path_edit.hasFocus)


def test_ok_and_cancel_stay_on_the_screen_after_a_long_answer(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    """On a 1280 × 800 screen the answer of Test connection (a server without the schema:
    three lines) made the dialog taller than the screen, OK and Cancel below its edge.
    The sections now scroll; the buttons and the answer stay in sight."""
    dialog = open_dialog(qtbot, settings)
    screen = dialog.screen().availableGeometry()
    dialog.server_radio.setChecked(True)
    dialog.url_edit.setText("postgresql://nobody@127.0.0.1:1/nothing")
    dialog._show_error(" ".join(["A long message that wraps over many lines."] * 40))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith("✖"), timeout=20_000)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    qtbot.wait(50)
    assert dialog.frameGeometry().bottom() <= screen.bottom(), (dialog.frameGeometry(), screen)
    assert dialog.frameGeometry().top() >= screen.top()
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    for button in (dialog.ok_button, box.button(QDialogButtonBox.StandardButton.Cancel)):
        corner = button.mapTo(dialog, button.rect().bottomRight())
        assert dialog.rect().contains(corner), button.text()
    label = dialog.connection_label
    shown = label.visibleRegion().boundingRect()
    assert shown.height() >= label.height() - 1, "the answer is scrolled into sight"
