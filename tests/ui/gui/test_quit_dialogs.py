"""Quit (Ctrl+Q) in the audits window's own dialogs, which it did not reach: with Start
audit… or Receive unknown tags… open (window-modal: the windows behind take no keys),
Ctrl+Q did nothing. Now it quits, asking first about what was typed in the dialog, as a
procedure form is asked about. Keys are sent as a person presses them."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from tests.journeys.windows import button, message_box, shown
from tests.ui.gui.conftest import Register, open_window
from tests.ui.gui.test_quit import CTRL, CTRL_SHIFT, _ctrl_q, _in_front
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.start_audit_dialog import StartAuditDialog
from ui.gui.main_window import MainWindow

ALT = Qt.KeyboardModifier.AltModifier


def _audits(qtbot: QtBot, window: MainWindow) -> AuditWindow:
    qtbot.keyClick(window.view.table, Qt.Key.Key_U, CTRL_SHIFT)
    audits = shown(qtbot, AuditWindow, timeout=10_000)
    _in_front(qtbot, audits)
    return audits


def _start_dialog(qtbot: QtBot, window: MainWindow) -> tuple[AuditWindow, StartAuditDialog]:
    audits = _audits(qtbot, window)
    qtbot.keyClick(audits.table, Qt.Key.Key_N, CTRL)  # Start audit…
    dialog = shown(qtbot, StartAuditDialog, timeout=10_000)
    _in_front(qtbot, dialog)
    return audits, dialog


def test_ctrl_q_in_start_audit_asks_about_its_entries(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "auditor")
    audits, dialog = _start_dialog(qtbot, window)
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Spring count")

    _ctrl_q(qtbot, dialog)
    question = message_box(qtbot, containing="Discard")
    assert question.text() == "Discard the audit you were starting?"
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Cancel is the default: a scanner's Enter
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert dialog.isVisible() and audits.isVisible() and window.isVisible()
    assert dialog.name.text() == "Spring count"

    _ctrl_q(qtbot, dialog)
    question = message_box(qtbot, containing="Discard")
    qtbot.mouseClick(button(question, "Discard"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    for other in (dialog, audits):
        qtbot.waitUntil(lambda w=other: closed(w), timeout=10_000)  # type: ignore[misc]


def test_ctrl_q_in_an_empty_start_audit_quits_at_once(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "auditor")
    audits, dialog = _start_dialog(qtbot, window)
    _ctrl_q(qtbot, dialog)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    qtbot.waitUntil(lambda: closed(audits) and closed(dialog), timeout=10_000)
    assert window.quit.question is None


def test_ctrl_q_in_receive_unknown_asks_about_its_entries(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    db = register.db
    audit = start_audit(db, scope_location_id=register.world.site, started_by="auditor")
    record_scan(db, audit_id=audit.id, raw="LAP-999999", scanned_by="auditor")
    close_audit(db, audit_id=audit.id, closed_by="auditor")
    window = open_window(qtbot, register, tmp_path, "admin")
    audits = _audits(qtbot, window)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1, timeout=10_000)
    audits.table.setFocus()
    audits.table.selectRow(0)
    qtbot.keyClick(audits.table, Qt.Key.Key_K, CTRL)  # Reconcile
    view = shown(qtbot, ReconciliationView, timeout=10_000)
    _in_front(qtbot, view)
    qtbot.waitUntil(view.receive_button.isEnabled, timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_R, ALT)  # Receive unknown tags…
    dialog = shown(qtbot, ReceiveUnknownDialog, timeout=10_000)
    _in_front(qtbot, dialog)
    assert dialog.unsaved_input() == ""  # the category it suggests is not an entry
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Found in A2")

    _ctrl_q(qtbot, dialog)
    question = message_box(qtbot, containing="Discard")
    assert question.text() == "Discard what you chose for receiving 1 unknown tag?"
    qtbot.keyClick(question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert dialog.isVisible() and view.isVisible() and window.isVisible()

    _ctrl_q(qtbot, dialog)
    question = message_box(qtbot, containing="Discard")
    _in_front(qtbot, question)
    qtbot.keyClick(question, Qt.Key.Key_D, ALT)  # &Discard
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    for other in (dialog, view, audits):
        qtbot.waitUntil(lambda w=other: closed(w), timeout=10_000)  # type: ignore[misc]
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
