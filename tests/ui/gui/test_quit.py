"""Quit (Ctrl+Q) from every window of the application: Ctrl+Q did nothing in the audits,
scan and incidents windows, and File › Quit closed the main window — the program — at
once, whatever a procedure form held that had not been recorded. Now each form with
entries is asked about first ("Discard the changes in the Install form for …?"); Cancel
keeps every window open, the form with its entries; then every window closes and the
main window's layout is saved. Keys are sent as a person presses them, in the window in
front."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox, QWidget

from desktop.services.audits import start_audit
from tests.journeys.windows import button, message_box, shown
from tests.ui.gui.conftest import Register, open_window
from tests.ui.keys import where_keys_go
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.incidents.report_view import IncidentReportView
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.spreadsheets.import_wizard import MAPPING, SHEET, ImportWizard

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def _in_front(qtbot: QtBot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def _ctrl_q(qtbot: QtBot, window: QWidget) -> None:
    """Ctrl+Q where the keys go while ``window`` is in front."""
    _in_front(qtbot, window)
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused if focused is not None else window, Qt.Key.Key_Q, CTRL)


def _saved_geometry(layout: Path) -> bool:
    return isinstance(
        QSettings(str(layout), QSettings.Format.IniFormat).value("main/geometry"), QByteArray
    )


def _every_window(qtbot: QtBot, window: MainWindow) -> dict[str, QWidget]:
    """The audits window (Ctrl+Shift+U), its scan screen (Ctrl+S) and reconciliation
    (Ctrl+K), and the incidents window (Ctrl+Shift+J), opened by their keys."""
    qtbot.keyClick(window.view.table, Qt.Key.Key_U, CTRL_SHIFT)
    audits = shown(qtbot, AuditWindow, timeout=10_000)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1, timeout=10_000)
    _in_front(qtbot, audits)
    audits.table.setFocus()
    audits.table.selectRow(0)
    qtbot.keyClick(audits.table, Qt.Key.Key_S, CTRL)
    scan = shown(qtbot, ScanScreen, timeout=10_000)
    _in_front(qtbot, audits)
    audits.table.setFocus()
    qtbot.keyClick(audits.table, Qt.Key.Key_K, CTRL)
    reconciliation = shown(qtbot, ReconciliationView, timeout=10_000)
    qtbot.waitUntil(lambda: not reconciliation.jobs.busy(), timeout=10_000)
    _in_front(qtbot, window)
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key.Key_J, CTRL_SHIFT)
    incidents = shown(qtbot, IncidentReportView, timeout=10_000)
    return {
        "main": window,
        "audits": audits,
        "scan": scan,
        "reconciliation": reconciliation,
        "incidents": incidents,
    }


@pytest.mark.parametrize("where", ["main", "audits", "scan", "reconciliation", "incidents"])
def test_ctrl_q_in_any_window_closes_every_window_and_saves_the_layout(
    qtbot: QtBot, register: Register, tmp_path: Path, where: str
) -> None:
    start_audit(register.db, scope_location_id=register.world.site, started_by="auditor")
    window = open_window(qtbot, register, tmp_path, "auditor")
    windows = _every_window(qtbot, window)
    assert not _saved_geometry(tmp_path / "l.ini")
    _ctrl_q(qtbot, windows[where])
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    for name, other in windows.items():
        qtbot.waitUntil(lambda w=other: closed(w), timeout=10_000)  # type: ignore[misc]
        assert closed(other), name
    assert _saved_geometry(tmp_path / "l.ini")


def _install_form(qtbot: QtBot, window: MainWindow, tag: str) -> ProcedureDialog:
    window.handle_scan(tag)
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == [tag], timeout=10_000)
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key.Key_I, CTRL)  # Install…
    form = shown(qtbot, ProcedureDialog, timeout=10_000)
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    _in_front(qtbot, form)
    return form


def test_quit_asks_about_a_form_with_entries_and_cancel_keeps_it(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    form = _install_form(qtbot, window, "LAP-00001")
    assert form.view is not None
    ticket = form.view.ticket.widget
    assert isinstance(ticket, QLineEdit)
    ticket.setFocus()
    qtbot.keyClicks(where_keys_go(), "INC-7", delay=70)  # a person typing
    qtbot.waitUntil(lambda: ticket.text() == "INC-7", timeout=5000)

    _ctrl_q(qtbot, form)
    question = message_box(qtbot, containing="Discard the changes")
    assert question.text() == "Discard the changes in the Install form for LAP-00001?"
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Cancel is the default: a scanner's Enter
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert form.isVisible() and window.isVisible()
    assert ticket.text() == "INC-7"

    _ctrl_q(qtbot, form)
    question = message_box(qtbot, containing="Discard the changes")
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # Esc is Cancel too
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert form.isVisible() and window.isVisible() and ticket.text() == "INC-7"

    _ctrl_q(qtbot, form)
    question = message_box(qtbot, containing="Discard the changes")
    qtbot.mouseClick(button(question, "Discard"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert not form.isVisible()
    assert _saved_geometry(tmp_path / "l.ini")


def test_a_form_without_entries_closes_without_a_question(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    form = _install_form(qtbot, window, "LAP-00003")
    assert form.unsaved_input() == ""
    _ctrl_q(qtbot, form)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert not form.isVisible()
    assert window.quit.question is None


def test_quit_asks_about_an_import_with_choices_made(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """The import wizard's mapping is asked about as a form's entries are (closing it
    under Quit asked its own "Discard this import?" as the program ended)."""
    path = tmp_path / "spares.csv"
    path.write_text("Category,Serial number,Remarks\nLaptop,SN-1,spare\n", encoding="utf-8")
    window = open_window(qtbot, register, tmp_path, "admin")
    qtbot.keyClick(window.view.table, Qt.Key.Key_I, CTRL_SHIFT)  # Import a spreadsheet…
    wizard = shown(qtbot, ImportWizard, timeout=10_000)
    _in_front(qtbot, wizard)
    qtbot.keyClicks(wizard.file_page.path, str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    combo = wizard.mapping_page.table.cellWidget(2, 2)  # Remarks
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # another choice, by key
    chosen = combo.currentIndex()

    _ctrl_q(qtbot, wizard)
    question = message_box(qtbot, containing="Discard the changes")
    assert question.text() == "Discard the changes in the import of spares.csv?"
    qtbot.keyClick(question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    assert wizard.isVisible() and window.isVisible()
    assert wizard.pages.currentIndex() == MAPPING and combo.currentIndex() == chosen

    _ctrl_q(qtbot, wizard)
    question = message_box(qtbot, containing="Discard the changes")
    qtbot.mouseClick(button(question, "Discard"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert not wizard.isVisible()
    assert not [b for b in wizard.findChildren(QMessageBox) if b.isVisible()]  # no 2nd ask


def _audits_and_incidents(qtbot: QtBot, window: MainWindow) -> tuple[QWidget, QWidget]:
    qtbot.keyClick(window.view.table, Qt.Key.Key_U, CTRL_SHIFT)
    audits = shown(qtbot, AuditWindow, timeout=10_000)
    _in_front(qtbot, window)
    qtbot.keyClick(window.view.table, Qt.Key.Key_J, CTRL_SHIFT)
    return audits, shown(qtbot, IncidentReportView, timeout=10_000)


def test_the_audits_and_incidents_windows_open_as_quit_left_them(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """Their size was forgotten: each opened at its first size again, every time."""
    window = open_window(qtbot, register, tmp_path, "auditor")
    audits, incidents = _audits_and_incidents(qtbot, window)
    audits.resize(720, 460)
    incidents.resize(640, 420)
    _ctrl_q(qtbot, incidents)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)

    again = open_window(qtbot, register, tmp_path, "auditor")  # the same layout file
    audits, incidents = _audits_and_incidents(qtbot, again)
    assert (audits.width(), audits.height()) == (720, 460)
    assert (incidents.width(), incidents.height()) == (640, 420)
    _ctrl_q(qtbot, again)
    qtbot.waitUntil(lambda: closed(again), timeout=10_000)
