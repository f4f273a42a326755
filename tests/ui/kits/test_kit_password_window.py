"""Field kit › Sync… in a window working in a kit whose server wants a password that
neither the keyring nor ``~/.pgpass`` holds: the password dialog asks for it (again when
the server refuses it), the sync then runs, "Remember it" keeps it in the keyring, and
the password reaches no message, log line or file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.credentials import KEYRING_SERVICE, keyring_key
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.journeys.conftest import trigger
from tests.keyrings import MemoryKeyring
from tests.ui.kits.test_kit_password import PASSWORD, Guarded, _moved, guarded
from ui.gui.kits.password_dialog import KitPasswordDialog
from ui.gui.kits.sync_dialog import SyncDialog
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

__all__ = ["guarded"]


def _answer(qtbot: QtBot, dialog: SyncDialog, password: str, *, remember: bool) -> None:
    qtbot.waitUntil(
        lambda: dialog.asked.dialog is not None or dialog.worker is None, timeout=30_000
    )
    assert dialog.asked.dialog is not None, dialog.message.text()
    asked = dialog.asked.dialog
    assert isinstance(asked, KitPasswordDialog) and asked.isVisible()
    assert not asked.ok_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(asked.password_edit, password)
    if remember:
        asked.remember_check.setFocus()
        qtbot.keyClick(asked.remember_check, Qt.Key.Key_Space)
        assert asked.remember_check.isChecked()
    assert asked.ok_button.isEnabled()
    qtbot.mouseClick(asked.ok_button, Qt.MouseButton.LeftButton)


def test_sync_asks_for_the_password_and_can_remember_it(
    qtbot: QtBot,
    guarded: Guarded,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    kit_db = Database(f"sqlite:///{guarded.kit}")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, guarded.login)
    window = MainWindow(kit_db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
        qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)  # it knows it is a kit
        trigger(window.kit.sync_action)
        dialog = window.open_dialogs[-1]
        assert isinstance(dialog, SyncDialog)
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
        _answer(qtbot, dialog, "not-the-password", remember=True)
        # Refused: asked again, saying so; nothing synced, nothing remembered.
        qtbot.waitUntil(lambda: dialog.asked.dialog is not None, timeout=30_000)
        again = dialog.asked.dialog
        assert isinstance(again, KitPasswordDialog)
        assert "refused the password" in again.question.text()
        assert not _moved(guarded)
        assert memory_keyring.passwords == {}
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
        _answer(qtbot, dialog, PASSWORD, remember=True)
        qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=60_000)
        text = dialog.message.text()
        assert text.startswith("Synced 1 record: 1 applied."), text
        assert "remembered in this computer's keyring" in text
        assert _moved(guarded)
        from desktop import kits

        key = keyring_key(kits.server_url(kit_db))
        assert memory_keyring.passwords == {(KEYRING_SERVICE, key): PASSWORD}
        assert PASSWORD not in text and PASSWORD not in caplog.text
        assert "not-the-password" not in caplog.text
        assert PASSWORD.encode() not in guarded.kit.read_bytes()
        assert PASSWORD.encode() not in (tmp_path / "settings.ini").read_bytes()
        dialog.close()
    finally:
        window.close()
        kit_db.dispose()


def test_cancelling_the_password_syncs_nothing_and_says_so(
    qtbot: QtBot, guarded: Guarded, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    kit_db = Database(f"sqlite:///{guarded.kit}")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, guarded.login)
    window = MainWindow(kit_db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
        qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)  # it knows it is a kit
        trigger(window.kit.sync_action)
        dialog = window.open_dialogs[-1]
        assert isinstance(dialog, SyncDialog)
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.asked.dialog is not None, timeout=30_000)
        asked = dialog.asked.dialog
        assert asked is not None
        qtbot.keyClick(asked, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: "nothing was synced" in dialog.message.text(), timeout=5000)
        assert "needs a password" in dialog.message.text()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
        assert dialog.sync_button.isEnabled()
        assert not _moved(guarded)
        dialog.close()
    finally:
        window.close()
        kit_db.dispose()


def test_the_conflict_queue_from_a_kit_asks_for_the_password(
    qtbot: QtBot, guarded: Guarded, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    from ui.gui.kits.conflict_queue import ConflictQueue

    kit_db = Database(f"sqlite:///{guarded.kit}")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, guarded.login)
    window = MainWindow(kit_db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)
        trigger(window.kit.conflicts_action)
        queue = window.open_dialogs[-1]
        assert isinstance(queue, ConflictQueue)
        qtbot.waitUntil(lambda: queue.asked.dialog is not None, timeout=30_000)
        asked = queue.asked.dialog
        assert isinstance(asked, KitPasswordDialog)
        qtbot.keyClicks(asked.password_edit, PASSWORD)
        qtbot.mouseClick(asked.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: queue.server is not None and not queue.busy(), timeout=30_000)
        assert "needs a password" not in queue.message.text()
        assert memory_keyring.passwords == {}  # not ticked: not remembered
        queue.close()
    finally:
        window.close()
        kit_db.dispose()
