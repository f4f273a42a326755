"""The command line's dry run lists the first rows of each kind and counts the rest with
a thousands separator, as every other count it prints: "… and 1,150 more"."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.factories import World
from tests.ui.spreadsheets.test_migration_files import cli, world  # noqa: F401


def test_the_rejected_rows_past_the_first_are_counted_with_a_thousands_separator(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    path = tmp_path / "printers.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Category", "Serial number", "Location"])
        writer.writerows([f"Printer {i}", "Laptop", f"PRN-{i}", "Store 7"] for i in range(1200))
    dry = cli(world.db, "import", str(path), "--dry-run", "--no-create")
    assert "Traceback" not in dry.stderr, dry.stderr
    assert "row 2, Location: there is no location 'Store 7'" in dry.stdout, dry.stdout[-3000:]
    assert "  … and 1,150 more (--json lists them all)" in dry.stdout, dry.stdout[-2000:]
