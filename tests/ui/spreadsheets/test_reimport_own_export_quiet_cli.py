"""Importing our own export again, unchanged, says nothing per row (newuser6): a row with
"In repair" or "Missing" and an assignee was warned about ("read as In repair; it stays
assigned to …") although it changed nothing. The warning stays on a row that does change
the asset's status. Through the command line, run as a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.ui.spreadsheets.test_first_import_cli import assetdesk


def test_an_unchanged_export_imports_again_without_warnings(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    made = assetdesk(database, "demo", "--assets", "200", "--seed", "1")
    assert made.returncode == 0, made.stdout + made.stderr
    exported = tmp_path / "register.xlsx"
    assert assetdesk(database, "export", str(exported)).returncode == 0
    sheet = openpyxl.load_workbook(exported)["Assets"]
    header = [c.value for c in sheet[1]]
    status_at, person_at = header.index("Status"), header.index("Assigned to")
    rows = list(sheet.iter_rows(min_row=2))
    held = [
        r for r in rows if r[status_at].value in ("In repair", "Missing") and r[person_at].value
    ]
    assert held  # the demo has such rows: the case the warning was about

    again = assetdesk(database, "import", str(exported), "--dry-run", "--json")
    payload = json.loads(again.stdout)
    assert payload["counts"]["unchanged"] == len(rows), payload["counts"]
    assert payload["warnings"] == []
    plain = assetdesk(database, "import", str(exported))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "warning" not in plain.stdout, plain.stdout

    # A row that does change the status to Missing, its assignee kept, is still told.
    book = openpyxl.load_workbook(exported)
    sheet = book["Assets"]
    row = next(
        r
        for r in sheet.iter_rows(min_row=2)
        if r[status_at].value == "In service" and r[person_at].value
    )
    row[status_at].value = "Missing"
    book.save(exported)
    changed = json.loads(assetdesk(database, "import", str(exported), "--dry-run", "--json").stdout)
    assert changed["counts"]["update"] == 1, changed["counts"]
    (warning,) = changed["warnings"]
    assert warning["row"] == row[0].row
    assert f"read as Missing; it stays assigned to {row[person_at].value}" in warning["message"]
