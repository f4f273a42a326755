"""What the kit notes once the server committed a sync: each entry synced with its
outcome, and the server version its procedures left each asset at (what the kit's next
records build on)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop import kits
from desktop.storage.models import Asset
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import World

Outcome = kits.Outcome


def _server_version(world: World, tag: str) -> int:
    with world.db.read() as s:
        return int(s.execute(select(Asset.version).where(Asset.tag == tag)).scalar_one())


def test_a_kit_synced_without_refresh_builds_on_the_versions_it_noted(
    world: World, tmp_path: Path
) -> None:
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(field.db, "LAP-1", {"serial_number": "SN-1"})
        change(field.db, "LAP-2", {"name": "Two"})
        change(field.db, "LAP-1", {"name": "One"})
        first = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [r.outcome for r in first.results] == [Outcome.APPLIED] * 3
        with field.db.connect() as c:
            journal = c.exec_driver_sql("SELECT synced, outcome FROM kit_journal").all()
            noted = {
                str(tag): int(version)
                for tag, version in c.exec_driver_sql(
                    "SELECT a.tag, b.server_version FROM kit_base b "
                    "JOIN assets a ON a.id = b.asset_id"
                )
            }
        assert journal == [(1, Outcome.APPLIED.value)] * 3
        assert noted == {tag: _server_version(world, tag) for tag in ("LAP-1", "LAP-2", "LAP-3")}
        # The kit's next change of each asset builds on the version its sync left: no
        # rebase, no conflict.
        change(field.db, "LAP-1", {"serial_number": "SN-1b"})
        change(field.db, "LAP-2", {"serial_number": "SN-2"})
        again = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [(r.outcome, r.reason) for r in again.results] == [(Outcome.APPLIED, "")] * 2
