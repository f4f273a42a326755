"""A GLPI computers export in the import wizard: what it leaves out, and its status words.

A column left out of an import because it is empty says so.

A GLPI export lists every column of its view, filled or not. The wizard's Columns page
said "Not imported: Components - Processor, Alternate username number", and the dry run
(window and command line) "Columns not imported: …": it read as if data were dropped. An
empty column is now named "(empty in every row)" (a filled unknown one goes to the notes).
A GLPI computers CSV as GLPI writes it: a byte-order mark, semicolons, every cell quoted,
a ';' ending each line, dates day first and accents.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world
from tests.ui.spreadsheets.test_import_wizard import click_next
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, SHEET, ImportWizard

HEADER = [
    "Name", "Status", "Manufacturer", "Serial number", "Type", "Model", "Location",
    "Inventory number", "User", "Components - Processor", "Internal code",
    "Financial and administrative information - Date of purchase",
]  # fmt: skip
ROWS = [
    ["PC-1", "Production", "Dell Inc.", "S1", "Desktop", "OptiPlex 7090",
     "Nîmes > Bâtiment A", "INV-1", "jdupont", "", "X-1", "15/03/2021"],
    ["PC-2", "Stock", "Dell Inc.", "S2", "Desktop", "OptiPlex 7090",
     "Nîmes > Bâtiment A", "INV-2", "", "", "X-2", "16/03/2021"],
]  # fmt: skip
SAID = "Components - Processor (empty in every row)"  # Internal code: to the notes


def glpi_computers(path: Path, rows: list[list[str]] = ROWS) -> Path:
    def line(cells: list[str]) -> str:
        return "".join(f'"{c}";' for c in cells) + "\r\n"

    text = line(HEADER) + "".join(line(r) for r in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def _on_mapping_page(qtbot: QtBot, database: Database, path: Path) -> ImportWizard:
    """The import wizard on ``path`` as an administrator opens it, at its Columns page."""
    wizard = ImportWizard(database, "admin")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.keyClicks(wizard.file_page.path, str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    return wizard


def test_an_empty_column_not_imported_says_it_is_empty(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    path = glpi_computers(tmp_path / "glpi.csv")
    wizard = _on_mapping_page(qtbot, world.db, path)
    assert f"Not imported: {SAID}." in wizard.mapping_page.summary.text()
    click_next(qtbot, wizard, PREVIEW)
    assert f"Columns not imported: {SAID}" in wizard.preview_page.references.text()

    database = world.db.sqlite_path
    assert database is not None
    done = run_cli("import", str(path), "--dry-run", database=database)
    assert f"Columns not imported: {SAID}\n" in done.stdout, done.stdout + done.stderr


def test_status_words_all_known_are_said_as_read(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """GLPI's "Production" and "Stock" are words we know: the "Status words the file
    uses" box stood empty, as if the file's statuses had not been seen. It says how each
    is read; a word we do not know still gets its row and choice."""
    world = seed_world(sqlite_db)
    rows = [[*r] for r in ROWS] + [[*ROWS[1]]]
    rows[2][0], rows[2][1], rows[2][3], rows[2][7] = "PC-3", "Prêté", "S3", "INV-3"
    path = tmp_path / "glpi.csv"
    glpi_computers(path, rows)
    wizard = _on_mapping_page(qtbot, world.db, path)
    page = wizard.mapping_page
    assert page.status_known.isVisible()
    assert page.status_known.text() == "Read as: Production → In service, Stock → In stock"
    assert page.status_words.rowCount() == 1
    unknown = page.status_words.item(0, 0)
    assert unknown is not None and unknown.text() == "Prêté"
