"""Reference data is the administrator's: anybody else's save is refused with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.services.reference_queries import list_suppliers
from tests.factories import World
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import ReferenceDataDialog


@pytest.fixture
def tech_dialog(qtbot: QtBot, sqlite_world: World) -> Iterator[ReferenceDataDialog]:
    window = ReferenceDataDialog(sqlite_world.db, "tech")
    window.show()
    settle(qtbot, window)
    yield window
    settle(qtbot, window)
    window.close()
    window.deleteLater()


def test_a_technician_cannot_add_a_supplier(
    qtbot: QtBot, tech_dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    tech_dialog.show_page("suppliers")
    page = tech_dialog.suppliers
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    page.name_edit.setFocus()
    qtbot.keyClicks(page.name_edit, "Bechtle")
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, tech_dialog)
    assert (
        "Tess Tech (tech) may not change reference data: that needs the administrator role; "
        "they hold technician"
    ) in page.message.text()
    with sqlite_world.db.read() as session:
        assert list_suppliers(session) == []


def test_an_administrator_can(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("suppliers")
    page = dialog.suppliers
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.name_edit, "Bechtle")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text().startswith("✔ Created 'Bechtle'.")
    with sqlite_world.db.read() as session:
        assert [s.name for s in list_suppliers(session)] == ["Bechtle"]
