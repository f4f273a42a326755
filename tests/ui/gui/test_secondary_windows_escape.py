"""Esc closes the windows the main window opens, as it closes every dialog: the audits
window (only Ctrl+W did), its scan screen, and the incidents window (no key did)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.audits import start_audit
from tests.ui.gui.conftest import Register, open_window
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.incidents.report_view import IncidentReportView


def _opened(qtbot: QtBot, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(
        lambda: any(isinstance(w, kind) and w.isVisible() for w in QApplication.topLevelWidgets()),
        timeout=10_000,
    )
    widget = next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind))
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def _escape_closes(qtbot: QtBot, widget: QWidget) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is widget
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(widget), timeout=5000)


def test_escape_closes_the_audits_window_its_scan_screen_and_the_incidents_window(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    start_audit(register.db, scope_location_id=register.world.site, started_by="auditor")
    window = open_window(qtbot, register, tmp_path, "auditor")
    table = window.view.table

    qtbot.keyClick(
        table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    audits = _opened(qtbot, AuditWindow)
    assert isinstance(audits, AuditWindow)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1, timeout=10_000)
    audits.table.setFocus()
    audits.table.selectRow(0)
    qtbot.keyClick(audits.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Scan
    screen = _opened(qtbot, ScanScreen)
    _escape_closes(qtbot, screen)
    assert audits.isVisible()  # the scan screen's Esc closed only the scan screen
    audits.activateWindow()
    qtbot.waitUntil(audits.isActiveWindow)
    audits.table.setFocus()
    _escape_closes(qtbot, audits)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table.setFocus()
    qtbot.keyClick(
        table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    incidents = _opened(qtbot, IncidentReportView)
    focus = QApplication.focusWidget()
    if focus is None or focus.window() is not incidents:
        incidents.focusNextChild()
    _escape_closes(qtbot, incidents)
    assert window.isVisible()
