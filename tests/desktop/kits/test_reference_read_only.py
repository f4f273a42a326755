"""Reference data is read-only in a kit: nothing journals or syncs an edit of it and a
refresh replaces it, so every door (reference window, import, services) is refused with
one sentence saying where to make the change — nothing typed is lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop import kits
from desktop.errors import PermissionDeniedError
from desktop.services.reference import administer, create_category, update_location
from desktop.storage.models import Category, Location
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import World

Outcome = kits.Outcome


def _location(world: World) -> Location:
    with world.db.read() as s:
        found = s.get(Location, world.room_a)
        assert found is not None
        s.expunge(found)
        return found


def test_reference_edits_in_a_kit_are_refused_with_where_to_make_them(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        room = _location(field)
        with (
            pytest.raises(PermissionDeniedError) as refused,
            administer(field.db, "admin") as s,
        ):
            update_location(
                s,
                location_id=room.id,
                expected_version=room.version,
                name="Renamed offline",
                kind=room.kind,
                code=room.code or "",
            )
        assert "read-only in a field kit" in refused.value.message
        assert "on the server the kit came from" in refused.value.message
        with (
            pytest.raises(PermissionDeniedError, match="read-only in a field kit"),
            administer(field.db, "admin") as s,
        ):
            create_category(s, name="Drones", tag_prefix="DRN")
        assert _location(field).name == room.name
        with field.db.read() as s:
            assert s.execute(select(Category).where(Category.name == "Drones")).first() is None
        # Offline work goes on, and a sync still refreshes the reference data.
        change(field.db, "LAP-1", {"name": "Spare laptop"})
        report = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in report.results] == [Outcome.APPLIED]
        assert report.refreshed


def test_a_kit_made_before_the_guard_gets_it_at_its_next_refresh(
    world: World, tmp_path: Path
) -> None:
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        with field.db.engine.begin() as c:
            names = [
                r[0]
                for r in c.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'kit_read_only_%'"
                )
            ]
            assert names  # made at checkout
            for name in names:
                c.exec_driver_sql(f'DROP TRIGGER "{name}"')
        kits.sync(field.db, world.db, "tech")
        with (
            pytest.raises(PermissionDeniedError, match="read-only in a field kit"),
            administer(field.db, "admin") as s,
        ):
            create_category(s, name="Drones", tag_prefix="DRN")
