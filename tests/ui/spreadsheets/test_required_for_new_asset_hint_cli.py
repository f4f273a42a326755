"""A Snipe-IT export's archived assets often have no location: the row is refused, and
the refusal says how to give one for every new row (``--set location=NAME``), as the
refusal of an asset in service without an assignee already did.

Found by a new user importing their Snipe-IT export (newuser13): the dry run said only
"row 5, Location: Location is required for a new asset".
"""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli_run import run_cli

HEADER = ["Asset Tag", "Asset Name", "Model", "Category", "Status", "Serial", "Location"]
ROWS = [
    ["00101", "Laptop", "Latitude 7440", "Laptops", "Ready to Deploy", "9XK2LM3", "NY Office"],
    ["00104", "Old Mac", "MacBook Air 2017", "Laptops", "Archived", "C02TOLD1", ""],
]


def test_a_row_without_a_location_says_how_to_give_one(tmp_path: Path) -> None:
    export = tmp_path / "snipeit_assets.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    database = tmp_path / "register.sqlite3"

    dry = run_cli("import", str(export), "--dry-run", database=database, home=tmp_path)
    assert dry.returncode != 0 or "Rejected" in dry.stdout, dry.stdout
    assert (
        "row 3, Location: Location is required for a new asset"
        " (a column, or --set location=NAME for every new row)"
    ) in dry.stdout, dry.stdout

    # Doing what it says imports the row.
    done = run_cli(
        "import",
        str(export),
        "--set",
        "location=Archive",
        "--answer",
        "sanitisation_method=No data-bearing media",
        database=database,
        home=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 assets received" in done.stdout, done.stdout
