"""The approvals inbox, driven by clicks: what is yours, why the rest is not, decisions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import pending_approvals, withdraw
from desktop.services.procedures import ProcedureOutcome, ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Approval, Person, Procedure
from tests.factories import World, seed_world
from ui.gui.approvals import ApprovalsInbox, badge_text, pending_decision_count
from ui.gui.approvals.inbox_model import YOURS, InboxModel

# Screens rendered by the tests, to look at: $ASSETDESK_SHOTS or the temporary folder.
SHOTS = Path(os.environ.get("ASSETDESK_SHOTS") or Path(tempfile.gettempdir()) / "assetdesk-shots")


def risky_change(world: World, tag: str, by: str) -> ProcedureOutcome:
    return record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=by,
            asset_tag=tag,
            values={"location": world.room_a, "status": "in_repair"},
            answers={"change_type": "Repair"},
            impact="high",
            likelihood="high",
            ticket_ref="CHG-1042",
            reason="mainboard replacement",
        ),
    )


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2"):
        world.receive(tag=tag)
        world.install(tag)
    return world


@pytest.fixture
def pending(world: World) -> dict[str, ProcedureOutcome]:
    return {
        "LAP-1": risky_change(world, "LAP-1", "tech"),
        "LAP-2": risky_change(world, "LAP-2", "infra"),
    }


def open_inbox(qtbot: QtBot, world: World, username: str) -> ApprovalsInbox:
    inbox = ApprovalsInbox(world.db, username)
    qtbot.addWidget(inbox)
    with qtbot.waitSignal(inbox.loaded, timeout=10_000):
        inbox.show()
    return inbox


def row_of(inbox: ApprovalsInbox, tag: str) -> int:
    return next(r for r in range(inbox.model.rowCount()) if inbox.model.row(r).asset_tag == tag)


def decisions(world: World, outcome: ProcedureOutcome) -> list[tuple[str, str, str]]:
    with world.db.read() as s:
        return [
            (username, decision, comment)
            for username, decision, comment in s.execute(
                select(Person.username, Approval.decision, Approval.comment)
                .join(Person, Person.id == Approval.approver_id)
                .where(Approval.procedure_id == outcome.procedure_id)
            )
        ]


def test_yours_first_and_the_reason_for_the_others(
    qtbot: QtBot, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    inbox = open_inbox(qtbot, world, "infra")
    assert inbox.model.rowCount() == 2
    assert inbox.model.row(0).asset_tag == "LAP-1"  # decidable first
    assert "1</b> waiting for your decision" in inbox.summary_label.text()
    own = row_of(inbox, "LAP-2")
    cell = inbox.model.index(own, YOURS)
    assert "their own procedure" in inbox.model.data(cell)
    assert "Not yours to decide" in inbox.model.data(cell, Qt.ItemDataRole.ToolTipRole)
    inbox.table.selectRow(own)
    assert not inbox.approve_button.isEnabled()
    assert not inbox.reject_button.isEnabled()
    assert inbox.reason_label.isVisibleTo(inbox)
    assert "You requested this" in inbox.reason_label.text()
    # A local file: how someone who may decide it signs in here.
    assert inbox.reason_label.text().endswith(
        "an approver signs in: File › Settings › Signed-in person (type “approver” to list them)."
    )
    inbox.table.selectRow(row_of(inbox, "LAP-1"))
    other = open_inbox(qtbot, world, "tech2")
    other.table.selectRow(row_of(other, "LAP-1"))
    assert "Not yours to decide: same group as Tess Tech" in other.reason_label.text()
    inbox.table.selectRow(row_of(inbox, "LAP-1"))
    assert inbox.approve_button.isEnabled()
    assert "mainboard replacement" in inbox.detail.toPlainText()
    assert "In repair" in inbox.detail.toPlainText()
    SHOTS.mkdir(parents=True, exist_ok=True)
    inbox.grab().save(str(SHOTS / "approvals_inbox.png"))
    inbox.mine_only.setChecked(True)
    assert inbox.model.rowCount() == 1


def test_approve_by_clicking_records_the_decision(
    qtbot: QtBot, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    inbox = open_inbox(qtbot, world, "infra")
    inbox.table.selectRow(row_of(inbox, "LAP-1"))
    qtbot.keyClicks(inbox.comment_edit, "checked the rollback plan")
    with qtbot.waitSignal(inbox.decided, timeout=10_000) as signal:
        qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].approvals_given == 1
    assert decisions(world, pending["LAP-1"]) == [("infra", "approve", "checked the rollback plan")]
    assert "1 of 2 approvals" in inbox.status_label.text()
    qtbot.waitUntil(lambda: "already decided" in inbox.model.row(row_of(inbox, "LAP-1")).why_not)
    assert "0</b> waiting" in inbox.summary_label.text()
    # Their own decision, said as such beside the green line, not as a refusal in red
    # ("Not yours to decide: already decided on it (approved)" — newuser4).
    qtbot.waitUntil(lambda: inbox.selected_item() is not None, timeout=10_000)
    assert inbox.reason_label.text() == (
        "You approved it; it waits for 1 more approval. For the other approvals on this"
        " computer, another approver signs in: File › Settings › Signed-in person (type"
        " “approver” to list them)."
    )
    assert "b00020" not in inbox.reason_label.styleSheet()


def test_reject_needs_a_comment_then_ends_the_procedure(
    qtbot: QtBot, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    inbox = open_inbox(qtbot, world, "approver")
    inbox.table.selectRow(row_of(inbox, "LAP-2"))
    qtbot.mouseClick(inbox.reject_button, Qt.MouseButton.LeftButton)
    assert "needs one" in inbox.status_label.text()
    assert decisions(world, pending["LAP-2"]) == []
    qtbot.keyClicks(inbox.comment_edit, "no maintenance window booked")
    with qtbot.waitSignal(inbox.decided, timeout=10_000):
        qtbot.mouseClick(inbox.reject_button, Qt.MouseButton.LeftButton)
    assert decisions(world, pending["LAP-2"]) == [
        ("approver", "reject", "no maintenance window booked")
    ]
    with world.db.read() as s:
        state = s.execute(
            select(Procedure.state).where(Procedure.id == pending["LAP-2"].procedure_id)
        ).scalar_one()
    assert state == "rejected"
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1)


def test_a_refusal_from_the_service_is_shown(
    qtbot: QtBot, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    inbox = open_inbox(qtbot, world, "approver")
    inbox.table.selectRow(row_of(inbox, "LAP-1"))
    # The requester withdraws it while the inbox is open.
    withdraw(world.db, procedure_id=pending["LAP-1"].procedure_id, requester="tech")
    qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "withdrawn" in inbox.status_label.text(), timeout=10_000)
    assert decisions(world, pending["LAP-1"]) == []


def test_the_requester_withdraws_from_the_inbox(
    qtbot: QtBot, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    inbox = open_inbox(qtbot, world, "infra")
    inbox.table.selectRow(row_of(inbox, "LAP-1"))
    assert not inbox.withdraw_button.isVisibleTo(inbox)  # not infra's request
    inbox.table.selectRow(row_of(inbox, "LAP-2"))
    assert inbox.withdraw_button.isVisibleTo(inbox)
    qtbot.keyClicks(inbox.comment_edit, "wrong laptop")
    SHOTS.mkdir(parents=True, exist_ok=True)
    inbox.grab().save(str(SHOTS / "approvals_inbox_own_request.png"))
    with qtbot.waitSignal(inbox.withdrawn, timeout=10_000):
        qtbot.mouseClick(inbox.withdraw_button, Qt.MouseButton.LeftButton)
    with world.db.read() as s:
        state, note = s.execute(
            select(Procedure.state, Procedure.note).where(
                Procedure.id == pending["LAP-2"].procedure_id
            )
        ).one()
    assert (state, note) == ("cancelled", "Withdrawn by Ivy Infra: wrong laptop")
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1)


def test_badge_count(world: World, pending: dict[str, ProcedureOutcome]) -> None:
    assert pending_decision_count(world.db, "approver") == 2
    assert pending_decision_count(world.db, "infra") == 1
    assert pending_decision_count(world.db, "tech") == 0
    assert pending_decision_count(world.db, "nobody-here") == 0
    assert badge_text(2) == "Approvals (2)"
    assert badge_text(0) == "Approvals"


def test_model_passes_the_model_tester(
    qtmodeltester: object, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    model = InboxModel()
    with world.db.read() as s:
        model.set_rows(pending_approvals(s, for_user="infra"))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_a_custom_field_is_titled_as_its_category_names_it(
    qtbot: QtBot, world: World, pending: dict[str, ProcedureOutcome]
) -> None:
    """newuser6: the inbox titled a change of the laptops' "RAM (GB)" "Ram gb" (its key)
    while the asset's details say "RAM (GB)"."""
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-2",
            values={"custom.ram_gb": 32},
            answers={"change_type": "Upgrade"},
            impact="high",
            likelihood="high",
            reason="more memory",
        ),
    )
    inbox = open_inbox(qtbot, world, "infra")
    upgrade = next(
        r for r in range(inbox.model.rowCount()) if inbox.model.row(r).reason == "more memory"
    )
    inbox.table.selectRow(upgrade)
    text = inbox.detail.toPlainText()
    assert "RAM (GB)" in text and "32" in text
    assert "Ram gb" not in text
