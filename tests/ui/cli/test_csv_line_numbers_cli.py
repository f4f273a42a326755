"""A CSV whose cells hold line breaks (an export's notes) has lines, not rows: the dry run
numbers its rows by line, as a text editor does, and Excel or LibreOffice show each record
as one row. A finance person opened the register's CSV in Excel, and "row 8" of the dry
run was another asset there; the dry run now says so, with the first row that differs.
Run as a person runs it: ``assetdesk import --dry-run FILE``."""

from __future__ import annotations

from pathlib import Path

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _notes(db: Database, sheet: Path, text: str) -> list[str]:
    world = seed_world(db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    sheet.write_text(text, encoding="utf-8-sig")
    done = run_cli("import", str(sheet), "--dry-run", "--as", "admin", database=db.sqlite_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith("Note:")]


def test_a_csv_with_line_breaks_in_cells_says_its_row_numbers_are_lines(
    tmp_path: Path, sqlite_db: Database
) -> None:
    notes = _notes(
        sqlite_db,
        tmp_path / "assets.csv",
        "Asset tag,Name,Notes\r\n"
        'LAP-1,One,"2024-10-31: display replaced\r\n2025-01-29: wireless card replaced"\r\n'
        "LAP-2,Two,\r\nLAP-3,Three,\r\n",
    )
    assert (
        "Note: Row numbers are the lines of assets.csv: some cells hold line breaks, so from "
        "there on a spreadsheet program shows each row higher up (row 4 here is its row 3)"
    ) in notes, notes


def test_a_csv_of_one_line_a_row_says_nothing_of_it(tmp_path: Path, sqlite_db: Database) -> None:
    notes = _notes(
        sqlite_db,
        tmp_path / "assets.csv",
        "Asset tag,Name,Notes\r\nLAP-1,One,display replaced\r\nLAP-2,Two,\r\n",
    )
    assert not [n for n in notes if "Row numbers" in n], notes
