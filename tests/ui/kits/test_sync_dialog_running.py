"""Field kit › Sync… says what it is doing while the sync runs and the result after: it
said "Synced…" while the sync still noted itself on the database and counted what was
left (a person closed it then, thinking it was done)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop import kits
from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_cli import _change_location
from tests.ui.kits.test_kit_window import room_b_kit, window_on
from ui.gui.kits.sync_dialog import SyncDialog

__all__ = ["_register_template", "register", "window_on"]


def test_the_sync_dialog_says_what_it_does_while_it_runs_and_the_result_after(
    qtbot: QtBot,
    window_on: Any,
    register: Register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)
    # The sync is held at its very end: replayed, refreshed, the engine's last progress
    # sent, the records left being counted.
    held, go_on = threading.Event(), threading.Event()
    real_kit_info = kits.kit_info

    def kit_info(database: Any) -> Any:
        caller = sys._getframe(1)
        if caller.f_code.co_filename.endswith("sync_dialog.py"):
            held.set()
            go_on.wait(20)
        return real_kit_info(database)

    monkeypatch.setattr(kits, "kit_info", kit_info)
    window = window_on(kit_db)
    trigger(window.kit.sync_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SyncDialog)
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.waitUntil(held.is_set, timeout=20_000)
        qtbot.wait(300)  # the progress sent before the hold has arrived
        running = dialog.message.text()
        assert dialog.worker is not None and not dialog.sync_button.isEnabled()
        assert not running.startswith("Synced"), running
        assert running.endswith("…") and "Finishing" in running, running
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=20_000)
    assert dialog.message.text().startswith("Synced 1 record: 1 applied."), dialog.message.text()
    dialog.close()
