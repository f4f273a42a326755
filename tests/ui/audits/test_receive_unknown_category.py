"""Receiving an audit's unknown tags: the category comes chosen when the tags carry one
category's prefix. A new auditor scanned LAP-999999 (a laptop whose label nobody
registered), chose "Receive unknown tags…" (Alt+R) and found the Category empty, while a
scan of the same tag in the main window opens a Receive form with Laptop chosen."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World, seed_world
from tests.journeys.windows import shown
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog
from ui.gui.audits.reconciliation_view import ReconciliationView


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    return world


def closed_audit_view(qtbot: QtBot, world: World, *unknown: str) -> ReconciliationView:
    """An audit of room A1 that scanned LAP-1 and the ``unknown`` tags, closed; its
    reconciliation shown to a technician, active."""
    audit = start_audit(world.db, scope_location_id=world.room_a, started_by="auditor")
    for tag in ("LAP-1", *unknown):
        record_scan(world.db, audit_id=audit.id, raw=tag, scanned_by="auditor")
    close_audit(world.db, audit_id=audit.id, closed_by="auditor")
    view = ReconciliationView(world.db, "tech", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: view.isActiveWindow() and view.receive_button.isEnabled())
    return view


def test_tags_of_one_category_s_prefix_come_with_that_category(qtbot: QtBot, world: World) -> None:
    view = closed_audit_view(qtbot, world, "LAP-999999", "LAP-999998")
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Receive unknown tags…
    dialog = shown(qtbot, ReceiveUnknownDialog)
    assert dialog.category.currentData() == world.laptop_category
    assert dialog.category.currentText().startswith("Laptop")
    for box in dialog.checks.values():  # the checklist, ticked with the keyboard
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Receive, the default button
    qtbot.waitUntil(lambda: view.status.text().startswith("Received"), timeout=10_000)
    assert view.status.text() == "Received 2 new assets: LAP-999999, LAP-999998"
    with world.db.read() as session:
        categories = dict(
            session.execute(
                select(Asset.tag, Asset.category_id).where(Asset.tag.like("LAP-9999%"))
            ).all()
        )
    assert categories == {
        "LAP-999998": world.laptop_category,
        "LAP-999999": world.laptop_category,
    }


@pytest.mark.parametrize("unknown", [("LAP-999999", "MON-999999"), ("STRAY-1",)])
def test_tags_of_several_or_no_category_leave_it_to_the_person(
    qtbot: QtBot, world: World, unknown: tuple[str, ...]
) -> None:
    view = closed_audit_view(qtbot, world, *unknown)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    dialog = shown(qtbot, ReceiveUnknownDialog)
    assert dialog.category.currentIndex() == -1
