"""Receive unknown tags with a required check left unticked: the dialog stays open and
says which. Seen under Xvfb (newuser24): an auditor pressed Enter in the dialog with the
Laptop category it offered; it closed, and a box said "New asset: inspected: checklist:
'Device and packaging inspected: no visible damage' must be done; contents_match: …"
(the template's keys) — the category, name and ticks gone, the dialog to open again."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World, seed_world
from tests.journeys.windows import shown
from tests.ui.audits.test_receive_unknown_category import closed_audit_view
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    return world


def _assets(world: World) -> int:
    with world.db.read() as session:
        return session.execute(select(func.count()).select_from(Asset)).scalar_one()


def test_an_unticked_required_check_keeps_the_dialog_open_and_names_it(
    qtbot: QtBot,
    world: World,
) -> None:
    view = closed_audit_view(qtbot, world, "LAP-999999")
    before = _assets(world)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Receive unknown tags…
    dialog = shown(qtbot, ReceiveUnknownDialog)
    qtbot.keyClicks(dialog.name, "Found in the store")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Receive, nothing ticked
    qtbot.wait(300)
    assert dialog.isVisible(), "the dialog closed with a required check unticked"
    assert not any(
        isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    required = [box for box in dialog.checks.values() if "(required)" in box.text()]
    assert required
    for box in required:
        assert box.text().removesuffix(" (required)") in dialog.message.text()
    assert dialog.focusWidget() is required[0]  # Space ticks it
    assert dialog.name.text() == "Found in the store"
    assert _assets(world) == before
    for box in required:
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.keyClick(required[-1], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.status.text().startswith("Received"), timeout=10_000)
    assert _assets(world) == before + 1
