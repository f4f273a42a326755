"""Demo register → export → import, through the command line run as a subprocess.

Imported back as updates it changes nothing; imported into a fresh database as new
assets it creates every one, with its status and its location — also where two sites
have a room or rack of the same name (the export writes such a location's path).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.storage.models import Asset, Location, Procedure
from tests.approval_templates import set_approval_rule
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db


def register(path: Path) -> dict[str, tuple[str, str, str]]:
    """tag → (name, status, the location's path from the top)."""
    db = open_db(path)
    try:
        with db.read() as session:
            tree = {
                r.id: (r.name, r.parent_id)
                for r in session.execute(select(Location.id, Location.name, Location.parent_id))
            }

            def path_of(location_id: Any) -> str:
                if location_id is None:
                    return ""
                name, parent = tree[location_id]
                above = path_of(parent)
                return f"{above} › {name}" if above else name

            return {
                r.tag: (r.name, r.status, path_of(r.location_id))
                for r in session.execute(
                    select(Asset.tag, Asset.name, Asset.status, Asset.location_id)
                )
            }
    finally:
        db.dispose()


def procedure_count(path: Path) -> int:
    db = open_db(path)
    try:
        with db.read() as session:
            return int(session.execute(select(func.count()).select_from(Procedure)).scalar_one())
    finally:
        db.dispose()


def test_demo_register_round_trips_as_updates_and_into_a_fresh_database(tmp_path: Path) -> None:
    source, fresh = tmp_path / "demo.sqlite3", tmp_path / "fresh.sqlite3"
    done = assetdesk(source, "demo", "--assets", "300", "--seed", "11")
    assert done.returncode == 0, done.stderr
    workbook = tmp_path / "register.xlsx"
    assert assetdesk(source, "export", str(workbook)).returncode == 0

    # The location column names every location once: repeated names are written as paths.
    # (A read-only workbook holds its file open until closed.)
    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        sheet = book["Assets"]
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        written = {
            row[header.index("Asset tag")]: row[header.index("Location")] or ""
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }
    finally:
        book.close()
    # (Which rack holds an asset depends on the demo's clock as well as its seed: any rack
    # name the demo repeats across server rooms will do.)
    assert any(" › " in text and " › Rack " in text for text in written.values()), written
    assert all(" › " in text for text in written.values() if "Rack A01" in text)

    before = register(source)
    procedures = procedure_count(source)
    done = assetdesk(source, "import", str(workbook), "--json")
    payload = json.loads(done.stdout)
    assert done.returncode == 0, payload["errors"][:3]
    assert payload["counts"] == {
        "create": 0,
        "update": 0,
        "unchanged": 300,
        "conflict": 0,
        "error": 0,
    }
    assert register(source) == before and procedure_count(source) == procedures

    assert assetdesk(fresh, "db", "upgrade").returncode == 0
    # Bringing a register over whole: the administrator lets retirements through without
    # approval for the move (the shipped templates want 2 approvers; an import obeys them,
    # and retired rows would wait in the approvals inbox instead).
    target = open_db(fresh)
    try:
        for kind in (ProcedureKind.DECOMMISSION, ProcedureKind.DISPOSE):
            set_approval_rule(target, kind, mode="never")
    finally:
        target.dispose()
    done = assetdesk(fresh, "import", str(workbook), "--json")
    payload = json.loads(done.stdout)
    assert done.returncode == 0, payload["errors"][:3]
    assert payload["counts"]["create"] == 300 and payload["committed"] is True
    # Same names and statuses; each location as the file named it: a unique name at the
    # top, a repeated one under the same path as in the source database.
    created = register(fresh)
    assert {t: v[:2] for t, v in created.items()} == {t: v[:2] for t, v in before.items()}
    assert {t: v[2] for t, v in created.items()} == written
    assert all(before[t][2].endswith(text) for t, text in written.items())
    again = assetdesk(fresh, "import", str(workbook), "--json")
    assert json.loads(again.stdout)["counts"]["unchanged"] == 300


def test_edited_notes_of_a_disposed_asset_are_refused_in_the_notes_column(
    tmp_path: Path,
) -> None:
    """A disposed asset's record is closed (the change form refuses it too): a re-imported
    export whose Notes cell was edited is refused on that cell, not on the Status column
    the user left alone; a decommissioned asset's notes may still change."""
    source = tmp_path / "demo.sqlite3"
    assert assetdesk(source, "demo", "--assets", "60", "--seed", "11").returncode == 0
    workbook = tmp_path / "register.xlsx"
    assert assetdesk(source, "export", str(workbook)).returncode == 0
    book = openpyxl.load_workbook(workbook)
    sheet = book["Assets"]
    header = [c.value for c in sheet[1]]
    status, notes = header.index("Status") + 1, header.index("Notes") + 1
    edited: dict[str, int] = {}
    for row in range(2, sheet.max_row + 1):
        word = str(sheet.cell(row, status).value)
        if word not in edited and word in ("Disposed", "Decommissioned"):
            sheet.cell(row, notes).value = "wiped and shredded"
            edited[word] = row
    assert set(edited) == {"Disposed", "Decommissioned"}
    book.save(workbook)

    done = assetdesk(source, "import", str(workbook), "--dry-run", "--json")
    payload = json.loads(done.stdout)
    assert payload["errors"] == [
        {
            "sheet": "Assets",
            "row": edited["Disposed"],
            "column": "Notes",
            "message": "the asset is disposed: its record is closed and cannot change",
        }
    ]
    assert payload["counts"]["update"] == 1  # the decommissioned asset's notes
    text = assetdesk(source, "import", str(workbook), "--dry-run").stdout
    assert f"row {edited['Disposed']}, Notes: the asset is disposed" in text
