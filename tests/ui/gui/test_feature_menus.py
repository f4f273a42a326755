"""The main window opens labels, approvals, incidents, audits and About from its menus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from desktop.services.incidents import IncidentRequest, log_incident
from desktop.settings import CURRENT_USER, Settings
from tests.journeys.windows import button, message_box
from tests.ui.gui.conftest import Register, detail_read, show_window
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, register: Register, tmp_path: Path) -> Iterator[MainWindow]:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "approver")
    made = show_window(qtbot, register.db, settings, tmp_path / "l.ini")
    yield made
    if made.isVisible():
        made.close()


def _select_first(window: MainWindow, count: int = 1) -> list[str]:
    table = window.view.table
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(count):
        table.selectionModel().select(window.model.index(row, 0), flags)
    return [r.tag for r in window.selected_rows()]


def _top_level(kind: str) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if type(w).__name__ == kind and w.isVisible()]


def test_the_approvals_badge_counts_what_the_person_may_decide(
    qtbot: QtBot, register: Register, window: MainWindow
) -> None:
    register.decommission_waiting_for_approval("LAP-00001")
    window.features.refresh_badge()
    qtbot.waitUntil(
        lambda: window.features.approvals_action.iconText() == "Approvals (1)", timeout=5000
    )
    window.features.approvals_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("ApprovalsInbox")), timeout=5000)


def test_refresh_counts_the_approvals_again(
    qtbot: QtBot, register: Register, window: MainWindow
) -> None:
    """A new user filled an empty file with demo data: the register showed 2,000 assets,
    the badge still said "Approvals" without its count, also after F5."""
    qtbot.waitUntil(lambda: window.features._counting is None, timeout=5000)  # counted: 0
    assert window.features.approvals_action.text() == "&Approvals…"
    register.decommission_waiting_for_approval("LAP-00001")  # another person, meanwhile
    assert window.refresh_action.isEnabled()
    window.refresh_action.trigger()  # F5
    qtbot.waitUntil(
        lambda: window.features.approvals_action.iconText() == "Approvals (1)", timeout=5000
    )


def test_print_labels_for_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    tags = _select_first(window, 3)
    window.features.print_labels_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("LabelPrintDialog")), timeout=5000)
    dialog = _top_level("LabelPrintDialog")[0]
    assert sorted(row.tag for row in dialog._rows) == sorted(tags)
    dialog.close()


def test_print_labels_without_selection_takes_the_search_result(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.view.filter_bar.status.setCurrentIndex(
        window.view.filter_bar.status.findData("in_service")
    )
    qtbot.waitUntil(lambda: window.model.rowCount() == 50, timeout=5000)
    window.view.table.clearSelection()
    window.features.print_labels_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("LabelPrintDialog")), timeout=5000)
    dialog = _top_level("LabelPrintDialog")[0]
    assert len(dialog._rows) == 50
    assert {row.status for row in dialog._rows} == {"in_service"}
    dialog.close()


def test_incidents_show_in_the_asset_detail(
    qtbot: QtBot, register: Register, window: MainWindow
) -> None:
    log_incident(
        register.db,
        IncidentRequest(
            logged_by="tech",
            asset_tags=["LAP-00001"],
            title="Screen flickers",
            description="Flickers after an hour",
            severity="medium",
            routed_group="Service desk",
        ),
    )
    window.handle_scan("LAP-00001")
    detail_read(qtbot, window)
    text = window.view.detail.body.toPlainText()
    assert "Incidents (1, 1 open)" in text
    assert "Screen flickers" in text


def test_log_incident_audits_and_about_open(qtbot: QtBot, window: MainWindow) -> None:
    _select_first(window)
    window.features.incident_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("IncidentDialog")), timeout=5000)
    _top_level("IncidentDialog")[0].close()
    window.features.audits_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("AuditWindow")), timeout=5000)
    _top_level("AuditWindow")[0].close()
    window.features.about_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("AboutDialog")), timeout=5000)
    _top_level("AboutDialog")[0].close()


def test_moves_recorded_by_an_audit_show_in_the_register(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A new user recorded an audit's moves and the register beside it still showed the
    old room until F5: the register is read again when an audit action changes assets."""
    from desktop.services.audit_scans import record_scan
    from desktop.services.audits import start_audit

    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")  # a technician closes audits and records moves
    window = MainWindow(register.db, settings, layout_state=LayoutState(tmp_path / "l.ini"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
    first = window.model.row_at(0)
    assert first is not None
    elsewhere = "ROOM-A2" if first.location == "Room A1" else "ROOM-A1"
    world = register.world
    audit = start_audit(world.db, scope_location_id=world.site, started_by="tech", name="Walk")
    room = record_scan(world.db, audit_id=audit.id, raw=elsewhere, scanned_by="tech").room_id
    record_scan(world.db, audit_id=audit.id, raw=first.tag, scanned_by="tech", room_id=room)
    window.features.audits_action.trigger()
    qtbot.waitUntil(lambda: bool(_top_level("AuditWindow")), timeout=5000)
    audits = _top_level("AuditWindow")[0]
    qtbot.waitUntil(lambda: audits.selected_audit() is not None, timeout=5000)
    view = audits.open_reconciliation()
    qtbot.waitUntil(lambda: "Walk" in view.header.text(), timeout=5000)
    view.close_audit()
    qtbot.waitUntil(lambda: view.moves_button.isEnabled(), timeout=5000)
    view.moves_button.click()
    box = message_box(qtbot, containing="Move 1 asset to where the audit found it")
    button(box, "Record moves").click()
    qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=5000)
    moved_to = "Room A2" if elsewhere == "ROOM-A2" else "Room A1"

    def shown() -> str:
        row = window.model.loaded_row_of(first.id)
        found = window.model.row_at(row) if row is not None else None
        return found.location if found is not None else ""

    qtbot.waitUntil(lambda: shown() == moved_to, timeout=5000)
    view.close()
    audits.close()
    window.close()


def test_the_approvals_inbox_opens_with_the_list_in_the_keyboard_s_hands(
    qtbot: QtBot, register: Register, window: MainWindow
) -> None:
    """An approver opened Approvals (Ctrl+Shift+A), pressed Down to pick the next request,
    typed a comment and pressed Alt+A: the first request was approved, not the one meant.
    The focus was on "Only what I may decide", so the arrow keys moved nothing."""
    made = {
        register.decommission_waiting_for_approval(tag).procedure_id
        for tag in ("LAP-00001", "LAP-00003")
    }
    window.activateWindow()
    qtbot.keyClick(window.view.table, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(_top_level("ApprovalsInbox")), timeout=5000)
    inbox = _top_level("ApprovalsInbox")[0]
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 2, timeout=10_000)
    keys = inbox.focusWidget()
    assert keys is inbox.table
    qtbot.keyClick(keys, Qt.Key.Key_Down)
    picked = inbox.model.row(1).procedure_id
    selected = inbox.selected_item()
    assert selected is not None and selected.procedure_id == picked
    with qtbot.waitSignal(inbox.decided, timeout=10_000) as decided:
        qtbot.keyClick(keys, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert decided.args[0].procedure_id == picked
    assert {inbox.model.row(0).procedure_id, picked} == made
