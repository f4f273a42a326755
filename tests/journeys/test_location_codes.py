"""A location typed by its code in a form is taken, as the CLI takes it (new-user finding
12: "LON-B1.04" + Tab was refused as "not a known location" although the pop-up showed it)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.storage.models import Asset
from tests.journeys.conftest import WindowFactory
from tests.journeys.hid_scanner import HidScanner, type_as_a_person
from tests.journeys.test_technician_journey import (
    change_form_of_scanned,
    choose,
    click_into,
    record,
)
from tests.ui.gui.conftest import Register
from tests.ui.procedure_form.test_keyboard import focused


def test_a_location_code_typed_into_the_change_form_moves_the_asset(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, scanner: HidScanner
) -> None:
    window = journey_window()
    change = change_form_of_scanned(qtbot, window, scanner, "LAP-00011")
    view = change.view
    assert view is not None
    choose(qtbot, view.answer_editors["change_type"].widget, "Move")
    location = view.asset_editors["location"]
    click_into(qtbot, location.widget)
    type_as_a_person(qtbot, focused(), "room-a2")  # its code (ROOM-A2), in any case
    qtbot.keyClick(QApplication.activePopupWidget() or focused(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    assert location.problem() is None
    assert view.error_text("location") == ""
    assert location.value() == register.world.room_b
    record(qtbot, change)
    with register.db.read() as session:
        moved = session.execute(select(Asset.location_id).where(Asset.tag == "LAP-00011"))
        assert moved.scalar_one() == register.world.room_b
