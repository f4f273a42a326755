"""Broken and odd files through the whole dry run: clear messages, database unchanged."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.errors import DesktopError
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.model import ImportOptions, MatchKey, RowAction
from desktop.spreadsheets.plan import dry_run
from desktop.spreadsheets.references import PendingReference
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts
from tests.desktop.spreadsheets.test_readers import DATA
from tests.factories import World, seed_world

UNREADABLE = ["null_file.xlsx", "pass_protected.xlsx", "null_archive.xlsx"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_corpus_files_change_nothing(world: World, name: str) -> None:
    before = counts(world.db)
    started = time.perf_counter()
    with pytest.raises(DesktopError, match=name.replace(".", r"\.")):
        dry_run(world.db, DATA / name, ImportOptions())
    assert time.perf_counter() - started < 3
    assert counts(world.db) == before


def test_a_sheet_without_asset_columns_says_so(world: World) -> None:
    with pytest.raises(
        DesktopError, match=r"inventory-table\.xlsx, sheet Sheet1: no column is mapped to Asset tag"
    ):
        dry_run(world.db, DATA / "inventory-table.xlsx", ImportOptions())
    with pytest.raises(DesktopError, match=r"issue_174\.xlsx, sheet Sheet1: no column is mapped"):
        dry_run(world.db, DATA / "issue_174.xlsx", ImportOptions())


def test_ralph_export_is_mapped_and_its_rows_classified(world: World) -> None:
    plan = dry_run(
        world.db, DATA / "management_ip_existing.csv", ImportOptions(match=MatchKey.SERIAL)
    )
    assert plan.mapping.mapped.keys() >= {
        "serial_number",
        "name",
        "model",
        "purchase_cost",
        "status",
    }
    (row,) = plan.rows
    assert row.action is RowAction.ERROR
    messages = {p.column: p.message for p in row.problems}
    # Ralph's data-center code 2 is "in use" (see ralph_statuses); an asset in service
    # needs someone or a group, which this row lacks.
    assert "status" not in messages
    assert plan.report.notes()[0].startswith(
        "Status: Ralph's data-center asset codes read as Ralph names them: 2 'in use' → In service"
    )
    assert list(messages.values()) == [
        "an asset in service needs Assigned to or Owning group (a column, or Owning group under "
        "'Value for all rows' for every new row)"
    ]
    # Ralph's model_str "[Storage] EMC" gives the category in brackets (made on commit)
    # and the model; its rack_str "R31 (SZ_1OFFICE/SZ_1OFFICE_1FL)" the rack in its room.
    category, model = row.values["category"], row.values["model"]
    assert isinstance(category, PendingReference) and category.name == "Storage"
    assert isinstance(model, PendingReference) and model.name == "EMC"
    rack = row.values["location"]
    assert isinstance(rack, PendingReference) and rack.last_kind == "rack"
    assert rack.path == ("SZ_1OFFICE", "SZ_1OFFICE_1FL", "R31")
    assert "Location" not in messages


def test_text_dates_follow_the_date_order_setting(world: World, tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text(
        "Asset tag;Name;Category;Location;Purchase date\nLAP-1;a;Laptop;Room A1;03/04/2025\n"
    )
    dmy = dry_run(world.db, path, ImportOptions(date_order=DateOrder.DMY))
    mdy = dry_run(world.db, path, ImportOptions(date_order=DateOrder.MDY))
    assert dmy.rows[0].values["purchase_date"] == dt.date(2025, 4, 3)
    assert mdy.rows[0].values["purchase_date"] == dt.date(2025, 3, 4)


_HEADERS = [
    "Asset tag",
    "Name",
    "Category",
    "Location",
    "Purchase cost",
    "Purchase date",
    "Status",
    "Notes",
    "Extra",
]
_cell = st.one_of(
    st.sampled_from(
        ["", "Laptop", "Room A1", "LAP-1", "in stock", "Deployed", "1.234,50", "31/12/2024", "=1+1"]
    ),
    st.text(max_size=12),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    headers=st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=6),
    rows=st.lists(st.lists(_cell, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_generated_csv_never_crashes_and_never_writes_in_a_dry_run(
    sqlite_db: Database, tmp_path_factory: pytest.TempPathFactory, headers: list[str],
    rows: list[list[str]], delimiter: str, encoding: str,
) -> None:  # fmt: skip
    if not hasattr(sqlite_db, "_seeded"):
        seed_world(sqlite_db)
        sqlite_db._seeded = True  # type: ignore[attr-defined]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([headers, *rows])
    path = tmp_path_factory.mktemp("csv") / "generated.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    before = counts(sqlite_db)
    try:
        plan = dry_run(sqlite_db, path, ImportOptions())
    except DesktopError as exc:
        message = str(exc)
        assert "generated.csv" in message
    else:
        assert sum(plan.counts().values()) == len(plan.rows)
        for row in plan.rows:
            assert row.action in RowAction
            if row.action is RowAction.ERROR:
                assert row.problems and all(p.message for p in row.problems)
        with contextlib.suppress(DesktopError):  # e.g. every row rejected: nothing to write
            commit_import(sqlite_db, plan, performed_by="tech", valid_only=True)
        return
    assert counts(sqlite_db) == before
