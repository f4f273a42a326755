"""The reconciliation's shortcuts are shown on its buttons, as the audits window's toolbar
and the scan screen show theirs (Ctrl+E and F5 worked unseen: a keyboard user found them
only in the audits window), and each key does what its button says."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.factories import seed_world
from tests.ui.mnemonics import mnemonics
from ui.gui.audits.reconciliation_view import ReconciliationView


def test_the_reconciliation_shows_ctrl_e_and_f5_and_they_work(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: "HQ" in view.header.text(), timeout=5000)
    assert view.report_button.text() == "Save re&port… (Ctrl+E)"
    assert view.refresh_button.text() == "Re&fresh (F5)"
    assert view.refresh_button.isEnabled()
    assert {k: v for k, v in mnemonics(view).items() if len(v) > 1} == {}
    assert " 0 found" in view.header.text()

    # Another auditor scans while it is open: F5 shows it (the key the button names).
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="tech").room_id
    record_scan(world.db, audit_id=audit.id, raw="LAP-1", scanned_by="tech", room_id=room)
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.keyClick(view.tabs, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: " 1 found" in view.header.text(), timeout=5000)
    assert view.tabs.tabText(0) == "Found (1)"

    # Ctrl+E opens the save dialog the button opens.
    qtbot.keyClick(view.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.findChild(QFileDialog) is not None, timeout=5000)
    dialog = view.findChild(QFileDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "Save the audit report"
    dialog.reject()
