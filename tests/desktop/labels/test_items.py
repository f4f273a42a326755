"""What labels carry: asset tags with chosen fields, location codes with their path."""

from __future__ import annotations

import pytest

from desktop.errors import DesktopError, NotFoundError
from desktop.labels.geometry import LabelItem
from desktop.labels.items import asset_items, assets_by_tags, location_items
from tests.factories import World


def test_asset_labels_carry_the_tag_and_the_chosen_fields(world: World) -> None:
    world.receive(tag="LAP-000101", name="ThinkPad T14", values={"serial_number": "PF3ABC12"})
    world.receive(tag="LAP-000102", name="ThinkPad X1")
    with world.db.read() as session:
        rows = assets_by_tags(session, [" lap-000102", "LAP-000101", "LAP-000102"])
    items = asset_items(rows, ["serial_number", "name", "location"])
    assert items == [
        LabelItem("LAP-000102", ("ThinkPad X1", "Room A1")),
        LabelItem("LAP-000101", ("S/N PF3ABC12", "ThinkPad T14", "Room A1")),
    ]


def test_unknown_tags_and_fields_are_named(world: World) -> None:
    world.receive(tag="LAP-000101")
    with world.db.read() as session, pytest.raises(NotFoundError, match="'NOPE-1'"):
        assets_by_tags(session, ["LAP-000101", "NOPE-1"])
    with pytest.raises(DesktopError, match="unknown label field 'colour'"):
        asset_items([], ["name", "colour"])
    with pytest.raises(DesktopError, match="at most 3 fields"):
        asset_items([], ["name", "model", "location", "category"])


def test_location_labels_carry_the_code_name_and_path(world: World) -> None:
    with world.db.read() as session:
        items = location_items(session, [world.room_b, world.site])
    assert items == [
        LabelItem("ROOM-A2", ("Room A2", "Head office › Building A")),
        LabelItem("SITE-HQ", ("Head office",)),
    ]


def test_many_tags_are_read_in_chunks_in_the_order_given(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.labels import items as items_module

    monkeypatch.setattr(items_module, "TAGS_PER_QUERY", 2)
    tags = [f"LAP-{n:06d}" for n in range(5, 0, -1)]
    for tag in tags:
        world.receive(tag=tag)
    with world.db.read() as session:
        rows = assets_by_tags(session, tags)
    assert [r.tag for r in rows] == tags
