"""The import wizard when the register changes between its dry run and Import.

The wizard shows the dry run, the person reads it, and only then clicks Import: the
commit writes the plan shown, without planning the rows again. Meanwhile another process
(the command line here, run as a subprocess) receives an asset with a tag the file gives
a new asset: Import refuses the file naming the row and the tag, writes nothing, and makes
the dry run again on the register as it is now (the row is an update of that asset), for
the person to check and import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World, seed_world
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard

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


def test_a_tag_taken_after_the_dry_run_refuses_import_naming_the_row_and_plans_again(
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
    # Import: refused, and the dry run made again on the register as it is now.
    _click(qtbot, wizard, wizard.next, PREVIEW)
    qtbot.waitUntil(lambda: "2 create, 1 update" in wizard.preview_page.summary.text())
    assert wizard.worker is None

    message = wizard.message.text()
    assert "the database changed since the dry run" in message
    assert "row 3's tag 'LAP-21' is now used by another asset" in message
    assert message.endswith(
        "(added or changed since).\n\nNothing was imported: the dry run above was made "
        "again, on the register as it is now. Check it, then import."
    )
    assert "UNIQUE" not in message
    assert counts(world.db) == before  # nothing of the file was written
    model = wizard.preview_page.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert ["3", "Update", "LAP-21"] in rows

    _click(qtbot, wizard, wizard.next, RESULT)  # Import what the new dry run shows
    assert counts(world.db)[0] == before[0] + 2
    with world.db.read() as session:
        assert asset_detail(session, tag="LAP-21").row.name == "Laptop 21"


def test_an_asset_changed_after_the_dry_run_is_a_conflict_and_the_dry_run_is_made_again(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """The file renames LAP-1; it is installed (version 2) between Dry run and Import:
    Import names the asset and the row, writes nothing, and shows the dry run made again
    on version 2 — the rename still applies and imports."""
    world: World = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Old name")
    path = write_workbook(tmp_path / "rename.xlsx", [["Asset tag", "Name"], ["LAP-1", "New name"]])
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    _click(qtbot, wizard, wizard.next, SHEET)
    _click(qtbot, wizard, wizard.next, MAPPING)
    _click(qtbot, wizard, wizard.next, PREVIEW)  # Dry run
    assert "0 create, 1 update" in wizard.preview_page.summary.text()

    world.install("LAP-1")
    before = counts(world.db)
    _click(qtbot, wizard, wizard.next, PREVIEW)  # Import: refused, the dry run made again
    qtbot.waitUntil(lambda: "Nothing was imported: the dry run above" in wizard.message.text())
    assert wizard.worker is None
    assert "asset LAP-1 (row 2) was changed by someone else" in wizard.message.text()
    assert "(version 1, now 2)" in wizard.message.text()
    assert counts(world.db) == before

    _click(qtbot, wizard, wizard.next, RESULT)  # Import the dry run made on version 2
    with world.db.read() as session:
        detail = asset_detail(session, tag="LAP-1")
    assert (detail.row.name, detail.row.status) == ("New name", "in_service")
