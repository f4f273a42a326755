"""The approver's day: the approvals badge follows the person signed in (switched in the
Settings dialog), the inbox refuses the approver's own procedure and approves another's.

People (``tests.factories.seed_world``): Tess Tech ("tech", Service desk, technician),
Ivy Infra ("infra", Infrastructure, technician and approver), Abe Approver ("approver",
Change board, approver).
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.settings import DATABASE_URL, signed_in_person
from desktop.storage.models import Asset, Procedure
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.windows import button, message_box, shown
from tests.ui.gui.conftest import Register
from ui.gui.approvals.inbox_dialog import ApprovalsInbox
from ui.gui.main_window import MainWindow
from ui.gui.settings_dialog import SettingsDialog

TECHS_REQUEST = "LAP-00003"  # decommissioned by Tess Tech, waiting for approval
OWN_REQUEST = "LAP-00007"  # decommissioned by Ivy Infra herself


def _decommission_by(register: Register, tag: str, person: str) -> None:
    record_procedure(
        register.db,
        ProcedureRequest(
            kind=ProcedureKind.DECOMMISSION,
            performed_by=person,
            asset_tag=tag,
            answers={
                "sanitisation_method": "Destroy: shred or degauss (NIST SP 800-88)",
                "evidence_reference": f"WIPE-{tag}",
            },
            checklist={"accounts_removed": True},
        ),
    )


def _state_of(register: Register, tag: str) -> str:
    with register.db.read() as session:
        return session.execute(
            select(Procedure.state)
            .join(Asset, Procedure.asset_id == Asset.id)
            .where(Asset.tag == tag, Procedure.kind == ProcedureKind.DECOMMISSION.value)
        ).scalar_one()


def _switch_person(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    """File › Settings, type the person's user name, OK."""
    trigger(window.settings_action)
    dialog = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: dialog.user_combo.count() > 5, timeout=20_000)  # the people
    edit = dialog.user_combo.lineEdit()
    assert edit is not None
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, typed)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def _click_row(qtbot: QtBot, inbox: ApprovalsInbox, tag: str) -> None:
    row = next(r for r in range(inbox.model.rowCount()) if inbox.model.row(r).asset_tag == tag)
    index = inbox.model.index(row, 0)
    inbox.table.scrollTo(index)
    rect = inbox.table.visualRect(index)
    qtbot.mouseClick(inbox.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    selected = inbox.selected_item()
    assert selected is not None and selected.asset_tag == tag


def test_an_approver_refuses_their_own_request_and_approves_another(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    register.decommission_waiting_for_approval(TECHS_REQUEST)
    _decommission_by(register, OWN_REQUEST, "infra")
    window = journey_window("approver")
    window.settings.set(DATABASE_URL, register.db.url.render_as_string(hide_password=False))
    badge = window.features.approvals_action
    # Abe Approver shares no group with either requester: both wait for him.
    qtbot.waitUntil(lambda: badge.iconText() == "Approvals (2)", timeout=10_000)

    _switch_person(qtbot, window, "infra")
    assert signed_in_person(window.settings, window.database.url) == "infra"
    assert window.view.user_label.text() == "Signed in as infra"
    # Ivy Infra may decide Tess Tech's request, not her own: one, without a Refresh.
    qtbot.waitUntil(lambda: badge.iconText() == "Approvals (1)", timeout=10_000)

    trigger(badge)
    inbox = shown(qtbot, ApprovalsInbox)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 2, timeout=10_000)
    assert inbox.summary_label.text().startswith("<b>1</b> waiting for your decision")

    _click_row(qtbot, inbox, OWN_REQUEST)
    assert not inbox.approve_button.isEnabled()
    assert not inbox.reject_button.isEnabled()
    assert inbox.reason_label.isVisible()
    assert inbox.reason_label.text().startswith(
        "You requested this: nobody approves their own procedure."
    )
    qtbot.keyClick(inbox.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert _state_of(register, OWN_REQUEST) == ProcedureState.PENDING_APPROVAL.value

    _click_row(qtbot, inbox, TECHS_REQUEST)
    assert inbox.approve_button.isEnabled()
    assert inbox.reason_label.text() == ""
    qtbot.keyClicks(inbox.comment_edit, "Wiped, certificate seen")
    qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 of 2 approvals" in inbox.status_label.text(), timeout=10_000)
    assert _state_of(register, TECHS_REQUEST) == ProcedureState.PENDING_APPROVAL.value
    # Decided by her now: the inbox greys it and the badge drops to nothing, inbox open.
    qtbot.waitUntil(lambda: badge.iconText() == "Approvals", timeout=10_000)
    qtbot.waitUntil(lambda: inbox.summary_label.text().startswith("<b>0</b>"), timeout=10_000)
    assert inbox.selected_item() is not None
    with qtbot.waitSignal(inbox.finished, timeout=5000):
        qtbot.keyClick(inbox.table, Qt.Key.Key_Escape)

    # The second approval comes from someone in yet another group.
    _switch_person(qtbot, window, "approver")
    qtbot.waitUntil(lambda: badge.iconText() == "Approvals (2)", timeout=10_000)
    trigger(badge)
    inbox = shown(qtbot, ApprovalsInbox)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 2, timeout=10_000)
    _click_row(qtbot, inbox, TECHS_REQUEST)
    assert inbox.approve_button.isEnabled()
    qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
    # His is the last approval: the decommission takes effect, so he is asked first.
    box = message_box(qtbot, containing="Yours is the last approval it waits for")
    qtbot.mouseClick(button(box, "Approve and decommission"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state_of(register, TECHS_REQUEST) == "completed", timeout=10_000)
    with register.db.read() as session:
        status = session.execute(select(Asset.status).where(Asset.tag == TECHS_REQUEST))
        assert status.scalar_one() == "decommissioned"
    # The inbox and the badge follow at once, the inbox still open.
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: badge.iconText() == "Approvals (1)", timeout=10_000)
    # Decided: the selection moves on to what still waits for him.
    selected = inbox.selected_item()
    assert selected is not None and selected.asset_tag == OWN_REQUEST and selected.decidable
    assert inbox.approve_button.isEnabled()
    assert _state_of(register, OWN_REQUEST) == ProcedureState.PENDING_APPROVAL.value
    inbox.close()
    QApplication.processEvents()
