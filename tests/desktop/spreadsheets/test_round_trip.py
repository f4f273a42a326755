"""Export → import: unchanged is 0 changes; edited cells become exactly those change procedures."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from desktop.services.queries import asset_detail
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.export import export_assets
from desktop.spreadsheets.model import ImportOptions, MatchKey, RowAction
from desktop.spreadsheets.plan import dry_run
from tests.desktop.spreadsheets.conftest import counts
from tests.factories import World


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_unchanged_is_zero_changes(
    register: World, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"register{suffix}"
    export_assets(register.db, path, exported_by="tech")
    before = counts(register.db)

    plan = dry_run(register.db, path, ImportOptions(match=MatchKey.KEY))
    assert plan.counts() == {"create": 0, "update": 0, "unchanged": 4, "conflict": 0, "error": 0}
    assert plan.mapping.unmapped() == []
    result = commit_import(register.db, plan, performed_by="tech")

    assert result.procedures == 0
    assert counts(register.db) == before


def test_edited_cells_become_exactly_those_change_procedures(
    register: World, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    export_assets(register.db, path, exported_by="tech")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assets"]
    headers = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(rows["LAP-2"], headers.index("Notes") + 1, "Battery replaced")
    sheet.cell(rows["LAP-2"], headers.index("Location") + 1, "Room A2")
    sheet.cell(rows["MON-1"], headers.index("Serial number") + 1, "CN-0042")
    workbook.save(path)
    assets_before, procedures_before = counts(register.db)

    plan = dry_run(register.db, path, ImportOptions(match=MatchKey.KEY))
    by_tag = {r.tag: r for r in plan.rows}
    assert plan.counts()["update"] == 2 and plan.counts()["unchanged"] == 2
    assert [(c.field, c.before_text, c.after_text) for c in by_tag["LAP-2"].changes] == [
        ("location", "Room A1", "Room A2"),
        ("notes", "", "Battery replaced"),
    ]
    commit_import(register.db, plan, performed_by="tech2")

    assert counts(register.db) == (assets_before, procedures_before + 2)
    with register.db.read() as s:
        detail = asset_detail(s, tag="LAP-2")
        monitor = asset_detail(s, tag="MON-1")
    assert detail.row.location == "Room A2" and detail.row.notes == "Battery replaced"
    latest = detail.history[0]
    assert (latest.kind, latest.origin, latest.performed_by_username) == (
        "change",
        "import_file",
        "tech2",
    )
    assert latest.origin_detail.startswith("register.xlsx, sheet Assets")
    assert {c["field"] for c in latest.changes} == {"location", "notes"}
    assert monitor.row.serial_number == "CN-0042"
    assert RowAction.UPDATE.value == "update"
