"""Settings: switch to another local file and back through the Settings dialog; a switch
that fails (a server that does not answer, a file that is not a database) is not saved
and never leaves the window waiting at "Opening the database…"."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit
from shiboken6 import isValid

from desktop.settings import DATABASE_URL, Settings
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from ui.gui.main_window import MainWindow
from ui.gui.settings_dialog import SettingsDialog

UNREACHABLE = "postgresql://Inventory@127.0.0.1:1/Assets_2024"


def _open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    trigger(window.settings_action)
    dialog = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    return dialog


def _retype(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)
    assert field.text() == text


def _saved_url(window: MainWindow) -> str:
    return Settings(window.settings.path).get(DATABASE_URL)


def _not_stuck(window: MainWindow) -> None:
    assert "Opening the database" not in window.statusBar().currentMessage()


def test_switch_to_another_file_and_back(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, tmp_path: Path
) -> None:
    window = journey_window("tech")
    home = str(register.db.sqlite_path)
    window.settings.set(DATABASE_URL, f"sqlite:///{home}")
    other = tmp_path / "Team Share" / "Warehouse-B.sqlite3"  # capitals stay capitals

    dialog = _open_settings(qtbot, window)
    assert dialog.local_radio.isChecked()
    assert dialog.path_edit.text() == home
    _retype(qtbot, dialog.path_edit, str(other))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == other, timeout=30_000)
    assert _saved_url(window) == f"sqlite:///{other}"
    # A new file: created, empty, the welcome screen; the status bar names it as it is.
    qtbot.waitUntil(lambda: window.view.stack.currentWidget() is window._welcome, timeout=10_000)
    assert window.view.database_label.text() == f"Local file {other}"
    assert window.statusBar().currentMessage() == f"Now using local file {other}."

    dialog = _open_settings(qtbot, window)
    assert dialog.path_edit.text() == str(other)
    _retype(qtbot, dialog.path_edit, home)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == Path(home), timeout=30_000)
    qtbot.waitUntil(lambda: window.model.total_assets == register.size, timeout=10_000)
    assert window.view.stack.currentWidget() is window.view.register_page
    assert window.view.count_label.text() == f"{register.size} of {register.size} assets"
    assert window.view.database_label.text() == f"Local file {home}"
    assert _saved_url(window) == f"sqlite:///{home}"
    _not_stuck(window)


def test_a_failed_switch_is_not_saved_and_nothing_waits(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, tmp_path: Path
) -> None:
    window = journey_window("tech")
    home = f"sqlite:///{register.db.sqlite_path}"
    window.settings.set(DATABASE_URL, home)

    # A server that does not answer.
    dialog = _open_settings(qtbot, window)
    radio = dialog.server_radio  # clicked on its label, as a person does
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(30, radio.height() // 2))
    assert dialog.url_edit.isEnabled()
    _retype(qtbot, dialog.url_edit, UNREACHABLE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.text().startswith("Not saved:"), timeout=30_000)
    assert "PostgreSQL server 127.0.0.1:1" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.url_edit.text() == UNREACHABLE  # as typed, to correct it
    assert dialog.url_edit.hasFocus()
    assert _saved_url(window) == home
    _not_stuck(window)
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.url_edit, Qt.Key.Key_Escape)

    # A file that is not a database.
    notes = tmp_path / "Notes.sqlite3"
    notes.write_text("shopping list: cables, toner\n", encoding="utf-8")
    dialog = _open_settings(qtbot, window)
    assert dialog.local_radio.isChecked()
    _retype(qtbot, dialog.path_edit, str(notes))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.text().startswith("Not saved:"), timeout=30_000)
    assert "file is not a database" in dialog.error_label.text()
    assert str(notes) in dialog.error_label.text()
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Escape)

    assert _saved_url(window) == home
    assert notes.read_text(encoding="utf-8") == "shopping list: cables, toner\n"
    assert window.database.sqlite_path == register.db.sqlite_path
    assert window.model.total_assets == register.size
    _not_stuck(window)


def test_windows_on_the_old_database_close_when_it_is_switched(
    qtbot: QtBot, journey_window: WindowFactory, tmp_path: Path
) -> None:
    """An audits window left open must not go on writing to the database left behind."""
    from ui.gui.audits.audit_window import AuditWindow

    window = journey_window("auditor")
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    other = tmp_path / "Branch office.sqlite3"
    dialog = _open_settings(qtbot, window)
    _retype(qtbot, dialog.path_edit, str(other))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == other, timeout=30_000)
    qtbot.waitUntil(lambda: not isValid(audits) or not audits.isVisible(), timeout=10_000)
    assert not [w for w in window.features._windows if w.isVisible()]


def test_the_signed_in_person_stays_with_the_database_it_was_chosen_for(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, tmp_path: Path
) -> None:
    """New-user finding 2: a person chosen in File › Settings for one database used to act
    on every other one (and on another local file every command then failed)."""
    import getpass

    from desktop.settings import signed_in_person

    window = journey_window("tech")
    home = str(register.db.sqlite_path)
    window.settings.set(DATABASE_URL, f"sqlite:///{home}")
    other = tmp_path / "Warehouse-B.sqlite3"

    dialog = _open_settings(qtbot, window)
    assert dialog.chosen_username() == "tech"
    _retype(qtbot, dialog.path_edit, str(other))  # the person field untouched
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == other, timeout=30_000)
    # The new file has no person of its own: the operating-system user acts there.
    qtbot.waitUntil(lambda: window.username == getpass.getuser(), timeout=10_000)
    saved = Settings(window.settings.path)
    assert signed_in_person(saved, f"sqlite:///{other}") == ""
    assert signed_in_person(saved, f"sqlite:///{home}") == "tech"

    dialog = _open_settings(qtbot, window)
    assert dialog.chosen_username() == ""  # this database's person: none
    _retype(qtbot, dialog.path_edit, home)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == Path(home), timeout=30_000)
    qtbot.waitUntil(lambda: window.username == "tech", timeout=10_000)
    dialog = _open_settings(qtbot, window)
    assert dialog.chosen_username() == "tech"
    dialog.close()
