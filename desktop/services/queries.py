"""Reads: plain values for the GUI, the command line and exports. Paged and sorted in SQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Select, and_, false, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType

from desktop.domain.lifecycle import ACTIVE_STATUSES
from desktop.domain.tags import normalize_tag
from desktop.errors import NotFoundError
from desktop.services.plain_reads import detail_row, history_count, history_rows
from desktop.services.reference import subtree_location_ids
from desktop.services.register_rows import AssetFilter, AssetRow, asset_row
from desktop.services.search_query import search_condition, sqlite_count_matches
from desktop.storage.models import (
    Asset,
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    Procedure,
    Supplier,
)

# AssetFilter and AssetRow are defined in register_rows (light: no ORM) and exported here too.
__all__ = [
    "HISTORY_SHOWN",
    "SORT_COLUMNS",
    "AssetDetail",
    "AssetFilter",
    "AssetRow",
    "Counts",
    "HistoryEntry",
    "apply_filter",
    "asset_detail",
    "asset_history",
    "asset_position",
    "assets_by_ids",
    "count_assets",
    "database_counts",
    "list_assets",
    "overdue_condition",
    "page_rows",
    "stream_assets",
]


_Assignee = aliased(Person, name="assignee")

#: Sortable columns: key → SQL expression (used by the table model and exports).
SORT_COLUMNS: dict[str, Any] = {
    "tag": Asset.tag_key,
    "name": Asset.name,
    "category": Category.name,
    "manufacturer": Manufacturer.name,
    "model": AssetModel.name,
    "serial_number": Asset.serial_number,
    "status": Asset.status,
    "location": Location.name,
    "assigned_to": _Assignee.name,
    "owning_group": Group.name,
    "purchase_date": Asset.purchase_date,
    "purchase_cost": Asset.purchase_cost,
    "order_number": Asset.order_number,
    "supplier": Supplier.name,
    "warranty_end": Asset.warranty_end,
    "last_audited_at": Asset.last_audited_at,
    "updated_at": Asset.updated_at,
}


def _row_select(page: Any = None) -> Select[Any]:
    """The register's row columns over ``assets`` joined to their looked-up names; with
    ``page`` (a subquery with an ``id`` column), over the assets it names only."""
    query: Any = select(
        Asset.id,
        Asset.tag,
        Asset.name,
        Category.name,
        Manufacturer.name,
        AssetModel.name,
        Asset.serial_number,
        Asset.status,
        Location.name,
        _Assignee.name,
        Group.name,
        Asset.purchase_date,
        Asset.purchase_cost,
        Asset.order_number,
        Supplier.name,
        Asset.warranty_end,
        Asset.last_audited_at,
        Asset.notes,
        Asset.version,
        Asset.updated_at,
    )
    if page is None:
        query = query.select_from(Asset)
    else:
        query = query.select_from(page).join(Asset, Asset.id == page.c.id)
    query = (
        # Outer (category is never NULL): keeps assets the driving table, so that SQLite
        # looks rows up by id or walks the sort index instead of scanning by category.
        query.outerjoin(Category, Category.id == Asset.category_id)
        .outerjoin(AssetModel, AssetModel.id == Asset.model_id)
        .outerjoin(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
        .outerjoin(Location, Location.id == Asset.location_id)
        .outerjoin(_Assignee, _Assignee.id == Asset.assigned_to_id)
        .outerjoin(Group, Group.id == Asset.owning_group_id)
        .outerjoin(Supplier, Supplier.id == Asset.supplier_id)
    )
    return cast("Select[Any]", query)


def apply_filter(
    session: Session, query: Select[Any], flt: AssetFilter, *, today: dt.date | None = None
) -> Select[Any]:
    """Add ``flt``'s conditions to a query over assets joined as in :func:`_row_select`."""
    today = today or dt.date.today()
    if flt.search.strip():
        # The backend's search index (FTS5 trigram, pg_trgm, or LIKE): see services.search.
        dialect = session.get_bind().dialect.name
        query = query.where(search_condition(dialect, flt.search, session=session))
    if flt.statuses:
        query = query.where(Asset.status.in_(flt.statuses))
    if flt.category_ids:
        query = query.where(Asset.category_id.in_(flt.category_ids))
    if flt.location_id is not None:
        query = query.where(Asset.location_id.in_(subtree_location_ids(session, flt.location_id)))
    if flt.assigned_to_id is not None:
        query = query.where(Asset.assigned_to_id == flt.assigned_to_id)
    if flt.owning_group_id is not None:
        query = query.where(Asset.owning_group_id == flt.owning_group_id)
    if flt.warranty_within_days is not None:
        query = query.where(
            Asset.warranty_end.is_not(None),
            Asset.warranty_end >= today,
            Asset.warranty_end <= today + dt.timedelta(days=flt.warranty_within_days),
        )
    if flt.overdue_audit:
        query = query.where(overdue_condition(session, today))
    if flt.tags:
        query = query.where(Asset.tag_key.in_([normalize_tag(t) for t in flt.tags]))
    return query


def overdue_condition(session: Session, today: dt.date) -> Any:
    """Assets in an active status whose category's audit interval has passed (never audited counts)."""
    clauses = []
    for category_id, interval in session.execute(
        select(Category.id, Category.audit_interval_days).where(
            Category.audit_interval_days.is_not(None)
        )
    ):
        cutoff = dt.datetime.combine(
            today - dt.timedelta(days=interval or 0), dt.time(), tzinfo=dt.UTC
        )
        clauses.append(
            and_(
                Asset.category_id == category_id,
                or_(Asset.last_audited_at.is_(None), Asset.last_audited_at < cutoff),
            )
        )
    active = Asset.status.in_([s.value for s in ACTIVE_STATUSES])
    return and_(active, or_(*clauses)) if clauses else and_(active, false())


def list_assets(
    session: Session,
    flt: AssetFilter | None = None,
    *,
    sort: str = "tag",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = 200,
) -> list[AssetRow]:
    query = apply_filter(session, _row_select(), flt or AssetFilter())
    order = SORT_COLUMNS.get(sort, Asset.tag_key)
    # Ties are broken by the unique tag in the same direction, so that a page read
    # backwards is exactly the reverse (and an index on (column, tag_key) serves the sort).
    tie = Asset.tag_key.desc() if descending else Asset.tag_key.asc()
    query = query.order_by(order.desc() if descending else order.asc(), tie)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [asset_row(r) for r in session.execute(query)]


def count_assets(session: Session, flt: AssetFilter | None = None) -> int:
    flt = flt or AssetFilter()
    if flt == AssetFilter():
        return int(session.execute(select(func.count()).select_from(Asset)).scalar_one())
    if session.get_bind().dialect.name == "sqlite" and flt == AssetFilter(search=flt.search):
        # A search alone: the index has one row per asset (300,000 hits: 20 ms, not 450).
        return sqlite_count_matches(session.connection(), flt.search)
    # The filter only names asset columns (and sub-selects): no joins needed to count.
    query = apply_filter(session, select(func.count()).select_from(Asset), flt)
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class HistoryEntry:
    procedure_id: uuid.UUID
    kind: str
    state: str
    performed_by: str
    performed_by_username: str
    performed_at: dt.datetime
    ticket_ref: str
    reason: str
    template_version: int
    origin: str
    origin_detail: str
    answers: dict[str, Any]
    changes: tuple[dict[str, Any], ...]
    approvals: tuple[dict[str, Any], ...] = ()
    #: The note recorded with the procedure (a replayed or re-applied kit record says
    #: where it came from; an import, its file and row).
    note: str = ""


@dataclass(frozen=True)
class AssetDetail:
    row: AssetRow
    category_id: uuid.UUID
    location_id: uuid.UUID | None
    assigned_to_id: uuid.UUID | None
    owning_group_id: uuid.UUID | None
    model_id: uuid.UUID | None
    supplier_id: uuid.UUID | None
    custom_fields: dict[str, Any]
    custom_field_definitions: tuple[dict[str, Any], ...]
    #: The newest procedures (all of them or a limited number, see :func:`asset_detail`).
    history: tuple[HistoryEntry, ...] = field(default_factory=tuple)
    #: How many procedures the asset has in all.
    history_count: int = 0

    @property
    def history_complete(self) -> bool:
        return len(self.history) >= self.history_count


#: How many procedures an asset's detail holds, newest first (the window's panel and
#: ``asset show``); :func:`asset_history` reads them all.
HISTORY_SHOWN = 20


def asset_history(
    session: Session, asset_id: uuid.UUID, *, limit: int | None = None
) -> list[HistoryEntry]:
    """The asset's procedures, newest first, with their approvals: all of them, or the
    ``limit`` most recent."""
    return _history(session.connection(), asset_id, limit)[0]


def _history(
    connection: Connection, asset_id: uuid.UUID, limit: int | None
) -> tuple[list[HistoryEntry], int]:
    """The newest ``limit`` procedures (None: all) and how many the asset has, by one
    prepared statement of plain rows (:mod:`desktop.services.plain_reads`)."""
    entries: dict[uuid.UUID, tuple[Any, list[dict[str, Any]]]] = {}
    total = 0
    for r in history_rows(connection, asset_id, limit):
        total = r[14]
        _p, decisions = entries.setdefault(r[0], (r, []))
        if r[16] is not None:  # an approval (decision is NOT NULL)
            decisions.append(
                {
                    "approver": r[15],
                    "decision": r[16],
                    "comment": r[17],
                    "decided_at": r[18].isoformat(),
                    "groups": [g["name"] for g in r[19] or ()],
                }
            )
    history = [
        HistoryEntry(
            procedure_id=p[0],
            kind=p[1],
            state=p[2],
            performed_by=p[3],
            performed_by_username=p[4],
            performed_at=p[5],
            ticket_ref=p[7],
            reason=p[8],
            template_version=p[9],
            origin=p[10],
            origin_detail=p[11],
            answers=dict(p[12] or {}),
            changes=tuple(p[13] or ()),
            approvals=tuple(decisions),
            note=p[20] or "",
        )
        for p, decisions in entries.values()
    ]
    return history, int(total)


def asset_scanned(session: Session, *, code: str) -> AssetDetail:
    """The asset a scanned or typed code names, without its history: the one with that
    tag, else the one asset whose serial number it is (as written, or in capitals).

    A device's own barcode is often its serial number (Apple, Dell service tags): scanned
    into the window, one that an asset had as its serial was "No asset has the tag
    C02LST1" with an offer to receive a new asset of that tag — a duplicate (newuser18).
    A serial two assets share names neither: NotFoundError, as for an unknown tag."""
    try:
        return asset_detail(session, tag=code, history_limit=0)
    except NotFoundError:
        text = code.strip()
        found = (
            session.execute(
                select(Asset.id).where(Asset.serial_number.in_({text, text.upper()})).limit(2)
            )
            .scalars()
            .all()
        )
        if len(found) != 1:
            raise
        return asset_detail(session, asset_id=found[0], history_limit=0)


def asset_detail(
    session: Session,
    *,
    tag: str | None = None,
    asset_id: uuid.UUID | None = None,
    history_limit: int | None = HISTORY_SHOWN,
) -> AssetDetail:
    """One asset's fields and its newest ``history_limit`` procedures (None: all; 0:
    none), by two statements of plain rows. ``history_count`` says how many there are."""
    connection = session.connection()  # plain rows by prepared statements
    if asset_id is not None:
        r = detail_row(connection, tag_key=None, asset_id=asset_id)
    else:
        r = detail_row(connection, tag_key=normalize_tag(tag or ""), asset_id=None)
    if r is None:
        raise NotFoundError(
            f"there is no asset with the tag '{(tag or '').strip()}'"
            if asset_id is None
            else f"there is no asset with id {asset_id}"
        )
    row = asset_row(r)
    if history_limit == 0:
        history: list[HistoryEntry] = []
        count = history_count(connection, row.id)
    else:
        history, count = _history(connection, row.id, history_limit)
    return AssetDetail(
        row=row,
        category_id=r[20],
        location_id=r[21],
        assigned_to_id=r[22],
        owning_group_id=r[23],
        model_id=r[24],
        supplier_id=r[25],
        custom_fields=dict(r[26] or {}),
        custom_field_definitions=tuple(r[27] or ()),
        history=tuple(history),
        history_count=count,
    )


@dataclass(frozen=True)
class Counts:
    assets: int
    procedures: int
    people: int
    locations: int
    categories: int


def database_counts(session: Session) -> Counts:
    def n(model: Any) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    return Counts(n(Asset), n(Procedure), n(Person), n(Location), n(Category))


def assets_by_ids(session: Session, ids: list[uuid.UUID]) -> list[AssetRow]:
    """The register rows of these assets (in no particular order), for refreshing a view."""
    if not ids:
        return []
    query = _row_select().where(Asset.id.in_(ids))
    return [asset_row(r) for r in session.connection().execute(query)]


def page_rows(
    session: Session, ids_query: Select[Any], keys: Sequence[Any], *, descending: bool
) -> list[AssetRow]:
    """The register rows of the assets ``ids_query`` selects (their ``id``, ordered by
    ``keys`` and limited to a page), in that order, by one statement of plain rows.

    The page's ids are found first (the query runs as it is, as a subquery), then only
    those assets are joined to their looked-up names and ordered again by ``keys``.
    """
    page = ids_query.add_columns(*(key.label(f"page_key_{n}") for n, key in enumerate(keys)))
    found = page.subquery("page")
    order = [found.c[f"page_key_{n}"] for n in range(len(keys))]
    query = _row_select(found).order_by(*(k.desc() if descending else k.asc() for k in order))
    return [asset_row(r) for r in session.connection().execute(query)]


def asset_position(
    session: Session,
    flt: AssetFilter,
    asset_id: uuid.UUID,
    *,
    sort: str = "tag",
    descending: bool = False,
) -> int | None:
    """The asset's row number in :func:`list_assets` order, or None if ``flt`` hides it.

    Counts the rows that sort before it, so that a view can scroll to an asset it has
    not loaded (a scanned tag) without reading the rows in between.
    """
    order = SORT_COLUMNS.get(sort, Asset.tag_key)
    # The filter names only the assets' columns (and sub-selects): a sort by one of them
    # needs no joins, and the count is a walk along one index (joined, a million rows
    # took seconds). A looked-up name needs its join.
    base = select(Asset.id).select_from(Asset) if order.table is Asset.__table__ else _row_select()
    found = session.execute(
        apply_filter(session, base, flt)
        .with_only_columns(Asset.tag_key, order)
        .where(Asset.id == asset_id)
    ).first()
    if found is None:
        return None
    tag_key, value = found
    # Where NULLs sort: first in ascending order except on PostgreSQL (last).
    nulls_first = (session.get_bind().dialect.name != "postgresql") != descending
    tag_before = Asset.tag_key > tag_key if descending else Asset.tag_key < tag_key
    if order is Asset.tag_key:
        before: Any = tag_before  # unique and never NULL
    elif value is None:
        before = (
            and_(order.is_(None), tag_before)
            if nulls_first
            else or_(order.is_not(None), and_(order.is_(None), tag_before))
        )
    else:
        before = or_(
            order > value if descending else order < value, and_(order == value, tag_before)
        )
        if nulls_first:
            before = or_(order.is_(None), before)
    query = apply_filter(session, base, flt).with_only_columns(func.count()).where(before)
    return int(session.execute(query).scalar_one())


def stream_stored_assets(
    session: Session,
    flt: AssetFilter | None = None,
    *,
    batch_size: int = 2000,
    order: Sequence[Any] = (),
) -> Generator[Sequence[Any]]:
    """The rows :func:`stream_assets` reads (its columns, then ``custom_fields`` and
    ``location_id``), in tag order or by ``order`` (ORDER BY clauses over the joins of
    :func:`_row_select`), as the driver returns them: no conversion to Python
    types (a CSV export turns them into text itself). What the driver returns differs by
    backend — SQLite gives UUIDs as 32 hex digits, dates, times and JSON as text;
    PostgreSQL gives ``uuid.UUID``, ``datetime`` and decoded JSON — and ``Money`` is
    integer cents everywhere."""
    shape = _row_select().add_columns(Asset.custom_fields, Asset.location_id)
    raw = [type_coerce(c, NullType()) for c in shape.selected_columns]
    query = apply_filter(
        session, cast("Select[Any]", shape.with_only_columns(*raw)), flt or AssetFilter()
    )
    query = query.order_by(*order) if order else query.order_by(Asset.tag_key)
    result = session.connection().execution_options(yield_per=batch_size).execute(query)
    try:
        yield from result
    finally:
        result.close()  # a server-side cursor (PostgreSQL) is closed even when the reader stops early


def stream_assets(
    session: Session,
    flt: AssetFilter | None = None,
    *,
    batch_size: int = 2000,
    location_names: dict[uuid.UUID, str] | None = None,
) -> Generator[tuple[AssetRow, dict[str, Any]]]:
    """Every asset ``flt`` shows, in tag order, with its custom fields — streamed in
    batches so that an export of a million rows never holds them all (spreadsheets).

    ``location_names`` (location id → text) replaces each row's location name: the
    export names every location uniquely.
    """
    query = apply_filter(
        session,
        _row_select().add_columns(Asset.custom_fields, Asset.location_id),
        flt or AssetFilter(),
    )
    query = query.order_by(Asset.tag_key)
    # Executed on the connection (plain rows, no ORM result processing: a third faster).
    result = session.connection().execution_options(yield_per=batch_size).execute(query)
    try:
        for r in result:
            values: Sequence[Any] = r
            if location_names is not None and r[21] is not None:
                name = location_names.get(r[21])
                if name is not None:  # (a new tuple: dataclasses.replace costs 10x more)
                    values = (*r[:8], name, *r[9:])
            yield asset_row(values), dict(r[20] or {})
    finally:
        result.close()  # a server-side cursor (PostgreSQL) is closed even when the reader stops early
