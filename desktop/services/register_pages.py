"""Pages of the asset register for a view that scrolls over up to millions of assets.

:func:`queries.list_assets` is right for exports; a table view needs any page at once,
also deep down and under any sort. Two things make that fast (see migration 0003's
``(column, tag_key)`` indexes):

* A page is read in two steps: first the ids of the page's assets (one walk along an
  index, no joins, read from the nearer end of the list), then those rows with their
  looked-up names.
* Sorting by a looked-up name (category, model, location, person, …) cannot walk an index
  of the assets table. The register is then paged *group by group*: one ``GROUP BY`` on
  the foreign key counts the assets per looked-up row, the groups are ordered by name in
  Python, and a page reads each group it overlaps along the ``(foreign key, tag)`` index.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, String, func, or_, select, type_coerce
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.services.queries import (
    SORT_COLUMNS,
    AssetFilter,
    AssetRow,
    apply_filter,
    asset_position,
    assets_by_ids,
    count_assets,
)
from desktop.services.search import search_condition, sqlite_matches_at_least
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


#: How a page of a search is found on SQLite, by the share of the register it matches:
#: under WALK_SHARE the hits come from the index and are sorted (few of them). From it, a
#: scan along the sort order is tried first, on a budget (a page of well spread hits is
#: found at once); past the budget (hits cluster far down, e.g. one category's prefix)
#: the index's hits are probed while SQLite walks the sort order.
WALK_SHARE = 0.01
#: The scan's budget in SQLite VM steps (about 10-20 ms here).
SCAN_BUDGET_STEPS = 400_000


@dataclass(frozen=True)
class _Group:
    """Assets whose looked-up name is the same (None: no value), in view order."""

    name: str | None
    keys: tuple[Any, ...]  # foreign key values (None stands for NULL)
    start: int
    count: int


class RegisterPager:
    """Reads pages, the count and positions of one filtered, sorted register view.

    Not thread-safe; pass each call the session to use (GUI thread or worker).
    """

    def __init__(self, flt: AssetFilter, *, sort: str = "tag", descending: bool = False) -> None:
        self.filter = flt
        self.sort = sort if sort in SORT_COLUMNS else "tag"
        self.descending = descending
        self._count: int | None = None
        self._groups: list[_Group] | None = None
        self._group_of: dict[Any, int] = {}
        self._search_plan: tuple[bool, bool] | None = None  # (walk, scan)

    @property
    def groups_by_lookup(self) -> bool:
        return self.sort in _LOOKUP_SORTS

    @property
    def known_count(self) -> int | None:
        return self._count

    def count(self, session: Session) -> int:
        if self._count is None:
            if self.groups_by_lookup:
                groups = self._plan(session)
                self._count = groups[-1].start + groups[-1].count if groups else 0
            else:
                self._count = count_assets(session, self.filter)
        return self._count

    def page(self, session: Session, offset: int, limit: int) -> list[AssetRow]:
        """Rows ``offset`` to ``offset + limit`` of the view (fewer at the end)."""
        if limit <= 0 or offset < 0:
            return []
        if self.groups_by_lookup:
            ids = self._grouped_ids(session, offset, limit)
        else:
            ids = self._ordered_ids(session, offset, limit)
        by_id = {row.id: row for row in assets_by_ids(session, ids)}
        return [by_id[i] for i in ids if i in by_id]

    def position(self, session: Session, asset_id: uuid.UUID) -> int | None:
        """The asset's row in this view, or None if the filter hides it."""
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
        groups = self._plan(session)
        group = groups[self._group_of[key]]
        tag_before = Asset.tag_key > tag_key if self.descending else Asset.tag_key < tag_key
        inside = session.execute(
            self._in_group(
                session, select(func.count()).select_from(Asset), group, key_column
            ).where(tag_before)
        ).scalar_one()
        return group.start + int(inside)

    # -- ordered by a column of the assets table -------------------------------------

    def _ordered_ids(self, session: Session, offset: int, limit: int) -> list[uuid.UUID]:
        order = SORT_COLUMNS[self.sort]
        descending = self.descending
        backwards = self._count is not None and offset > self._count // 2
        if backwards:
            # Read from the far end: the database walks min(offset, count - offset) entries.
            assert self._count is not None
            end = min(offset + limit, self._count)
            limit = end - offset
            offset = self._count - end
            descending = not descending

        def read(scan: bool | None) -> list[uuid.UUID]:
            query = self._filtered(session, select(Asset.id), for_page=True, scan=scan)
            query = query.order_by(
                order.desc() if descending else order.asc(),
                Asset.tag_key.desc() if descending else Asset.tag_key.asc(),
            )
            return list(session.execute(query.offset(offset).limit(limit)).scalars())

        if self._search_walks(session):
            # Many hits: scanning the sort order finds a page at once if they are spread
            # out, but not if they cluster far down (a search for one category's prefix).
            # Try the scan on a budget; past it, probe the index's hits instead.
            try:
                with _step_budget(session, SCAN_BUDGET_STEPS):
                    ids = read(scan=True)
            except OperationalError as exc:
                if "interrupted" not in str(exc.orig):
                    raise
                ids = read(scan=None)
        else:
            ids = read(scan=None)
        return ids[::-1] if backwards else ids

    # -- ordered by a looked-up name -------------------------------------------------

    def _plan(self, session: Session) -> list[_Group]:
        if self._groups is not None:
            return self._groups
        key_column = _raw(_LOOKUP_SORTS[self.sort][0])
        names_query = _LOOKUP_SORTS[self.sort][1]
        raw_id = _raw(names_query.selected_columns[0])
        names_query = names_query.with_only_columns(raw_id, names_query.selected_columns[1])
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
        # NULLs first in ascending order (SQLite's and MariaDB's habit), then by name.
        ordered = sorted(by_name, key=lambda n: (n is not None, n or ""), reverse=self.descending)
        groups: list[_Group] = []
        start = 0
        for name in ordered:
            keys = tuple(by_name[name])
            total = sum(counts[k] for k in keys)
            for key in keys:
                self._group_of[key] = len(groups)
            groups.append(_Group(name, keys, start, total))
            start += total
        self._groups = groups
        self._count = start
        return groups

    def _grouped_ids(self, session: Session, offset: int, limit: int) -> list[uuid.UUID]:
        key_column = _raw(_LOOKUP_SORTS[self.sort][0])
        groups = self._plan(session)
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
        query = self._in_group(session, select(Asset.id), group, key_column).order_by(
            Asset.tag_key.desc() if descending else Asset.tag_key.asc()
        )
        ids = list(session.execute(query.offset(offset).limit(limit)).scalars())
        return ids[::-1] if backwards else ids

    def _in_group(
        self, session: Session, query: Select[Any], group: _Group, key_column: Any
    ) -> Select[Any]:
        keys = [k for k in group.keys if k is not None]
        conditions = [key_column.in_(keys)] if keys else []
        if None in group.keys:
            conditions.append(key_column.is_(None))
        return self._filtered(session, query).where(or_(*conditions))

    def _search_walks(self, session: Session) -> bool:
        """Whether this view's search has enough hits to walk the sort order (SQLite)."""
        if not self.filter.search.strip() or session.get_bind().dialect.name != "sqlite":
            return False
        self._filtered(session, select(Asset.id), for_page=True)  # decides the plan
        assert self._search_plan is not None
        return self._search_plan == (True, False)

    def _filtered(
        self,
        session: Session,
        query: Select[Any],
        *,
        for_page: bool = False,
        scan: bool | None = None,
    ) -> Select[Any]:
        # The filter's conditions name only the assets table: no joins needed here.
        query = query.select_from(Asset)
        if not (for_page and self.filter.search.strip()):
            return apply_filter(session, query, self.filter)
        dialect = session.get_bind().dialect.name
        if self._search_plan is None:
            connection = session.connection()
            walk = dialect == "sqlite" and sqlite_matches_at_least(
                connection, self.filter.search, WALK_SHARE
            )
            self._search_plan = (walk, False)  # a scan is tried per page, on a budget
        query = apply_filter(session, query, replace(self.filter, search=""))
        return query.where(
            search_condition(
                dialect,
                self.filter.search,
                walk_sort_index=self._search_plan[0],
                scan=self._search_plan[1] if scan is None else scan,
                session=session,
            )
        )


@contextmanager
def _step_budget(session: Session, steps: int) -> Iterator[None]:
    """Interrupt the SQLite statements of this block after about ``steps`` VM steps."""
    raw: Any = session.connection().connection.driver_connection
    interval = max(1, min(1000, steps))
    calls = 0

    def spent() -> int:
        nonlocal calls
        calls += 1
        return 1 if calls * interval > steps else 0

    raw.set_progress_handler(spent, interval)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def _raw(column: Any) -> Any:
    """The column's values as the driver gives them: hex strings on SQLite and MariaDB, not
    UUID objects (making 20,000 of those costs more than the query)."""
    return type_coerce(column, String())


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
