"""A room's label scanned in the Change form sets the new location wherever the focus is,
as a room scanned in an audit is that room (the kit checkout's and the audit's location
fields take it too). It was ignored after choosing Move in Type of change ("Scan ignored
in the form"), and with the focus in Model (where Ctrl+E opened the form then) it was
typed into the Model as text ("ROOM-A2 went into Model as typed"). Keys as a person and a HID scanner
send them."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt

from desktop.storage.models import Asset
from tests.journeys.conftest import WindowFactory
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import change_form_of_scanned, record
from tests.ui.gui.conftest import Register
from tests.ui.keys import press_key, type_keys
from tests.ui.procedure_form.test_keyboard import focused


def test_a_rooms_label_scanned_in_the_change_form_is_the_new_location(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, scanner: HidScanner
) -> None:
    world = register.world
    window = journey_window()
    change = change_form_of_scanned(qtbot, window, scanner, "LAP-00011")
    view = change.view
    assert view is not None
    location, model = view.asset_editors["location"], view.asset_editors["model"]
    change_type = view.answer_editors["change_type"]
    # Where the form opens: its first required field still empty.
    assert view.editor_owning(focused()) is change_type
    assert location.value() == world.room_a  # where LAP-00011 is

    scanner.scan("ROOM-A2")  # straight away: the focus is in Type of change
    qtbot.waitUntil(lambda: location.value() == world.room_b, timeout=5000)
    assert change.scan_label.text() == "Scanned ROOM-A2 into Location."
    assert change_type.is_empty()  # nothing typed into it

    # The same with the focus in Model (a reference field that takes typed text).
    for _ in range(30):
        if view.editor_owning(focused()) is model:
            break
        press_key(qtbot, Qt.Key.Key_Backtab)
    assert view.editor_owning(focused()) is model
    scanner.scan("ROOM-A1")
    qtbot.waitUntil(lambda: location.value() == world.room_a, timeout=5000)
    assert change.scan_label.text() == "Scanned ROOM-A1 into Location."
    assert model.is_empty() and model.value() is None  # nothing typed into it
    scanner.scan("ROOM-A2")
    qtbot.waitUntil(lambda: location.value() == world.room_b, timeout=5000)

    # Tab to Type of change, type Move, then the room's label: the focus stays there.
    for _ in range(30):
        if view.editor_owning(focused()) is change_type:
            break
        press_key(qtbot, Qt.Key.Key_Tab)
    assert view.editor_owning(focused()) is change_type
    type_keys(qtbot, "Move")
    qtbot.waitUntil(lambda: change_type.value() == "Move")
    scanner.scan("ROOM-A1")
    qtbot.waitUntil(lambda: location.value() == world.room_a, timeout=5000)
    assert change.scan_label.text() == "Scanned ROOM-A1 into Location."
    scanner.scan("ROOM-A2")
    qtbot.waitUntil(lambda: location.value() == world.room_b, timeout=5000)
    assert change.scan_label.text() == "Scanned ROOM-A2 into Location."
    assert view.editor_owning(focused()) is change_type
    assert change_type.value() == "Move"
    assert view.error_text("location") == ""

    record(qtbot, change)
    with register.db.read() as session:
        moved = session.execute(select(Asset.location_id).where(Asset.tag == "LAP-00011"))
        assert moved.scalar_one() == world.room_b
