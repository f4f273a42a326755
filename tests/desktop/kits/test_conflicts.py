"""The conflict queue: listing, and settling each entry once, the settling recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop import kits
from desktop.errors import NotFoundError
from desktop.storage.models import Asset, Procedure
from tests.desktop.kits.helpers import change, kit_of, procedure_count
from tests.factories import World


def _conflicted(world: World, tmp_path: Path) -> kits.Conflict:
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(world.db, "LAP-1", {"serial_number": "SERVER"})
        change(field.db, "LAP-1", {"serial_number": "KIT"})
        (result,) = kits.sync(field.db, world.db, "tech").results
    assert result.outcome is kits.Outcome.CONFLICT
    (conflict,) = kits.conflicts(world.db)
    assert conflict.id == result.conflict_id
    return conflict


def _serial(world: World) -> str | None:
    with world.db.read() as s:
        return s.execute(select(Asset.serial_number).where(Asset.tag == "LAP-1")).scalar_one()


def test_taking_the_servers_records_the_decision_only(world: World, tmp_path: Path) -> None:
    conflict = _conflicted(world, tmp_path)
    before = procedure_count(world.db)
    done = kits.resolve(world.db, conflict.number, kits.Choice.TAKE_SERVER, "tech2", note="ok")
    assert done.procedure_id is None
    assert procedure_count(world.db) == before
    assert _serial(world) == "SERVER"
    assert kits.conflicts(world.db) == []
    (settled,) = kits.conflicts(world.db, include_resolved=True)
    assert settled.resolution is kits.Choice.TAKE_SERVER
    assert (settled.resolved_by, settled.resolution_note) == ("tech2", "ok")
    assert settled.as_json()["fields"][0]["kit"] == "KIT"
    with pytest.raises(kits.KitError, match="already settled"):
        kits.resolve(world.db, conflict.id, kits.Choice.REAPPLY_KIT, "tech2")


def test_reapplying_the_kits_records_a_new_procedure(world: World, tmp_path: Path) -> None:
    conflict = _conflicted(world, tmp_path)
    done = kits.resolve(world.db, str(conflict.id), kits.Choice.REAPPLY_KIT, "tech2")
    assert _serial(world) == "KIT"
    with world.db.read() as s:
        procedure = s.get(Procedure, done.procedure_id)
        assert procedure is not None
        assert procedure.origin == "field_kit"
        assert f"conflict #{conflict.number}" in procedure.note
    assert kits.get_conflict(world.db, conflict.number).resolution_procedure_id == (
        done.procedure_id
    )


def test_editing_records_the_persons_values(world: World, tmp_path: Path) -> None:
    conflict = _conflicted(world, tmp_path)
    with pytest.raises(kits.KitError, match="which values"):
        kits.resolve(world.db, conflict.number, kits.Choice.EDIT, "tech2")
    kits.resolve(
        world.db, conflict.number, kits.Choice.EDIT, "tech2", edits={"serial_number": "BOTH"}
    )
    assert _serial(world) == "BOTH"


def test_unknown_conflict_is_named(world: World) -> None:
    with pytest.raises(NotFoundError, match="'42'"):
        kits.get_conflict(world.db, 42)
