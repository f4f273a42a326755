"""The scan screen shows what is still missing (Ctrl+K): a new auditor, keyboard only, saw
"14 still missing" and had to close the scan screen and reconcile the audit to learn
which assets to look for. Escape closes the list and the next scan goes on."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.factories import seed_world
from tests.journeys.windows import shown
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.reconciliation_view import MISSING_TAB, ReconciliationView
from ui.gui.audits.scan_screen import ScanScreen

CTRL = Qt.KeyboardModifier.ControlModifier


def scan(qtbot: QtBot, screen: ScanScreen, tag: str) -> None:
    qtbot.keyClicks(screen.scan_field, tag)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)


def test_ctrl_k_lists_what_is_still_missing_and_escape_goes_back_to_scanning(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)  # in room A1
    start_audit(world.db, scope_location_id=world.room_a, started_by="auditor", name="A1")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.selectRow(0)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_S, CTRL)  # Scan
    screen = shown(qtbot, ScanScreen)
    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    scan(qtbot, screen, "LAP-2")
    qtbot.waitUntil(lambda: screen.tally.total.found == 1, timeout=5000)
    assert "&" in screen.missing_button.text() and "(Ctrl+K)" in screen.missing_button.text()

    qtbot.keyClick(screen.scan_field, Qt.Key.Key_K, CTRL)
    view = shown(qtbot, ReconciliationView)
    assert view.tabs.currentIndex() == MISSING_TAB
    qtbot.waitUntil(lambda: view.tabs.tabText(MISSING_TAB) == "Missing (2)", timeout=5000)
    missing = view.models["missing"]
    assert sorted(r.tag for r in missing.rows()) == ["LAP-1", "LAP-3"]
    assert "still open" in view.header.text()

    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(view))
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.scan_field)
    scan(qtbot, screen, "LAP-1")
    qtbot.waitUntil(lambda: screen.tally.total.found == 2, timeout=5000)
