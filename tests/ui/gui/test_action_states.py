"""A procedure the services would refuse is greyed in the window, with the reason."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import approvals
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import Register, detail_read, open_window, press


def test_a_status_move_waiting_for_approval_greys_the_other_moves_until_it_is_decided(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A decommission of LAP-00001 waits for an approver: Decommission, Install and
    Dispose say so before a form is filled (the service would refuse it after); Change
    stays offered. Once it is rejected, F5 offers them again."""
    window = open_window(qtbot, register, tmp_path, "tech")
    actions = window.procedure_actions
    window.view.table.setFocus()
    HidScanner(qtbot).scan("LAP-00001")  # Shift around each capital, then Enter
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00001"])
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)  # the roles are read
    assert actions[ProcedureKind.DECOMMISSION].isEnabled()
    assert actions[ProcedureKind.INSTALL].isEnabled()

    waiting = register.decommission_waiting_for_approval("LAP-00001")  # another technician
    qtbot.keyClick(window.view.table, Qt.Key.Key_F5)
    decommission = actions[ProcedureKind.DECOMMISSION]
    qtbot.waitUntil(lambda: not decommission.isEnabled(), timeout=10_000)
    reason = (
        f"a decommission of LAP-00001 already waits for approval (procedure "
        f"{str(waiting.procedure_id)[:8]}): approve, reject or cancel it first"
    )
    assert decommission.toolTip() == f"Decommission: {reason}"
    assert decommission.statusTip() == decommission.toolTip()
    install = actions[ProcedureKind.INSTALL]
    assert not install.isEnabled()
    assert install.toolTip() == f"Install: {reason}"
    button = window.view.toolbar.widgetForAction(decommission)
    assert button is not None and not button.isEnabled()
    change = actions[ProcedureKind.CHANGE]
    assert change.isEnabled()  # changes may overlap a waiting move
    press(qtbot, window, Qt.Key.Key_D, shift=True)  # Ctrl+Shift+D opens nothing
    assert window.open_dialogs == []

    approvals.reject(
        register.db, procedure_id=waiting.procedure_id, approver="approver", comment="not yet"
    )
    qtbot.keyClick(window.view.table, Qt.Key.Key_F5)
    qtbot.waitUntil(decommission.isEnabled, timeout=10_000)
    assert decommission.toolTip() == "Decommission the selected assets"
    assert install.isEnabled()


def test_a_decision_made_elsewhere_shows_when_the_window_is_active_again_without_f5(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """The technician selects LAP-00003, whose decommission waits; an approver rejects it
    in their own window (the service, another person). When the technician comes back to
    the window (another window had the focus meanwhile), Decommission is offered again —
    no F5 — and the detail no longer says it waits; the light timer does the same for a
    window that stayed active."""
    waiting = register.decommission_waiting_for_approval("LAP-00003")
    window = open_window(qtbot, register, tmp_path, "tech")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.table.setFocus()
    HidScanner(qtbot).scan("LAP-00003")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00003"])
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    decommission = window.procedure_actions[ProcedureKind.DECOMMISSION]
    assert not decommission.isEnabled()
    assert "waiting for approval" in window.view.detail.body.toPlainText()

    other = QWidget()  # the approver's window, say: the technician's loses the focus
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    approvals.reject(
        register.db, procedure_id=waiting.procedure_id, approver="approver", comment="no"
    )
    assert not decommission.isEnabled()  # nothing read yet
    window.activateWindow()  # back to the technician's window
    qtbot.waitUntil(decommission.isEnabled, timeout=10_000)
    assert decommission.toolTip() == "Decommission the selected assets"
    detail_read(qtbot, window)
    assert "waiting for approval" not in window.view.detail.body.toPlainText()

    # The window stays active: the timer reads the selection again.
    register.decommission_waiting_for_approval("LAP-00003")
    window.freshness.timer.setInterval(50)
    qtbot.waitUntil(lambda: not decommission.isEnabled(), timeout=10_000)
