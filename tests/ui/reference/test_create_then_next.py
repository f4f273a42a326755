"""After Create the form is ready for the next record: entering a list one after another
never renames the record just made (a new user's "Alice Approver", typed after creating
"Carol Jones", renamed Carol). The record made stays highlighted and selecting it edits it.
"""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from desktop.services.reference_queries import list_categories, list_locations, list_people
from tests.factories import World
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import ReferenceDataDialog
from ui.gui.reference.record_page import RecordPage


def click(qtbot: QtBot, view: QAbstractItemView, index: QModelIndex) -> None:
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def editing(page: RecordPage) -> Any:
    """The record the form edits (a function: mypy keeps an earlier ``is None`` otherwise)."""
    return page.current


def selected_names(view: QAbstractItemView) -> list[str]:
    return [str(i.data()) for i in view.selectionModel().selectedRows(0)]


def test_people_entered_one_after_another(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("people")
    page = dialog.people
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.name_edit, "Carol Jones")
    qtbot.keyClicks(page.username_edit, "carol")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text() == (
        "✔ Created 'Carol Jones'. Enter the next person here, or select it to change it."
    )
    assert page.current is None and page.form_box.title() == "New person"
    assert (page.name_edit.text(), page.username_edit.text()) == ("", "")
    assert page.name_edit.hasFocus()
    assert selected_names(page.table) == ["Carol Jones"]

    qtbot.keyClicks(page.name_edit, "Alice Approver")  # straight on, as the user did
    qtbot.keyClicks(page.username_edit, "alice")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        names = {p.username: p.name for p in list_people(session)}
    assert (names["carol"], names["alice"]) == ("Carol Jones", "Alice Approver")

    rows = [page.model.row_object(i) for i in range(page.model.rowCount())]
    carol_id = next(r.id for r in rows if r.username == "carol")
    carol = page.proxy.mapFromSource(page.model.index(page.model.row_of(carol_id), 0))
    click(qtbot, page.table, carol)
    assert editing(page).username == "carol"
    assert page.name_edit.text() == "Carol Jones"
    page.name_edit.clear()
    qtbot.keyClicks(page.name_edit, "Carol Jones-Smith")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text() == "✔ Saved."
    assert editing(page).username == "carol"  # a saved edit stays on the record
    with sqlite_world.db.read() as session:
        assert {p.username: p.name for p in list_people(session)}["carol"] == "Carol Jones-Smith"


def test_categories_entered_one_after_another(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("categories")
    page = dialog.categories
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.name_edit, "Docking station")
    qtbot.keyClicks(page.prefix_edit, "DOCK")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.current is None and page.name_edit.text() == ""
    assert selected_names(page.table) == ["Docking station"]
    qtbot.keyClicks(page.name_edit, "Headset")
    qtbot.keyClicks(page.prefix_edit, "HS")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        prefixes = {c.name: c.tag_prefix for c in list_categories(session)}
    assert (prefixes["Docking station"], prefixes["Headset"]) == ("DOCK", "HS")


def test_rooms_entered_one_after_another_inside_a_floor(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    page = dialog.locations
    click(qtbot, page.tree, page.tree_model.index_of(sqlite_world.building))
    qtbot.mouseClick(page.inside_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.name_edit, "Room 301")
    assert page.kind_combo.currentData() == "room"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.current is None and page.name_edit.text() == ""
    assert page.path_label.text() == "Head office › Building A"  # the same place
    assert page.kind_combo.currentData() == "room"
    assert selected_names(page.tree) == ["Room 301"]
    qtbot.keyClicks(page.name_edit, "Room 302")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        made = {loc.name: loc for loc in list_locations(session)}
    assert made["Room 301"].parent_id == made["Room 302"].parent_id == sqlite_world.building
    assert made["Room 302"].kind == "room"
    click(qtbot, page.tree, page.tree_model.index_of(made["Room 301"].id))
    assert editing(page).name == "Room 301" and page.name_edit.text() == "Room 301"


def test_a_site_made_then_new_inside_goes_inside_it(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """A new user made the site "HQ": it was highlighted in the tree, yet "New inside"
    was greyed until they clicked it again (newuser13). It now goes inside it."""
    page = dialog.locations
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)  # New at top level
    qtbot.keyClicks(page.name_edit, "HQ")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert selected_names(page.tree) == ["HQ"] and page.current is None
    assert page.inside_button.isEnabled()
    assert "'HQ'" in page.inside_button.toolTip()
    qtbot.mouseClick(page.inside_button, Qt.MouseButton.LeftButton)
    assert page.path_label.text() == "HQ"
    assert page.kind_combo.currentData() == "building"
    qtbot.keyClicks(page.name_edit, "Main building")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    with sqlite_world.db.read() as session:
        made = {loc.name: loc for loc in list_locations(session)}
    assert made["Main building"].parent_id == made["HQ"].id
