"""The drop-downs of an exported workbook say something when a value not in their list is
typed: each carried a message ("Choose a location from the list") that Excel never
showed, openpyxl leaving it off. It is now shown as a warning, which keeps the value
(the import creates a new location or category and reads other tools' status words).
Run as a person runs it: ``assetdesk export FILE.xlsx``, the file opened again."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def test_the_drop_downs_warn_of_a_value_not_in_their_list(
    tmp_path: Path, sqlite_db: Database
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    out = tmp_path / "register.xlsx"
    done = run_cli("export", str(out), database=sqlite_db.sqlite_path)
    assert done.returncode == 0, done.stdout + done.stderr
    sheet = load_workbook(out)["Assets"]
    headers = [cell.value for cell in sheet[1]]
    shown = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = headers[ord(column) - ord("A")]
        shown[header] = (validation.showErrorMessage, validation.errorStyle, validation.error)
    assert set(shown) == {"Status", "Category", "Location"}, shown
    for header, (on, style, message) in shown.items():
        assert on and style == "warning", (header, on, style)
        assert message.startswith(f"Choose a {header.lower()} from the list."), message
        assert len(message) <= 255  # Excel's limit for the message
    assert "A new one is created by the import" in shown["Location"][2]
