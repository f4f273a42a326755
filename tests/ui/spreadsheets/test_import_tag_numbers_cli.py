"""Generated tags of an import skip every number a tag in use spells, in any spelling
(issue 16, point 2): a register imported from an old system holds ``lap-0000001``,
``LAP2`` and ``Lap_004``; a supplier's list without tags imported after it gets new tags
that none of them — nor a tag given by another row of the same file — already spells.
Through the command line run as a subprocess."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, Category, TagSequence
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

HEADER = ["Asset tag", "Name", "Category", "Location"]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:  # Excel's BOM
        csv.writer(f, delimiter=";").writerows([HEADER, *rows])
    return path


def test_generated_tags_skip_numbers_spelt_by_tags_in_use_and_by_the_file(tmp_path: Path) -> None:
    fresh = tmp_path / "register.sqlite3"
    old = _csv(
        tmp_path / "old-system.csv",
        [[tag, f"Old {tag}", "Laptop", "Room 1"] for tag in ("lap-0000001", "LAP2", "Lap_004")],
    )
    done = assetdesk(fresh, "import", str(old), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_db(fresh)
    try:
        with db.read() as session:
            assert session.execute(select(Category.tag_prefix)).scalars().all() == ["LAP"]
    finally:
        db.dispose()

    supplier = _csv(
        tmp_path / "supplier.csv",
        [["", f"New {n}", "Laptop", "Room 1"] for n in range(4)]
        + [["lap/05", "Tagged in the file", "Laptop", "Room 1"]],
    )
    done = assetdesk(fresh, "import", str(supplier), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["counts"]["create"] == 5
    db = open_db(fresh)
    try:
        with db.read() as session:
            made = {row.name: row.tag for row in session.execute(select(Asset.name, Asset.tag))}
            sequence = session.get(TagSequence, "LAP")
            assert sequence is not None and sequence.next_value == 9
    finally:
        db.dispose()
    assert [made[f"New {n}"] for n in range(4)] == [
        "LAP-000003",
        "LAP-000006",
        "LAP-000007",
        "LAP-000008",
    ]
    assert made["Tagged in the file"] == "lap/05"
