"""Decommission and Dispose ask before they take effect (``procedure_form.final_step``).

A technician on a new register whose administrator had set Decommission and Dispose to
need no approval filled in Dispose for a laptop and pressed Ctrl+Enter, as on every other
form: it was disposed of at once, with no question, and nothing undoes it (newuser21).
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.services import reference, template_admin
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.factories import RECEIVE_CHECKLIST
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import show_window
from tests.ui.windows import closed
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.dialog import ProcedureDialog

TAG = "LAP-000102"


def _register(database: Database) -> None:
    with database.write() as session:
        reference.create_person(
            session, name="Solo", username="solo", roles=["administrator", "technician"]
        )
        laptop = reference.create_category(session, name="Laptop", tag_prefix="LAP")
        room = reference.create_location(session, name="HQ IT store", kind="room")
        category_id, room_id = laptop.id, room.id
    for kind in (ProcedureKind.DECOMMISSION, ProcedureKind.DISPOSE):
        template_admin.set_approval(database, "solo", kind, approvers=0)
    record_procedure(
        database,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="solo",
            values={"tag": TAG, "name": "T14", "category": category_id, "location": room_id},
            checklist=RECEIVE_CHECKLIST,
        ),
    )


def _status(database: Database) -> str:
    with database.read() as session:
        return asset_detail(session, tag=TAG).row.status


def _form(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> ProcedureDialog:
    """The asset scanned, then Ctrl+Shift+``key``: the form, once ready."""
    window.activateWindow()  # as the window manager does when a form closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.view.table.setFocus()
    HidScanner(qtbot).scan(TAG)
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == [TAG], timeout=10_000)
    before = len(window.open_dialogs)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.view.table, key, modifiers)
    qtbot.waitUntil(lambda: len(window.open_dialogs) > before, timeout=10_000)
    form = window.open_dialogs[-1]
    assert isinstance(form, ProcedureDialog)
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    return form


def _fill(qtbot: QtBot, form: ProcedureDialog, method_key: str, evidence_key: str) -> None:
    assert form.view is not None
    method = form.view.answer_editors[method_key].widget
    assert isinstance(method, QComboBox)
    method.setFocus()
    qtbot.keyClick(method, Qt.Key.Key_Down)
    evidence = form.view.answer_editors[evidence_key].widget
    evidence.setFocus()
    qtbot.wait(120)  # a person's pause (the scan detector)
    qtbot.keyClicks(evidence, "E-1", delay=70)
    for check in form.view.checklist.values():
        check.setFocus()
        qtbot.keyClick(check, Qt.Key.Key_Space)
    qtbot.waitUntil(form.ok_button.isEnabled, timeout=5000)


def _ctrl_enter(qtbot: QtBot, form: ProcedureDialog) -> QMessageBox:
    focused = QApplication.focusWidget() or form
    qtbot.keyClick(focused, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: getattr(form, "final_question", None) is not None or not form.isVisible(),
        timeout=10_000,
    )
    question = getattr(form, "final_question", None)
    assert isinstance(question, QMessageBox), "recorded without a question"
    assert question is not None
    question.activateWindow()  # as the window manager gives it the keyboard
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question, timeout=5000)
    return question


def test_decommission_and_dispose_ask_first_and_enter_keeps_the_form(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    _register(sqlite_db)
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "l.ini")

    decommission = _form(qtbot, window, Qt.Key.Key_D)
    _fill(qtbot, decommission, "sanitisation_method", "evidence_reference")
    question = _ctrl_enter(qtbot, decommission)
    assert question.text() == f"Decommission {TAG}? This cannot be undone."
    assert "only be disposed of" in question.informativeText()
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Enter out of habit: Cancel, the default
    qtbot.waitUntil(lambda: decommission.final_question is None, timeout=5000)
    qtbot.wait(300)
    assert _status(sqlite_db) == AssetStatus.IN_STOCK.value
    assert decommission.isVisible() and decommission.ok_button.isEnabled()  # as it was

    question = _ctrl_enter(qtbot, decommission)
    qtbot.keyClick(question, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(decommission), timeout=10_000)
    assert _status(sqlite_db) == AssetStatus.DECOMMISSIONED.value

    dispose = _form(qtbot, window, Qt.Key.Key_X)
    _fill(qtbot, dispose, "disposal_method", "certificate_number")
    question = _ctrl_enter(qtbot, dispose)
    assert question.text() == f"Dispose {TAG}? This cannot be undone."
    qtbot.keyClick(question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dispose.final_question is None, timeout=5000)
    qtbot.wait(300)
    assert _status(sqlite_db) == AssetStatus.DECOMMISSIONED.value
    question = _ctrl_enter(qtbot, dispose)
    qtbot.keyClick(question, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(dispose), timeout=10_000)
    assert _status(sqlite_db) == AssetStatus.DISPOSED.value
