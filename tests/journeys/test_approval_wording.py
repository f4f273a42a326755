"""The approvals inbox as a new approver reads it: the detail says "Risk: High" as the
risk column does (it said "risk high", "Impact: high"), and Enter in the list does not press Refresh (made
first, it was the dialog's default button, drawn as the one Enter presses)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.settings import DATABASE_URL
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.test_approver import TECHS_REQUEST, _click_row
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from ui.gui.approvals.inbox_dialog import ApprovalsInbox
from ui.gui.approvals.inbox_model import RISK


def test_the_detail_says_risk_as_the_column_does_and_enter_presses_no_button(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    register.decommission_waiting_for_approval(TECHS_REQUEST, impact="high", likelihood="medium")
    window = journey_window("approver")
    window.settings.set(DATABASE_URL, register.db.url.render_as_string(hide_password=False))
    badge = window.features.approvals_action
    qtbot.waitUntil(lambda: badge.iconText() == "Approvals (1)", timeout=10_000)
    trigger(badge)
    inbox = shown(qtbot, ApprovalsInbox)
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=10_000)
    _click_row(qtbot, inbox, TECHS_REQUEST)
    risk = str(inbox.model.index(0, RISK).data())
    assert risk == "High"
    said = inbox.detail.toPlainText()
    assert f"Risk: {risk}" in said
    assert "risk " not in said
    assert "Impact: High" in said and "Likelihood: Medium" in said  # as the form offers them

    assert [b.text() for b in inbox.findChildren(QPushButton) if b.isDefault()] == []
    clicked: list[bool] = []
    inbox.refresh_button.clicked.connect(clicked.append)
    qtbot.keyClick(inbox.table, Qt.Key.Key_Return)
    assert clicked == []
    assert inbox.isVisible()
    assert inbox.detail.toPlainText() == said
