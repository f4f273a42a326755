"""A technician's day, through the real window only (issue 13, point 1).

Scan an unknown capitalised tag with a HID scanner → accept "Receive a new asset with
tag …" → fill the receive form with the keyboard (a purchase date typed as 2024-02-15) →
the new asset is selected → print its label to PDF → Install (Ctrl+I) → Change (Ctrl+E)
→ Decommission (Ctrl+Shift+D) with sanitisation method and evidence → approval by two
approvers in their own windows (the technician cannot approve his own) → Dispose
(Ctrl+Shift+X) with method and certificate → approved. Along the way: what the window
shows (selection, status column, detail panel and timeline) and what the database holds;
at the end ``assetdesk asset show`` as a subprocess.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.services.queries import asset_detail
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner, scan_selects, type_as_a_person
from tests.journeys.windows import button, message_box
from tests.ui.gui.conftest import Register, detail_read
from tests.ui.procedure_form.test_keyboard import focused, owns_focus
from ui.gui.approvals.inbox_dialog import ApprovalsInbox
from ui.gui.labels.painter import render_image
from ui.gui.labels.print_dialog import LabelPrintDialog
from ui.gui.main_window import MainWindow
from ui.gui.models.asset_table_model import TagRole
from ui.gui.models.columns import COLUMN_INDEX
from ui.gui.procedure_form.dialog import ProcedureDialog

TAG = "DCK-000019"
CLI = (sys.executable, "-m", "ui.cli.main")
SANITISATION = "Purge: cryptographic erase (NIST SP 800-88)"
EVIDENCE = "WIPE-2024-0042"
DISPOSAL = "Certified recycling (WEEE / R2 / e-Stewards)"
CERTIFICATE = "REC-88812"


def selected_tags(window: MainWindow) -> list[str]:
    return [i.data(TagRole) for i in window.view.table.selectionModel().selectedRows()]


def shown_status(window: MainWindow) -> str:
    (index,) = window.view.table.selectionModel().selectedRows()
    return str(window.model.index(index.row(), COLUMN_INDEX["status"]).data())


def timeline(window: MainWindow) -> str:
    return window.view.detail.body.toPlainText()


def the_form(qtbot: QtBot, window: MainWindow, kind: ProcedureKind) -> ProcedureDialog:
    qtbot.waitUntil(
        lambda: bool(window.open_dialogs) and isinstance(window.open_dialogs[-1], ProcedureDialog)
    )
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ProcedureDialog)
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    assert dialog.view is not None and dialog.view.context.kind is kind
    return dialog


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    click_into(qtbot, widget)
    field = focused() if QApplication.focusWidget() is not None else widget
    type_as_a_person(qtbot, field, text)
    # Enter takes the completion shown, or moves on to the next field (as a scanner's does).
    # An open pop-up list has the keyboard, as under a real window system.
    target = QApplication.activePopupWidget() or QApplication.focusWidget() or field
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def click_into(qtbot: QtBot, widget: QWidget) -> None:
    """Click into a field and select what it holds, as a person does to replace it."""
    target = widget.lineEdit() if isinstance(widget, QComboBox) and widget.isEditable() else widget
    assert target is not None
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: owns_focus(widget))
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)


def choose(qtbot: QtBot, combo: QWidget, text: str) -> None:
    """Open a drop-down list with a click, type the start of an entry, press Enter."""
    assert isinstance(combo, QComboBox) and not combo.isEditable()
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: combo.view().isVisible())
    qtbot.keyClicks(focused(), text)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not combo.view().isVisible())


def tick(qtbot: QtBot, dialog: ProcedureDialog, *keys: str) -> None:
    assert dialog.view is not None
    for key in keys:
        box = dialog.view.checklist[key]
        dialog.scroll_area.ensureWidgetVisible(box)  # as a person scrolls to it
        on_the_box = QPoint(8, box.height() // 2)  # the tick box itself, at the left
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=on_the_box)
        assert box.isChecked()


def record(qtbot: QtBot, dialog: ProcedureDialog) -> list[Any]:
    assert dialog.ok_button.isEnabled(), dialog.problems()
    # Ctrl+Enter in the form (its focus field: a pick list's closed pop-up may keep the
    # application's focus under the offscreen platform).
    target = dialog.focusWidget() or dialog
    with qtbot.waitSignal(dialog.recorded, timeout=20_000, raising=False) as recorded:
        qtbot.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert recorded.signal_triggered, dialog.status_label.text()
    return list(recorded.args[0])


def change_form_of_scanned(
    qtbot: QtBot, window: MainWindow, scanner: HidScanner, tag: str
) -> ProcedureDialog:
    """``tag`` scanned into the register (its row selected), then Ctrl+E: its Change form,
    ready, with its view."""
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scan_selects(qtbot, window, scanner, tag)
    press(qtbot, window, ProcedureKind.CHANGE, "Ctrl+E")
    change = the_form(qtbot, window, ProcedureKind.CHANGE)
    assert change.view is not None
    return change


def press(qtbot: QtBot, window: MainWindow, kind: ProcedureKind, shortcut: str) -> None:
    """The procedure's shortcut, pressed while its action is enabled."""
    action = window.procedure_actions[kind]
    assert action.shortcut().toString() == shortcut
    assert action.isEnabled(), action.toolTip()
    window.activateWindow()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    key, _, modifiers = _chord(shortcut)
    qtbot.keyClick(window.view.table, key, modifiers)


def _chord(shortcut: str) -> tuple[Qt.Key, str, Qt.KeyboardModifier]:
    *mods, key = shortcut.split("+")
    modifiers = Qt.KeyboardModifier.NoModifier
    for mod in mods:
        modifiers |= {
            "Ctrl": Qt.KeyboardModifier.ControlModifier,
            "Shift": Qt.KeyboardModifier.ShiftModifier,
        }[mod]
    return Qt.Key(ord(key)), key, modifiers


def approve_in_own_window(
    qtbot: QtBot, journey_window: WindowFactory, approver: str, tag: str
) -> None:
    """The approver opens Work › Approvals in their own window and approves the item."""
    window = journey_window(approver)
    trigger(window.features.approvals_action)
    inbox = window.open_dialogs[-1]
    assert isinstance(inbox, ApprovalsInbox)
    qtbot.waitUntil(lambda: inbox.model.rowCount() > 0, timeout=10_000)
    (row,) = [r for r in range(inbox.model.rowCount()) if inbox.model.row(r).asset_tag == tag]
    inbox.table.selectRow(row)
    assert inbox.approve_button.isEnabled(), inbox.reason_label.text()
    last = inbox.model.row(row).approvals_given + 1 == inbox.model.row(row).approvals_required
    with qtbot.waitSignal(inbox.decided, timeout=20_000):
        qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
        if last:  # the approval that ends the asset's life asks first
            box = message_box(qtbot, containing="cannot be undone")
            kind = inbox.model.row(row).kind
            verb = "Approve and decommission" if kind == "decommission" else "Approve and dispose"
            qtbot.mouseClick(button(box, verb), Qt.MouseButton.LeftButton)
    inbox.close()
    window.close()


def refresh(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    trigger(window.refresh_action)
    qtbot.waitUntil(lambda: not window.model.is_loading, timeout=10_000)


@pytest.fixture
def pdf_target(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    target = tmp_path / "labels.pdf"
    monkeypatch.setattr(
        "ui.gui.file_dialogs.get_save_file_name",
        lambda *args, **kwargs: (str(target), "PDF (*.pdf)"),
    )
    return target


def test_a_technicians_day(
    qtbot: QtBot,
    journey_window: WindowFactory,
    register: Register,
    scanner: HidScanner,
    pdf_target: Path,
) -> None:
    window = journey_window("tech")
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)

    # -- an unknown tag is scanned: the window offers to receive it ---------------------
    scanner.scan(TAG)
    qtbot.waitUntil(lambda: window.unknown_tag_prompt is not None, timeout=5000)
    prompt = window.unknown_tag_prompt
    assert prompt is not None
    (offer,) = [b for b in prompt.buttons() if b.text() == f"Receive a new asset with tag {TAG}"]
    qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    assert window.view.filter_bar.search.text() == ""

    receive = the_form(qtbot, window, ProcedureKind.RECEIVE)
    view = receive.view
    assert view is not None
    assert view.asset_editors["tag"].value() == TAG
    # Opened on a scanned tag: in the serial number, which a scanner fills next.
    assert owns_focus(view.asset_editors["serial_number"].widget)
    type_into(qtbot, view.asset_editors["name"].widget, "Dell WD19 dock")
    type_into(qtbot, view.asset_editors["category"].widget, "Laptop")
    type_into(qtbot, view.asset_editors["serial_number"].widget, "CN0WD19-8812")
    type_into(qtbot, view.asset_editors["location"].widget, "Room A1")
    type_into(qtbot, view.asset_editors["purchase_date"].widget, "2024-02-15")
    assert view.asset_editors["purchase_date"].value() == dt.date(2024, 2, 15)
    type_into(qtbot, view.asset_editors["purchase_cost"].widget, "189.90")
    tick(qtbot, receive, "inspected", "contents_match")
    (received,) = record(qtbot, receive)
    assert window.statusBar().currentMessage() == f"Recorded receive of {TAG}."
    assert received.asset_tag == TAG

    # -- the new asset is selected and shown -------------------------------------------
    qtbot.waitUntil(lambda: selected_tags(window) == [TAG], timeout=10_000)
    assert shown_status(window) == "In stock"
    detail_read(qtbot, window)
    assert window.view.detail.detail is not None and window.view.detail.detail.row.tag == TAG
    with register.db.read() as session:
        stored = asset_detail(session, tag=TAG)
    assert stored.row.purchase_date == dt.date(2024, 2, 15)
    assert str(stored.row.purchase_cost) == "189.90"
    assert stored.row.serial_number == "CN0WD19-8812"

    # -- its label -------------------------------------------------------------------
    trigger(window.features.print_labels_action)
    qtbot.waitUntil(lambda: _label_dialog() is not None, timeout=10_000)
    labels = _label_dialog()
    assert labels is not None
    qtbot.waitUntil(lambda: labels.preview.page is not None, timeout=10_000)
    qtbot.mouseClick(labels.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: labels.worker is None, timeout=20_000)
    assert labels.status_label.text() == f"Saved labels.pdf in {pdf_target.parent}"
    assert pdf_target.read_bytes().startswith(b"%PDF")
    page = labels.preview.page
    assert page is not None
    decoded = {r.text for r in zxingcpp.read_barcodes(render_image(page, 300))}
    assert TAG in decoded  # the page the PDF was painted from carries the tag's barcode
    labels.close()

    # -- install (Ctrl+I): location and assignee are asked for --------------------------
    press(qtbot, window, ProcedureKind.INSTALL, "Ctrl+I")
    install = the_form(qtbot, window, ProcedureKind.INSTALL)
    view = install.view
    assert view is not None
    assert "location" in view.required
    type_into(qtbot, view.asset_editors["location"].widget, "Room A2")  # it stood in A1
    type_into(qtbot, view.asset_editors["assigned_to"].widget, "Una User")
    tick(qtbot, install, "powers_on", "handover")
    record(qtbot, install)
    qtbot.waitUntil(lambda: shown_status(window) == "In service", timeout=10_000)
    assert selected_tags(window) == [TAG]
    detail_read(qtbot, window)
    assert "Una User" in timeline(window)

    # -- change (Ctrl+E): a move ------------------------------------------------------
    press(qtbot, window, ProcedureKind.CHANGE, "Ctrl+E")
    change = the_form(qtbot, window, ProcedureKind.CHANGE)
    view = change.view
    assert view is not None
    choose(qtbot, view.answer_editors["change_type"].widget, "Move")
    assert view.answer_editors["change_type"].value() == "Move"
    type_into(qtbot, view.asset_editors["location"].widget, "Room A1")
    record(qtbot, change)
    qtbot.waitUntil(lambda: "Room A2 → Room A1" in timeline(window), timeout=10_000)

    # -- decommission (Ctrl+Shift+D): sanitisation method and evidence -------------------
    press(qtbot, window, ProcedureKind.DECOMMISSION, "Ctrl+Shift+D")
    decommission = the_form(qtbot, window, ProcedureKind.DECOMMISSION)
    view = decommission.view
    assert view is not None
    assert view.asset_editors["location"].value() is not None  # asks where it now is
    choose(qtbot, view.answer_editors["sanitisation_method"].widget, "Purge: c")
    assert view.answer_editors["sanitisation_method"].value() == SANITISATION
    type_into(qtbot, view.answer_editors["evidence_reference"].widget, EVIDENCE)
    tick(qtbot, decommission, "accounts_removed")
    (pending,) = record(qtbot, decommission)
    assert pending.approvals_required == 2
    assert window.statusBar().currentMessage() == (
        f"Recorded decommission of {TAG}; waits for approval (2 approvals needed)."
    )  # new-user finding 22: it said "Recorded 1 procedure(s)."
    qtbot.waitUntil(lambda: "waiting for approval" in timeline(window), timeout=10_000)
    assert shown_status(window) == "In service"  # not before it is approved

    # -- the technician cannot approve his own ---------------------------------------
    trigger(window.features.approvals_action)
    inbox = window.open_dialogs[-1]
    assert isinstance(inbox, ApprovalsInbox)
    qtbot.waitUntil(lambda: inbox.model.rowCount() > 0, timeout=10_000)
    (row,) = [r for r in range(inbox.model.rowCount()) if inbox.model.row(r).asset_tag == TAG]
    inbox.table.selectRow(row)
    assert not inbox.approve_button.isEnabled()
    assert "nobody approves their own procedure" in inbox.reason_label.text()
    inbox.close()

    for approver in ("approver", "approver2"):
        approve_in_own_window(qtbot, journey_window, approver, TAG)
    refresh(qtbot, window)
    qtbot.waitUntil(lambda: selected_tags(window) == [TAG], timeout=10_000)
    qtbot.waitUntil(lambda: shown_status(window) == "Decommissioned", timeout=10_000)
    with register.db.read() as session:
        stored = asset_detail(session, tag=TAG)
    assert stored.row.status == AssetStatus.DECOMMISSIONED.value
    assert stored.assigned_to_id is None  # decommissioning clears the assignee
    detail_read(qtbot, window)
    text = timeline(window)
    assert f"Data sanitisation method: {SANITISATION}" in text
    assert f"Sanitisation evidence reference: {EVIDENCE}" in text

    # -- dispose (Ctrl+Shift+X): method and certificate ----------------------------------
    assert not window.procedure_actions[ProcedureKind.INSTALL].isEnabled()
    press(qtbot, window, ProcedureKind.DISPOSE, "Ctrl+Shift+X")
    dispose = the_form(qtbot, window, ProcedureKind.DISPOSE)
    view = dispose.view
    assert view is not None
    choose(qtbot, view.answer_editors["disposal_method"].widget, "Certified")
    assert view.answer_editors["disposal_method"].value() == DISPOSAL
    type_into(qtbot, view.answer_editors["certificate_number"].widget, CERTIFICATE)
    record(qtbot, dispose)
    for approver in ("approver", "approver2"):
        approve_in_own_window(qtbot, journey_window, approver, TAG)
    refresh(qtbot, window)
    qtbot.waitUntil(lambda: shown_status(window) == "Disposed", timeout=10_000)
    detail_read(qtbot, window)
    assert f"Certificate number: {CERTIFICATE}" in timeline(window)
    for kind in ProcedureKind:
        if kind in window.procedure_actions and kind is not ProcedureKind.RECEIVE:
            action = window.procedure_actions[kind]
            assert not action.isEnabled()
            assert "disposed" in action.toolTip()

    # -- the command line tells the same story -----------------------------------------
    shown = subprocess.run(
        [*CLI, "--database", str(register.db.sqlite_path), "asset", "show", TAG],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    for line in (
        f"Data sanitisation method: {SANITISATION}",
        f"Sanitisation evidence reference: {EVIDENCE}",
        f"Disposal method: {DISPOSAL}",
        f"Certificate number: {CERTIFICATE}",
        "Status: Disposed",
    ):
        assert line in shown.stdout, shown.stdout


def _label_dialog() -> LabelPrintDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, LabelPrintDialog) and widget.isVisible():
            return widget
    return None
