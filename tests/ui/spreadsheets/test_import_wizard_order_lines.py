"""A purchase order's line of Qty 3 in the import wizard's dry run: it showed three
identical rows "5 · Create · (generated)" — a person could read them as the line counted
three times. Each is now marked as one of the three assets that line orders ("5 · 1 of
3"), its tooltip says so, and the import then makes exactly those three assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_import_wizard import click_next, shoot
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from tests.ui.spreadsheets.test_order_quantities_cli import write_order
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET
from ui.gui.spreadsheets.preview_model import ACTION, ROW, TAG


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def test_a_line_of_three_shows_as_three_new_assets_of_that_line(
    qtbot: QtBot,
    world: World,
    tmp_path: Path,
) -> None:
    wizard = open_wizard(qtbot, world, write_order(tmp_path / "PO-2026-0077.xlsx"))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    shoot(wizard, "import-order-lines.png")
    model = wizard.preview_page.model
    shown = [
        [model.index(r, c).data() for c in (ROW, ACTION, TAG)] for r in range(model.rowCount())
    ]
    line = [s for s in shown if s[0].startswith("5")]
    assert line == [
        ["5 · 1 of 3", "Create", "(generated, 1 of 3)"],
        ["5 · 2 of 3", "Create", "(generated, 2 of 3)"],
        ["5 · 3 of 3", "Create", "(generated, 3 of 3)"],
    ]
    first = next(r for r in range(model.rowCount()) if shown[r][0].startswith("5"))
    tip = model.index(first, ROW).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Row 5 orders 3 items: it becomes 3 new assets")
    assert [s[0] for s in shown if s[0].startswith("6")] == ["6"]  # one item: as before
    page = wizard.preview_page
    assert "3 rows, as 5 items — 4 create" in page.summary.text()  # the file has 3 rows
    values = page.values.toPlainText()
    assert values.count("Latitude 7450") == 1  # once, not three identical lines
    assert "row 5 (tag generated) × 3 new assets: Name: Latitude 7450" in values
    # Above the table, as the command line's dry run says it:
    assert "each becomes that many new assets" in wizard.preview_page.references.text()

    with world.db.read() as session:
        before = session.scalar(select(func.count()).select_from(Asset))
    qtbot.mouseClick(wizard.preview_page.valid_only, Qt.MouseButton.LeftButton)  # the line of 2
    click_next(qtbot, wizard, RESULT)
    with world.db.read() as session:
        latitudes = session.scalar(
            select(func.count()).select_from(Asset).where(Asset.name == "Latitude 7450")
        )
        after = session.scalar(select(func.count()).select_from(Asset))
    assert latitudes == 3  # what the dry run said: three assets of that line
    assert (
        before is not None and after == before + 4
    )  # and the single Latitude 5550 (the line of 2 is refused)
