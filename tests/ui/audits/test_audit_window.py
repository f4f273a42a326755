"""The audits window: start an audit, scan, reconcile with actions, report, audit due."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve, pending_approvals
from desktop.services.audit_actions import AuditAction
from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.services.reference import create_location
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.approval_templates import set_approval_rule
from tests.factories import World, seed_world
from tests.journeys.windows import button, message_box
from tests.ui.keys import press_key, the_open_list, type_keys
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.audit_due_view import DUE_COLUMNS
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.audits.start_audit_dialog import EXPECTED_NOTE, NAMED_NOTE, StartAuditDialog

SHOTS = os.environ.get("ASSETDESK_SHOTS")


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    world.install("LAP-3")
    return world


def test_start_an_audit_and_scan_into_it(qtbot: QtBot, world: World) -> None:
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == 0
    dialog = window.open_start_dialog()
    assert dialog is not None
    dialog.name.setText("Building A walk")
    dialog.scope.setCurrentIndex(dialog.scope.findText("Building A", Qt.MatchFlag.MatchContains))
    shot(dialog, "audit-start-dialog")
    with qtbot.waitSignal(dialog.started, timeout=5000):
        dialog.submit()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    (audit,) = window.model.rows()
    assert (audit.name, audit.expected, audit.is_open) == ("Building A walk", 3, True)
    screens = window.findChildren(ScanScreen)
    assert len(screens) == 1  # starting an audit opens its scan screen
    screen = screens[0]
    for text in ("ROOM-A2", "LAP-3", "LAP-1"):
        qtbot.keyClicks(screen.scan_field, text)
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)
    assert screen.tally.total.found == 1 and screen.tally.total.misplaced == 1
    screen.close()
    qtbot.waitUntil(lambda: window.model.rows()[0].scans == 3)
    assert window.statusBar().currentMessage() == "1 open audit, 1 in all"  # was "1 open audits"
    shot(window, "audit-window")


def test_the_audits_list_counts_what_was_scanned_not_an_undo_or_a_finished_room(
    qtbot: QtBot, world: World
) -> None:
    """A new user saw 8 scans listed for 5: the undone scan, the undo itself and the
    room's finish mark were counted too. The reconciliation counts the same scans."""
    from desktop.services.audit_tally import reconcile

    audit = start_audit(world.db, scope_location_id=world.building, started_by="auditor")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    screen = ScanScreen(world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    for text in ("ROOM-A2", "LAP-3", "LAP-1"):
        qtbot.keyClicks(screen.scan_field, text)
        qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(screen.room_button, Qt.MouseButton.LeftButton)  # Finish room
    qtbot.waitUntil(lambda: "Re-open room" in screen.room_button.text(), timeout=5000)
    screen.close()
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rows()[0].scans == 2, timeout=5000)  # ROOM-A2, LAP-3
    with world.db.read() as session:
        assert reconcile(session, audit.id).scans == 2


def test_a_closed_audit_with_nothing_to_act_on_greys_those_actions_and_says_why(
    qtbot: QtBot, world: World
) -> None:
    """A new user saw "Mark missing" enabled beside "Missing (0)"."""
    audit = start_audit(world.db, scope_location_id=world.room_a, started_by="auditor", name="A1")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: "A1" in view.header.text())
    expected = view.models["missing"].rowCount()
    assert expected > 0
    for row in range(expected):  # every asset of the room scanned: nothing missing
        tag = view.models["missing"].index(row, 0).data()
        record_scan(world.db, audit_id=audit.id, raw=tag, scanned_by="auditor", room_id=room)
    view.reload()
    qtbot.waitUntil(lambda: view.tabs.tabText(1) == "Missing (0)", timeout=5000)
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    box = view.confirmation
    assert box is not None
    qtbot.mouseClick(box.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.audited_button.isEnabled(), timeout=5000)
    assert not view.missing_button.isEnabled()
    assert view.missing_button.toolTip() == "No asset of this audit is missing"
    assert not view.moves_button.isEnabled() and not view.receive_button.isEnabled()


def test_reconcile_close_apply_and_report(
    qtbot: QtBot, world: World, tmp_path: Path, qtmodeltester
) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    for tag in ("LAP-1", "LAP-3", "STRAY-1"):
        record_scan(world.db, audit_id=audit.id, raw=tag, scanned_by="auditor", room_id=room)
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    assert view.tabs.tabText(1) == "Missing (1)"
    assert not view.moves_button.isEnabled()
    assert "Close the audit first" in view.moves_button.toolTip()
    qtmodeltester.check(view.models["misplaced"])

    view.close_audit()
    qtbot.waitUntil(lambda: view.moves_button.isEnabled(), timeout=5000)
    assert "closed by Aud Itor" in view.header.text()
    view.apply(AuditAction.MOVES)
    qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=5000)
    assert view.status.text() == "Record the moves of misplaced assets: 1 recorded."
    with world.db.read() as s:
        moved = s.execute(select(Asset.location_id).where(Asset.tag == "LAP-3")).scalar_one()
    assert moved == world.room_a
    view.tabs.setCurrentIndex(2)
    view.resize(1200, 500)
    shot(view, "audit-reconciliation")

    def receive_every_unknown_tag(view: ReconciliationView) -> None:
        view.open_receive()  # every unknown tag when none is selected
        dialog = view.findChild(ReceiveUnknownDialog)
        assert dialog is not None
        combo = dialog.category
        combo.setCurrentIndex(
            next(i for i in range(combo.count()) if combo.itemData(i) == world.monitor_category)
        )
        for box in dialog.checks.values():
            box.setChecked(True)
        dialog._confirm()
        dialog.deleteLater()

    # Receiving creates assets: a technician's work, refused to an auditor alone.
    receive_every_unknown_tag(view)
    qtbot.waitUntil(lambda: view.findChild(QMessageBox) is not None, timeout=5000)
    refusal = view.findChild(QMessageBox)
    assert refusal is not None
    assert refusal.text() == (
        "Aud Itor (auditor) may not record a receive procedure: that needs the technician "
        "or administrator role; they hold auditor"
    )
    refusal.close()
    with world.db.read() as s:
        assert s.execute(select(Asset.id).where(Asset.tag == "STRAY-1")).first() is None
    view = ReconciliationView(world.db, "tech", audit.id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    receive_every_unknown_tag(view)
    qtbot.waitUntil(lambda: view.status.text().startswith("Received"), timeout=5000)
    assert view.status.text() == "Received 1 new asset: STRAY-1"  # "1 new assets" (newuser6)
    with world.db.read() as s:
        stray = s.execute(select(Asset.category_id).where(Asset.tag == "STRAY-1")).scalar_one()
    assert stray == world.monitor_category

    path = tmp_path / "hq.xlsx"
    view.save_report(path)
    qtbot.waitUntil(lambda: view.status.text() == f"Report saved: {path}", timeout=5000)
    assert load_workbook(path)["Summary"]["B1"].value == "HQ"


def test_save_report_from_the_reconciliation_suggests_the_audits_name(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """The save dialog of the reconciliation's Save report started with no file name
    (the audits window's suggests the audit's; found by the new user)."""
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    qtbot.mouseClick(view.report_button, Qt.MouseButton.LeftButton)
    dialog = view.findChild(QFileDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    (suggested,) = dialog.selectedFiles()
    assert Path(suggested) == Path.home() / "HQ.xlsx"  # not the folder it was started from
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile("HQ.xlsx")
    dialog.accept()
    path = tmp_path / "HQ.xlsx"
    qtbot.waitUntil(lambda: view.status.text() == f"Report saved: {path}", timeout=5000)
    assert load_workbook(path)["Summary"]["B1"].value == "HQ"


def test_the_audits_window_and_the_reconciliation_close_with_ctrl_w(
    qtbot: QtBot, world: World
) -> None:
    """As the scan screen does (Close (Ctrl+W)): a new user found no key to close them."""
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.keyClick(view.tabs, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(view), timeout=5000)
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.table, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)


def test_closed_audit_cannot_be_scanned_from_the_window(qtbot: QtBot, world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    close_audit(world.db, audit_id=audit.id, closed_by="auditor")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    assert window.selected_audit() is not None
    assert not window.scan_action.isEnabled()
    assert window.scan_action.toolTip() == "The audit is closed: it is read-only"
    assert window.open_scan_screen() is None


def test_audit_due_lists(qtbot: QtBot, world: World, qtmodeltester) -> None:
    with world.db.write() as s:
        asset = s.execute(select(Asset).where(Asset.tag == "LAP-1")).scalar_one()
        asset.last_audited_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(1)
    due = window.due_view
    qtbot.waitUntil(lambda: "Overdue: 1" in due.counts.text(), timeout=5000)
    assert "Never audited: 2" in due.counts.text()
    assert [r.tag for r in due.model.rows()] == ["LAP-1"]
    qtmodeltester.check(due.model)
    assert due.model.columnCount() == len(DUE_COLUMNS)
    shot(window, "audit-due")


def test_closing_while_a_job_runs_waits_for_it(qtbot: QtBot, world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    view = ReconciliationView(world.db, "auditor", audit.id)  # starts loading at once
    qtbot.addWidget(view)
    view.show()
    assert view.jobs.busy()
    view.close()
    assert view.isVisible()  # the close waits for the thread
    qtbot.waitUntil(lambda: closed(view), timeout=5000)
    assert not view.jobs.busy()
    assert "expected" in view.header.text()  # the result still arrived


def test_room_labels_for_the_audit_scope(qtbot: QtBot, world: World) -> None:
    start_audit(world.db, scope_location_id=world.building, started_by="auditor")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.labels_action.trigger()
    dialog = window.location_labels
    codes = {item.value for item in dialog.items}
    assert {"ROOM-A1", "ROOM-A2"} <= codes  # the building's rooms, scanned first in each room
    assert "SITE-HQ" not in codes  # outside the scope
    dialog.close()


def test_the_room_picker_finds_a_location_by_any_part_of_its_code_or_path(
    qtbot: QtBot, world: World
) -> None:
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_start_dialog()
    assert dialog is not None
    assert dialog.scope.currentText() == ""  # nothing chosen for the user
    edit = dialog.scope.lineEdit()
    assert edit is not None
    qtbot.keyClicks(edit, "room a")  # both rooms: the user must pick one
    dialog.submit()
    assert dialog.message.text() == "No single location matches 'room a': pick one from the list."
    edit.clear()
    qtbot.keyClicks(edit, "m-a2")  # part of the code ROOM-A2
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # names the room; the dialog stays open
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.started, timeout=5000) as started:
        qtbot.mouseClick(start_button(dialog), Qt.MouseButton.LeftButton)
    assert started.args[0].scope == "Room A2"


def test_the_room_picker_finds_an_accented_name_typed_without_its_accents(
    qtbot: QtBot, world: World
) -> None:
    """The register's search finds "Zürich" for "zurich"; the scope picker offered
    nothing for it (found by the new user)."""
    with world.db.write() as session:
        create_location(
            session, name="Zürich office", kind="room", parent_id=world.building, code="ZRH-1"
        )
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_start_dialog()
    assert dialog is not None
    edit = dialog.scope.lineEdit()
    completer = dialog.scope.completer()
    assert edit is not None and completer is not None
    qtbot.keyClicks(edit, "zurich")
    popup = completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    offered = completer.completionModel()
    assert [offered.index(r, 0).data() for r in range(offered.rowCount())] == [
        "Head office › Building A › Zürich office  ·  ZRH-1"
    ]
    assert edit.text() == "zurich"  # what was typed stays until a choice is made
    popup.hide()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # names the room; the dialog stays open
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.started, timeout=5000) as started:
        qtbot.mouseClick(start_button(dialog), Qt.MouseButton.LeftButton)
    assert started.args[0].scope == "Zürich office"


def test_recorded_moves_wait_for_approval_when_the_template_asks(
    qtbot: QtBot, world: World
) -> None:
    """Audit corrections follow the same approval rule as the form: pending, asset as it is."""
    set_approval_rule(world.db, ProcedureKind.AUDIT_CORRECTION, mode="always", approvers=1)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    record_scan(world.db, audit_id=audit.id, raw="LAP-3", scanned_by="auditor", room_id=room)
    close_audit(world.db, audit_id=audit.id, closed_by="auditor")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.moves_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(view.moves_button, Qt.MouseButton.LeftButton)
    box = message_box(qtbot, containing="Move 1 asset to where the audit found it")
    qtbot.mouseClick(button(box, "Record moves"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=5000)
    assert view.status.text() == (
        "Record the moves of misplaced assets: 0 recorded, 1 waiting for approval."
    )
    with world.db.read() as s:
        location = s.execute(select(Asset.location_id).where(Asset.tag == "LAP-3")).scalar_one()
        (pending,) = pending_approvals(s)
    assert location == world.room_b  # unchanged until approved
    assert (pending.asset_tag, pending.kind) == ("LAP-3", "audit_correction")
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")  # another group
    with world.db.read() as s:
        location = s.execute(select(Asset.location_id).where(Asset.tag == "LAP-3")).scalar_one()
    assert location == world.room_a


def test_closing_the_audits_window_while_a_reconciliation_loads_does_not_abort(
    qtbot: QtBot, world: World
) -> None:
    """Closing Inventory audits while its reconciliation window was still reading deleted
    that window with its thread running: the program aborted (seen under load)."""
    start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    window = AuditWindow(world.db, "auditor")
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the main window opens it
    gone: list[bool] = []
    window.destroyed.connect(lambda *_: gone.append(True))
    window.show()
    qtbot.waitUntil(lambda: window.selected_audit() is not None, timeout=5000)
    view = window.open_reconciliation()
    assert view is not None and view.jobs.busy()  # it starts reading at once
    window.close()
    qtbot.waitUntil(lambda: bool(gone), timeout=10_000)  # deleted, its children with it
    qtbot.wait(200)


def test_the_close_question_counts_a_retired_asset_found_in_place(
    qtbot: QtBot, world: World
) -> None:
    """The question listed found, misplaced, missing and unknown but not the decommissioned
    laptop found in the room, which the header counted."""
    world.receive(tag="LAP-9")  # LAP-1 to 3 are the fixture's
    set_approval_rule(world.db, ProcedureKind.DECOMMISSION, mode="never")
    world.decommission("LAP-9")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    for tag in ("LAP-1", "LAP-9"):
        record_scan(world.db, audit_id=audit.id, raw=tag, scanned_by="auditor", room_id=room)
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    box = view.confirmation
    assert box is not None
    assert box.text().endswith(
        "1 found, 0 misplaced, 2 not seen (missing), 0 unknown tags, 1 retired but present."
    ), box.text()
    box.reject()


def test_escape_closes_the_reconciliation(qtbot: QtBot, world: World) -> None:
    """It has no Close button ("Close audit…" closes the audit): Ctrl+W or Esc."""
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    qtbot.keyClick(view.tabs, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(view))


def test_the_room_picker_takes_a_whole_code_or_name_shared_by_the_rooms_below_it(
    qtbot: QtBot, world: World
) -> None:
    """ "LON" is London HQ's code, and its room's code LON-STORE holds it too; "Head office"
    is a site's name, and every path below it begins so. Both were refused as matching
    several locations, so a site with rooms could not be typed at all (newuser4)."""
    with world.db.write() as session:
        london = create_location(session, name="London HQ", kind="site", code="LON")
        create_location(
            session, name="IT store", kind="room", parent_id=london.id, code="LON-STORE"
        )
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    for typed, scope in (
        ("lon", "London HQ"),
        ("Head office", "Head office"),
        ("branch", "Branch"),
    ):
        dialog = window.open_start_dialog()
        assert dialog is not None
        edit = dialog.scope.lineEdit()
        assert edit is not None
        qtbot.keyClicks(edit, typed)
        completer = dialog.scope.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None:
            popup.hide()
        qtbot.keyClick(edit, Qt.Key.Key_Return)  # names the room; the dialog stays open
        assert dialog.isVisible()
        with qtbot.waitSignal(dialog.started, timeout=5000) as started:
            qtbot.mouseClick(start_button(dialog), Qt.MouseButton.LeftButton)
        assert started.args[0].scope == scope
    dialog = window.open_start_dialog()
    assert dialog is not None
    edit = dialog.scope.lineEdit()
    assert edit is not None
    qtbot.keyClicks(edit, "room a")  # a part two rooms share still names neither
    assert dialog.message.text() == EXPECTED_NOTE  # nothing said while typing
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter says why (it said nothing)
    assert dialog.message.text() == "No single location matches 'room a': pick one from the list."
    assert dialog.isVisible()
    qtbot.keyClicks(edit, "2")  # "room a2": one room
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.scope.currentText() == "Head office › Building A › Room A2  ·  ROOM-A2"
    assert dialog.message.text() == NAMED_NOTE
    dialog.close()


def start_button(dialog: StartAuditDialog) -> QPushButton:
    """The dialog's Start audit button (Enter in the scope field only names the room)."""
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None and button.isEnabled()
    return button


def _start_dialog(qtbot: QtBot, world: World) -> StartAuditDialog:
    """Start audit… from the Inventory audits window, the focus in Scope."""
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_start_dialog()
    assert dialog is not None
    dialog.activateWindow()
    dialog.scope.setFocus()
    qtbot.waitUntil(dialog.scope.hasFocus, timeout=5000)
    return dialog


def test_enter_under_the_scope_list_takes_the_highlighted_room_and_does_not_start(
    qtbot: QtBot, world: World
) -> None:
    """ "room a" offers Room A1 and Room A2: the list opens with the first highlighted and
    Enter (sent to the list, which has the keyboard) takes it, as every pick list does —
    it took nothing, and Start then said no single location matches. The Enter only names
    the room: the audit starts with its button. A room code typed with the list open is
    the one highlighted, though it is not the first suggestion."""
    dialog = _start_dialog(qtbot, world)
    started: list[object] = []
    dialog.started.connect(started.append)
    type_keys(qtbot, "room a")
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    assert popup.model().rowCount() == 2
    highlighted = str(popup.currentIndex().data())
    assert highlighted.endswith("Room A1  ·  ROOM-A1")
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.scope.currentText() == highlighted
    assert dialog.isVisible() and not started
    # "room-a" names no room; "room-a2" names Room A2, the second of "room-a"'s list.
    dialog.scope.lineEdit().clear()  # type: ignore[union-attr]
    type_keys(qtbot, "room-a2")
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    assert str(popup.currentIndex().data()).endswith("Room A2  ·  ROOM-A2")
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.scope.currentText().endswith("Room A2  ·  ROOM-A2")
    assert dialog.isVisible() and not started
    with qtbot.waitSignal(dialog.started, timeout=5000) as start:
        qtbot.mouseClick(start_button(dialog), Qt.MouseButton.LeftButton)
    assert start.args[0].scope == "Room A2"


def test_enter_twice_in_the_scope_says_which_key_starts_the_audit(
    qtbot: QtBot, world: World
) -> None:
    """A new auditor typed the room, pressed Enter, and Enter again to start: nothing
    happened and nothing was said (the Enter only names the room, as a scanned room label's
    does). The dialog now says that Alt+S starts the audit, and Alt+S does."""
    dialog = _start_dialog(qtbot, world)
    type_keys(qtbot, "room-a2")
    press_key(qtbot, Qt.Key.Key_Return)
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text().endswith(
        "Enter in Scope only names the room, as a scanned room label does: Alt+S starts the audit."
    )
    with qtbot.waitSignal(dialog.started, timeout=5000) as start:
        press_key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert start.args[0].scope == "Room A2"


def test_enter_under_the_scope_list_says_the_room_is_named_not_that_none_matches(
    qtbot: QtBot, world: World
) -> None:
    """A new auditor typed "room a", and Enter took the highlighted Room A1 into the field;
    the dialog then said "No single location matches 'room a': pick one from the list"
    under the room just picked (the field read its Enter before the list wrote the pick).
    It says what the Enter did, as after a room code typed whole."""
    dialog = _start_dialog(qtbot, world)
    type_keys(qtbot, "room a")
    the_open_list(qtbot)
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.scope.currentText().endswith("Room A1  ·  ROOM-A1")
    assert dialog.message.text() == NAMED_NOTE
    with qtbot.waitSignal(dialog.started, timeout=5000) as start:
        press_key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert start.args[0].scope == "Room A1"
