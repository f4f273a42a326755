"""The register's *Checked out* column (issue 16, point 1): on the shared database the
assets out in a field kit say who has them and since when, right after Field kit › Check
out… (through the menu and the dialog, as a person does); the others stay empty; a kit
itself shows nothing there (every row of it is in this kit: the banner says so)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.settings import CURRENT_USER, Settings
from tests.ui.gui.conftest import Register, _register_template, register, show_window
from tests.ui.kits.test_kit_window import checkout_room_a2
from ui.gui.main_window import MainWindow
from ui.gui.models.asset_table_model import TagRole
from ui.gui.models.columns import COLUMN_INDEX

__all__ = ["_register_template", "register"]

CHECKED_OUT = COLUMN_INDEX["checked_out"]


@pytest.fixture
def window(qtbot: QtBot, register: Register, tmp_path: Path) -> Iterator[MainWindow]:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    made = show_window(qtbot, register.db, settings, tmp_path / "layout.ini")
    yield made
    if made.isVisible():
        made.close()


def _cells(window: MainWindow) -> dict[str, Any]:
    """Tag → what the Checked out cell shows, for the rows loaded on screen."""
    model = window.model
    return {
        model.index(row, 0).data(TagRole): model.index(row, CHECKED_OUT).data()
        for row in range(min(model.rowCount(), 100))
    }


def test_the_register_says_which_assets_are_out_in_a_kit(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    header = window.view.table.horizontalHeader()
    assert window.model.headerData(CHECKED_OUT, Qt.Orientation.Horizontal) == "Checked out"
    assert not header.isSectionHidden(CHECKED_OUT)
    assert all(text == "" for text in _cells(window).values())  # nothing out yet

    kit = tmp_path / "visit.adkit"
    dialog = checkout_room_a2(qtbot, window, kit)
    today = dt.datetime.now().astimezone().strftime("%Y-%m-%d")
    # Every fifth asset is in Room A2: LAP-00005, … (tests/ui/gui/conftest.register).
    qtbot.waitUntil(
        lambda: _cells(window).get("LAP-00005") == f"Tess Tech since {today}", timeout=10_000
    )
    cells = _cells(window)
    assert cells["LAP-00001"] == ""  # Room A1: not in the kit
    out = sorted(tag for tag, text in cells.items() if text)
    assert out and all(cells[tag] == f"Tess Tech since {today}" for tag in out)
    assert len(out) == len(cells) // 5
    row = next(
        r
        for r in range(window.model.rowCount())
        if window.model.index(r, 0).data(TagRole) == "LAP-00005"
    )
    tip = window.model.index(row, CHECKED_OUT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Out in a field kit: checked out by Tess Tech since")

    # In the kit itself the column is empty: everything there is in this kit.
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=30_000)
    qtbot.waitUntil(lambda: window.model.total_assets == 50, timeout=10_000)
    cells = _cells(window)
    assert "LAP-00005" in cells and set(cells.values()) == {""}


def test_the_column_is_kept_when_a_row_is_refreshed(
    qtbot: QtBot, window: MainWindow, register: Register, tmp_path: Path
) -> None:
    from desktop import kits

    kits.checkout(
        register.db,
        kits.resolve_scope(register.db, locations=["Room A2"]),
        "tech",
        tmp_path / "k.adkit",
    )
    window.refresh()
    qtbot.waitUntil(lambda: bool(_cells(window).get("LAP-00005")), timeout=10_000)
    row = next(
        r
        for r in range(window.model.rowCount())
        if window.model.index(r, 0).data(TagRole) == "LAP-00005"
    )
    asset_id = window.model.row_at(row).id  # type: ignore[union-attr]
    window.model.refresh_assets([asset_id])  # as after a procedure on it
    assert window.model.index(row, CHECKED_OUT).data().startswith("Tess Tech since ")
