"""The approval that ends an asset's life asks first.

An approver (newuser27, keyboard only, under Xvfb) opened the inbox on a technician's
Decommission of LAP-BQ201, which waited for one approval, and pressed Alt+A: the laptop
was decommissioned at once, with no question, though nothing can undo it. The technician
had not been asked either (a form that waits for approval is not asked about: it can
still be withdrawn), so nobody was. The inbox now asks before the last approval of a
Decommission or a Dispose; Cancel is the default (an Enter out of habit decides nothing)
and the named button has its own letter, so Alt+A pressed twice approves nothing.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.approval_templates import set_approval_rule
from tests.factories import World, seed_world
from ui.gui.approvals import ApprovalsInbox

DISPOSAL_METHOD = "Certified recycling (WEEE / R2 / e-Stewards)"


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    return world


def _inbox(qtbot: QtBot, world: World) -> ApprovalsInbox:
    inbox = ApprovalsInbox(world.db, "approver")
    qtbot.addWidget(inbox)
    with qtbot.waitSignal(inbox.loaded, timeout=10_000):
        inbox.show()
    qtbot.waitUntil(lambda: inbox.approve_button.isEnabled(), timeout=10_000)
    return inbox


def _state(world: World) -> tuple[str, str]:
    with world.db.read() as session:
        status, state = session.execute(
            select(Asset.status, Procedure.state)
            .join(Procedure, Procedure.asset_id == Asset.id)
            .where(Asset.tag == "LAP-1", Procedure.kind == ProcedureKind.DECOMMISSION.value)
        ).one()
    return status, state


def _active(qtbot: QtBot, inbox: ApprovalsInbox) -> None:
    """The inbox active again once a question closed, as the window manager makes it."""
    inbox.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is inbox, timeout=5000)


def _question(qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    box.activateWindow()  # as the window manager does with a new window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=5000)
    return box


def test_the_last_approval_of_a_decommission_asks_and_enter_keeps_it_waiting(
    qtbot: QtBot, world: World
) -> None:
    set_approval_rule(world.db, ProcedureKind.DECOMMISSION, approvers=1)
    world.decommission("LAP-1")
    inbox = _inbox(qtbot, world)

    _active(qtbot, inbox)
    qtbot.keyClick(inbox.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    box = _question(qtbot)
    assert box.text() == (
        "Approve the decommission of LAP-1? Yours is the last approval it waits for: it takes"
        " effect now and cannot be undone."
    )
    assert "Requested by Tess Tech" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    with qtbot.waitSignal(box.finished, timeout=5000):
        qtbot.keyClick(box, Qt.Key.Key_Return)  # out of habit: the default, Cancel
    qtbot.wait(200)
    assert _state(world) == ("in_stock", "pending_approval")

    _active(qtbot, inbox)
    qtbot.keyClick(inbox.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = _question(qtbot)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Alt+A twice
    qtbot.wait(200)
    assert box.isVisible()  # no button of the question answers to Alt+A
    assert _state(world) == ("in_stock", "pending_approval")
    with qtbot.waitSignal(box.finished, timeout=5000):
        qtbot.keyClick(box, Qt.Key.Key_Escape)
    _active(qtbot, inbox)

    _active(qtbot, inbox)
    qtbot.keyClick(inbox.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = _question(qtbot)
    with qtbot.waitSignal(inbox.decided, timeout=10_000):
        qtbot.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert _state(world) == ("decommissioned", "completed")


def test_the_last_approval_of_a_disposal_names_it_so(qtbot: QtBot, world: World) -> None:
    """ "Approve the dispose of LAP-BQ201?" was the first wording seen under Xvfb."""
    set_approval_rule(world.db, ProcedureKind.DECOMMISSION, mode="never", approvers=0)
    set_approval_rule(world.db, ProcedureKind.DISPOSE, approvers=1)
    world.decommission("LAP-1")
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.DISPOSE,
            performed_by="tech",
            asset_tag="LAP-1",
            answers={"disposal_method": DISPOSAL_METHOD, "certificate_number": "CERT-1"},
        ),
    )
    inbox = _inbox(qtbot, world)
    _active(qtbot, inbox)
    qtbot.keyClick(inbox.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    box = _question(qtbot)
    assert box.text().startswith("Approve the disposal of LAP-1? Yours is the last approval")
    assert box.windowTitle() == "Approve the disposal — Assetdesk"
    with qtbot.waitSignal(inbox.decided, timeout=10_000):
        qtbot.keyClick(box, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    with world.db.read() as session:
        status = session.execute(select(Asset.status).where(Asset.tag == "LAP-1")).scalar_one()
    assert status == "disposed"


def test_an_approval_that_leaves_it_waiting_is_not_asked_about(qtbot: QtBot, world: World) -> None:
    world.decommission("LAP-1")  # the shipped rule: two approvers
    inbox = _inbox(qtbot, world)
    with qtbot.waitSignal(inbox.decided, timeout=10_000):
        qtbot.keyClick(inbox.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.activeModalWidget() is None
    assert _state(world) == ("in_stock", "pending_approval")
    assert "1 of 2 approvals" in inbox.status_label.text()
