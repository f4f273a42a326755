"""Register pages: any page, under any sort, equals the same slice of the full sorted list."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.services import reference, register_pages
from desktop.services.queries import (
    SORT_COLUMNS,
    AssetFilter,
    AssetRow,
    count_assets,
    list_assets,
)
from desktop.services.register_pages import RegisterPager
from desktop.storage.database import Database
from tests.factories import World, seed_world


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


@pytest.mark.parametrize(("budget", "sort_share"), [(1, 0.05), (1, 1.0), (10**9, 0.05)])
def test_a_common_search_pages_alike_however_it_is_found(
    register: World, monkeypatch: pytest.MonkeyPatch, budget: int, sort_share: float
) -> None:
    """SQLite scans for a page of a common search on a budget, then probes the index's
    hits along the sort order or (fewer than SORT_SHARE of the register) sorts them. (Under
    the tag sort the index hands out the hits in order: see test_search.)"""
    monkeypatch.setattr(register_pages, "SCAN_BUDGET_STEPS", budget)
    monkeypatch.setattr(register_pages, "SORT_SHARE", sort_share)
    with register.db.read() as session:
        flt = AssetFilter(search="ast-01")
        expected = [r.tag for r in list_assets(session, flt, sort="serial_number", limit=None)]
        assert sorted(expected) == [f"AST-{n:03d}" for n in range(10, 20)]
        assert expected != sorted(expected)
        pager = RegisterPager(flt, sort="serial_number")
        assert [r.tag for r in pager.page(session, 0, 4)] == expected[:4]
        assert [r.tag for r in pager.page(session, 4, 100)] == expected[4:]


@pytest.mark.parametrize("budget", [1, 10**9])
def test_a_cancel_already_set_stops_pages_and_counts(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    """SQLite: the first statement is interrupted, also the budgeted scan of a search
    (whose own interruption would otherwise be retried without the budget)."""
    world = seed_world(sqlite_db)
    for n in range(30):
        world.receive(tag=f"AST-{n:03d}")
    monkeypatch.setattr(register_pages, "SCAN_BUDGET_STEPS", budget)
    cancel = threading.Event()
    cancel.set()
    with sqlite_db.read() as session:
        search = RegisterPager(AssetFilter(search="ast-0"))
        assert len(search.page(session, 0, 10)) == 10  # decides its plan, uncancelled
        pagers = [RegisterPager(AssetFilter()), RegisterPager(AssetFilter(), sort="location")]
        for pager in [*pagers, search]:
            with pytest.raises(OperationalError, match="interrupted"):
                pager.page(session, 0, 10, cancel=cancel)
            with pytest.raises(OperationalError, match="interrupted"):
                pager.count(session, cancel=cancel)
            assert pager.known_count is None
        # The handler goes with the call: the same session reads on, uncancelled.
        assert [r.tag for r in pagers[0].page(session, 0, 2)] == ["AST-000", "AST-001"]
        assert pagers[1].count(session) == 30


def test_a_cancel_from_another_thread_interrupts_a_long_count(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def long_count(session: Session, flt: AssetFilter) -> int:
        # A real statement of about ten seconds (a hundred million steps of SQLite).
        slow = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 100000000) SELECT count(*) FROM n"
        )
        return int(session.connection().exec_driver_sql(slow).scalar_one())

    monkeypatch.setattr(register_pages, "count_assets", long_count)
    cancel = threading.Event()
    pager = RegisterPager(AssetFilter(statuses=("in_stock",)))
    with sqlite_db.read() as session:
        timer = threading.Timer(0.2, cancel.set)
        timer.start()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="interrupted"):
            pager.count(session, cancel=cancel)
        timer.join()
        assert time.monotonic() - started < 2.0
        assert pager.known_count is None


LOOKUP_SORTS = [
    "category",
    "model",
    "manufacturer",
    "location",
    "assigned_to",
    "owning_group",
    "supplier",
]


@pytest.fixture
def lookups(world: World) -> World:
    """Assets whose looked-up names repeat (two keys, one name), differ only in case
    (Python's order, not the server's collation), or are missing (NULL)."""
    with world.db.write() as s:
        acme = reference.create_manufacturer(s, name="acme")
        zeta = reference.create_manufacturer(s, name="Zeta")
        models = [
            reference.create_model(s, manufacturer=acme, name="Dock").id,
            reference.create_model(s, manufacturer=zeta, name="Dock").id,
            reference.create_model(s, manufacturer=zeta, name="arc").id,
            None,
        ]
        suppliers = [
            reference.create_supplier(s, name="bits ltd").id,
            reference.create_supplier(s, name="Ace").id,
            None,
        ]
        groups = [reference.create_group(s, name="ops").id, None]
        annex = reference.create_location(s, name="annex", kind="site")
        stores = [
            reference.create_location(s, name="Store", parent_id=annex.id).id,
            reference.create_location(s, name="Store", parent_id=world.building).id,
        ]
        for n in (1, 2):
            world.people[f"same{n}"] = reference.create_person(
                s, name="Sam Same", username=f"same{n}"
            ).id
    locations = [*stores, world.room_a, world.other_site_room]
    assignees = ["same1", "same2", "user", "tech", None]
    for n in range(20):
        values: dict[str, object] = {
            "model": models[n % 4],
            "supplier": suppliers[n % 3],
            "owning_group": groups[n % 2],
            "location": locations[n % 4],
        }
        tag = f"AST-{(n * 7) % 20:03d}"  # the tag order is not the order of creation
        category = world.monitor_category if n % 3 == 1 else None
        world.receive(tag=tag, category=category, values=values)
        assignee = assignees[n % 5]
        if assignee is not None:
            world.install(tag, assigned_to=assignee, location=locations[(n + 1) % 4])
    return world


def test_first_pages_walked_group_by_group_equal_the_planned_pages(
    lookups: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the plan (no count first) the first pages are read group by group; they are
    the very pages read through the plan, for every sort by a looked-up name."""
    monkeypatch.setattr(register_pages, "WALK_SECONDS", 60.0)  # never cut short here
    monkeypatch.setattr(register_pages, "WALK_SEARCHES", True)  # off by default
    filters = [
        AssetFilter(),
        AssetFilter(statuses=("in_service",)),
        AssetFilter(search="store"),
        AssetFilter(category_ids=(lookups.monitor_category,)),
    ]
    windows = [(0, 100), (0, 3), (2, 4), (5, 5), (11, 7), (18, 10), (25, 5)]
    with lookups.db.read() as session:
        for sort, descending, flt in itertools.product(LOOKUP_SORTS, (False, True), filters):
            planned = RegisterPager(flt, sort=sort, descending=descending)
            total = planned.count(session)
            assert total == count_assets(session, flt) > 0
            expected = [
                [r.id for r in planned.page(session, offset, limit)] for offset, limit in windows
            ]
            assert expected[0] == [r.id for r in _view(session, flt, sort, descending)]
            # SQLite reads the names a few at a time: also one at a time (a name's keys
            # then straddle two reads).
            for names_first in (256, 1):
                monkeypatch.setattr(register_pages, "WALK_NAMES_FIRST", names_first)
                walked = RegisterPager(flt, sort=sort, descending=descending)
                pages = [
                    [r.id for r in walked.page(session, offset, limit)] for offset, limit in windows
                ]
                assert walked.known_count is None, "the plan was made"
                assert pages == expected, (sort, descending, flt, names_first)


@pytest.mark.parametrize("bounds", [(2000, 1, 60.0), (4, 200, 60.0), (2000, 200, 0.0)])
def test_the_walk_gives_way_to_the_plan(
    lookups: World, monkeypatch: pytest.MonkeyPatch, bounds: tuple[int, int, float]
) -> None:
    """Past the walk's reach (too many groups read, a page too deep, or too long) the plan
    is made."""
    monkeypatch.setattr(register_pages, "WALK_GROUPS_OFFSET", bounds[0])
    monkeypatch.setattr(register_pages, "WALK_GROUPS_READS", bounds[1])
    monkeypatch.setattr(register_pages, "WALK_SECONDS", bounds[2])
    with lookups.db.read() as session:
        everything = [r.id for r in _view(session, AssetFilter(), "assigned_to", False)]
        pager = RegisterPager(AssetFilter(), sort="assigned_to")
        assert [r.id for r in pager.page(session, 0, 6)] == everything[:6]  # 2 groups
        assert (pager.known_count is None) == (bounds[1] > 1 and bounds[2] > 0)
        assert [r.id for r in pager.page(session, 5, 6)] == everything[5:11]
        assert pager.known_count == len(everything)


def _view(session: Session, flt: AssetFilter, sort: str, descending: bool) -> list[AssetRow]:
    """The register as the view shows it: sorted by the looked-up name in Python's order
    (no name first), then by tag — all reversed when descending."""
    rows = list_assets(session, flt, limit=None)
    ordered = sorted(rows, key=lambda r: (getattr(r, sort) != "", getattr(r, sort), r.tag))
    return ordered[::-1] if descending else ordered
