"""The kit's scope in words (the banner, ``kit status``): a location whose name other
locations share — "Floor 1" in two buildings — is named by its path, so that the
person sees which one the kit holds; a unique name stays short."""

from __future__ import annotations

from pathlib import Path

from desktop import kits
from desktop.services.reference import administer, create_location
from desktop.storage.database import Database
from tests.factories import World
from ui.gui.kits.kit_banner import banner_html


def test_a_shared_location_name_is_shown_with_its_path(world: World, tmp_path: Path) -> None:
    with administer(world.db, "admin") as s:
        create_location(s, name="Floor 1", kind="floor", parent_id=world.building)
        depot = create_location(s, name="Depot", kind="site")
        depot_floor = create_location(s, name="Floor 1", kind="floor", parent_id=depot.id)
        depot_floor_id = depot_floor.id
    info = _kit_of(world, kits.Scope(location_ids=(depot_floor_id, world.room_a)), tmp_path)
    assert info.scope_text == "Depot › Floor 1, Room A1 (and below)"
    assert "Depot › Floor 1, Room A1 (and below)" in banner_html(info)


def test_names_equal_but_for_case_beyond_ascii_are_shown_with_their_paths(
    world: World, tmp_path: Path
) -> None:
    """SQLite's lower() folds ASCII only: "BÜRO" and "Büro" are one name to a person."""
    with administer(world.db, "admin") as s:
        create_location(s, name="Büro", kind="room", parent_id=world.building)
        depot = create_location(s, name="Depot", kind="site")
        depot_office_id = create_location(s, name="BÜRO", kind="room", parent_id=depot.id).id
    info = _kit_of(world, kits.Scope(location_ids=(depot_office_id,)), tmp_path)
    assert info.scope_text == "Depot › BÜRO (and below)"


def _kit_of(world: World, scope: kits.Scope, folder: Path) -> kits.KitInfo:
    kit = folder / "depot.adkit"
    kits.checkout(world.db, scope, "tech", kit)
    kit_db = Database(f"sqlite:///{kit}")
    try:
        info = kits.kit_info(kit_db)
    finally:
        kit_db.dispose()
    assert info is not None
    return info
