"""Counted words carry thousands separators, as the window's counts do (a new user read
"Exported 2001 assets" beside the status bar's "2,001 of 2,001 assets")."""

from __future__ import annotations

import csv
from pathlib import Path

from desktop.wording import plural
from tests.cli_run import run_cli


def _run(database: Path, *argv: str) -> str:
    done = run_cli(*argv, database=database, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_an_export_of_more_than_a_thousand_assets_says_the_count_with_a_separator(
    tmp_path: Path,
) -> None:
    database = tmp_path / "register.db"
    _run(database, "demo", "--assets", "1200", "--seed", "3")
    out = tmp_path / "all.csv"
    said = _run(database, "export", str(out)).strip()
    with out.open(encoding="utf-8-sig", newline="") as written:
        rows = sum(1 for _ in csv.reader(written)) - 1  # the header
    assert rows >= 1000
    assert said == f"Exported {rows // 1000},{rows % 1000:03d} assets to {out}"


def test_plural_separates_thousands_and_keeps_small_counts_plain() -> None:
    assert plural(1, "asset") == "1 asset"
    assert plural(999, "row") == "999 rows"
    assert plural(2001, "entry|entries") == "2,001 entries"
    assert plural(1_234_567, "asset") == "1,234,567 assets"
