"""Closing the import wizard after choices were made asks first (Escape had closed it at
once, and a new user lost an edited column mapping that way); the columns page says where
a Manufacturer column goes when the file has no Model column (it said "Manufacturer",
while the import put it into the notes)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox

from desktop.spreadsheets.export import export_assets
from desktop.spreadsheets.plan import plan_table
from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from tests.ui.windows import closed
from ui.gui.spreadsheets import import_wizard
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, SHEET, ImportWizard


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def to_mapping(qtbot: QtBot, world: World, tmp_path: Path) -> ImportWizard:
    path = tmp_path / "spares.csv"
    path.write_text(
        "Category,Manufacturer,Serial number,Remarks\n"
        "Laptop,Lenovo,SN-1,spare\n"
        "Laptop,Dell,SN-2,\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, world, path)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    return wizard


def the_question(qtbot: QtBot, wizard: ImportWizard) -> QMessageBox:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox) and box.parent() is wizard
    return box


def test_escape_after_a_changed_mapping_asks_and_no_keeps_the_wizard(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = to_mapping(qtbot, world, tmp_path)
    combo = wizard.mapping_page.table.cellWidget(3, 2)  # Remarks
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # another choice, by key
    chosen = combo.currentIndex()
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    box = the_question(qtbot, wizard)
    assert box.text() == "Discard this import?"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: No, keep it (Cancel)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert wizard.isVisible() and wizard.pages.currentIndex() == MAPPING
    assert combo.currentIndex() == chosen  # the mapping is kept

    qtbot.mouseClick(wizard.cancel, Qt.MouseButton.LeftButton)  # Cancel asks too
    box = the_question(qtbot, wizard)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(wizard))


def test_escape_on_the_first_page_closes_at_once(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(wizard))
    # no question of its own (another test's leftover box is not the wizard's business)
    assert not [box for box in wizard.findChildren(QMessageBox) if box.isVisible()]


def test_a_value_for_all_rows_and_the_window_close_ask_too(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = to_mapping(qtbot, world, tmp_path)
    qtbot.keyClicks(wizard.mapping_page.defaults["owning_group"], "Service desk")
    wizard.close()  # the window's close button
    box = the_question(qtbot, wizard)
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape in the question keeps the work
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert wizard.isVisible()
    assert wizard.mapping_page.defaults["owning_group"].text() == "Service desk"


def test_the_columns_page_says_a_manufacturer_without_a_model_goes_to_the_notes(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = to_mapping(qtbot, world, tmp_path)
    combo = wizard.mapping_page.table.cellWidget(1, 2)
    assert isinstance(combo, QComboBox) and combo.currentText() == "Manufacturer"
    fate = (
        "added to the notes as 'Manufacturer: …' (no column gives the Model that would "
        "hold the manufacturer)"
    )
    assert f"Manufacturer: {fate}." in wizard.mapping_page.summary.text()
    assert combo.toolTip() == fate


def test_escape_during_the_dry_run_cancels_it_and_keeps_the_wizard(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Escape while the dry run runs stops it (it had also closed the wizard once the
    dry run ended, the mapping lost); a second Escape asks."""
    wizard = to_mapping(qtbot, world, tmp_path)

    def slow_plan(*args: Any, cancel: threading.Event, **kwargs: Any) -> Any:
        cancel.wait(10)  # a large file: still planning when Escape comes
        return plan_table(*args, cancel=cancel, **kwargs)

    monkeypatch.setattr(import_wizard, "plan_table", slow_plan)
    qtbot.keyClicks(wizard.mapping_page.defaults["owning_group"], "Service desk")
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)  # Dry run
    assert wizard.worker is not None
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wizard.worker is None, timeout=5000)
    qtbot.wait(50)
    assert wizard.isVisible() and wizard.pages.currentIndex() == MAPPING
    assert wizard.mapping_page.defaults["owning_group"].text() == "Service desk"
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    the_question(qtbot, wizard)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_escape_on_a_dry_run_with_nothing_to_import_closes_at_once(
    qtbot: QtBot, world: World, tmp_path: Path, suffix: str
) -> None:
    """A new user re-imported the register's own export (the round trip): every row
    unchanged, Import disabled, and Escape asked "Discard this import?" — of nothing."""
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2", name="Latitude 7440")
    path = tmp_path / f"assets{suffix}"
    export_assets(world.db, path, exported_by="tech")
    wizard = open_wizard(qtbot, world, path)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    assert "2 rows — 0 create, 0 update, 2 unchanged" in wizard.preview_page.summary.text()
    assert not wizard.next.isEnabled()  # Import: nothing to write
    assert wizard.preview_page.values.toPlainText() == (  # (the box was empty)
        "None: 2 rows of the file hold what the register holds already. Nothing to import."
    )
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(wizard))
    # no question of its own (another test's leftover box is not the wizard's business)
    assert not [box for box in wizard.findChildren(QMessageBox) if box.isVisible()]
