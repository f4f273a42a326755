"""An auditor closes an audit that scanned an unknown tag: "Receive unknown tags…" was
offered, its dialog filled (category, checklist), and only then refused ("Audrey Auditor
may not record a receive procedure: that needs the technician or administrator role").
It is greyed for them now, with that reason as its tooltip, as the main window greys the
procedures a person's roles refuse; a technician still gets it (found by a new user,
newuser13, auditing a store room on a fresh local file).
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.journeys.windows import shown
from tests.ui.windows import closed
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog
from ui.gui.audits.reconciliation_view import ReconciliationView


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    return world


def _closed_audit_view(qtbot: QtBot, world: World, username: str) -> ReconciliationView:
    audit = start_audit(world.db, scope_location_id=world.room_a, started_by="auditor")
    for tag in ("LAP-1", "LAP-999999"):
        record_scan(world.db, audit_id=audit.id, raw=tag, scanned_by="auditor")
    close_audit(world.db, audit_id=audit.id, closed_by="auditor")
    view = ReconciliationView(world.db, username, audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: view.isActiveWindow() and view.audited_button.isEnabled())
    return view


def test_an_auditor_is_not_offered_to_receive_the_unknown_tags(qtbot: QtBot, world: World) -> None:
    view = _closed_audit_view(qtbot, world, "auditor")
    button = view.receive_button
    assert not button.isEnabled()
    assert "technician" in button.toolTip() and "auditor" in button.toolTip()
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # its mnemonic
    qtbot.wait(200)
    opened = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReceiveUnknownDialog)]
    assert not [w for w in opened if w.isVisible()]
    assert view.audited_button.isEnabled()  # the audit's own corrections stay offered


def test_a_technician_is_and_chooses_a_category(qtbot: QtBot, world: World) -> None:
    """(What the auditor's journey checked before: no category, no receive.)"""
    view = _closed_audit_view(qtbot, world, "tech")
    assert view.receive_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    receive = shown(qtbot, ReceiveUnknownDialog)
    assert receive.intro.text().startswith("1 tag: LAP-999999.")
    receive.category.setCurrentIndex(-1)  # the person clears the category chosen
    buttons = receive.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert receive.message.text() == "Choose a category." and receive.isVisible()
    qtbot.keyClick(receive, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(receive))
