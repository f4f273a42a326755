"""The reference data window's counts have thousands separators, as the main window's
"2,500 of 2,500 assets" has: a category of the demo's 4,000 assets read "1234"."""

from __future__ import annotations

import uuid
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.services.reference_queries import LocationRow
from desktop.storage.database import open_database
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
    model.set_rows([LocationRow(uuid.uuid4(), None, "Store", "room", "ST", 1, 1234)])
    assert model.index(0, 3).data() == "1,234"


def test_the_assets_column_says_it_counts_the_location_itself() -> None:
    """A site reads 0 beside rooms of hundreds: the header's tip says why."""
    model = LocationTreeModel()
    tip = model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Assets in this location itself, not in the locations inside it"
