"""A kit's edit to an asset the server decommissioned meanwhile is a conflict, not
"merged" (new-user finding 5), synced as a user does it: ``assetdesk kit sync``."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from desktop.services.approvals import approve
from desktop.storage.models import Asset, KitConflict
from tests.cli_run import run_cli
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import World


def test_a_kit_rename_of_an_asset_decommissioned_meanwhile_is_a_conflict(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    kit_path = tmp_path / "kit.sqlite"
    with kit_of(world, kit_path) as field:
        change(field.db, "LAP-1", {"name": "Renamed in the field"})
    pending = world.decommission("LAP-1")
    for person in ("approver", "approver2"):
        approve(world.db, procedure_id=pending.procedure_id, approver=person)
    sync = ("kit", "sync", str(kit_path), "--as", "tech", "--json")
    result = run_cli(*sync, database=world.db, timeout=120)
    report = json.loads(result.stdout)
    assert report["counts"]["merged"] == 0
    (replayed,) = report["results"]
    assert replayed["outcome"] == "conflict", replayed
    assert replayed["reason"] == (
        "#1: name: the asset is decommissioned: only disposal or a change of its notes is possible"
    )
    with world.db.read() as s:
        asset = s.execute(select(Asset).where(Asset.tag == "LAP-1")).scalar_one()
        assert asset.name == "ThinkPad T14"
        assert asset.status == "decommissioned"
        queued = s.execute(select(KitConflict.id)).scalars().all()
    assert [str(q) for q in queued] == [replayed["conflict_id"]]
