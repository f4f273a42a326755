"""Field kit › Sync… (F9) then Alt+S, with a record the server changed meanwhile: the
result "Synced 1 record: 1 conflict. Settle the conflicts …" stood in the same green as a
clean sync (newuser23, under Xvfb); a person read it as done. It now has the warning
colour; a clean sync stays green."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_cli import _change_location
from tests.ui.kits.test_kit_window import room_b_kit, sync_dialog_by_f9, window_on
from ui.gui.kits.sync_dialog import WARNING_COLOUR, SyncDialog

__all__ = ["_register_template", "register", "window_on"]

GREEN = "#1d6b2a"


def _sync_by_keys(qtbot: QtBot, window: Any) -> SyncDialog:
    dialog = sync_dialog_by_f9(qtbot, window)
    assert isinstance(dialog, SyncDialog)
    qtbot.keyClick(
        QApplication.focusWidget() or dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=20_000)
    return dialog


def test_a_sync_that_left_a_conflict_is_not_shown_in_the_green_of_success(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)  # offline
    _change_location(
        register.db, "LAP-00005", register.world.other_site_room, by="tech2"
    )  # meanwhile
    dialog = _sync_by_keys(qtbot, window_on(kit_db))
    text, style = dialog.message.text(), dialog.message.styleSheet()
    assert text.startswith("Synced 1 record: 1 conflict."), text
    assert WARNING_COLOUR in style and GREEN not in style, style
    dialog.close()


def test_a_clean_sync_stays_green(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)
    dialog = _sync_by_keys(qtbot, window_on(kit_db))
    assert dialog.message.text().startswith("Synced 1 record: 1 applied."), dialog.message.text()
    assert GREEN in dialog.message.styleSheet()
    dialog.close()


def test_a_preview_that_foresees_a_conflict_says_so_in_the_warning_colour(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Alt+P (Preview) stood in green "Preview: 1 record would be replayed (1 conflict).":
    a dry run that foresees a conflict is a warning too, and says what it will mean."""
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)
    _change_location(register.db, "LAP-00005", register.world.other_site_room, by="tech2")
    dialog = sync_dialog_by_f9(qtbot, window_on(kit_db))
    qtbot.keyClick(
        QApplication.focusWidget() or dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=20_000)
    text, style = dialog.message.text(), dialog.message.styleSheet()
    assert text.startswith("Preview: 1 record would be replayed (1 conflict)."), text
    assert "would leave conflicts to settle" in text, text
    assert WARNING_COLOUR in style and GREEN not in style, style
    dialog.close()
