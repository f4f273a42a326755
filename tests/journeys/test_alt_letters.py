"""An Alt letter shared by two items only moves between them: new-user findings
(newuser6, under Xvfb) where the letter did nothing a person could see. Asset › Install
(Alt+A, I) only highlighted Install, as "Log an &incident…" had the same I; in the audit's
reconciliation Alt+M (Record moves / Mark missing) and Alt+R (Receive unknown tags / Save
report) only moved the focus."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import the_form
from ui.gui.models.asset_table_model import TagRole


def test_alt_a_then_i_opens_install(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan("LAP-00011")  # in stock
    qtbot.waitUntil(
        lambda: (
            [i.data(TagRole) for i in window.view.table.selectionModel().selectedRows()]
            == ["LAP-00011"]
        ),
        timeout=5000,
    )
    assert window.procedure_actions[ProcedureKind.INSTALL].isEnabled()
    qtbot.keyClick(window.view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_I)
    form = the_form(qtbot, window, ProcedureKind.INSTALL)
    assert form.isVisible()
