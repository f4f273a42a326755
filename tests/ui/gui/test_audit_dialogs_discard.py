"""Esc in the audits window's Start audit… and Receive unknown tags… dialogs asks before
what was typed or chosen is thrown away, as the procedure and incident forms do: Esc
closed them at once, the audit's name and scope with it (polish21). Cancel is the default
(a scanner's Enter keeps the entries); nothing typed, nothing asked. Keys are sent as a
person presses them."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, list_audits, start_audit
from tests.journeys.windows import message_box, shown
from tests.ui.gui.conftest import Register, open_window
from tests.ui.gui.test_quit import _in_front
from tests.ui.gui.test_quit_dialogs import ALT, _audits, _start_dialog
from tests.ui.windows import closed
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog
from ui.gui.audits.reconciliation_view import ReconciliationView

CTRL = Qt.KeyboardModifier.ControlModifier


def _question(qtbot: QtBot, text: str) -> QMessageBox:
    question = message_box(qtbot, containing="Discard")
    assert question.text() == text
    assert question.defaultButton() is question.button(QMessageBox.StandardButton.Cancel)
    _in_front(qtbot, question)
    return question


def test_escape_in_start_audit_asks_and_enter_keeps_the_entries(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "auditor")
    audits, dialog = _start_dialog(qtbot, window)
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Spring count", delay=20)

    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    question = _question(qtbot, "Discard the audit you were starting?")
    qtbot.keyClick(question, Qt.Key.Key_Return)  # a scanner's Enter: Cancel
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert dialog.isVisible() and dialog.name.text() == "Spring count"

    _in_front(qtbot, dialog)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    question = _question(qtbot, "Discard the audit you were starting?")
    qtbot.keyClick(question, Qt.Key.Key_D, ALT)  # &Discard
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    assert audits.isVisible()
    with register.db.read() as session:
        assert list_audits(session) == []  # nothing started


def test_escape_in_an_untouched_start_audit_closes_it_at_once(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "auditor")
    _audits_window, dialog = _start_dialog(qtbot, window)
    focused = dialog.focusWidget()
    qtbot.keyClick(focused if focused is not None else dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    assert dialog.discard_box is None


def _receive_dialog(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> tuple[ReconciliationView, ReceiveUnknownDialog]:
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
    return view, dialog


def test_escape_in_receive_unknown_asks_and_escape_again_keeps_the_choices(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    view, dialog = _receive_dialog(qtbot, register, tmp_path)
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Found in A2", delay=20)

    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    question = _question(qtbot, "Discard what you chose for receiving 1 unknown tag?")
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # Esc on the question: back to the dialog
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert dialog.isVisible() and dialog.name.text() == "Found in A2"

    _in_front(qtbot, dialog)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    question = _question(qtbot, "Discard what you chose for receiving 1 unknown tag?")
    qtbot.keyClick(question, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    assert view.isVisible()


def test_escape_in_an_untouched_receive_unknown_closes_it_at_once(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """The category it suggests from the tag's prefix is not an entry."""
    _view, dialog = _receive_dialog(qtbot, register, tmp_path)
    focused = dialog.focusWidget()
    qtbot.keyClick(focused if focused is not None else dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    assert dialog.discard_box is None
