"""A lone mark before three digits ("10.000") is read as its column writes decimals,
and a row whose column does not say tells how it was read. "10.000" was always ten
thousand, without a word: right in a file of "1.234,50", ten times a thousand wrong in a
file of "1,299.00". Run as a person runs it: ``assetdesk import --dry-run FILE``."""

from __future__ import annotations

from pathlib import Path

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _dry_run(db: Database, sheet: Path, text: str, encoding: str = "utf-8") -> list[str]:
    world = seed_world(db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    sheet.write_text(text, encoding=encoding)
    done = run_cli("import", str(sheet), "--dry-run", "--as", "admin", database=db.sqlite_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line.strip() for line in done.stdout.splitlines()]


def test_a_column_of_dot_decimals_reads_10_000_as_ten(tmp_path: Path, sqlite_db: Database) -> None:
    lines = _dry_run(
        sqlite_db,
        tmp_path / "prices.csv",
        'Asset tag,Name,Purchase cost\nLAP-1,One,"1,299.00"\nLAP-2,Two,10.000\nLAP-3,Three,0.125\n',
    )
    assert any(line.startswith("row 2 LAP-1:") and "→ 1299.00" in line for line in lines)
    assert any(line.startswith("row 3 LAP-2:") and "→ 10.00" in line for line in lines), lines
    assert (
        "warning: Purchase cost '10.000' read as 10: the column writes its decimals with '.' "
        "(row 2: '1,299.00')" in lines
    ), lines
    # No thousands group starts with 0: "0.125" is a decimal whatever the column.
    assert any(line.startswith("row 4 LAP-3:") and "→ 0.12" in line for line in lines), lines


def test_a_column_that_shows_no_decimal_mark_says_so_on_the_row(
    tmp_path: Path, sqlite_db: Database
) -> None:
    lines = _dry_run(
        sqlite_db,
        tmp_path / "prices.csv",
        "Asset tag,Name,Purchase cost\nLAP-1,One,10.000\nLAP-2,Two,1299\n",
    )
    assert any(line.startswith("row 2 LAP-1:") and "→ 10000.00" in line for line in lines)
    assert (
        "warning: Purchase cost '10.000' read as 10000 ('.' before three digits taken as a "
        "thousands separator; no other value of the column shows its decimal mark)" in lines
    ), lines


def test_a_european_file_reads_10_000_as_ten_thousand_without_a_word(
    tmp_path: Path, sqlite_db: Database
) -> None:
    """Excel in German saves "1.234,50" and "10.000" in one column: no doubt, nothing said."""
    lines = _dry_run(
        sqlite_db,
        tmp_path / "preise.csv",
        "Asset tag;Name;Purchase cost\nLAP-1;Eins;1.234,50\nLAP-2;Zwei;10.000\n",
        encoding="cp1252",
    )
    assert any(line.startswith("row 2 LAP-1:") and "→ 1234.50" in line for line in lines)
    assert any(line.startswith("row 3 LAP-2:") and "→ 10000.00" in line for line in lines)
    assert not [line for line in lines if line.startswith("warning:")], lines
