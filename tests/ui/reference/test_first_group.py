"""The first group of a register: its members are listed to tick (found by a new user).

On a database with people but no group yet, Data › Groups showed an empty Members list:
nothing was selected after the first load, so the form was never filled with the people
just read, until "New group" was pressed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.services import reference
from desktop.services.reference_queries import list_groups
from desktop.storage.database import Database
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import ReferenceDataDialog


@pytest.fixture
def no_groups_yet(qtbot: QtBot, sqlite_db: Database) -> Iterator[ReferenceDataDialog]:
    with sqlite_db.write() as session:
        reference.create_person(session, name="Ada Admin", username="ada", roles=["administrator"])
        reference.create_person(session, name="Tom Tech", username="tom")
        reference.create_person(session, name="Tina Tech", username="tina")
        reference.create_person(session, name="Al Approver", username="al")
    window = ReferenceDataDialog(sqlite_db, "ada")
    window.show()
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20_000)
    yield window
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20_000)
    window.close()
    window.deleteLater()


def test_the_first_group_lists_the_people_to_tick(
    qtbot: QtBot, no_groups_yet: ReferenceDataDialog, sqlite_db: Database
) -> None:
    dialog = no_groups_yet
    dialog.show_page("groups")
    page = dialog.groups
    settle(qtbot, dialog)
    assert page.model.rowCount() == 0
    qtbot.waitUntil(lambda: page.members.count() == 4, timeout=5000)
    page.name_edit.setFocus()
    QTest.keyClicks(page.name_edit, "Field team")
    QTest.keyClicks(page.member_filter, "t")  # Tom Tech, Tina Tech (not Al, nor Ada)
    shown = [
        page.members.item(i)
        for i in range(page.members.count())
        if not page.members.item(i).isHidden()
    ]
    assert sorted(i.text() for i in shown) == ["Tina Tech  ·  tina", "Tom Tech  ·  tom"]
    for item in shown:
        item.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text().startswith("✔ Created 'Field team'"), page.message.text()
    with sqlite_db.read() as session:
        (group,) = list_groups(session)
    assert group.name == "Field team" and len(group.member_ids) == 2
