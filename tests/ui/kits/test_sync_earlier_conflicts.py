"""Field kit › Sync… (F9) again after a sync that left a conflict: the dialog said "Synced
0 records. The kit now holds the database's current state for its scope." in green — the
conflict still waiting to be settled was only on the banner, behind the dialog (newuser25,
under Xvfb: a sync cancelled with Esc after a conflict, then synced to the end, said
"Synced 2 records: 2 applied."). It now says the earlier conflict still waits, in the
warning colour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_cli import _change_location
from tests.ui.kits.test_kit_window import room_b_kit, sync_dialog_by_f9, window_on
from tests.ui.kits.test_sync_conflict_colour import GREEN, _sync_by_keys
from ui.gui.kits.sync_dialog import WARNING_COLOUR

__all__ = ["_register_template", "register", "window_on"]


def test_a_later_sync_says_the_earlier_conflict_still_waits(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)  # offline
    _change_location(
        register.db, "LAP-00005", register.world.other_site_room, by="tech2"
    )  # meanwhile
    window = window_on(kit_db)
    first = _sync_by_keys(qtbot, window)
    assert first.message.text().startswith("Synced 1 record: 1 conflict."), first.message.text()
    assert "earlier sync" not in first.message.text()  # this sync's own conflict
    qtbot.keyClick(QApplication.focusWidget() or first, Qt.Key.Key_Escape)  # Close
    qtbot.waitUntil(lambda: not first.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    again = _sync_by_keys(qtbot, window)  # the conflict is not settled yet
    text, style = again.message.text(), again.message.styleSheet()
    assert text.startswith("Synced 0 records."), text
    assert "1 conflict from an earlier sync still waits to be settled" in text, text
    assert "(Field kit › Conflicts…)" in text, text
    assert WARNING_COLOUR in style and GREEN not in style, style
    again.close()


def test_a_check_in_says_the_earlier_conflict_still_waits(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Check in (Alt+I) after a sync that left a conflict: it said "Synced 0 records.
    Checked in: …" in green; the conflict stays in the database's queue to be settled."""
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)
    _change_location(register.db, "LAP-00005", register.world.other_site_room, by="tech2")
    window = window_on(kit_db)
    first = _sync_by_keys(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget() or first, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not first.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    dialog = sync_dialog_by_f9(qtbot, window)
    qtbot.keyClick(
        QApplication.focusWidget() or dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=20_000)
    text, style = dialog.message.text(), dialog.message.styleSheet()
    assert dialog.report.returned and "Checked in" in text, text
    # The Kit line says so too (it said "nothing waits to sync" of a kit never synced again).
    assert dialog.kit_label.text().endswith("(checked in: it takes no more work)"), (
        dialog.kit_label.text()
    )
    assert "1 conflict from an earlier sync still waits to be settled" in text, text
    assert WARNING_COLOUR in style and GREEN not in style, style
    dialog.close()
