"""Field kit › Check out… from the keyboard alone, as a technician with a room label
scanner does it: the building's label scanned into the location filter (its Enter ticks
it), Enter in the file name starts the checkout, and Enter once it is written opens the
kit in the window.

A new user (newuser10) scanned the building, pressed Check out with its mnemonic and,
when the kit was written, pressed Enter with the keyboard still in the location filter:
the filter took the Enter ("Type part of a location's path or code, then Enter ticks
it."), over the message that named the kit's reserved tag blocks, and the kit was not
opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.keys import press_key, type_keys
from tests.ui.kits.test_kit_window import IN_ROOM_A2, _retype, window_on
from tests.ui.windows import closed
from ui.gui.kits.checkout_dialog import CheckoutDialog, _checked

__all__ = ["_register_template", "register", "window_on"]


def _checkout_by_keys(qtbot: QtBot, window: Any, kit: Path) -> CheckoutDialog:
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.location_filter, timeout=5000)
    type_keys(qtbot, "ROOM-A2")  # the room's label, as a scanner types it
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.message.text().startswith("Ticked Head office › Building A › Room A2")
    _retype(qtbot, dialog.path, str(kit))
    press_key(qtbot, Qt.Key.Key_Return)  # the default button: Check out
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30_000)
    assert dialog.message.text().startswith(f"Checked out {IN_ROOM_A2} assets into {kit}")
    return dialog


def test_enter_once_the_kit_is_written_opens_it(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    window = window_on(register.db)
    kit = tmp_path / "visit.adkit"
    dialog = _checkout_by_keys(qtbot, window, kit)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.open_button, timeout=5000)
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=10_000)
    qtbot.waitUntil(lambda: window.kit.info is not None, timeout=10_000)
    assert window.kit.banner.isVisible()


def test_enter_in_the_location_filter_after_the_checkout_opens_the_kit_too(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """The keyboard back in the filter (Alt+L, or a click) once the kit is written: Enter
    is the dialog's, and the message naming the tag blocks stays until the kit opens."""
    window = window_on(register.db)
    kit = tmp_path / "visit.adkit"
    dialog = _checkout_by_keys(qtbot, window, kit)
    written = dialog.message.text()
    assert "Tags reserved for new assets received in the kit" in written
    dialog.location_filter.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.location_filter, timeout=5000)
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.message.text() == written
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=10_000)


def test_down_in_the_location_filter_goes_on_to_the_rows_it_shows(
    qtbot: QtBot, window_on: Any, register: Register
) -> None:
    """ "Wellington House" + Enter said "30 locations match …: tick the one you mean", and
    Down did nothing there: the way to the list was Tab. Down now goes on to the first row
    the filter shows, and Space ticks it."""
    window = window_on(register.db)
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.location_filter, timeout=5000)
    type_keys(qtbot, "room a")  # Room A1 and Room A2
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.message.text() == (
        "2 locations match 'room a': tick the one you mean (Down to the list, Space ticks)."
    )
    press_key(qtbot, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is dialog.locations
    assert dialog.locations.currentItem().text().startswith("Head office › Building A › Room A1")
    press_key(qtbot, Qt.Key.Key_Down)
    press_key(qtbot, Qt.Key.Key_Space)
    ticked = [item.text().split("  ·  ")[0] for item in _checked(dialog.locations)]
    assert ticked == ["Head office › Building A › Room A2"]
    dialog.close()
