"""Updates from our own export: every column reads back, blank cells keep stored values,
locations with repeated names are written and read by path."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop.services import reference
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.export import export_assets
from desktop.spreadsheets.model import ImportOptions, RowAction
from desktop.spreadsheets.plan import dry_run
from desktop.storage.models import Asset
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World


@pytest.fixture
def racks(world: World) -> World:
    """Two sites with a rack of the same name, and custom fields labelled per category."""
    with world.db.write() as s:
        for site_name in ("Leeds", "London"):
            site = reference.create_location(s, name=site_name, kind="site")
            room = reference.create_location(s, name="Server room", kind="room", parent_id=site.id)
            reference.create_location(s, name="Rack A02", kind="rack", parent_id=room.id)
        switch = reference.create_category(
            s,
            name="Switch",
            tag_prefix="SW",
            custom_fields=[{"key": "mgmt_ip", "label": "Management IP address"}],
        )
        server = reference.create_category(
            s,
            name="Server",
            tag_prefix="SRV",
            custom_fields=[{"key": "mgmt_ip", "label": "iLO address"}],
        )
    world.receive(tag="SW-1", name="Core switch", category=switch.id)
    world.receive(tag="SRV-1", name="Database server", category=server.id)
    return world


def _set(path: Path, tag: str, header: str, value: object) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assets"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == tag:
            row[headers.index(header)].value = value
    workbook.save(path)


def test_export_names_repeated_locations_by_path_and_reads_them_back(
    racks: World, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    export_assets(racks.db, path, exported_by="tech")
    _set(path, "SW-1", "Location", "Leeds › Server room › Rack A02")
    _set(path, "SRV-1", "Location", "London/Server room/Rack A02")
    # One column for the field, under the label of the first category by name (Server).
    _set(path, "SW-1", "iLO address", "10.0.0.2")
    _set(path, "SRV-1", "iLO address", "10.0.9.9")
    lists = openpyxl.load_workbook(path)["Lists"]
    offered = [r[1] for r in lists.iter_rows(min_row=2, values_only=True) if r[1]]
    assert "Leeds › Server room › Rack A02" in offered
    assert "London › Server room › Rack A02" in offered
    assert "Rack A02" not in offered and "Room A1" in offered

    plan = dry_run(racks.db, path, ImportOptions())
    assert plan.problems() == []
    changed = {r.tag: {c.field: c.after_text for c in r.changes} for r in plan.rows if r.changes}
    assert changed == {
        "SW-1": {"location": "Leeds › Server room › Rack A02", "custom.mgmt_ip": "10.0.0.2"},
        "SRV-1": {"location": "London › Server room › Rack A02", "custom.mgmt_ip": "10.0.9.9"},
    }
    commit_import(racks.db, plan, performed_by="tech")

    again = tmp_path / "again.xlsx"
    export_assets(racks.db, again, exported_by="tech")
    assert dry_run(racks.db, again, ImportOptions()).counts()["unchanged"] == 2


def test_a_custom_field_reads_under_another_category_label(racks: World, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "servers.xlsx",
        [["Asset tag", "Management IP address"], ["SRV-1", "10.1.1.1"]],
    )
    plan = dry_run(racks.db, path, ImportOptions())
    (row,) = plan.rows
    assert row.action is RowAction.UPDATE and row.custom == {"mgmt_ip": "10.1.1.1"}


def test_a_plain_name_that_repeats_is_an_error_asking_for_the_path(
    racks: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "racks.xlsx",
        [["Asset tag", "Location"], ["SW-1", "Rack A02"], ["SRV-1", "Leeds/Server room/Rack A02"]],
    )
    plan = dry_run(racks.db, path, ImportOptions())
    first, second = plan.rows
    assert first.action is RowAction.ERROR
    assert first.problems[0].message.startswith(
        "several locations are called 'Rack A02': give its path"
    )
    assert second.action is RowAction.UPDATE


def test_blank_cells_keep_stored_values_unless_asked(racks: World, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "blank.xlsx",
        [
            ["Asset tag", "Name", "Location", "Management IP address", "Notes"],
            ["SW-1", "Edge switch", None, None, None],
        ],
    )
    with racks.db.write() as s:
        asset = s.execute(select(Asset).where(Asset.tag == "SW-1")).scalar_one()
        asset.notes = "kept"
        asset.custom_fields = {"mgmt_ip": "10.0.0.1"}
    plan = dry_run(racks.db, path, ImportOptions())
    (row,) = plan.rows
    assert [c.field for c in row.changes] == ["name"]
    clearing = dry_run(racks.db, path, ImportOptions(blank_clears=True))
    (row,) = clearing.rows
    assert {c.field for c in row.changes} == {"name", "location", "notes", "custom.mgmt_ip"}


def test_rows_of_one_file_share_the_locations_they_create(world: World, tmp_path: Path) -> None:
    from desktop.storage.models import Location

    path = write_workbook(
        tmp_path / "new.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location"],
            ["LAP-1", "a", "Laptop", "Annex › Block C › Room 1"],
            ["LAP-2", "b", "Laptop", "Block C/Room 2"],
            ["LAP-3", "c", "Laptop", "Room 1"],
            ["LAP-4", "d", "Laptop", "Head office > Building A > Room 9"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    assert plan.problems() == []
    assert [n.reference.text for n in plan.new_references] == [
        "Annex › Block C › Room 1",
        "Annex › Block C › Room 2",
        "Head office › Building A › Room 9",
    ]
    commit_import(world.db, plan, performed_by="admin")
    with world.db.read() as s:
        rows = s.execute(select(Location.id, Location.name, Location.parent_id)).all()
        names = {r.id: (r.name, r.parent_id) for r in rows}
        by_tag = dict(s.execute(select(Asset.tag, Asset.location_id)).all())

    def path_of(location_id: object) -> str:
        name, parent = names[location_id]
        return f"{path_of(parent)} › {name}" if parent else name

    assert {tag: path_of(loc) for tag, loc in by_tag.items()} == {
        "LAP-1": "Annex › Block C › Room 1",
        "LAP-2": "Annex › Block C › Room 2",
        "LAP-3": "Annex › Block C › Room 1",
        "LAP-4": "Head office › Building A › Room 9",
    }
    assert sum(1 for name, _ in names.values() if name == "Annex") == 1
