"""A file without tags imported a second time: a new user moving from Ralph imported its
export (``management_ip_existing.csv``, no barcode), then the same export again, and got
a second asset with the same serial number, host name and rack — nothing said so. The dry
run now says it on the row, naming the asset and how to update it instead; matched by
serial number the second import changes nothing.

Ralph's own export (Apache-2.0, see ``tests/data/spreadsheets/README.md``); the command
line as a subprocess, the wizard through its widgets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World, seed_world
from tests.ui.keys import press_key
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db
from tests.ui.spreadsheets.test_import_texts_cli import RALPH, new_tag
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.spreadsheets.preview_model import PROBLEMS

GROUP = ("--set", "owning_group=Datacenter team")


def assets(database: Path) -> int:
    db = open_db(database)
    try:
        with db.read() as session:
            return int(session.execute(select(func.count()).select_from(Asset)).scalar_one())
    finally:
        db.dispose()


def test_ralph_export_imported_twice_says_the_serial_is_in_use(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    first = assetdesk(database, "import", str(RALPH), *GROUP)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 asset received (STO-000001)" in first.stdout

    again = assetdesk(database, "import", str(RALPH), *GROUP, "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 create, 0 update" in again.stdout
    assert (
        "    warning: the serial number 'M000000015L' is already STO-000001's: this row makes "
        "a second asset with it (to update STO-000001 instead, match assets by serial "
        "number: --match serial)"
    ) in again.stdout, again.stdout

    matched = assetdesk(database, "import", str(RALPH), *GROUP, "--match", "serial")
    assert matched.returncode == 0, matched.stdout + matched.stderr
    assert "0 create, 0 update, 1 unchanged" in matched.stdout, matched.stdout
    assert "serial number 'M000000015L' is already" not in matched.stdout
    assert assets(database) == 1


def test_a_new_serial_says_nothing(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "import", str(RALPH), *GROUP).returncode == 0
    other = tmp_path / "other.csv"
    other.write_text(RALPH.read_text().replace("M000000015L", "M000000016L"))
    dry = assetdesk(database, "import", str(other), *GROUP, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "1 create" in dry.stdout and "is already" not in dry.stdout


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def wizard_on(qtbot: QtBot, world: World, path: Path) -> ImportWizard:
    wizard = open_wizard(qtbot, world, path)
    wizard.resize(1100, 760)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    qtbot.keyClicks(wizard.mapping_page.defaults["owning_group"], "Service desk")
    return wizard


def test_the_wizard_says_it_and_serial_matching_changes_nothing(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    path = Path(shutil.copy(RALPH, tmp_path / RALPH.name))
    wizard = wizard_on(qtbot, world, path)
    click_next(qtbot, wizard, PREVIEW)
    cell = wizard.preview_page.model.index(0, PROBLEMS).data() or ""
    assert "serial number" not in cell  # the first import: nothing in use
    click_next(qtbot, wizard, RESULT)
    tag = new_tag(world.db)
    wizard.close()

    wizard = wizard_on(qtbot, world, path)
    click_next(qtbot, wizard, PREVIEW)
    assert "1 row — 1 create" in wizard.preview_page.summary.text()
    cell = wizard.preview_page.model.index(0, PROBLEMS).data()
    assert f"the serial number 'M000000015L' is already {tag}'s" in cell, cell
    assert (
        f"(to update {tag} instead, match assets by serial number: Find existing assets "
        "by: Serial number)"
    ) in wizard.preview_page.values.toPlainText()
    # Back to the second page; the match chosen with the keyboard.
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == MAPPING)
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == SHEET)
    match = wizard.sheet_page.match
    match.setFocus()
    press_key(qtbot, Qt.Key.Key_Down)
    assert match.currentText() == "Serial number"
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    assert "1 row — 0 create, 0 update, 1 unchanged" in wizard.preview_page.summary.text()
    with world.db.read() as session:
        assert session.execute(select(func.count()).select_from(Asset)).scalar_one() == 1
