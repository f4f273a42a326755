"""The import wizard when the register changes between its dry run and Import.

The wizard shows the dry run, the person reads it, and only then clicks Import: the
commit writes the plan shown, without planning the rows again. Meanwhile another process
(the command line here, run as a subprocess) receives an asset with a tag the file gives
a new asset: Import refuses the file naming the row and the tag, writes nothing, and the
dry run run again (Back, Dry run) shows the row as an update of that asset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World, seed_world
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, SHEET, ImportWizard

ROOT = Path(__file__).resolve().parents[3]


def _receive_elsewhere(db: Database, tag: str) -> None:
    """Another process records a receive of ``tag`` (the command line's door)."""
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database", str(db.url), "procedure",
         "receive", tag, "--set", "category=Laptop", "--set", "location=ROOM-A2", "--set",
         "name=Received meanwhile", "--check", "inspected", "--check", "contents_match",
         "--as", "tech"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def _click(qtbot: QtBot, wizard: ImportWizard, button: QPushButton, page: int) -> None:
    assert button.isEnabled()  # the user's door: only while enabled
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=30_000
    )


def test_a_tag_taken_after_the_dry_run_refuses_import_naming_the_row(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    world: World = seed_world(sqlite_db)
    path = write_workbook(
        tmp_path / "delivery.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            ["LAP-20", "Laptop 20", "Laptop", "Room A1"],
            ["LAP-21", "Laptop 21", "Laptop", "Room A1"],
            ["LAP-22", "Laptop 22", "Laptop", "Room A1"],
        ],
    )
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    _click(qtbot, wizard, wizard.next, SHEET)
    _click(qtbot, wizard, wizard.next, MAPPING)
    _click(qtbot, wizard, wizard.next, PREVIEW)  # Dry run
    assert "3 create, 0 update" in wizard.preview_page.summary.text()

    _receive_elsewhere(world.db, "lap-21")
    before = counts(world.db)
    _click(qtbot, wizard, wizard.next, PREVIEW)  # Import: refused, the preview stays

    message = wizard.message.text()
    assert "the database changed since the dry run" in message
    assert "row 3's tag 'LAP-21' is now used by another asset" in message
    assert "UNIQUE" not in message
    assert counts(world.db) == before  # nothing of the file was written

    _click(qtbot, wizard, wizard.back, MAPPING)
    _click(qtbot, wizard, wizard.next, PREVIEW)  # Dry run again: the register as it is now
    assert "2 create, 1 update" in wizard.preview_page.summary.text()
    model = wizard.preview_page.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert ["3", "Update", "LAP-21"] in rows
