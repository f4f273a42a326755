"""Every procedure is reachable for every state that allows it, and disabled with the real
reason otherwise — toolbar, Asset menu and shortcut are one action (issue 13)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.services.approvals import approve
from desktop.services.procedures import ProcedureRequest, record_procedure
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner, scan_selects
from tests.ui.gui.conftest import Register
from ui.gui.procedure_form.dialog import ProcedureDialog

KINDS = (
    ProcedureKind.INSTALL,
    ProcedureKind.CHANGE,
    ProcedureKind.DECOMMISSION,
    ProcedureKind.DISPOSE,
)
#: For each status: which of install, change, decommission, dispose are offered, and the
#: reason shown for those that are not.
EXPECTED: dict[AssetStatus, dict[ProcedureKind, str | None]] = {
    AssetStatus.IN_STOCK: {
        ProcedureKind.INSTALL: None,
        ProcedureKind.CHANGE: None,
        ProcedureKind.DECOMMISSION: None,
        ProcedureKind.DISPOSE: "an asset that is in stock cannot become disposed",
    },
    AssetStatus.IN_SERVICE: {
        ProcedureKind.INSTALL: "the asset is already in service",
        ProcedureKind.CHANGE: None,
        ProcedureKind.DECOMMISSION: None,
        ProcedureKind.DISPOSE: "an asset that is in service cannot become disposed",
    },
    AssetStatus.IN_REPAIR: {
        ProcedureKind.INSTALL: None,
        ProcedureKind.CHANGE: None,
        ProcedureKind.DECOMMISSION: None,
        ProcedureKind.DISPOSE: "an asset that is in repair cannot become disposed",
    },
    AssetStatus.MISSING: {
        ProcedureKind.INSTALL: None,
        ProcedureKind.CHANGE: None,
        ProcedureKind.DECOMMISSION: None,
        ProcedureKind.DISPOSE: "an asset that is missing cannot become disposed",
    },
    AssetStatus.DECOMMISSIONED: {
        ProcedureKind.INSTALL: "an asset that is decommissioned cannot become in service",
        ProcedureKind.CHANGE: None,
        ProcedureKind.DECOMMISSION: "the asset is already decommissioned",
        ProcedureKind.DISPOSE: None,
    },
    AssetStatus.DISPOSED: {
        kind: "the asset is disposed: its record is closed and cannot change" for kind in KINDS
    },
}


def _bring_to(register: Register, tag: str, status: AssetStatus) -> None:
    """Set-up through the services (not a user's step under test)."""
    db = register.db

    def decided(
        kind: ProcedureKind, answers: dict[str, object], checklist: dict[str, bool]
    ) -> None:
        outcome = record_procedure(
            db,
            ProcedureRequest(
                kind=kind, performed_by="tech", asset_tag=tag, answers=answers, checklist=checklist
            ),
        )
        for approver in ("approver", "approver2"):
            approve(db, procedure_id=outcome.procedure_id, approver=approver)

    if status in (AssetStatus.IN_REPAIR, AssetStatus.MISSING):
        record_procedure(
            db,
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by="tech",
                asset_tag=tag,
                values={"status": status.value},
                answers={"change_type": "Repair" if status is AssetStatus.IN_REPAIR else "Other"},
            ),
        )
    if status in (AssetStatus.DECOMMISSIONED, AssetStatus.DISPOSED):
        decided(
            ProcedureKind.DECOMMISSION,
            {"sanitisation_method": "No data-bearing media", "evidence_reference": "N/A-1"},
            {"accounts_removed": True},
        )
    if status is AssetStatus.DISPOSED:
        decided(
            ProcedureKind.DISPOSE,
            {"disposal_method": "Resale", "certificate_number": "RS-1"},
            {},
        )


@pytest.mark.parametrize("status", list(EXPECTED), ids=lambda s: s.value)
def test_procedures_offered_for_the_scanned_asset(
    qtbot: QtBot,
    journey_window: WindowFactory,
    register: Register,
    scanner: HidScanner,
    status: AssetStatus,
) -> None:
    tag = "MON-00010" if status is AssetStatus.IN_SERVICE else "LAP-00011"
    _bring_to(register, tag, status)
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scan_selects(qtbot, window, scanner, tag)
    toolbar = window.view.toolbar
    for kind, reason in EXPECTED[status].items():
        action = window.procedure_actions[kind]
        assert action in window.asset_menu.actions() and action in toolbar.actions()
        assert toolbar.widgetForAction(action).isEnabled() is (reason is None)
        if reason is None:
            assert action.isEnabled(), f"{kind}: {action.toolTip()}"
        else:
            assert not action.isEnabled(), kind
            assert action.toolTip() == f"{kind.label}: {tag}: {reason}"
            assert action.statusTip() == action.toolTip()
    offered = [k for k, reason in EXPECTED[status].items() if reason is None]
    if offered:  # the first one offered opens its form from the toolbar button
        trigger(window.procedure_actions[offered[0]])
        dialog = window.open_dialogs[-1]
        assert isinstance(dialog, ProcedureDialog)
        qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
        assert dialog.view is not None and dialog.view.context.kind is offered[0]
        assert [a.tag for a in dialog.view.context.assets] == [tag]
        dialog.close()
