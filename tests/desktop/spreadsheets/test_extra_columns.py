"""Columns nobody recognises keep their data in the notes, never at the cost of stored notes."""

from __future__ import annotations

from pathlib import Path

from desktop.services.queries import asset_detail
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.model import ImportOptions, RowAction
from desktop.spreadsheets.plan import dry_run
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World


def test_extra_columns_are_added_to_stored_notes_and_a_second_import_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1", name="Old", values={"notes": "Bought for the audit team"})
    path = write_workbook(
        tmp_path / "supplier.xlsx",
        [["Asset Tag", "Asset Name", "Vendor SKU", "Colour"], ["LAP-1", "New", "SKU-9", "grey"]],
    )
    plan = dry_run(world.db, path, ImportOptions())
    (row,) = plan.rows
    assert row.action is RowAction.UPDATE
    assert row.values["notes"] == "Bought for the audit team\nVendor SKU: SKU-9\nColour: grey"
    commit_import(world.db, plan, performed_by="tech")
    with world.db.read() as s:
        stored = asset_detail(s, tag="LAP-1").row
    assert (stored.name, stored.notes) == (
        "New",
        "Bought for the audit team\nVendor SKU: SKU-9\nColour: grey",
    )
    again = dry_run(world.db, path, ImportOptions())
    assert [r.action for r in again.rows] == [RowAction.UNCHANGED]


def test_skipping_unknown_columns_is_a_choice(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1", name="Old", values={"notes": "keep"})
    path = write_workbook(
        tmp_path / "supplier.xlsx", [["Asset Tag", "Vendor SKU"], ["LAP-1", "SKU-9"]]
    )
    plan = dry_run(world.db, path, ImportOptions(unknown_columns="skip"))
    assert plan.mapping.unmapped() == ["Vendor SKU"]
    assert [r.action for r in plan.rows] == [RowAction.UNCHANGED]


def test_another_tools_column_is_a_custom_field_of_a_category_the_import_creates(
    world: World, tmp_path: Path
) -> None:
    """GLPI's Entity and iTop's move-to-production date on rows of a new category: the
    category is created with the fields (they were kept on the asset, undefined)."""
    path = write_workbook(
        tmp_path / "export.xlsx",
        [
            ["Asset Tag", "Asset Name", "Category", "Location", "Entity", "Move to production date"],
            ["SEN-1", "Probe", "Sensor", "Room A1", "Root entity > Lab", "2021-04-01"],
        ],
    )  # fmt: skip
    plan = dry_run(world.db, path, ImportOptions())
    assert [f.text for f in plan.report.fates[4:]] == [
        "a new custom field 'entity' of the categories of its rows, text",
        "a new custom field 'in_production_since' of the categories of its rows, date",
    ]
    commit_import(world.db, plan, performed_by="admin")
    with world.db.read() as s:
        detail = asset_detail(s, tag="SEN-1")
    assert detail.custom_fields == {
        "entity": "Root entity > Lab",
        "in_production_since": "2021-04-01",
    }
    assert [(d["key"], d["label"], d["type"]) for d in detail.custom_field_definitions] == [
        ("entity", "Entity", "text"),
        ("in_production_since", "In production since", "date"),
    ]
