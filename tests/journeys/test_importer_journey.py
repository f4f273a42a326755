"""The importer's journey through the real main window, only through what a person does.

A person opens the import with its shortcut (while the action is enabled), chooses a
workbook in the file dialog, clicks Next through the wizard (the sheet is found by its
header, past a summary sheet), changes one column's mapping with its drop-down, reads
the dry run — the rows in error with their reasons, the values the new assets get —
imports the valid rows, saves the rejected rows to a workbook, and finds the imported
assets by typing in the register's search box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QComboBox, QMenu

from desktop.services.queries import asset_detail
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts
from tests.factories import World, seed_world
from ui.gui import file_dialogs
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.models.columns import COLUMN_INDEX
from ui.gui.spreadsheets.import_wizard import (
    FILE,
    MAPPING,
    PREVIEW,
    RESULT,
    SHEET,
    ImportWizard,
)
from ui.gui.spreadsheets.preview_model import PROBLEMS

HEADERS = [
    "Asset ID", "Asset Name", "Device Type", "Location", "Purchase Date", "Serial Number",
    "Assigned_User", "Internal code",
]  # fmt: skip
ROWS: list[list[object]] = [
    ["LAP-7001", "Finance laptop", "Laptop", "Room A1", dt.datetime(2023, 1, 23), 4711.0, "user", "F-1"],
    ["LAP-7002", "Sales laptop", "Laptop", "Room A1", "1/23/23", 4712.0, None, "F-2"],
    ["LAP-7003", "Broken date", "Laptop", "Room A1", "31/31/23", 4713.0, None, "F-3"],
    ["PRN-7004", "Printer", "Printer", "Room A1", "3/1/23", 4714.0, None, "F-4"],
    ["MON-7005", "Desk screen", "Monitor", "Room A2", "2023-03-01", 4715.0, None, "F-5"],
]  # fmt: skip


def workbook(path: Path) -> Path:
    """A register: a summary sheet first, the data sheet with a title above its header."""
    book = openpyxl.Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Assets", 5])
    summary.append(["Laptops", 3])
    data = book.create_sheet("Register")
    data.append(["IT register, exported by hand"])
    data.append(HEADERS)
    for row in ROWS:
        data.append(row)
    book.save(path)
    return path


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


@pytest.fixture
def window(qtbot: QtBot, world: World, tmp_path: Path) -> Iterator[MainWindow]:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    main = MainWindow(world.db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    yield main
    if main.isVisible():
        main.close()


def import_action(window: MainWindow) -> QAction:
    (file_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    assert isinstance(file_menu, QMenu)
    (action,) = [a for a in file_menu.actions() if a.text() == "&Import a spreadsheet…"]
    assert isinstance(action, QAction)
    return action


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def next_page(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    click(qtbot, wizard.next)
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=20_000
    )


def test_importer_journey(
    qtbot: QtBot,
    window: MainWindow,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = workbook(tmp_path / "register.xlsx")
    action = import_action(window)
    assert action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+Shift+I"
    qtbot.keyClick(
        window,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: any(isinstance(d, ImportWizard) for d in window.open_dialogs))
    (wizard,) = [d for d in window.open_dialogs if isinstance(d, ImportWizard)]
    qtbot.waitExposed(wizard)
    assert wizard.pages.currentIndex() == FILE

    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(source), ""))
    click(qtbot, wizard.file_page.browse)
    assert wizard.file_page.path.text() == str(source)
    next_page(qtbot, wizard, SHEET)
    sheets = wizard.sheet_page.sheets
    assert [sheets.item(i).text() for i in range(sheets.count())] == [
        "Choose automatically (the sheet or Excel Table that matches best)",
        "Summary",
        "Register",
    ]
    assert sheets.currentRow() == 0

    next_page(qtbot, wizard, MAPPING)
    summary = wizard.mapping_page.summary.text()
    assert summary.startswith("Imported sheet 'Register' (its header in row 2 names 7 known")
    assert "Added to the notes ('Header: value'): Internal code." in summary
    table = wizard.mapping_page.table
    chosen: dict[str, str] = {}
    for row in range(table.rowCount()):
        item, choice = table.item(row, 0), table.cellWidget(row, 2)
        assert item is not None and isinstance(choice, QComboBox)
        chosen[item.text()] = choice.currentText()
    assert chosen["Asset ID"] == "Asset tag" and chosen["Device Type"] == "Category"
    assert chosen["Assigned_User"] == "Assigned to"
    # The person decides the internal code is not worth keeping.
    combo = table.cellWidget(7, 2)
    header = table.item(7, 0)
    assert isinstance(combo, QComboBox) and header is not None
    assert header.text() == "Internal code"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert combo.currentText() == "— do not import —"
    assert "Not imported: Internal code." in wizard.mapping_page.summary.text()
    # Missing reference data is created by default; this person wants only the categories
    # they have set up, so a printer (no such category yet) is refused.
    create_missing = wizard.mapping_page.create_missing
    assert create_missing.isChecked()
    click(qtbot, create_missing)
    assert not create_missing.isChecked()

    before = counts(world.db)
    next_page(qtbot, wizard, PREVIEW)
    page = wizard.preview_page
    assert "3 create, 0 update, 0 unchanged, 0 conflicts, 2 errors" in page.summary.text()
    assert "Purchase Date: dates read month first (row 4: '1/23/23' can only be read so)" in (
        page.references.text()
    )
    model = page.model
    problems = {
        model.index(r, 0).data(): model.index(r, PROBLEMS).data() for r in range(model.rowCount())
    }
    assert problems["5"] == "Purchase Date: '31/31/23' is not a date (read as month/day/year)"
    assert problems["6"].startswith("Device Type: there is no category 'Printer'")
    values = page.values.toPlainText()
    assert "row 3 LAP-7001: Asset tag: LAP-7001" in values
    assert (
        "row 4 LAP-7002: Asset tag: LAP-7002; Name: Sales laptop; Category: Laptop; "
        "Serial number: 4712; Location: Room A1; Purchase date: 2023-01-23"
    ) in values
    assert counts(world.db) == before  # the dry run wrote nothing
    click(qtbot, page.valid_only)
    assert page.valid_only.isChecked()

    next_page(qtbot, wizard, RESULT)
    assert wizard.result_page.summary.text().startswith(
        "3 assets received (LAP-7001, LAP-7002, MON-7005), 0 changed"
    )
    errors = tmp_path / "rejected.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(errors), ""))
    click(qtbot, wizard.result_page.save_errors)
    assert wizard.message.text() == f"2 rejected rows saved to {errors}"
    saved = openpyxl.load_workbook(errors).active
    assert saved is not None
    rows = [[c.value for c in row] for row in saved.iter_rows()]
    assert rows[0] == [*HEADERS, "Import problems"]
    assert [r[0] for r in rows[1:]] == ["LAP-7003", "PRN-7004"]
    assert rows[1][-1] == "Purchase Date: '31/31/23' is not a date (read as month/day/year) (row 5)"
    assert rows[2][-1].startswith("Device Type: there is no category 'Printer'")
    click(qtbot, wizard.cancel)  # "Close"
    qtbot.waitUntil(lambda: not wizard.isVisible())

    with world.db.read() as s:
        laptop = asset_detail(s, tag="LAP-7001").row
    assert (laptop.purchase_date, laptop.serial_number) == (dt.date(2023, 1, 23), "4711")
    search = window.view.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "700")
    qtbot.waitUntil(lambda: window.model.filter.search == "700", timeout=3000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=5000)
    shown = {window.model.index(r, COLUMN_INDEX["tag"]).data() for r in range(3)}
    assert shown == {"LAP-7001", "LAP-7002", "MON-7005"}
