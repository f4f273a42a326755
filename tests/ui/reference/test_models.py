"""Every item model of the reference dialogs passes Qt's model tester."""

from __future__ import annotations

import uuid

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.services.reference_queries import LocationRow, SupplierRow
from ui.gui.reference.location_tree_model import LocationTreeModel
from ui.gui.reference.record_table_model import Column, RecordTableModel, RowRole


def same(value: uuid.UUID) -> uuid.UUID:
    """An equal id that is another object, as ids read from the database are."""
    return uuid.UUID(str(value))


def locations() -> list[LocationRow]:
    site, building, room = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    return [
        LocationRow(site, None, "Head office", "site", "HQ", 1, 1, 13),
        LocationRow(building, same(site), "Building A", "building", "A", 1, 0, 12),
        LocationRow(room, same(building), "Room A1", "room", "A1", 3, 12, 12),
        LocationRow(uuid.uuid4(), same(building), "Room A2", "room", "A2", 1, 0, 0),
        LocationRow(uuid.uuid4(), None, "Branch", "site", "BR", 1, 2, 2),
    ]


def test_location_tree_model(qtmodeltester: ModelTester) -> None:
    model = LocationTreeModel()
    model.set_rows(locations())
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    office = model.index(1, 0)
    assert model.data(office) == "Head office"
    room = model.index(0, 0, model.index(0, 0, office))
    assert model.data(room) == "Room A1"
    assert model.data(room.siblingAtColumn(3)) == "12"
    assert model.data(office.siblingAtColumn(3)) == "13 (1 here)"
    assert model.data(model.index(0, 3, office)) == "12"  # Building A: its rooms' assets
    assert model.data(room, Qt.ItemDataRole.ToolTipRole) == "Head office › Building A › Room A1"
    model.set_rows(locations()[:2])
    qtmodeltester.check(model)


def test_record_table_model(qtmodeltester: ModelTester) -> None:
    model = RecordTableModel(
        [Column("Supplier", lambda r: r.name), Column("Contact", lambda r: r.contact)]
    )
    rows = [SupplierRow(uuid.uuid4(), "Bechtle AG", "sales@bechtle.com", 1)]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "sales@bechtle.com"
    assert model.data(model.index(0, 0), RowRole) is rows[0]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Supplier"


def test_drop_below_itself_is_refused(qtbot: QtBot) -> None:
    model = LocationTreeModel()
    rows = locations()
    model.set_rows(rows)
    office = model.index_of(same(rows[0].id))
    room = model.index_of(same(rows[2].id))
    assert room.parent().parent() == office
    data = model.mimeData([office])
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, room)
    with qtbot.assertNotEmitted(model.move_requested):
        assert not model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, room)
    with qtbot.waitSignal(model.move_requested) as moved:
        model.dropMimeData(model.mimeData([room]), Qt.DropAction.MoveAction, -1, -1, office)
    assert moved.args == [rows[2].id, rows[0].id]
