"""A version conflict on import is not a dead end (issue 16 walk): the error workbook gives
the row the asset's current version and says which cells differ from the database; the
user checks them, and importing that workbook as it is — or with a cell put back — goes
through. Through the command line, run as a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.models import Asset
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db


def _asset(path: Path, tag: str) -> tuple[str, str, int]:
    db = open_db(path)
    try:
        with db.read() as s:
            row = s.execute(
                select(Asset.name, Asset.serial_number, Asset.version).where(Asset.tag == tag)
            ).one()
            return (row.name, row.serial_number or "", row.version)
    finally:
        db.dispose()


def test_the_error_workbook_of_a_version_conflict_imports_again(tmp_path: Path) -> None:
    source = tmp_path / "register.sqlite3"
    assert assetdesk(source, "demo", "--assets", "20", "--seed", "3").returncode == 0
    exported = tmp_path / "register.xlsx"
    assert assetdesk(source, "export", str(exported)).returncode == 0
    book = openpyxl.load_workbook(exported)
    sheet = book["Assets"]
    header = [c.value for c in sheet[1]]
    tag_at, name_at = header.index("Asset tag"), header.index("Name")
    version_at = header.index("Version")
    status_at = header.index("Status")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[status_at].value == "In service")
    tag = str(row[tag_at].value)
    old_version = int(row[version_at].value)
    row[name_at].value = "Renamed in the spreadsheet"  # the user's edit
    book.save(exported)

    # Meanwhile someone changes the same asset's serial number in the database.
    db = open_db(source)
    try:
        record_procedure(
            db,
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by="pnatarajan",
                asset_tag=tag,
                values={"serial_number": "SN-CHANGED-MEANWHILE"},
                answers={"change_type": "Record correction"},
            ),
        )
    finally:
        db.dispose()
    _name, serial, version = _asset(source, tag)
    assert serial == "SN-CHANGED-MEANWHILE" and version > old_version

    errors = tmp_path / "rejected.xlsx"
    done = assetdesk(source, "import", str(exported), "--errors", str(errors), "--json")
    payload = json.loads(done.stdout)
    assert done.returncode != 0 and payload["counts"]["conflict"] == 1, payload
    assert "import that workbook" in json.dumps(payload["errors"])
    assert _asset(source, tag)[0] != "Renamed in the spreadsheet"  # nothing written

    rejected = openpyxl.load_workbook(errors)["Rejected rows"]
    names = [c.value for c in rejected[1]]
    (cells,) = [[c.value for c in r] for r in rejected.iter_rows(min_row=2)]
    assert cells[names.index("Version")] == version  # the current version
    problem = cells[names.index("Import problems")]
    assert f"version {old_version}, now {version}" in problem
    # The cells that differ are named with both values: the user's name, and the serial
    # number the file still has from before the change.
    assert "Name 'Renamed in the spreadsheet'" in problem
    assert "(the database has 'SN-CHANGED-MEANWHILE')" in problem
    # The user keeps the rename and puts the database's serial number back, as told.
    book = openpyxl.load_workbook(errors)
    fixed = book["Rejected rows"]
    fixed.cell(row=2, column=names.index("Serial number") + 1).value = "SN-CHANGED-MEANWHILE"
    book.save(errors)

    done = assetdesk(source, "import", str(errors), "--json")
    payload = json.loads(done.stdout)
    assert done.returncode == 0, payload
    assert payload["counts"]["update"] == 1 and payload["counts"]["conflict"] == 0
    assert _asset(source, tag)[:2] == ("Renamed in the spreadsheet", "SN-CHANGED-MEANWHILE")
