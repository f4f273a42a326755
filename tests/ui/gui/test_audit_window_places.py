"""The scan screen and the reconciliation (opened by the audits window) reopen where they
were left, as the main, audits and incidents windows do: they opened at their first size
every time, after Quit or their own Close."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.services.audits import start_audit
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register, open_window
from tests.ui.gui.test_quit import CTRL, CTRL_SHIFT, _ctrl_q, _in_front
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.main_window import MainWindow

W = TypeVar("W", bound=QWidget)


def _scan_and_reconciliation(
    qtbot: QtBot, window: MainWindow
) -> tuple[AuditWindow, ScanScreen, ReconciliationView]:
    """Ctrl+Shift+U, then Ctrl+S and Ctrl+K in the audits window (its open audit)."""
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key.Key_U, CTRL_SHIFT)
    audits = shown(qtbot, AuditWindow, timeout=10_000)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1, timeout=10_000)
    scan = _open(qtbot, audits, Qt.Key.Key_S, ScanScreen)
    reconciliation = _open(qtbot, audits, Qt.Key.Key_K, ReconciliationView)
    qtbot.waitUntil(lambda: not reconciliation.jobs.busy(), timeout=10_000)
    return audits, scan, reconciliation


def _open(qtbot: QtBot, audits: AuditWindow, key: Qt.Key, kind: type[W]) -> W:
    _in_front(qtbot, audits)
    audits.table.setFocus()
    audits.table.selectRow(0)
    qtbot.keyClick(audits.table, key, CTRL)
    return shown(qtbot, kind, timeout=10_000)


def _size(widget: QWidget) -> tuple[int, int]:
    return widget.width(), widget.height()


def test_scan_and_reconciliation_reopen_as_quit_left_them(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    start_audit(register.db, scope_location_id=register.world.site, started_by="auditor")
    window = open_window(qtbot, register, tmp_path, "auditor")
    _audits, scan, reconciliation = _scan_and_reconciliation(qtbot, window)
    first = _size(scan), _size(reconciliation)
    scan.resize(scan.width(), 480)  # (as wide as the 800 px test screen allows)
    reconciliation.resize(reconciliation.width(), 500)
    _ctrl_q(qtbot, scan)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)

    again = open_window(qtbot, register, tmp_path, "auditor")  # the same layout file
    _audits, scan, reconciliation = _scan_and_reconciliation(qtbot, again)
    assert (scan.height(), reconciliation.height()) == (480, 500)
    assert (_size(scan), _size(reconciliation)) != first
    _ctrl_q(qtbot, again)
    qtbot.waitUntil(lambda: closed(again), timeout=10_000)


def test_the_scan_screen_reopens_as_its_own_close_left_it(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    start_audit(register.db, scope_location_id=register.world.site, started_by="auditor")
    window = open_window(qtbot, register, tmp_path, "auditor")
    audits, scan, reconciliation = _scan_and_reconciliation(qtbot, window)
    scan.resize(scan.width(), 470)
    _in_front(qtbot, scan)
    qtbot.keyClick(scan, Qt.Key.Key_W, CTRL)  # Close
    qtbot.waitUntil(lambda: closed(scan), timeout=10_000)
    reopened = _open(qtbot, audits, Qt.Key.Key_S, ScanScreen)
    assert reopened is not scan and reopened.height() == 470
    reconciliation.resize(reconciliation.width(), 490)
    _in_front(qtbot, reconciliation)
    qtbot.keyClick(reconciliation, Qt.Key.Key_Escape)  # Close
    qtbot.waitUntil(lambda: closed(reconciliation), timeout=10_000)
    assert _open(qtbot, audits, Qt.Key.Key_K, ReconciliationView).height() == 490
    _ctrl_q(qtbot, window)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
