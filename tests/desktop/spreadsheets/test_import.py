"""Import: mapping, dry run classification, commit as procedures — on every backend."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import delete, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import ConflictError, DesktopError
from desktop.services import reference
from desktop.services.approvals import approve, pending_approvals
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.error_workbook import write_error_workbook
from desktop.spreadsheets.export import export_assets
from desktop.spreadsheets.model import ImportCancelledError, ImportOptions, MatchKey, RowAction
from desktop.spreadsheets.plan import dry_run
from desktop.spreadsheets.profiles import load_profile, save_profile
from desktop.storage.models import AssetModel, Location, Person, Supplier
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World

SNIPE_HEADERS = [
    "Asset Tag", "Asset Name", "Serial Number", "Model Name", "Model No.", "Category",
    "Manufacturer", "Location", "Status", "Supplier", "Order Number", "Purchase Date",
    "Purchase Cost", "Warranty (months)", "Notes", "Checked Out To: Username",
]  # fmt: skip


def snipe_file(tmp_path: Path, *rows: list[object]) -> Path:
    """A Snipe-IT style export with two title rows above the header."""
    return write_workbook(
        tmp_path / "supplier.xlsx",
        [["Delivery note 4711"], [], SNIPE_HEADERS, *rows],
        sheet="Delivery",
    )


def test_snipe_it_file_below_title_rows_creates_receive_and_install(
    world: World, tmp_path: Path
) -> None:
    path = snipe_file(
        tmp_path,
        ["LAP-100", "Dev laptop", "PF-1", "T14 Gen 4", "21HD", "Laptop", "Lenovo", "Room A1",
         "Ready to Deploy", "Bechtle", "PO-9", dt.date(2025, 3, 4), "€ 1.234,50", 36, "new  ", None],
        ["LAP-101", "Sales laptop", "PF-2", "T14 Gen 4", "21HD", "LAP", "Lenovo", "Store 9",
         "Deployed", "Bechtle", "PO-9", "04/03/2025", 999, None, None, "user"],
    )  # fmt: skip
    plan = dry_run(world.db, path, ImportOptions())

    assert plan.header_index == 2 and plan.table.sheet == "Delivery"
    assert plan.mapping.unmapped() == []
    assert plan.counts()["create"] == 2, plan.problems()
    assert {(n.reference.kind, n.reference.text) for n in plan.new_references} == {
        ("model", "Lenovo T14 Gen 4"),
        ("manufacturer", "Lenovo"),
        ("location", "Store 9"),
        ("supplier", "Bechtle"),
    }
    result = commit_import(world.db, plan, performed_by="admin")

    assert result.created_tags == ("LAP-100", "LAP-101") and result.procedures == 3
    with world.db.read() as s:
        first = asset_detail(s, tag="LAP-100")
        second = asset_detail(s, tag="LAP-101")
        assert s.execute(select(Supplier.name)).scalars().all() == ["Bechtle"]
        model = s.execute(select(AssetModel)).scalar_one()
        assert (model.manufacturer.name, model.name, model.model_number) == (
            "Lenovo",
            "T14 Gen 4",
            "21HD",
        )
        assert s.execute(select(Location.id).where(Location.name == "Store 9")).scalar_one()
    assert first.row.purchase_cost == Decimal("1234.50")
    assert first.row.purchase_date == dt.date(2025, 3, 4)
    assert first.row.warranty_end == dt.date(2028, 3, 4)
    assert (first.row.status, first.row.notes) == ("in_stock", "new")
    assert (second.row.status, second.row.assigned_to, second.row.location) == (
        "in_service",
        "Una User",
        "Store 9",
    )
    assert second.row.purchase_date == dt.date(2025, 3, 4)  # 04/03/2025 read as d/m/y
    install, receive = second.history
    assert (install.kind, receive.kind) == ("install", "receive")
    assert (
        receive.origin == "import_file"
        and receive.origin_detail == "supplier.xlsx, sheet Delivery, row 5"
    )
    assert (
        receive.answers["checklist.inspected"] is True
        and receive.answers["checklist.contents_match"] is True
    )
    assert install.answers["checklist.handover"] is True
    assert {c["field"] for c in install.changes} == {"status", "assigned_to"}


def test_without_creating_an_unknown_category_is_an_error_naming_row_and_column(
    world: World, tmp_path: Path
) -> None:
    path = snipe_file(
        tmp_path,
        ["LAP-100", "Good", "S1", "", "", "Laptop", "", "Room A1", "", "", "", None, None, None, None, None],
        ["PRN-1", "Printer", "S2", "", "", "Printer", "", "Room A1", "", "", "", None, None, None, None, None],
    )  # fmt: skip
    before = counts(world.db)
    plan = dry_run(world.db, path, ImportOptions(create_missing=False))

    assert plan.counts()["create"] == 1 and plan.counts()["error"] == 1
    (problem,) = plan.problems()
    assert (problem.row, problem.column) == (5, "Category")
    assert "there is no category 'Printer'" in problem.message
    with pytest.raises(DesktopError, match=r"1 row was rejected.*row 5, Category"):
        commit_import(world.db, plan, performed_by="tech")
    assert counts(world.db) == before


def test_cells_equal_across_kinds_are_each_looked_up_as_their_own_text(
    world: World, tmp_path: Path
) -> None:
    """A column's repeated cells are looked up once (row_values._memo_key): a number 1 and
    a truth value TRUE are equal in Python, yet one reads "1" and the other "TRUE"."""
    with world.db.write() as s:
        reference.create_category(s, name="1", tag_prefix="ONE")
    path = write_workbook(
        tmp_path / "kinds.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            ["ONE-1", "First", 1, "Room A1"],
            ["ONE-2", "Second", True, "Room A1"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions(create_missing=False))

    assert [r.action for r in plan.rows] == [RowAction.CREATE, RowAction.ERROR]
    (problem,) = plan.problems()
    assert (problem.row, problem.column) == (3, "Category")
    assert "there is no category 'True'" in problem.message


def test_valid_only_imports_the_rest_and_the_error_workbook_imports_again(
    world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "in.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Purchase cost"],
            ["LAP-1", "One", "Laptop", "Room A1", 10],
            ["LAP-2", "Two", "Laptop", "Room A1", "ten euros"],
            ["LAP-3", "Three", "Tablet", "Room A1", 12],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions(create_missing=False))
    result = commit_import(world.db, plan, performed_by="tech", valid_only=True)
    assert result.created_tags == ("LAP-1",) and len(result.rejected) == 2

    errors = tmp_path / "errors.xlsx"
    assert write_error_workbook(plan, list(result.rejected), errors) == 2
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == [
        "Asset tag",
        "Name",
        "Category",
        "Location",
        "Purchase cost",
        "Import problems",
    ]
    assert rows[1][:5] == ["LAP-2", "Two", "Laptop", "Room A1", "ten euros"]
    assert rows[1][5] == "Purchase cost: 'ten euros' is not an amount (row 3)"
    assert rows[2][5].startswith("Category: there is no category 'Tablet'")

    workbook = openpyxl.load_workbook(errors)
    fixed = workbook.active
    assert fixed is not None
    fixed["E2"], fixed["C3"] = 10, "Laptop"
    workbook.save(errors)
    again = dry_run(world.db, errors, ImportOptions())
    assert again.counts()["create"] == 2 and again.mapping.unmapped() == []
    assert commit_import(world.db, again, performed_by="tech").created_tags == ("LAP-2", "LAP-3")


def test_duplicate_keys_inside_the_file_are_reported(world: World, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "dup.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            ["LAP-1", "One", "Laptop", "Room A1"],
            [" lap-1 ", "Again", "Laptop", "Room A1"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    assert [r.action for r in plan.rows] == [RowAction.CREATE, RowAction.ERROR]
    assert plan.problems()[0].message == "the same tag as row 2: each asset may appear once"


def test_asset_changed_since_export_is_a_conflict(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1", name="Old name")
    path = tmp_path / "export.xlsx"
    export_assets(world.db, path, exported_by="tech")
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech2",
            asset_tag="LAP-1",
            values={"name": "Renamed meanwhile"},
            answers={"change_type": "Record correction"},
        ),
    )
    workbook = openpyxl.load_workbook(path)
    workbook["Assets"]["P2"] = "a note"  # Notes
    workbook.save(path)

    plan = dry_run(world.db, path, ImportOptions(match=MatchKey.KEY))
    (row,) = plan.rows
    assert row.action is RowAction.CONFLICT
    assert (
        "changed in the database since this file was exported (version 1, now 2)"
        in row.problems[0].message
    )
    assert {c.field for c in row.changes} == {"name", "notes"}


def test_commit_refuses_when_an_asset_changed_after_the_dry_run(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1", name="Old")
    path = write_workbook(tmp_path / "u.xlsx", [["Asset tag", "Name"], ["LAP-1", "New"]])
    plan = dry_run(world.db, path, ImportOptions())
    assert plan.counts()["update"] == 1
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech2",
            asset_tag="LAP-1",
            values={"notes": "meanwhile"},
            answers={"change_type": "Record correction"},
        ),
    )
    before = counts(world.db)
    with pytest.raises(ConflictError, match="asset LAP-1 \\(row 2\\)"):
        commit_import(world.db, plan, performed_by="tech")
    assert counts(world.db) == before


def test_rows_without_tag_get_generated_tags_skipping_used_ones(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-000001")
    path = write_workbook(
        tmp_path / "t.xlsx",
        [["Asset tag", "Name", "Category", "Location"]]
        + [[None, f"n{i}", "Laptop", "ROOM-A1"] for i in range(3)],
    )
    plan = dry_run(world.db, path, ImportOptions())
    result = commit_import(world.db, plan, performed_by="tech")
    assert result.created_tags == ("LAP-000002", "LAP-000003", "LAP-000004")
    world.receive(name="after")  # the sequence moved on
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-000005").row.name == "after"


def test_match_by_serial_retiring_records_a_decommission_and_an_illegal_move_is_refused(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1", values={"serial_number": "SN-1"})
    world.receive(tag="LAP-2", values={"serial_number": "SN-2"})
    path = write_workbook(
        tmp_path / "s.xlsx",
        [["Serial", "Status", "Notes"], ["SN-1", "Out for Repair", "fan"], ["SN-2", "Retired", ""]],
    )
    evidence = {"sanitisation_method": "no data-bearing media", "evidence_reference": "W-1"}
    plan = dry_run(world.db, path, ImportOptions(match=MatchKey.SERIAL, answers=evidence))
    first, second = plan.rows
    assert first.action is RowAction.UPDATE and first.tag == "LAP-1"
    assert [(c.field, c.after_text) for c in first.changes] == [
        ("status", "In repair"),
        ("notes", "fan"),
    ]
    # Retired: recorded as a decommission procedure (origin: the file), not refused; the
    # decommission template says "always, 2 approvers", so it waits and the asset stays.
    assert second.action is RowAction.UPDATE
    assert not first.pending_approval and second.pending_approval
    assert second.approval is not None
    assert second.approval.text().startswith("pending: the decommission waits for 2 approvals")
    result = commit_import(world.db, plan, performed_by="tech")
    assert result.pending == 1
    with world.db.read() as s:
        kinds = {
            tag: [
                (p.kind, p.origin, p.state)
                for p in sorted(asset_detail(s, tag=tag).history, key=lambda h: h.performed_at)
            ]
            for tag in ("LAP-1", "LAP-2")
        }
        assert asset_detail(s, tag="LAP-2").row.status == "in_stock"
        (waiting,) = pending_approvals(s)
        answers = [
            h.answers for h in asset_detail(s, tag="LAP-2").history if h.kind == "decommission"
        ]
    # The answers given for all rows are recorded as the form records them (its choice).
    assert [(a["sanitisation_method"], a["evidence_reference"]) for a in answers] == [
        ("No data-bearing media", "W-1")
    ]
    assert kinds["LAP-1"] == [
        ("receive", "command_line", "completed"),
        ("change", "import_file", "completed"),
    ]
    assert kinds["LAP-2"] == [
        ("receive", "command_line", "completed"),
        ("decommission", "import_file", "pending_approval"),
    ]
    assert (waiting.asset_tag, waiting.approvals_required) == ("LAP-2", 2)
    approve(world.db, procedure_id=waiting.procedure_id, approver="approver")
    done = approve(world.db, procedure_id=waiting.procedure_id, approver="infra")
    assert done.state.value == "completed"
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-2").row.status == "decommissioned"

    back = write_workbook(tmp_path / "b.xlsx", [["Serial", "Status"], ["SN-2", "In stock"]])
    (row,) = dry_run(world.db, back, ImportOptions(match=MatchKey.SERIAL)).rows
    assert row.action is RowAction.ERROR
    assert row.problems[0].message == "an asset that is decommissioned cannot become in stock"


def test_cancel_rolls_everything_back(world: World, tmp_path: Path) -> None:
    rows = [["Asset tag", "Name", "Category", "Location"]]
    rows += [[f"LAP-{i}", "x", "Laptop", "Room A1"] for i in range(4500)]
    path = write_workbook(tmp_path / "big.xlsx", rows)
    plan = dry_run(world.db, path, ImportOptions())
    before = counts(world.db)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 2000:
            cancel.set()  # after the first batch is in the database

    with pytest.raises(ImportCancelledError):
        commit_import(world.db, plan, performed_by="tech", progress=progress, cancel=cancel)
    assert counts(world.db) == before


def test_mapping_profile_by_hand_is_saved_and_reused(world: World, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "odd.xlsx",
        [
            ["Inv.-Nr", "Bezeichnung", "Art", "Raum", "Spalte X"],
            ["LAP-7", "Gerät", "Laptop", "Room A1", "?"],
        ],
    )
    mapping = {
        "Inv.-Nr": "tag",
        "Bezeichnung": "name",
        "Art": "category",
        "Raum": "location",
        "Spalte X": "",
    }
    save_profile(world.db, "Lieferant A", mapping, match="tag", date_order="dmy")
    profile = load_profile(world.db, "lieferant a")
    plan = dry_run(
        world.db, path, ImportOptions(mapping=profile["columns"], profile_name="Lieferant A")
    )
    assert plan.mapping.unmapped() == ["Spalte X"]
    assert plan.counts()["create"] == 1
    with pytest.raises(DesktopError, match=r"no mapping profile 'B'.*Lieferant A"):
        load_profile(world.db, "B")


def test_people_are_found_by_username_email_or_name_and_unknown_ones_are_created(
    world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "p.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Status", "Checked Out To: Email"],
            ["LAP-1", "a", "Laptop", "Room A1", "Deployed", "una@example.org"],
            ["LAP-2", "b", "Laptop", "Room A1", "Deployed", "Tess Tech"],
            ["LAP-3", "c", "Laptop", "Room A1", "Deployed", "new.hire@example.org"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    assert [(n.reference.kind, n.reference.text) for n in plan.new_references] == [
        ("person", "new.hire@example.org")
    ]
    commit_import(world.db, plan, performed_by="admin")
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-1").row.assigned_to == "Una User"
        assert asset_detail(s, tag="LAP-2").row.assigned_to == "Tess Tech"
        hire = s.execute(select(Person).where(Person.username == "new.hire")).scalar_one()
        assert (hire.email, asset_detail(s, tag="LAP-3").row.assigned_to) == (
            "new.hire@example.org",
            hire.name,
        )


def test_an_update_to_a_new_location_creates_it_and_records_its_id(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    path = write_workbook(
        tmp_path / "move.xlsx", [["Asset tag", "Location"], ["LAP-1", "Basement store"]]
    )
    plan = dry_run(world.db, path, ImportOptions())
    (row,) = plan.rows
    assert [(c.field, c.before_text, c.after_text) for c in row.changes] == [
        ("location", "Room A1", "Basement store (new)")
    ]
    commit_import(world.db, plan, performed_by="admin")
    with world.db.read() as s:
        detail = asset_detail(s, tag="LAP-1")
        new_id = s.execute(
            select(Location.id).where(Location.name == "Basement store")
        ).scalar_one()
    (change,) = detail.history[0].changes
    assert (change["after"], change["after_text"]) == (str(new_id), "Basement store")
    assert detail.location_id == new_id and detail.row.version == 2


def test_a_supplier_list_without_tags_creates_assets_with_generated_tags(
    world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "list.csv.xlsx",
        [
            ["Item Name", "Type", "Serial", "Room"],
            ["Dock", "Laptop", "D-1", "ROOM-A2"],
            ["Dock", "Laptop", "D-2", "ROOM-A2"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    assert plan.counts()["create"] == 2
    assert commit_import(world.db, plan, performed_by="tech").created_tags == (
        "LAP-000001",
        "LAP-000002",
    )
    with pytest.raises(DesktopError, match="no column is mapped to Key"):
        dry_run(world.db, path, ImportOptions(match=MatchKey.KEY))


def test_two_new_rows_with_one_tag_are_reported_when_matching_by_serial(
    world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "twice.xlsx",
        [
            ["Serial", "Asset tag", "Name", "Category", "Location"],
            ["S-1", "LAP-9", "a", "Laptop", "Room A1"],
            ["S-2", "lap-9", "b", "Laptop", "Room A1"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions(match=MatchKey.SERIAL))
    assert [r.action for r in plan.rows] == [RowAction.CREATE, RowAction.ERROR]
    assert plan.rows[1].problems[0].message == "the tag 'lap-9' is also on row 2"


def test_the_commit_writes_the_dry_runs_plan_without_reading_or_planning_again(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pass over the rows: the dry run plans them, the commit writes that plan (what
    the person saw) — it neither reads the file again (deleted here) nor plans a row."""
    path = write_workbook(
        tmp_path / "once.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            *[[f"LAP-{600 + i}", f"Laptop {i}", "Laptop", "Room A1"] for i in range(5)],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    path.unlink()

    def planned_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the commit planned a row again")

    monkeypatch.setattr("desktop.spreadsheets.plan._Planner._row", planned_again)
    monkeypatch.setattr("desktop.spreadsheets.plan._Planner._values", planned_again)
    before = counts(world.db)
    result = commit_import(world.db, plan, performed_by="tech")
    assert result.created_tags == tuple(f"LAP-{600 + i}" for i in range(5))
    assert counts(world.db)[0] == before[0] + 5


def test_a_serial_number_added_between_dry_run_and_commit_refuses_naming_the_row(
    world: World, tmp_path: Path
) -> None:
    """Matching by serial number, a row the dry run found no asset for becomes a new asset.
    An asset with its serial number received since would make the row an update of it:
    the commit does not add a second asset with that serial number, it refuses the file
    naming the row (the dry run run again shows the row as an update)."""
    path = write_workbook(
        tmp_path / "serials.xlsx",
        [
            ["Serial", "Name", "Category", "Location"],
            ["SN-10", "Laptop 10", "Laptop", "Room A1"],
            ["SN-11", "Laptop 11", "Laptop", "Room A1"],
        ],
    )
    options = ImportOptions(match=MatchKey.SERIAL)
    plan = dry_run(world.db, path, options)
    assert plan.counts()["create"] == 2, plan.problems()
    world.receive(tag="LAP-50", name="Received meanwhile", values={"serial_number": "SN-11"})
    before = counts(world.db)

    with pytest.raises(DesktopError, match="the database changed since the dry run") as raised:
        commit_import(world.db, plan, performed_by="tech")

    assert "asset LAP-50 with row 3's serial number 'SN-11' was added since" in str(raised.value)
    assert counts(world.db) == before
    again = dry_run(world.db, path, options)
    assert [r.action for r in again.rows] == [RowAction.CREATE, RowAction.UPDATE]


def test_a_location_removed_between_dry_run_and_commit_is_one_clear_message_and_nothing_written(
    world: World, tmp_path: Path
) -> None:
    """A bulk import looks each distinct reference up once before it commits, not row by
    row (SQLite): one that went since the dry run still refuses the whole file, names the
    reference, and the connection checks every row again afterwards."""
    with world.db.write() as s:
        reference.create_location(s, name="Room Gone", kind="room")
    path = write_workbook(
        tmp_path / "gone.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            *[[f"LAP-{800 + i}", f"Laptop {i}", "Laptop", "Room Gone"] for i in range(20)],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    assert plan.counts()["create"] == 20, plan.problems()
    with world.db.write() as s:
        s.execute(delete(Location).where(Location.name == "Room Gone"))
    before = counts(world.db)

    with pytest.raises(DesktopError, match="the database changed since the dry run") as raised:
        commit_import(world.db, plan, performed_by="tech")

    assert "location" in str(raised.value)
    assert counts(world.db) == before
    if world.db.is_sqlite:  # every pooled connection checks references row by row again
        with world.db.write() as s:
            assert s.connection().exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_a_tag_taken_between_dry_run_and_commit_is_one_clear_message_and_nothing_written(
    world: World, tmp_path: Path
) -> None:
    """A bulk import (index paused and rebuilt, a larger page cache) that meets a tag
    someone took since its dry run says so; the register stays as it was."""
    path = write_workbook(
        tmp_path / "new.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            *[[f"LAP-{700 + i}", f"Laptop {i}", "Laptop", "Room A1"] for i in range(20)],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    assert plan.counts()["create"] == 20, plan.problems()
    world.receive(tag="LAP-719", name="Taken meanwhile")
    before = counts(world.db)

    with pytest.raises(DesktopError, match="the database changed since the dry run") as raised:
        commit_import(world.db, plan, performed_by="tech")

    # The row is named, not the constraint (the register refused it; the commit then
    # looked the file's tags up to say which row).
    assert "row 21's tag 'LAP-719' is now used by another asset" in raised.value.message
    assert "UNIQUE" not in raised.value.message and "unique" not in raised.value.message
    assert counts(world.db) == before
    # The connection is fine afterwards: the import run again writes the other 19.
    again = dry_run(world.db, path, ImportOptions())
    assert again.counts()["create"] == 19, again.problems()
    commit_import(world.db, again, performed_by="tech")
    assert counts(world.db)[0] == before[0] + 19


def test_rows_past_the_first_two_thousand_are_cleaned_and_checked_as_the_first(
    world: World, tmp_path: Path
) -> None:
    """The dry run cleans cells 2,000 rows at a time: a short row, a neutralised formula,
    padded text and a repeated tag past that boundary read as in the first rows."""
    rows: list[list[object]] = [["Asset tag", "Name", "Category", "Location"]]
    rows += [[f"LAP-{n}", f"Laptop {n}", "Laptop", "Room A1"] for n in range(2_000)]
    rows += [
        ["LAP-X1", "'=1+1", "Laptop", "Room A1"],
        ["  LAP-X2 ", "  padded  ", "Laptop"],  # a short row: no location cell
        [" lap-7 ", "Again", "Laptop", "Room A1"],
    ]
    path = write_workbook(tmp_path / "long.xlsx", rows)
    plan = dry_run(world.db, path, ImportOptions())

    *_, formula, short, repeated = plan.rows
    assert (formula.row, formula.action, formula.values["name"]) == (
        2_002,
        RowAction.CREATE,
        "=1+1",
    )
    assert (short.tag, short.values["name"]) == ("LAP-X2", "padded")
    assert [(p.column, p.message) for p in short.problems] == [
        (
            "Location",
            "Location is required for a new asset"
            " (a column, or Location under 'Value for all rows' for every new row)",
        )
    ]
    assert [(p.row, p.message) for p in repeated.problems] == [
        (2_004, "the same tag as row 9: each asset may appear once")
    ]
    assert plan.counts() == {**plan.counts(), "create": 2_001, "error": 2}
