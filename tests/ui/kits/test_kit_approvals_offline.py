"""The Approvals inbox in a field kit's window (issue 16: nobody approves offline). A
procedure waiting for approval when the kit was checked out showed "1 waiting for your
decision", "Your turn? Yes" and an enabled Approve; clicking it then said approvals are
not given in a field kit (newuser25, under Xvfb). The inbox now says so before anything
is clicked: Approve and Reject are off, the reason is shown, the badge counts nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import kits
from desktop.storage.database import Database
from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_window import window_on

__all__ = ["_register_template", "register", "window_on"]


def test_the_inbox_in_a_kit_offers_no_decision_and_says_why(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    register.decommission_waiting_for_approval("LAP-00005")  # Room A2, by "tech"
    path = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(register.world.room_b,)), "tech", path)
    kit_db = Database(f"sqlite:///{path}")
    window = window_on(kit_db, "approver")  # who may decide it on the server
    try:
        trigger(window.features.approvals_action)
        qtbot.waitUntil(lambda: any(type(w).__name__ == "ApprovalsInbox" for w in _shown()))
        inbox = next(w for w in _shown() if type(w).__name__ == "ApprovalsInbox")
        qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=10_000)
        inbox.table.setFocus()
        qtbot.keyClick(inbox.table, Qt.Key.Key_Home)
        qtbot.waitUntil(lambda: inbox.selected_item() is not None)
        assert not inbox.approve_button.isEnabled()
        assert not inbox.reject_button.isEnabled()
        assert "not given in a field kit" in inbox.reason_label.text(), inbox.reason_label.text()
        assert "signs in" not in inbox.reason_label.text()  # nobody decides here, whoever
        assert inbox.summary_label.text().startswith("<b>0</b> waiting for your decision")
        # Alt+A, the Approve key, decides nothing.
        qtbot.keyClick(inbox.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        assert inbox.model.rowCount() == 1
        inbox.close()
    finally:
        window.close()
        kit_db.dispose()


def test_the_requester_in_a_kit_is_told_where_it_will_be_decided(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Tom Tech decommissioned a laptop in his kit and opened Approvals (Ctrl+Shift+A): the
    inbox told him "To decide it on this computer, an approver signs in: File › Settings ›
    Signed-in person" — in a kit, where nobody decides (newuser27, under Xvfb)."""
    register.decommission_waiting_for_approval("LAP-00005")  # Room A2, by "tech"
    path = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(register.world.room_b,)), "tech", path)
    kit_db = Database(f"sqlite:///{path}")
    window = window_on(kit_db, "tech")
    try:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window.view.table, Qt.Key.Key_A, modifiers)
        qtbot.waitUntil(lambda: any(type(w).__name__ == "ApprovalsInbox" for w in _shown()))
        inbox = next(w for w in _shown() if type(w).__name__ == "ApprovalsInbox")
        qtbot.waitUntil(lambda: inbox.selected_item() is not None, timeout=10_000)
        assert not inbox.approve_button.isEnabled()
        assert inbox.reason_label.text() == (
            "You requested this: nobody approves their own procedure. You may withdraw it."
            " In a field kit nobody decides: it waits for an approver on the shared database"
            " once the kit is synced (Field kit › Sync…)."
        )
        inbox.close()
    finally:
        window.close()
        kit_db.dispose()


def _shown() -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]
