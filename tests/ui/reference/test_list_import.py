"""Data › Locations and Data › People › Import list…: a Snipe-IT locations (or users)
export into the register, through the page's button, the file dialog and the question that shows the plan.

Nothing is written before Import in the question (Cancel writes nothing); a list with a
row that cannot be placed says the row and column on the page and imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.storage.models import Location, Person
from tests.factories import World
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import ReferenceDataDialog

LIST = (
    "ID,Name,Parent,Address,City\r\n"
    "7,Room 2.14,Leeds HQ,,\r\n"
    '3,Leeds HQ,,"1 Park Row",Leeds\r\n'
    "8,Comms room,Leeds HQ,,\r\n"
)


def locations(world: World) -> int:
    with world.db.read() as session:
        return int(session.execute(select(func.count()).select_from(Location)).scalar_one())


@pytest.fixture
def chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Write a list and have the file dialog answer it, as a person picking it does."""

    def choose(name: str, text: str) -> None:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(
            "ui.gui.file_dialogs.get_open_file_name", lambda *a, **k: (str(path), "")
        )

    return choose


def the_question(qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    return box


def test_a_list_of_places_is_shown_then_imported(
    qtbot: QtBot,
    dialog: ReferenceDataDialog,
    sqlite_world: World,
    chosen: Callable[[str, str], None],
) -> None:
    chosen("locations.csv", LIST)
    dialog.show_page("locations")
    page = dialog.locations
    before = locations(sqlite_world)
    assert page.import_button.isEnabled()

    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    box = the_question(qtbot)
    assert "locations.csv: 3 new locations" in box.text()
    assert "Leeds HQ › Room 2.14 (room)" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Cancel: nothing is written
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    settle(qtbot, dialog)
    assert page.message.text() == "Nothing was imported."
    assert locations(sqlite_world) == before

    qtbot.keyClick(page.import_button, Qt.Key.Key_Space)  # the button by the keyboard
    box = the_question(qtbot)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: Import
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    settle(qtbot, dialog)
    qtbot.waitUntil(lambda: page.message.text().startswith("✔"), timeout=20_000)
    assert page.message.text() == "✔ Imported 3 locations from locations.csv."
    assert locations(sqlite_world) == before + 3
    with sqlite_world.db.read() as session:
        room = session.execute(select(Location.id).where(Location.name == "Room 2.14")).scalar_one()
    qtbot.waitUntil(lambda: page.tree_model.index_of(room).isValid(), timeout=20_000)
    assert page.tree_model.path(room).endswith("Leeds HQ › Room 2.14")  # the tree shows it


def test_a_row_that_cannot_be_placed_is_said_and_nothing_is_imported(
    qtbot: QtBot,
    dialog: ReferenceDataDialog,
    sqlite_world: World,
    chosen: Callable[[str, str], None],
) -> None:
    chosen("rooms.csv", "Name,Parent\nRoom 1,Nowhere House\n")
    dialog.show_page("locations")
    page = dialog.locations
    before = locations(sqlite_world)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("✖"), timeout=20_000)
    assert page.message.text() == (
        "✖ rooms.csv: nothing imported: row 2, column Parent: 'Nowhere House' is neither "
        "a row of the list nor a location of the register"
    )
    assert QApplication.activeModalWidget() is None
    assert locations(sqlite_world) == before


def test_a_list_of_people_is_imported_from_the_people_page(
    qtbot: QtBot,
    dialog: ReferenceDataDialog,
    sqlite_world: World,
    chosen: Callable[[str, str], None],
) -> None:
    chosen(
        "users.csv",
        "First Name,Last Name,Username,Email,Department\n"
        "Anna,Smith,asmith,anna.smith@example.org,Finance\n",
    )
    dialog.show_page("people")
    page = dialog.people
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    box = the_question(qtbot)
    assert "users.csv: 1 new person" in box.text()
    assert "Anna Smith (asmith, anna.smith@example.org), Finance" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: page.message.text().startswith("✔"), timeout=20_000)
    assert page.message.text() == "✔ Imported 1 person from users.csv."
    with sqlite_world.db.read() as session:
        anna = session.execute(select(Person).where(Person.username == "asmith")).scalar_one()
        assert (anna.name, [g.name for g in anna.groups], anna.roles) == (
            "Anna Smith",
            ["Finance"],
            [],
        )
        anna_id = anna.id
    qtbot.waitUntil(lambda: page.model.row_of(anna_id) >= 0)  # the list shows her
