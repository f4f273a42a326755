"""The checklist has a key of its own: Alt+K moves to its first item (on Receive,
ticking it took 9 Tabs past Location, newuser21)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services import reference
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.ui.gui.conftest import show_window
from tests.ui.procedure_form.test_add_reference import _open_form, _type
from tests.ui.procedure_form.test_empty_register import PERSON_MS


def test_alt_k_reaches_the_receive_checklist_from_location(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    with sqlite_db.write() as session:
        reference.create_person(
            session, name="Solo", username="solo", roles=["administrator", "technician"]
        )
        reference.create_category(session, name="Laptop", tag_prefix="LAP")
        reference.create_location(session, name="Room 101", kind="room")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "l.ini")
    form, view = _open_form(qtbot, window, Qt.Key.Key_N)
    _type(qtbot, view.asset_editors["category"].widget, "Laptop")
    _type(qtbot, view.asset_editors["name"].widget, "Spare laptop")
    location = view.asset_editors["location"].widget
    location.setFocus()
    qtbot.wait(120)
    qtbot.keyClicks(location, "Room 101")
    qtbot.wait(120)
    checks = list(view.checklist.values())
    assert len(checks) >= 2
    qtbot.keyClick(
        QApplication.focusWidget() or location, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(checks[0].hasFocus, timeout=5000)
    assert view.asset_editors["location"].value() is not None  # the name typed was taken
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Tab, Qt.Key.Key_Space):  # at a person's pace
        qtbot.keyClick(QApplication.focusWidget() or form, key, delay=PERSON_MS)
    assert checks[0].isChecked() and checks[1].isChecked()
    qtbot.waitUntil(form.ok_button.isEnabled, timeout=5000)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form not in window.open_dialogs, timeout=10_000)
    with sqlite_db.read() as session:
        assert session.execute(select(Asset.name)).scalar_one() == "Spare laptop"
    window.close()
