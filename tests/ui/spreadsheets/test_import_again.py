"""The same file imported twice: its rows without an asset tag became new assets twice.

A home-made register often has no tags (the import makes them). The second import of the
same file — after a fix elsewhere, by a colleague, by accident — made every such row a
duplicate. Now every import that writes is recorded by the SHA-256 of the file's bytes;
the dry run of the same bytes says when and by whom it was imported, the command line
refuses to make those assets again without ``--again`` (nothing written), and the wizard
asks, No being the default. A file whose rows all carry tags imports again as before
(its rows find their assets).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.cli_run import run_cli
from tests.factories import World, seed_world
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET

REGISTER = (
    "Name;Category;Serial;Location\r\n"
    "Reception PC;Laptop;;Room A1\r\n"
    "Meeting room screen;Laptop;;Room A1\r\n"
    "Spare laptop;Laptop;SN-77;Room A2\r\n"
)


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def assets(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(Asset)).scalar_one()


def register(tmp_path: Path) -> Path:
    path = tmp_path / "Inventar 2026.csv"
    path.write_bytes(REGISTER.encode("cp1252"))
    return path


def test_the_command_line_refuses_to_make_the_same_rows_again(world: World, tmp_path: Path) -> None:
    path = register(tmp_path)
    before = assets(world.db)
    first = run_cli("import", str(path), "--as", "tech", database=world.db)
    assert first.returncode == 0, first.stdout + first.stderr
    assert assets(world.db) == before + 3

    dry = run_cli("import", str(path), "--dry-run", database=world.db)
    assert dry.returncode == 0, dry.stderr
    assert "This file was imported before: on " in dry.stdout
    assert "by tech (3 new assets, 0 changed)" in dry.stdout
    assert (
        "Importing it again makes 3 new assets a second time: its rows that find no asset by "
        "their asset tag" in dry.stdout
    )

    again = run_cli("import", str(path), "--as", "tech", database=world.db)
    assert again.returncode == 1
    assert "Nothing was imported: Inventar 2026.csv was imported already on " in again.stdout
    assert "makes 3 new assets a second time" in again.stdout and "--again" in again.stdout
    assert assets(world.db) == before + 3

    # Another copy of the same bytes, under another name, is the same file.
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    refused = run_cli("import", str(copy), "--as", "tech", database=world.db)
    assert refused.returncode == 1 and "imported already" in refused.stdout

    forced = run_cli("import", str(path), "--again", "--as", "tech", database=world.db)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert assets(world.db) == before + 6

    # Matched by serial number, the row with one finds its asset: two rows would be new.
    by_serial = run_cli("import", str(path), "--match", "serial", "--dry-run", database=world.db)
    assert (
        "makes 2 new assets a second time: its rows that find no asset by their serial number"
        in by_serial.stdout
    )


def test_a_file_whose_rows_have_tags_imports_again_as_before(world: World, tmp_path: Path) -> None:
    path = tmp_path / "tagged.csv"
    path.write_text(
        "Asset Tag,Name,Category,Location\nLAP-90,Desk PC,Laptop,Room A1\n", encoding="utf-8"
    )
    assert run_cli("import", str(path), "--as", "tech", database=world.db).returncode == 0
    again = run_cli("import", str(path), "--as", "tech", database=world.db)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "This file was imported before" in again.stdout
    assert "second time" not in again.stdout


def test_the_wizard_asks_before_making_the_same_rows_again(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    path = register(tmp_path)
    assert run_cli("import", str(path), "--as", "tech", database=world.db).returncode == 0
    before = assets(world.db)

    wizard = open_wizard(qtbot, world, path)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    assert "This file was imported before" in wizard.preview_page.references.text()

    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)  # Import
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox) and box.parent() is wizard
    assert box.text() == "Import this file again?"
    assert "makes 3 new assets a second time" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: No
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not box)
    assert wizard.pages.currentIndex() == PREVIEW and assets(world.db) == before

    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    qtbot.keyClick(box, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # &Import again
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == RESULT and wizard.worker is None)
    assert assets(world.db) == before + 3
