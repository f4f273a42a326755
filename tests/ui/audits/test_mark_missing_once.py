""" "Mark missing" after it has run: it stayed offered, asked again "Record 1 asset as
missing (LAP-2)?", and then said "0 recorded, 1 already done or not possible" (found by a
new user, newuser13). Once every missing asset is marked it is greyed, saying why.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.storage.database import Database
from tests.factories import World, seed_world
from ui.gui.audits.reconciliation_view import ReconciliationView


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")  # never scanned: missing
    return world


def _confirm(qtbot: QtBot) -> None:
    def box() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        return next((b for b in boxes if b.isVisible()), None)

    qtbot.waitUntil(lambda: box() is not None)
    found = box()
    assert found is not None and "Record 1 asset as missing (LAP-2)" in found.text()
    go = next(b for b in found.buttons() if b.text().replace("&", "") == "Mark missing")
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)


def test_mark_missing_is_greyed_once_it_has_marked_them(qtbot: QtBot, world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.room_a, started_by="auditor")
    record_scan(world.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
    close_audit(world.db, audit_id=audit.id, closed_by="auditor")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(view.missing_button.isEnabled, timeout=10_000)

    qtbot.mouseClick(view.missing_button, Qt.MouseButton.LeftButton)
    _confirm(qtbot)
    qtbot.waitUntil(lambda: "1 recorded" in view.status.text(), timeout=10_000)
    qtbot.waitUntil(lambda: not view.missing_button.isEnabled(), timeout=10_000)
    assert view.missing_button.toolTip().startswith("Every missing asset is marked Missing")
    assert view.tabs.tabText(1) == "Missing (1)"  # still listed: it was not seen
