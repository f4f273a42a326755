"""Field kit › Sync… (F9), Enter to sync, Esc at once to cancel: the dialog said
"Cancelled after 0 records (none); 1 record still wait in the kit." (newuser23, by hand
under Xvfb with xdotool). It now says that nothing was synced, in plain English."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import ui.kit_files
from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_cli import _change_location
from tests.ui.kits.test_kit_window import room_b_kit, sync_dialog_by_f9, window_on

__all__ = ["_register_template", "register", "window_on"]


def test_esc_right_after_enter_says_nothing_was_synced_and_one_record_still_waits(
    qtbot: QtBot,
    window_on: Any,
    register: Register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)
    escaped = threading.Event()  # the sync reaches the server after the person's Esc
    real_open = ui.kit_files.open_kit_server

    def open_after_escape(*args: Any, **kwargs: Any) -> Any:
        escaped.wait(20)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(ui.kit_files, "open_kit_server", open_after_escape)
    dialog = sync_dialog_by_f9(qtbot, window_on(kit_db))
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Return)  # Sync, the default
    assert dialog.worker is not None
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)  # changed my mind
    escaped.set()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=20_000)
    assert dialog.isVisible() and dialog.report.cancelled
    assert dialog.message.text() == (
        "Cancelled before any record was synced; 1 record still waits in the kit."
    ), dialog.message.text()
    dialog.close()
