"""The wizard names Ralph's id columns as such: in the back-office export (the corpus
sample ``back_office_assets.csv``) "model" and "warehouse" hold record ids and go to the
notes; the mapping page and the preview said only "Added to the notes: model, …", as of
any column the register does not know."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QComboBox

from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_import_texts_wizard import to_mapping
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_ralph_ids_cli import BACK_OFFICE
from ui.gui.spreadsheets.import_wizard import PREVIEW


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def test_ralphs_id_columns_are_named_as_ids(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    wizard = to_mapping(qtbot, world, tmp_path, BACK_OFFICE)
    summary = wizard.mapping_page.summary.text()
    assert (
        "Added to the notes ('Header: value'): id (Ralph record ids), model (Ralph record ids), "
        "force_depreciation, warehouse (Ralph record ids), service_env, region."
    ) in summary, summary
    # Nothing in the file names the asset: service_env's text is taken as its name.
    table = wizard.mapping_page.table
    headers = [item.text() if (item := table.item(r, 0)) else "" for r in range(table.rowCount())]
    combo = table.cellWidget(headers.index("service_env"), 2)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("name"))
    values = (("category", "Laptop"), ("location", "Room A1"), ("owning_group", "Service desk"))
    for field, text in values:
        qtbot.keyClicks(wizard.mapping_page.defaults[field], text)
    click_next(qtbot, wizard, PREVIEW)
    added = [
        line
        for line in wizard.preview_page.references.text().splitlines()
        if line.startswith("Added to the notes: ")
    ]
    assert added == [
        "Added to the notes: id (Ralph record ids), model (Ralph record ids), "
        "force_depreciation, warehouse (Ralph record ids), region"
    ], added
