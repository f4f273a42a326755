"""Reference data is read-only in a kit: nothing journals or syncs an edit of it and a
refresh replaces it, so every door (reference window, import, services) is refused with
one sentence saying where to make the change — nothing typed is lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import kits
from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import PermissionDeniedError
from desktop.labels.store import all_templates, delete_user_template, save_user_template
from desktop.services.reference import administer, create_category, update_location
from desktop.services.template_admin import set_approval
from desktop.spreadsheets.profiles import load_profile, save_profile
from desktop.storage.database import Database
from desktop.storage.models import (
    Category,
    ImportProfile,
    LabelTemplate,
    Location,
    ProcedureTemplate,
)
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


def test_templates_and_mapping_profiles_in_a_kit_are_refused_and_kept(
    world: World, tmp_path: Path
) -> None:
    """Procedure templates, label templates and mapping profiles are the server's: the
    next refresh replaces them, so a kit refuses every edit of them (service and database
    alike) with one sentence saying where to make it; the server's stay usable."""
    save_user_template(world.db, _label_definition("Server labels"))
    save_profile(world.db, "Vendor sheet", {"Serial": "serial_number"})
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        before = _template_rows(field.db)
        refusals = (
            lambda: set_approval(field.db, "admin", ProcedureKind.DECOMMISSION, approvers=2),
            lambda: save_user_template(field.db, _label_definition("Field labels")),
            lambda: delete_user_template(field.db, "Server labels"),
            lambda: save_profile(field.db, "Field sheet", {"Tag": "tag"}),
            lambda: save_profile(field.db, "Vendor sheet", {"Tag": "tag"}),
        )
        for refused_call in refusals:
            with pytest.raises(PermissionDeniedError) as refused:
                refused_call()
            assert "read-only in a field kit" in refused.value.message
            assert "on the server the kit came from" in refused.value.message
        assert _template_rows(field.db) == before
        # What the kit holds is used: the server's profile loads, its template prints.
        assert load_profile(field.db, "Vendor sheet")["columns"] == {"Serial": "serial_number"}
        with field.db.read() as s:
            assert "Server labels" in [t.name for t in all_templates(s)]
        # A sync refreshes them, and they stay read-only afterwards.
        kits.sync(field.db, world.db, "tech")
        with pytest.raises(PermissionDeniedError, match="read-only in a field kit"):
            save_profile(field.db, "Field sheet", {"Tag": "tag"})


def _label_definition(name: str) -> dict[str, object]:
    return {
        "name": name,
        "kind": "sheet",
        "unit": "mm",
        "page_width": 210,
        "page_height": 297,
        "label_width": 40,
        "label_height": 20,
        "columns": 4,
        "rows": 12,
        "left": 10,
        "top": 15,
        "pitch_x": 48,
        "pitch_y": 22,
        "dpi": 600,
        "padding": 1.5,
    }


def _template_rows(db: Database) -> tuple[int, int, int]:
    with db.read() as s:
        return (
            s.execute(select(func.count()).select_from(ProcedureTemplate)).scalar_one(),
            s.execute(select(func.count()).select_from(LabelTemplate)).scalar_one(),
            s.execute(select(func.count()).select_from(ImportProfile)).scalar_one(),
        )
