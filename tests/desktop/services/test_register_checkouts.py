"""The register's *Checked out* marks, on every backend: the assets of an open checkout
say who has them and since when; others, and all of them once the kit is returned,
say nothing."""

from __future__ import annotations

from pathlib import Path

from desktop import kits
from desktop.services.register_checkouts import with_checkouts, with_marks
from desktop.services.register_pages import RegisterPager
from desktop.services.register_rows import AssetFilter
from tests.desktop.kits.helpers import kit_of
from tests.factories import World


def _marks(world: World) -> dict[str, str]:
    with world.db.read() as session:
        rows = RegisterPager(AssetFilter()).page(session, 0, 100)
        marked = with_checkouts(session.connection(), rows)
    assert [r.id for r in marked] == [r.id for r in rows]  # same rows, same order
    return {r.tag: r.checked_out_by for r in marked}


def test_assets_out_in_a_kit_are_marked_until_it_is_returned(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")  # Room A1: the kit's scope ("Head office") holds it
    assert _marks(world) == {"LAP-1": ""}
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        marks = _marks(world)
        assert marks == {"LAP-1": "Tess Tech"}
        with world.db.read() as session:
            (row,) = with_checkouts(
                session.connection(), RegisterPager(AssetFilter()).page(session, 0, 1)
            )
            assert row.checked_out_at is not None and row.checked_out_at.tzinfo is not None
        assert _marks(field) == {"LAP-1": ""}  # the kit itself holds no checkouts
        kits.check_in(field.db, world.db, "tech")
    assert _marks(world) == {"LAP-1": ""}


def test_a_page_carries_the_procedures_waiting_for_approval_on_its_assets(world: World) -> None:
    """What the window greys a second status move by: one read for the page's ids."""
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    waiting = world.decommission("LAP-1")
    with world.db.read() as session:
        rows = RegisterPager(AssetFilter()).page(session, 0, 100)
        marked = {r.tag: r.pending for r in with_marks(session.connection(), rows)}
    assert marked == {"LAP-1": ((waiting.procedure_id, "decommission"),), "LAP-2": ()}
