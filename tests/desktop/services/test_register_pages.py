"""Register pages: any page, under any sort, equals the same slice of the full sorted list."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from desktop.services import register_pages
from desktop.services.queries import SORT_COLUMNS, AssetFilter, AssetRow, list_assets
from desktop.services.register_pages import RegisterPager
from tests.factories import World


@pytest.fixture
def register(world: World) -> World:
    people = ["user", "tech", "approver", None]
    for n in range(23):
        world.receive(
            tag=f"AST-{n:03d}",
            name=f"Asset {n % 5}",
            category=world.monitor_category if n % 3 else None,
            values={"serial_number": f"S{(n * 7) % 23:03d}"},
        )
        person = people[n % 4]
        if person is not None:
            world.install(f"AST-{n:03d}", assigned_to=person)
    return world


@pytest.mark.parametrize("sort", ["tag", "name", "serial_number", "assigned_to", "category"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_and_positions_follow_the_sorted_register(
    register: World, sort: str, descending: bool
) -> None:
    assert sort in SORT_COLUMNS
    with register.db.read() as session:
        pager = RegisterPager(AssetFilter(), sort=sort, descending=descending)
        everything = [(getattr(r, sort), r.tag) for r in _all(session, sort, descending)]
        assert pager.count(session) == len(everything) == 23
        # Walk the pages, from the front and (once the count is known) from the back.
        paged = []
        for offset in range(0, 23, 5):
            paged += [(getattr(r, sort), r.tag) for r in pager.page(session, offset, 5)]
        assert paged == everything
        for tag in ("AST-000", "AST-013", "AST-022"):
            asset_id = next(r.id for r in _all(session, sort, descending) if r.tag == tag)
            assert pager.position(session, asset_id) == [t for _v, t in everything].index(tag)


def test_filtered_pages_and_positions(register: World) -> None:
    with register.db.read() as session:
        flt = AssetFilter(statuses=("in_service",))
        pager = RegisterPager(flt, sort="assigned_to")
        rows = pager.page(session, 0, 100)
        assert len(rows) == pager.count(session) == 18
        assert [r.assigned_to for r in rows] == sorted(r.assigned_to for r in rows)
        in_stock = next(r.id for r in list_assets(session, AssetFilter(statuses=("in_stock",))))
        assert pager.position(session, in_stock) is None


def _all(session: Session, sort: str, descending: bool) -> list[AssetRow]:
    rows = list_assets(session, sort=sort, descending=descending, limit=None)
    if sort not in ("assigned_to", "category"):
        return rows  # the asset's own columns: the pager uses the database's order
    # Looked-up names are ordered by the pager itself: no name first, then by name and tag.
    ordered = sorted(rows, key=lambda r: (getattr(r, sort) != "", getattr(r, sort), r.tag))
    return ordered[::-1] if descending else ordered


@pytest.mark.parametrize("budget", [1, 10**9])
def test_a_common_search_pages_alike_however_it_is_found(
    register: World, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    """SQLite scans for a page of a common search on a budget, then probes the index."""
    monkeypatch.setattr(register_pages, "SCAN_BUDGET_STEPS", budget)
    with register.db.read() as session:
        flt = AssetFilter(search="ast-01")
        expected = [r.tag for r in list_assets(session, flt, limit=None)]
        assert expected == [f"AST-{n:03d}" for n in range(10, 20)]
        pager = RegisterPager(flt)
        assert [r.tag for r in pager.page(session, 0, 4)] == expected[:4]
        assert [r.tag for r in pager.page(session, 4, 100)] == expected[4:]
