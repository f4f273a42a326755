"""Pages of the asset register for a view that scrolls over up to millions of assets.

:func:`queries.list_assets` is right for exports; a table view needs any page at once,
also deep down and under any sort. Two things make that fast (see migration 0003's
``(column, tag_key)`` indexes):

* A page is read in two steps: first the ids of the page's assets (one walk along an
  index, no joins, read from the nearer end of the list), then those rows with their
  looked-up names.
* Sorting by a looked-up name (category, model, location, person, …) cannot walk an index
  of the assets table. The register is then paged *group by group*: one ``GROUP BY`` on
  the foreign key counts the assets per looked-up row (the plan), the groups are ordered
  by name in Python, and a page reads each group it overlaps along the
  ``(foreign key, tag)`` index. The plan costs about a second on a million assets, so the
  first pages do without it: they walk the lookup table's names in the same order and
  read each group with a ``LIMIT`` until the page is full.

One pager serves several threads at once (pages on one, the count on another), each with
its own session; long statements can be cancelled (SQLite), see :class:`RegisterPager`.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, String, case, func, or_, select, type_coerce
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.services.plain_reads import sqlite_search_page
from desktop.services.queries import (
    SORT_COLUMNS,
    AssetFilter,
    AssetRow,
    apply_filter,
    asset_position,
    assets_by_ids,
    count_assets,
    page_rows,
)
from desktop.services.search import SEARCH_RANK, TRIGRAM_MIN_LENGTH, UNRANKED
from desktop.services.search_query import (
    search_condition,
    sqlite_all_ranked,
    sqlite_hits_below,
    sqlite_in_tag_order,
    sqlite_matches_at_least,
    sqlite_needle,
    sqlite_phrase,
)
from desktop.services.server_search import search_page_ids, server_search_available
from desktop.storage.models import (
    Asset,
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    Supplier,
)

#: Sort keys of looked-up names: the assets' foreign key and how to name its values.
_LOOKUP_SORTS: dict[str, tuple[Any, Any]] = {
    "category": (Asset.category_id, select(Category.id, Category.name)),
    "model": (Asset.model_id, select(AssetModel.id, AssetModel.name)),
    "manufacturer": (
        Asset.model_id,
        select(AssetModel.id, Manufacturer.name).join(
            Manufacturer, Manufacturer.id == AssetModel.manufacturer_id
        ),
    ),
    "location": (Asset.location_id, select(Location.id, Location.name)),
    "assigned_to": (Asset.assigned_to_id, select(Person.id, Person.name)),
    "owning_group": (Asset.owning_group_id, select(Group.id, Group.name)),
    "supplier": (Asset.supplier_id, select(Supplier.id, Supplier.name)),
}


def view_order(dialect: str, sort: str, descending: bool) -> list[Any]:
    """ORDER BY clauses (over the joins of ``queries._row_select``) that list a whole view
    in the order :class:`RegisterPager` pages it — for an export of what the user sees.

    A column of the assets table sorts as the pager's SQL does; a looked-up name sorts as
    its groups do (:meth:`RegisterPager._view_order`): no name first (last when
    descending), names in Python's order of strings — code points, which is the UTF-8
    byte order the servers are asked for — and the tag within a name.
    """
    sort = sort if sort in SORT_COLUMNS else "tag"
    column = SORT_COLUMNS[sort]
    tag = Asset.tag_key.desc() if descending else Asset.tag_key.asc()
    if sort not in _LOOKUP_SORTS:
        return [column.desc() if descending else column.asc(), tag]
    named = case((column.is_(None), 0), else_=1)
    if dialect == "postgresql":
        column = column.collate("C")
    elif dialect in ("mysql", "mariadb"):
        column = column.collate("utf8mb4_bin")
    if descending:
        return [named.desc(), column.desc(), tag]
    return [named.asc(), column.asc(), tag]


#: How a page of a search is found on SQLite, by the share of the register it matches:
#: under WALK_SHARE the hits come from the index and are sorted (few of them). From it, a
#: scan along the sort order is tried first, on a budget (a page of well spread hits is
#: found at once); past the budget (hits cluster far down, e.g. one category's prefix)
#: the index's hits are probed while SQLite walks the sort order.
WALK_SHARE = 0.01
#: Past the scan's budget, hits under this share of the register are sorted (1M assets:
#: 50,000 hits in about 100 ms), more are probed along the sort order.
SORT_SHARE = 0.05
#: The scan's budget in SQLite VM steps (about 10-20 ms here).
SCAN_BUDGET_STEPS = 400_000


#: A page of a view sorted by a looked-up name that starts before this row is read without
#: the plan: the groups are walked in view order, each read along its (foreign key, tag)
#: index until the page is full. The plan's ``GROUP BY`` costs a second on a million
#: assets; the first pages cost a few group reads.
WALK_GROUPS_OFFSET = 2000
#: The walk gives up (and the plan is made) after this many group reads without a full
#: page: a filter that leaves most groups empty.
WALK_GROUPS_READS = 200
#: Whether a search is walked too. Not by default: every group read then matches the
#: search anew (SQLite: 70-150 ms for a common word on a million assets; the plan does it
#: once), and rare words leave most groups empty.
WALK_SEARCHES = False
#: SQLite: how many names the walk reads first (more, eight times as many, if needed).
WALK_NAMES_FIRST = 256
#: ... or after this long (a filter that leaves few assets in the groups it reads). The
#: plan costs 0.5-0.8 s on a million assets; in the window a walk that takes 20 ms alone
#: may take 80-130 ms beside the painting GUI thread.
WALK_SECONDS = 0.2

#: On SQLite a cancel event is looked at every this many VM steps (under 1 ms). Each look
#: takes the GIL: more often slows the worker's statements while the GUI thread runs.
CANCEL_CHECK_STEPS = 10_000


@dataclass(frozen=True)
class _Group:
    """Assets whose looked-up name is the same (None: no value), in view order."""

    name: str | None
    keys: tuple[Any, ...]  # foreign key values (None stands for NULL)
    start: int
    count: int


@dataclass(frozen=True)
class _Plan:
    """The groups of a view sorted by a looked-up name, with their sizes."""

    groups: tuple[_Group, ...]
    group_of: dict[Any, int]  # foreign key value → index in groups
    count: int


@dataclass(frozen=True)
class _SearchPlan:
    """How pages of a search are read (SQLite): along the sort order (many hits), or the
    hits read once from the index and sorted (few)."""

    walk: bool
    hits: list[int] | None  # the rowids of all hits, when few
    ranked: bool = False  # sorted by tag: the index hands out the hits in order


class RegisterPager:
    """Reads pages, the count and positions of one filtered, sorted register view.

    Pass each call the session to use. Calls may run at the same time on different threads,
    each with its own session (pages on one worker, the count on another): what a call
    learns (the count, the plan) is built locally and published by one assignment.

    ``cancel`` (SQLite): while the call runs, setting the event interrupts its statement,
    which raises :class:`sqlalchemy.exc.OperationalError` ("interrupted"). Other backends
    ignore it.
    """

    def __init__(self, flt: AssetFilter, *, sort: str = "tag", descending: bool = False) -> None:
        self.filter = flt
        self.sort = sort if sort in SORT_COLUMNS else "tag"
        self.descending = descending
        self._count: int | None = None
        self._plan_done: _Plan | None = None
        self._names_done: tuple[_Group, ...] | None = None  # every name, in view order
        self._search_plan: _SearchPlan | None = None

    @property
    def groups_by_lookup(self) -> bool:
        return self.sort in _LOOKUP_SORTS

    @property
    def known_count(self) -> int | None:
        return self._count

    def count(self, session: Session, *, cancel: threading.Event | None = None) -> int:
        known = self._count
        if known is not None:
            return known
        with _cancellable(session, cancel):
            if self.groups_by_lookup:
                known = self._plan(session).count
            else:
                known = count_assets(session, self.filter)
        self._count = known
        return known

    def page(
        self,
        session: Session,
        offset: int,
        limit: int,
        *,
        cancel: threading.Event | None = None,
    ) -> list[AssetRow]:
        """Rows ``offset`` to ``offset + limit`` of the view (fewer at the end)."""
        if limit <= 0 or offset < 0:
            return []
        with _cancellable(session, cancel):
            if not self.groups_by_lookup:
                return self._ordered_rows(session, offset, limit, cancel)
            ids = self._grouped_ids(session, offset, limit, cancel)
            by_id = {row.id: row for row in assets_by_ids(session, ids)}
        return [by_id[i] for i in ids if i in by_id]

    def position(
        self,
        session: Session,
        asset_id: uuid.UUID,
        *,
        cancel: threading.Event | None = None,
    ) -> int | None:
        """The asset's row in this view, or None if the filter hides it."""
        with _cancellable(session, cancel):
            return self._position(session, asset_id)

    def _position(self, session: Session, asset_id: uuid.UUID) -> int | None:
        if not self.groups_by_lookup:
            return asset_position(
                session, self.filter, asset_id, sort=self.sort, descending=self.descending
            )
        key_column = _raw(_LOOKUP_SORTS[self.sort][0])
        found = session.execute(
            self._filtered(session, select(key_column, Asset.tag_key)).where(Asset.id == asset_id)
        ).first()
        if found is None:
            return None
        key, tag_key = found
        plan = self._plan(session)
        group = plan.groups[plan.group_of[key]]
        tag_before = Asset.tag_key > tag_key if self.descending else Asset.tag_key < tag_key
        inside = session.execute(
            self._in_group(
                session, select(func.count()).select_from(Asset), group, key_column
            ).where(tag_before)
        ).scalar_one()
        return group.start + int(inside)

    # -- ordered by a column of the assets table -------------------------------------

    def _ordered_rows(
        self, session: Session, offset: int, limit: int, cancel: threading.Event | None
    ) -> list[AssetRow]:
        """The page's rows by one statement: its ids found along the sort order (or the
        search index's rank order), then joined to their looked-up names."""
        order = SORT_COLUMNS[self.sort]
        descending = self.descending
        count = self._count  # read once: another thread may set it meanwhile
        backwards = count is not None and offset > count // 2
        if backwards:
            # Read from the far end: the database walks min(offset, count - offset) entries.
            assert count is not None
            end = min(offset + limit, count)
            limit = end - offset
            if limit <= 0:
                return []  # past the end (a negative LIMIT would mean none)
            offset = count - end
            descending = not descending

        def read(scan: bool | None, walk: bool | None = None) -> list[AssetRow]:
            query = self._filtered(session, select(Asset.id), for_page=True, scan=scan, walk=walk)
            query = query.order_by(
                order.desc() if descending else order.asc(),
                Asset.tag_key.desc() if descending else Asset.tag_key.asc(),
            )
            query = query.offset(offset).limit(limit)
            return page_rows(session, query, (order, Asset.tag_key), descending=descending)

        if self.sort == "tag" and self.filter.search.strip() and server_search_available(session):
            # PostgreSQL, MariaDB: the hits in tag order from the trigram table (0009).
            found = search_page_ids(
                session, self.filter, offset=offset, limit=limit, descending=descending
            )
            rows = (
                []
                if found is None
                else page_rows(session, found[0], (found[1],), descending=descending)
            )
        elif (
            self.filter == AssetFilter(search=self.filter.search)
            and len(sqlite_needle(self.filter.search)) >= TRIGRAM_MIN_LENGTH
            and self._search_plan_of(session).ranked
        ):
            # A search alone (as typed in the box): its prepared statement.
            rows = sqlite_search_page(
                session.connection(),
                sqlite_phrase(self.filter.search),
                unranked=UNRANKED,
                offset=offset,
                limit=limit,
                descending=descending,
            )
        elif self._search_plan_of(session).ranked:
            # The index's hits come in tag order: a page is the next hits that pass the
            # filter, however many there are and wherever they cluster.
            query = apply_filter(session, select(Asset.id), replace(self.filter, search=""))
            query = sqlite_in_tag_order(query, self.filter.search, descending=descending)
            page = query.offset(offset).limit(limit)
            rows = page_rows(session, page, (SEARCH_RANK,), descending=descending)
        elif (
            self._search_walks(session)
            and len(sqlite_needle(self.filter.search)) >= TRIGRAM_MIN_LENGTH
        ):
            # Many hits: scanning the sort order finds a page at once if they are spread
            # out, but not if they cluster far down (a search for one category's prefix).
            # Try the scan on a budget; past it, probe the index's hits instead.
            try:
                with _step_budget(session, SCAN_BUDGET_STEPS, cancel):
                    rows = read(scan=True)
            except OperationalError as exc:
                if not _out_of_budget(exc, cancel):
                    raise
                # The hits cluster. Walking the sort order to them costs as much as the
                # assets before them; sorting them costs as much as there are hits.
                connection = session.connection()
                few = not sqlite_matches_at_least(connection, self.filter.search, SORT_SHARE)
                rows = read(scan=None, walk=not few)
        else:
            # Few hits: from the index, sorted. Text too short for the index: the scan is
            # all there is (on a budget it would only be read twice).
            rows = read(scan=None)
        return rows[::-1] if backwards else rows

    # -- ordered by a looked-up name -------------------------------------------------

    def _plan(self, session: Session) -> _Plan:
        done = self._plan_done
        if done is not None:
            return done
        key_column = _raw(_LOOKUP_SORTS[self.sort][0])
        names_query, raw_id, _name = self._names_query()
        counts: dict[Any, int] = {
            key: count
            for key, count in session.execute(
                self._filtered(session, select(key_column, func.count())).group_by(key_column)
            )
        }
        names: dict[Any, str] = {}
        present = [k for k in counts if k is not None]
        if len(present) > 500:  # most of the lookup table: one read of all of it is faster
            names.update((key, name) for key, name in session.execute(names_query))
            present = []
        for chunk in _chunks(present, 500):
            names.update(
                (key, name) for key, name in session.execute(names_query.where(raw_id.in_(chunk)))
            )
        by_name: dict[str | None, list[Any]] = {}
        for key in counts:
            by_name.setdefault(names.get(key) if key is not None else None, []).append(key)
        groups: list[_Group] = []
        group_of: dict[Any, int] = {}
        start = 0
        for name in self._view_order(by_name):
            keys = tuple(by_name[name])
            total = sum(counts[k] for k in keys)
            for key in keys:
                group_of[key] = len(groups)
            groups.append(_Group(name, keys, start, total))
            start += total
        plan = _Plan(tuple(groups), group_of, start)
        self._plan_done = plan  # published whole: other threads see all of it or none
        self._count = start
        return plan

    def _view_order(self, by_name: dict[str | None, list[Any]]) -> list[str | None]:
        """The names in view order (Python's string order on every backend): no name
        first in ascending order (SQLite's and MariaDB's habit for NULLs), last when
        descending."""
        return sorted(by_name, key=lambda n: (n is not None, n or ""), reverse=self.descending)

    def _name_groups(self, session: Session) -> Iterator[_Group]:
        """The lookup table's names (used or not) with the keys that bear each, in view
        order, read as the walk goes; no name (NULL) first in ascending order, last when
        descending. Sizes are unknown (0)."""
        nothing = _Group(None, (None,), 0, 0)  # names are NOT NULL: only the key can be
        if not self.descending:
            yield nothing
        if session.get_bind().dialect.name == "sqlite":
            yield from self._sqlite_name_groups(session)
        else:
            yield from self._all_name_groups(session)
        if self.descending:
            yield nothing

    def _names_query(self) -> tuple[Select[Any], Any, Any]:
        """The lookup table's (key, name) rows, with the key as the driver gives it: the
        query, its key column and its name column."""
        names_query = _LOOKUP_SORTS[self.sort][1]
        raw_id, name = _raw(names_query.selected_columns[0]), names_query.selected_columns[1]
        return names_query.with_only_columns(raw_id, name), raw_id, name

    def _all_name_groups(self, session: Session) -> tuple[_Group, ...]:
        """Every name, ordered in Python (the servers' collations order otherwise)."""
        done = self._names_done
        if done is None:
            by_name: dict[str | None, list[Any]] = {}
            for key, name in session.execute(self._names_query()[0]):
                by_name.setdefault(name, []).append(key)
            done = tuple(_Group(n, tuple(by_name[n]), 0, 0) for n in self._view_order(by_name))
            self._names_done = done
        return done

    def _sqlite_name_groups(self, session: Session) -> Iterator[_Group]:
        """The first names, ordered by SQLite: its BINARY collation compares UTF-8 bytes,
        which is Python's order of strings. Read a few at a time (50,000 people cost
        100 ms to read whole), each read starting over with a larger limit."""
        query, _key, name_column = self._names_query()
        query = query.order_by(name_column.desc() if self.descending else name_column.asc())
        given = 0
        limit = WALK_NAMES_FIRST
        while True:
            rows = session.execute(query.limit(limit)).all()
            groups = [
                _Group(n, tuple(key for key, _n in same), 0, 0)
                for n, same in itertools.groupby(rows, key=lambda row: row[1])
            ]
            finished = len(rows) < limit
            if not finished:
                groups.pop()  # the last name may have more keys beyond the limit
            yield from groups[given:]
            if finished:
                return
            given = len(groups)
            limit *= 8

    def _walked_ids(
        self, session: Session, offset: int, limit: int, cancel: threading.Event | None
    ) -> list[uuid.UUID] | None:
        """Rows ``offset`` to ``offset + limit`` read group by group from the first one,
        without the plan; None if that takes too long (the plan is then made)."""
        deadline = time.monotonic() + WALK_SECONDS
        try:
            with _step_budget(session, None, cancel, deadline=deadline):
                return self._walk(session, offset, limit, deadline)
        except OperationalError as exc:
            if not _out_of_budget(exc, cancel):
                raise
            return None

    def _walk(
        self, session: Session, offset: int, limit: int, deadline: float
    ) -> list[uuid.UUID] | None:
        key_column = _raw(_LOOKUP_SORTS[self.sort][0])
        tag_order = Asset.tag_key.desc() if self.descending else Asset.tag_key.asc()
        base = self._filtered(session, select(Asset.id)).order_by(tag_order)
        if session.get_bind().dialect.name == "sqlite":
            # Each group along its own index, whatever else the filter names: SQLite may
            # otherwise walk a status index through most of the register for every group.
            base = base.with_hint(Asset, f"INDEXED BY {_sort_index(self.sort)}", "sqlite")
        ids: list[uuid.UUID] = []
        skip = offset
        for reads, group in enumerate(self._name_groups(session)):
            if reads == WALK_GROUPS_READS or time.monotonic() > deadline:
                return None
            wanted = skip + limit - len(ids)
            query = base.where(_group_condition(group, key_column))
            found = list(session.execute(query.limit(wanted)).scalars())
            ids.extend(found[skip:])
            skip = max(skip - len(found), 0)
            if len(ids) == limit:
                break
        return ids

    def _grouped_ids(
        self, session: Session, offset: int, limit: int, cancel: threading.Event | None
    ) -> list[uuid.UUID]:
        walks = offset < WALK_GROUPS_OFFSET and (WALK_SEARCHES or not self.filter.search.strip())
        if walks and self._plan_done is None:
            walked = self._walked_ids(session, offset, limit, cancel)
            if walked is not None:
                return walked
        key_column = _raw(_LOOKUP_SORTS[self.sort][0])
        groups = self._plan(session).groups
        starts = [g.start for g in groups]
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        ids: list[uuid.UUID] = []
        position = offset
        while index < len(groups) and len(ids) < limit:
            group = groups[index]
            inside = position - group.start
            wanted = min(limit - len(ids), group.count - inside)
            if wanted > 0:
                ids.extend(self._group_page(session, group, key_column, inside, wanted))
                position += wanted
            index += 1
        return ids

    def _group_page(
        self, session: Session, group: _Group, key_column: Any, offset: int, limit: int
    ) -> list[uuid.UUID]:
        backwards = offset > group.count // 2
        descending = self.descending
        if backwards:
            end = offset + limit
            offset = group.count - end
            descending = not descending
        # A search's hits are probed as the group's (foreign key, tag) index is walked: the
        # group holds a few thousand assets, the search may match hundreds of thousands.
        query = self._filtered(session, select(Asset.id), for_page=True, walk=True)
        query = query.where(_group_condition(group, key_column)).order_by(
            Asset.tag_key.desc() if descending else Asset.tag_key.asc()
        )
        ids = list(session.execute(query.offset(offset).limit(limit)).scalars())
        return ids[::-1] if backwards else ids

    def _in_group(
        self, session: Session, query: Select[Any], group: _Group, key_column: Any
    ) -> Select[Any]:
        return self._filtered(session, query).where(_group_condition(group, key_column))

    def _search_walks(self, session: Session) -> bool:
        """Whether this view's search has enough hits to walk the sort order (SQLite)."""
        if not self.filter.search.strip() or session.get_bind().dialect.name != "sqlite":
            return False
        return self._search_plan_of(session).walk

    def _search_plan_of(self, session: Session) -> _SearchPlan:
        """How a page of this view's search is read (made once, published whole)."""
        plan = self._search_plan
        if plan is None:
            if session.get_bind().dialect.name != "sqlite" or not self.filter.search.strip():
                plan = _SearchPlan(walk=False, hits=None)
            elif self.sort == "tag" and (
                _none_unranked(session)
                or sqlite_all_ranked(session.connection(), self.filter.search)
            ):
                plan = _SearchPlan(walk=False, hits=None, ranked=True)
            elif len(sqlite_needle(self.filter.search)) < TRIGRAM_MIN_LENGTH:
                plan = _SearchPlan(walk=True, hits=None)  # no index: scan the sort order
            else:
                hits = sqlite_hits_below(session.connection(), self.filter.search, WALK_SHARE)
                plan = _SearchPlan(walk=hits is None, hits=hits)
            self._search_plan = plan
        return plan

    def _filtered(
        self,
        session: Session,
        query: Select[Any],
        *,
        for_page: bool = False,
        scan: bool | None = None,
        walk: bool | None = None,
    ) -> Select[Any]:
        # The filter's conditions name only the assets table: no joins needed here.
        query = query.select_from(Asset)
        if not (for_page and self.filter.search.strip()):
            return apply_filter(session, query, self.filter)
        dialect = session.get_bind().dialect.name
        plan = self._search_plan_of(session)
        query = apply_filter(session, query, replace(self.filter, search=""))
        return query.where(
            search_condition(
                dialect,
                self.filter.search,
                walk_sort_index=plan.walk if walk is None else walk,
                scan=bool(scan),
                session=session,
                hits=plan.hits,
            )
        )


@contextmanager
def _cancellable(session: Session, cancel: threading.Event | None) -> Iterator[None]:
    """Interrupt this block's SQLite statements as soon as ``cancel`` is set."""
    if cancel is None or session.get_bind().dialect.name != "sqlite":
        yield
        return
    raw = _driver_connection(session)
    _watch(raw, cancel)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _step_budget(
    session: Session,
    steps: int | None,
    cancel: threading.Event | None = None,
    *,
    deadline: float | None = None,
) -> Iterator[None]:
    """Interrupt the SQLite statements of this block after about ``steps`` VM steps, past
    ``deadline`` (``time.monotonic()``), or when ``cancel`` is set; afterwards ``cancel``
    alone is watched again (if given). Other backends: no effect."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    raw = _driver_connection(session)
    interval = CANCEL_CHECK_STEPS if steps is None else max(1, min(CANCEL_CHECK_STEPS, steps))
    calls = 0

    def spent() -> int:
        nonlocal calls
        calls += 1
        if steps is not None and calls * interval > steps:
            return 1
        if deadline is not None and time.monotonic() > deadline:
            return 1
        return 1 if _is_set(cancel) else 0

    raw.set_progress_handler(spent, interval)
    try:
        yield
    finally:
        _watch(raw, cancel)


def _watch(raw: Any, cancel: threading.Event | None) -> None:
    """Make the SQLite connection interrupt its statements once ``cancel`` is set (None:
    no handler). Already set: the very first step of the next statement is interrupted."""
    if cancel is None:
        raw.set_progress_handler(None, 0)
        return
    interval = 1 if cancel.is_set() else CANCEL_CHECK_STEPS
    raw.set_progress_handler(lambda: 1 if cancel.is_set() else 0, interval)


def _none_unranked(session: Session) -> bool:
    """Whether every asset is ranked in tag order (SQLite): then so are a search's hits,
    known without matching the search (a seek on the rank key, not an index match)."""
    found = (
        session.connection()
        .exec_driver_sql("SELECT 1 FROM asset_search_rank WHERE rank >= ? LIMIT 1", (UNRANKED,))
        .first()
    )
    return found is None


def _group_condition(group: _Group, key_column: Any) -> Any:
    keys = [k for k in group.keys if k is not None]
    conditions = [key_column.in_(keys)] if keys else []
    if None in group.keys:
        conditions.append(key_column.is_(None))
    return or_(*conditions)


def _sort_index(sort: str) -> str:
    """The ``(foreign key, tag_key)`` index of a sort by a looked-up name (migration 0003)."""
    return "asset_sort_model" if sort == "manufacturer" else f"asset_sort_{sort}"


def _driver_connection(session: Session) -> Any:
    return session.connection().connection.driver_connection


def _out_of_budget(exc: OperationalError, cancel: threading.Event | None) -> bool:
    """Whether ``exc`` is :func:`_step_budget` stopping a statement for its steps or its
    deadline (not an error, and not the caller's cancel)."""
    return "interrupted" in str(exc.orig) and not _is_set(cancel)


def _is_set(cancel: threading.Event | None) -> bool:
    return cancel is not None and cancel.is_set()


def _raw(column: Any) -> Any:
    """The column's values as the driver gives them: hex strings on SQLite and MariaDB, not
    UUID objects (making 20,000 of those costs more than the query)."""
    return type_coerce(column, String())


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
