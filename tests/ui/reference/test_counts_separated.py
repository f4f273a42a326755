"""The reference data window's counts have thousands separators, as the main window's
"2,500 of 2,500 assets" has: a category of the demo's 4,000 assets read "1234"."""

from __future__ import annotations

import uuid
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.services.queries import count_assets
from desktop.services.reference_queries import LocationRow
from desktop.services.register_rows import AssetFilter
from desktop.storage.database import open_database
from tests.factories import World
from tests.ui.reference.conftest import settle
from ui.cli.main import main
from ui.gui.reference.dialog import ReferenceDataDialog
from ui.gui.reference.location_tree_model import LocationTreeModel


def test_a_category_of_over_a_thousand_assets(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    assert main(["--database", str(path), "demo", "--assets", "4000", "--seed", "4"]) == 0
    database = open_database(f"sqlite:///{path}")
    window = ReferenceDataDialog(database, "root")
    window.show()
    try:
        settle(qtbot, window)
        window.show_page("categories")
        settle(qtbot, window)
        model = window.categories.model
        titles = [
            model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
        ]
        column = titles.index("Assets")
        counts = [model.index(r, column).data() for r in range(model.rowCount())]
        big = [text for text in counts if int(text.replace(",", "")) >= 1000]
        assert big, counts  # the demo's 4,000 assets have a category of over 1,000
        assert all("," in text for text in big), big
    finally:
        settle(qtbot, window)
        window.close()
        window.deleteLater()
        database.dispose()


def test_a_location_of_over_a_thousand_assets() -> None:
    model = LocationTreeModel()
    model.set_rows([LocationRow(uuid.uuid4(), None, "Store", "room", "ST", 1, 1234, 1234)])
    assert model.index(0, 3).data() == "1,234"


def test_a_site_counts_the_assets_in_its_rooms(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """A new user read "Head office: 0 assets" beside rooms of hundreds: a site's count
    is what it holds, its rooms included, and what is filed in the site itself is said
    apart. The main window's Location filter (with everything below it) agrees."""
    world = sqlite_world
    for n in range(3):
        world.receive(tag=f"LAP-R{n}")  # into Room A1
    world.receive(tag="LAP-S0", values={"location": world.site})  # the site itself
    dialog.close()
    window = ReferenceDataDialog(world.db, "admin")
    window.show()
    try:
        settle(qtbot, window)
        model = window.locations.tree_model
        column = [
            model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
        ].index("Assets")

        def count(location_id: uuid.UUID) -> str:
            return str(model.index_of(location_id).siblingAtColumn(column).data())

        assert count(world.site) == "4 (1 here)"
        assert count(world.building) == "3"
        assert count(world.room_a) == "3" and count(world.room_b) == "0"
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip == (
            "Assets in this location and in the locations inside it; "
            "in brackets, those filed in the location itself"
        )
    finally:
        settle(qtbot, window)
        window.close()
        window.deleteLater()
    with world.db.read() as session:
        assert count_assets(session, AssetFilter(location_id=world.site)) == 4
