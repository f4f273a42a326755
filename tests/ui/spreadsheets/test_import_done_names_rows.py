"""The wizard's last page names the rows it left out and why, and the assets it changed.

Seen under Xvfb (newuser26): finance edited an export (a price, a location, a write-off)
and imported it back, the valid rows only. The Done page said "0 assets received, 2
changed, 4 unchanged" and "2 rows were left out: save the error workbook, fix them and
import that workbook" — which rows, and why, only in a workbook to save; Close, the
default button, took it all away unsaid (a GLPI file's refused row likewise).
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.factories import seed_world
from tests.ui.spreadsheets.wizard_keys import next_page, wizard_on_preview
from ui.gui.spreadsheets.import_wizard import RESULT


def test_the_done_page_names_the_rows_left_out_and_the_changes(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag, name="ThinkPad T14")
    path = tmp_path / "finance edit.csv"
    path.write_text(
        "Asset Tag,Name,Purchase Cost,Purchase Date\n"
        "LAP-1,ThinkPad T14,999.00,\n"
        "LAP-2,ThinkPad T14,TBC,\n"
        "LAP-3,ThinkPad T14s,,31/02/2023\n",
        encoding="utf-8",
    )
    wizard = wizard_on_preview(qtbot, world.db, path)
    qtbot.keyClick(wizard.preview_page.valid_only, Qt.Key.Key_Space)
    assert wizard.preview_page.valid_only.isChecked()
    next_page(qtbot, wizard, RESULT)

    assert wizard.result_page.details.isVisible()
    assert not wizard.result_page.print_labels.isVisible()  # no "0 new assets" to print
    lines = wizard.result_page.details.toPlainText().splitlines()
    assert lines[0] == "Left out, not imported (Save error workbook… keeps them to fix and import):"
    assert lines[1] == "row 3 LAP-2: refused: Purchase Cost: 'TBC' is not an amount"
    assert lines[2] == (
        "row 4 LAP-3: refused: Purchase Date: '31/02/2023' is not a date "
        "(read as day/month/year)"  # it said "(read as dmy)"
    )
    assert lines[4] == "Changed:"
    assert lines[5] == "row 2 LAP-1: Purchase cost: — → 999.00"
    assert len(lines) == 6
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-3").row.name == "ThinkPad T14"  # left out whole


def test_no_list_when_every_row_is_new(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    world = seed_world(sqlite_db)
    path = tmp_path / "delivery.csv"
    path.write_text(
        "Asset Tag,Name,Category,Location\nLAP-9,ThinkPad T14,Laptop,Room A1\n", encoding="utf-8"
    )
    wizard = wizard_on_preview(qtbot, world.db, path)
    next_page(qtbot, wizard, RESULT)
    assert wizard.result_page.summary.text().startswith("1 asset received (LAP-9)")
    assert not wizard.result_page.details.isVisible()
    assert wizard.result_page.print_labels.isVisible()
