"""A GLPI row "Broken" with a user gets no remark about Snipe-IT (newuser13).

GLPI says "Broken" too: the dry run's note on such a row ended "Snipe-IT shows a
checked-out asset like this one as 'Deployed (Broken)'", about a tool the file never
came from. A bare label is Snipe-IT's only in a file with Snipe-IT's columns ("Checked
Out To"); there the remark stays.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui.spreadsheets.test_first_import_cli import assetdesk


def notes_and_warnings(tmp_path: Path, name: str, text: str) -> str:
    database = tmp_path / f"{name}.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    dry = assetdesk(database, "import", str(path), "--dry-run", "--json")
    payload = json.loads(dry.stdout)
    return json.dumps([payload["notes"], payload["warnings"]], ensure_ascii=False)


def test_broken_in_a_glpi_file_says_nothing_of_snipe_it(tmp_path: Path) -> None:
    said = notes_and_warnings(
        tmp_path,
        "glpi",
        "Name;Entity;Status;Serial number;Type;Location;Inventory number;User\n"
        "PC-7;Root entity;Broken;SN7;Laptop;Paris;INV-7;jdupont\n",
    )
    assert "'Broken' and User 'jdupont'" in said, said
    assert "Snipe-IT" not in said, said


def test_broken_in_a_snipe_it_export_keeps_the_remark(tmp_path: Path) -> None:
    said = notes_and_warnings(
        tmp_path,
        "snipe",
        "Asset Tag,Asset Name,Category,Status,Location,Checked Out To\n"
        "LT-7,Cracked,Laptop,Broken,HQ,Anna Smith\n",
    )
    assert "Snipe-IT shows a checked-out asset like this one as 'Deployed (Broken)'" in said
