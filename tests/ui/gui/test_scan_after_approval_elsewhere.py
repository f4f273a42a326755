"""The technician's window has LAP-00003 selected while its decommission waits; two
approvers approve it from the command line (or their own windows), so the asset is now
decommissioned. The technician scans LAP-00003 again: the register and the detail show
it decommissioned — and Dispose must be offered too. It stayed greyed (Change offered,
as for an asset in service) until another row was clicked and this one again: the scan
read the changed row, but the actions were left as they were computed for the old one
(found by a new user, newuser13, taking a laptop to disposal on a fresh local file).
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import approvals
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import Register, open_window


def test_scanning_an_asset_decided_elsewhere_offers_its_next_procedure(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    waiting = register.decommission_waiting_for_approval("LAP-00003")
    window = open_window(qtbot, register, tmp_path, "tech")
    window.freshness.timer.stop()  # what follows is the scan's doing, not the timer's
    window.view.table.setFocus()
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-00003")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00003"])
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)  # the roles are read
    dispose = window.procedure_actions[ProcedureKind.DISPOSE]
    assert not dispose.isEnabled()  # in service, with a decommission waiting

    for approver in ("approver", "approver2"):  # elsewhere: the last one applies it
        approvals.approve(register.db, procedure_id=waiting.procedure_id, approver=approver)

    window.view.table.setFocus()
    scanner.scan("LAP-00003")
    qtbot.waitUntil(
        lambda: "Decommissioned" in window.view.detail.body.toPlainText(), timeout=10_000
    )
    assert [r.status for r in window.selected_rows()] == ["decommissioned"]
    qtbot.waitUntil(dispose.isEnabled, timeout=5_000)
    assert dispose.toolTip() != "" and "Dispose" in dispose.toolTip()
    assert not window.procedure_actions[ProcedureKind.DECOMMISSION].isEnabled()
