"""Managing reference data in the dialog changes the database."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QTreeView

from desktop.services import reference
from desktop.services.reference_queries import (
    list_categories,
    list_groups,
    list_locations,
    list_people,
    list_suppliers,
)
from desktop.storage.models import Location
from tests.factories import World
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import ReferenceDataDialog


def drop_on(tree: QTreeView, data: QMimeData, target: QModelIndex) -> None:
    """What the view receives when the user drags ``data`` onto ``target`` and lets go."""
    tree.doItemsLayout()
    point = tree.visualRect(target).center()
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        event = event_type(
            point,
            Qt.DropAction.MoveAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(tree.viewport(), event)
        assert event.isAccepted()
    drop = QDropEvent(
        QPointF(point),
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tree.viewport(), drop)


def test_drag_a_location_to_move_it(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    page = dialog.locations
    model = page.tree_model
    qtbot.waitExposed(page.tree)
    data = model.mimeData([model.index_of(sqlite_world.room_b)])
    branch = model.index_of(sqlite_world.other_site_room).parent()
    assert model.data(branch) == "Branch"
    drop_on(page.tree, data, branch)
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        moved = session.get(Location, sqlite_world.room_b)
        store = session.get(Location, sqlite_world.other_site_room)
        assert moved is not None and store is not None
        assert moved.parent_id == store.parent_id
    assert page.tree_model.path(sqlite_world.room_b) == "Branch › Room A2"
    assert page.message.text() == "✔ Moved 'Room A2' to Branch."


def test_add_inside_rename_and_delete_if_unused(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    page = dialog.locations
    page.tree.setCurrentIndex(page.tree_model.index_of(sqlite_world.building))
    page.start_new_inside()
    assert page.kind_combo.currentData() == "floor"
    assert page.path_label.text() == "Head office › Building A"
    page.name_edit.setText("Floor 3")
    page.code_edit.setText("A-3")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text() == (
        "✔ Created 'Floor 3'. Enter the next location here, or select it to change it."
    )
    with sqlite_world.db.read() as session:
        made = next(r for r in list_locations(session) if r.code == "A-3")
    page.tree.setCurrentIndex(page.tree_model.index_of(made.id))
    assert page.current.name == "Floor 3"
    page.name_edit.setText("Floor 3 (labs)")
    page.save_current()
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        floor = next(r for r in list_locations(session) if r.code == "A-3")
    assert (floor.name, floor.kind, floor.parent_id) == (
        "Floor 3 (labs)",
        "floor",
        sqlite_world.building,
    )
    sqlite_world.receive(tag="LAP-1")  # in Room A1
    page.tree.setCurrentIndex(page.tree_model.index_of(sqlite_world.room_a))
    page.delete_current()
    settle(qtbot, dialog)
    assert page.message.text() == (
        "✖ the location 'Room A1' cannot be deleted: it is still used by 1 asset"
    )
    page.tree.setCurrentIndex(page.tree_model.index_of(floor.id))
    page.delete_current()
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        assert floor.id not in {r.id for r in list_locations(session)}


def test_category_custom_fields_are_saved(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("categories")
    page = dialog.categories
    page.table.selectRow(1)  # Monitor
    assert page.name_edit.text() == "Monitor"
    page.custom_fields.add_field({"key": "size_in", "label": "Size (inches)", "type": "number"})
    page.custom_fields.add_field(
        {"key": "panel", "type": "choice", "choices": ["IPS", "VA", "OLED"], "required": True}
    )
    page.interval_spin.setValue(0)  # never audited
    page.save_current()
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        monitor = next(c for c in list_categories(session) if c.name == "Monitor")
    assert monitor.audit_interval_days is None
    assert [(f["key"], f["type"], f["required"]) for f in monitor.custom_fields] == [
        ("size_in", "number", False),
        ("panel", "choice", True),
    ]
    assert monitor.custom_fields[1]["choices"] == ["IPS", "VA", "OLED"]
    page.custom_fields.add_field({"key": "", "type": "text"})
    page.save_current()
    assert "custom field 3: give it a key" in page.message.text()


def test_people_roles_and_deactivation(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("people")
    page = dialog.people
    row = page.model.row_of(sqlite_world.people["user"])
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
    assert page.username_edit.text() == "user"
    page.role_checks["auditor"].setChecked(True)
    page.active_check.setChecked(False)
    page.save_current()
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        una = next(p for p in list_people(session) if p.username == "user")
    assert (una.active, una.roles) == (False, ("auditor",))
    assert not page.delete_button.isEnabled()


def test_people_show_their_roles_without_scrolling(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """Someone looking for an approver reads the roles beside the names: they were the
    last column, behind the horizontal scroll bar once an e-mail address was long."""
    with sqlite_world.db.write() as session:
        rosa = reference.create_person(
            session,
            name="Rosa Long",
            username="rlong",
            email="rosalind.longbottom-featherstonehaugh@facilities.procurement.example.org",
            roles=["approver"],
        ).id
    dialog.show_page("people")
    page = dialog.people
    page.reload()
    settle(qtbot, dialog)
    header = page.table.horizontalHeader()
    roles = next(
        c
        for c in range(page.model.columnCount())
        if page.model.headerData(c, Qt.Orientation.Horizontal) == "Roles"
    )
    assert header.sectionViewportPosition(roles) + header.sectionSize(roles) <= (
        page.table.viewport().width()
    )
    cell = page.proxy.mapFromSource(page.model.index(page.model.row_of(rosa), roles))
    assert cell.data() == "Approver"  # as the Roles boxes beside it say it


def test_group_membership(qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World) -> None:
    dialog.show_page("groups")
    page = dialog.groups
    page.table.selectRow(2)  # Service desk
    assert page.name_edit.text() == "Service desk"
    page.member_filter.setText("una")
    visible = [
        page.members.item(i)
        for i in range(page.members.count())
        if not page.members.item(i).isHidden()
    ]
    assert [i.text() for i in visible] == ["Una User  ·  user"]
    visible[0].setCheckState(Qt.CheckState.Checked)
    page.save_current()
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        desk = next(g for g in list_groups(session) if g.name == "Service desk")
    assert set(desk.member_ids) == {
        sqlite_world.people["tech"],
        sqlite_world.people["tech2"],
        sqlite_world.people["user"],
    }


def test_stale_edit_shows_the_conflict_and_save_again_applies(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    with sqlite_world.db.write() as session:
        reference.create_supplier(session, name="Bechtle")
    dialog.show_page("suppliers")
    page = dialog.suppliers
    page.reload()
    settle(qtbot, dialog)
    page.table.selectRow(0)
    supplier = page.current
    with sqlite_world.db.write() as session:  # someone else renames it meanwhile
        reference.update_supplier(
            session, supplier_id=supplier.id, expected_version=1, name="Bechtle GmbH", contact=None
        )
    page.name_edit.setText("Bechtle AG")
    page.save_current()
    settle(qtbot, dialog)
    text = page.message.text()
    assert "Supplier 'Bechtle GmbH' was changed by someone else" in text
    assert "name: yours 'Bechtle AG', now 'Bechtle GmbH'" in text
    assert page.name_edit.text() == "Bechtle AG"  # the user's value is kept
    page.save_current()
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        assert [s.name for s in list_suppliers(session)] == ["Bechtle AG"]
    assert page.message.text() == "✔ Saved."


def test_the_page_opens_on_a_new_site_at_the_top_level(
    qtbot: QtBot, dialog: ReferenceDataDialog
) -> None:
    """It opened on "(top level)" with Kind: Room; New site then said Site."""
    page = dialog.locations
    assert page.path_label.text() == "(top level)"
    assert page.kind_combo.currentData() == "site"
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.kind_combo.currentData() == "site"


def test_a_top_level_room_is_a_room_not_a_site(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """A new user's "Room 101" made with the top-level button became a site: the name
    that starts with a kind says it until a kind is picked, the page says any kind may be
    at the top, and a kind picked by the person is kept whatever the name."""
    page = dialog.locations
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.new_button.text().replace("&", "") == "New at top level"
    assert "A room, a building or a rack may be at the top level" in page.kind_hint.text()
    qtbot.keyClicks(page.name_edit, "Room 101")
    assert page.kind_combo.currentData() == "room"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text().startswith("✔ Created 'Room 101'.")

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    page.kind_combo.setFocus()
    qtbot.keyClick(page.kind_combo, Qt.Key.Key_B)  # Building, picked by the person
    assert page.kind_combo.currentData() == "building"
    qtbot.keyClicks(page.name_edit, "Rack hall")
    assert page.kind_combo.currentData() == "building"  # the person's choice is kept
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        made = {loc.name: (loc.kind, loc.parent_id) for loc in list_locations(session)}
    assert made["Room 101"] == ("room", None)
    assert made["Rack hall"] == ("building", None)
