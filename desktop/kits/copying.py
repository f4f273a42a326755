"""Copying a scope of the source into a kit: one set-based statement per table.

The scope is a condition the source evaluates itself (a recursive query for the
locations and their sub-locations, the people, the search, the audit), never a list of
ids sent back and forth in chunks. Two ways, the same rows:

- a SQLite source attached to the kit's connection as ``src`` (see
  :func:`desktop.kits.schema.attach_source`): rows go across inside SQLite
  (``INSERT … SELECT``); the scope's asset ids are put once in a temporary table;
- a server (PostgreSQL, MariaDB): each table is read with one query and written with
  the SQLite driver's ``executemany``, each value converted by the column type's own
  bind processor (what SQLAlchemy would store, without building a statement per row).

The kit's base values (the three-way comparison's base at sync) are read back from the
kit's own rows with the column types' result processors.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from itertools import chain
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    Enum,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Uuid,
    false,
    func,
    insert,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType

from desktop.domain.fields import ASSET_FIELDS, CUSTOM_PREFIX
from desktop.domain.incidents import IncidentStatus
from desktop.domain.lifecycle import ProcedureState
from desktop.errors import NotFoundError
from desktop.kits.model import HISTORY_PER_ASSET, Cancel, KitCancelled, Progress, Scope
from desktop.services.search_query import search_condition
from desktop.services.values import json_value
from desktop.storage.models import Asset, Audit, AuditExpected, Base, Location
from desktop.storage.types import UTCDateTime

#: Tables copied whole (reference data and configuration).
WHOLE_TABLES = (
    "categories",
    "tag_sequences",
    "manufacturers",
    "asset_models",
    "suppliers",
    "locations",
    "groups",
    "roles",
    "people",
    "group_memberships",
    "person_roles",
    "procedure_templates",
    "label_templates",
    "import_profiles",
)

#: Tables a kit holds part of (or nothing: the server-side kit tables).
DATA_TABLES = (
    "assets",
    "procedures",
    "approvals",
    "audits",
    "audit_expected",
    "audit_scans",
    "incidents",
    "incident_assets",
    "incident_events",
)


_SCOPE = Table("kit_scope", MetaData(), Column("id", Uuid, primary_key=True), schema="temp")

#: The source's tables as an attached file's (``src.<name>``).
_ATTACHED_SOURCE = MetaData()

Where = Callable[[Table], ColumnElement[bool]]
Rows = Callable[[Table], Select[Any]]


def scope_places(session: Session, scope: Scope) -> Select[tuple[uuid.UUID]]:
    """The ids of the scope's locations and all their sub-locations (and the scope
    audit's), as a recursive query the source runs."""
    roots: list[uuid.UUID] = list(scope.location_ids)
    if scope.audit_id is not None:
        audit = session.get(Audit, scope.audit_id)
        if audit is None:
            raise NotFoundError(f"there is no audit with id {scope.audit_id}")
        roots.append(audit.scope_location_id)
    places = select(Location.id).where(Location.id.in_(roots)).cte("places", recursive=True)
    below = select(Location.id).join(places, Location.parent_id == places.c.id)
    places = places.union(below)
    return select(places.c.id)


def scope_condition(session: Session, scope: Scope) -> ColumnElement[bool]:
    """True for the source's assets in ``scope`` (any part of it)."""
    parts: list[ColumnElement[bool]] = []
    if scope.location_ids or scope.audit_id is not None:
        parts.append(Asset.location_id.in_(scope_places(session, scope)))
    if scope.assigned_to_ids:
        parts.append(Asset.assigned_to_id.in_(scope.assigned_to_ids))
    if scope.search:
        dialect = session.get_bind().dialect.name
        parts.append(
            search_condition(
                dialect, scope.search, session=session if dialect != "sqlite" else None
            )
        )
    if scope.audit_id is not None:
        parts.append(
            Asset.id.in_(
                select(AuditExpected.asset_id).where(AuditExpected.audit_id == scope.audit_id)
            )
        )
    return or_(*parts) if parts else false()


def scope_asset_ids(session: Session, scope: Scope) -> list[uuid.UUID]:
    """The ids of the assets in ``scope`` (sorted)."""
    return sorted(
        session.execute(select(Asset.id).where(scope_condition(session, scope))).scalars()
    )


#: The prefix of the staging tables (in the kit connection's ``temp`` schema) a refresh
#: copies the source's rows into before it compares them with the kit's.
STAGED = "kit_new_"
#: The prefix of the tables (``temp``) holding the full rows a refresh read for the
#: narrowed tables' keys that moved.
FULL = "kit_full_"

#: Tables a refresh stages by key (and version) only: the columns read for them. A row
#: is read whole only where its key is new to the kit, its version differs from the
#: kit's, or the kit itself wrote it since it was filled (see
#: :func:`desktop.kits.schema.refresh`). Every write of an asset or a procedure bumps
#: its version (the ORM's version counter; the bulk writers, imports and the sync's
#: bulk replay set it themselves); audit scans are append-only (the database refuses
#: UPDATE, migration 0012) and an audit's expected rows are written once, when it
#: starts. The other tables are staged whole and compared row by row.
NARROWED: dict[str, tuple[str, ...]] = {
    "assets": ("id", "version"),
    "procedures": ("id", "version"),
    "audit_expected": ("audit_id", "asset_id"),
    "audit_scans": ("id",),
}


def staged_table(name: str, prefix: str = STAGED) -> Table:
    """The staging table of the kit's table ``name`` (``temp.kit_new_<name>``, or
    ``prefix``'s)."""
    found = _STAGED_TABLES.tables.get(f"temp.{prefix}{name}")
    if found is None:  # made once per process: the columns only
        columns = [Column(c.name, c.type) for c in Base.metadata.tables[name].c]
        found = Table(prefix + name, _STAGED_TABLES, *columns, schema="temp")
    return found


_STAGED_TABLES = MetaData()


class _Copier:
    """Copies rows of the source's tables (``session``) into the kit's (``kit``), or
    into their staging tables (``staged``: see :func:`stage_scope`)."""

    def __init__(
        self, session: Session, kit: Connection, scope: Scope, *, staged: bool, full: bool = False
    ) -> None:
        self.session = session
        self.kit = kit
        self.scope = scope
        self.staged = staged
        self.full = full  # staged: the narrowed tables whole (into ``temp.kit_full_<name>``)
        self.tables = {table.name: table for table in Base.metadata.sorted_tables}
        self.attached = any(row[1] == "src" for row in kit.exec_driver_sql("PRAGMA database_list"))
        self._scope_ids: Select[Any] | None = None
        #: (Attached, staged for a refresh) the scope's asset keys are staged already
        #: (:meth:`put_scope`), and they are the scope the other tables' queries read.
        self.assets_staged = False

    def target(self, name: str) -> Table:
        """The kit's table ``name`` the copy writes (its staging table when staged)."""
        if self.full:
            return staged_table(name, FULL)
        return staged_table(name) if self.staged else self.tables[name]

    def columns(self, name: str) -> list[str]:
        """The columns of table ``name`` the copy reads (a narrowed table's key when
        staged for a refresh)."""
        if self.staged and not self.full and name in NARROWED:
            return list(NARROWED[name])
        return [c.name for c in self.tables[name].c]

    def source(self, name: str) -> Table:
        """The source's table ``name`` as seen from where the copy's query runs."""
        if not self.attached:
            return self.tables[name]
        found = _ATTACHED_SOURCE.tables.get(f"src.{name}")
        if found is None:  # made once per process
            found = self.tables[name].to_metadata(_ATTACHED_SOURCE, schema="src")
        return found

    def scope_ids(self) -> Select[Any]:
        """The scope's asset ids, as a query where the copy's queries run."""
        if self.attached:
            if self.assets_staged:
                return select(staged_table("assets").c.id)
            return select(_SCOPE.c.id)
        if self._scope_ids is None:  # one query object: its places are one CTE
            self._scope_ids = select(Asset.id).where(scope_condition(self.session, self.scope))
        return self._scope_ids

    def copied_ids(self, name: str, rows: Rows) -> Select[Any]:
        """The ids of table ``name``'s rows copied (``rows``), where queries run."""
        if self.attached:
            return select(self.target(name).c.id)
        return select(rows(self.source(name)).subquery().c.id)

    def put_scope(self) -> None:
        """(Attached source) the scope's asset ids into a temporary table of the kit's
        connection, read once by the source's own query."""
        if not self.attached:
            return
        self.kit.exec_driver_sql("DROP TABLE IF EXISTS temp.kit_scope")
        self.kit.exec_driver_sql("CREATE TABLE temp.kit_scope (id CHAR(32) PRIMARY KEY)")
        if not self.scope.search:
            # Found by the kit's connection in the attached file itself (``src.``): the
            # ids do not cross into Python and back (~40 ms of 10,000). A search's
            # condition names the search index's own tables in SQL text, which no
            # schema map reaches: it is evaluated by the source's session, below.
            condition = scope_condition(self.session, self.scope)
            if self.staged and not self.full:
                # A refresh stages the scope's asset keys (and versions) in the same
                # pass: its other tables read the scope from them (one pass over the
                # source's assets, not a second one looking up each id of the scope).
                keys = list(NARROWED["assets"])
                table = cast(Table, Asset.__table__)
                found = select(*(table.c[c] for c in keys)).where(condition)
                staged = insert(staged_table("assets")).from_select(keys, found)
                self.kit.execute(staged.execution_options(schema_translate_map={None: "src"}))
                self.kit.exec_driver_sql(
                    f'CREATE INDEX temp."{STAGED}assets_key" ON "{STAGED}assets" (id)'
                )
                self.assets_staged = True
                return
            found = select(Asset.id).where(condition)
            copy = insert(_SCOPE).prefix_with("OR IGNORE").from_select(["id"], found)
            self.kit.execute(copy.execution_options(schema_translate_map={None: "src"}))
            return
        stored = type_coerce(Asset.id, String)  # as stored: 32 hex digits, no UUID made
        ids = (
            self.session.connection()  # Core rows: no ORM row handling per id
            .execute(select(stored).where(scope_condition(self.session, self.scope)))
            .all()  # fetched at once (row by row costs SQLAlchemy's work per row)
        )
        driver: Any = self.kit.connection.dbapi_connection  # in the kit's transaction
        driver.executemany("INSERT OR IGNORE INTO temp.kit_scope (id) VALUES (?)", ids)

    def drop_scope(self) -> None:
        if self.attached:
            self.kit.exec_driver_sql("DROP TABLE IF EXISTS temp.kit_scope")

    def copy(
        self,
        name: str,
        where: Where | None = None,
        *,
        order: str | None = None,
        rows: Rows | None = None,
    ) -> None:
        """Copy the source's rows of table ``name`` matching ``where`` (all when None),
        in the order of column ``order`` (the kit's row ids follow it); or the rows
        ``rows`` selects (its columns in the table's order)."""
        target = self.target(name)
        wanted = self.columns(name)
        if self.attached and where is None and rows is None:
            # A whole table (reference data) needs no statement built and compiled by
            # SQLAlchemy (~2 ms each, in every new process, 14 tables): the same
            # ``INSERT … SELECT`` written out.
            columns = ", ".join(f'"{c}"' for c in wanted)
            ordered = f' ORDER BY "{order}"' if order is not None else ""
            self.kit.exec_driver_sql(
                f"INSERT INTO {_qualified(target)} ({columns}) "  # noqa: S608 - our names
                f'SELECT {columns} FROM src."{name}"{ordered}'
            )
            return
        source = self.source(name)
        if rows is not None:
            query = rows(source)
            if len(wanted) < len(source.c):
                chosen = query.subquery()
                query = select(*(chosen.c[c] for c in wanted))
        else:
            query = select(*(source.c[c] for c in wanted))
            if where is not None:
                query = query.where(where(source))
            if order is not None:
                query = query.order_by(source.c[order])
        if self.attached:
            self.kit.execute(insert(target).from_select(wanted, query))
            return
        # The driver's values, unprocessed (no UUID or aware time made only to be
        # taken apart again), each turned straight into what the kit stores.
        raw = query.with_only_columns(
            *(type_coerce(c, NullType()).label(c.name) for c in query.selected_columns)
        )
        result = self.session.connection().execute(raw)
        server = self.session.get_bind().dialect
        written = [target.c[c] for c in wanted]
        convert = [
            (k, converter)
            for k, column in enumerate(written)
            if (converter := _to_kit(column, server, self.kit.dialect)) is not None
        ]
        columns = ", ".join(f'"{c.name}"' for c in written)
        marks = ", ".join("?" * len(written))
        into = f'temp."{target.name}"' if self.staged else f'"{name}"'
        statement = f"INSERT INTO {into} ({columns}) VALUES ({marks})"  # noqa: S608
        driver: Any = self.kit.connection.dbapi_connection  # in the kit's transaction
        while batch := result.fetchmany(5000):
            values = [list(row) for row in batch]
            for row in values:
                for k, converter in convert:
                    if row[k] is not None:
                        row[k] = converter(row[k])
            driver.executemany(statement, values)


def _uuid_to_kit(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return value.hex
    text_ = str(value)
    return text_.replace("-", "") if len(text_) == 36 else uuid.UUID(text_).hex


def _datetime_to_kit(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.isoformat(" ", "microseconds")  # SQLAlchemy's SQLite storage format
    if isinstance(value, str):  # a SQLite source not attached (in memory): stored so
        return value
    raise TypeError(f"not a naive UTC time: {value!r}")


def _json_to_kit(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _date_to_kit(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _to_kit(column: Column[Any], server: Dialect, kit: Dialect) -> Callable[[Any], Any] | None:
    """How a server driver's value of ``column`` becomes what the kit stores (None: as
    it is): a direct conversion for the usual types; otherwise the server's result
    processor and the kit's bind processor, as SQLAlchemy would do."""
    kind = column.type
    impl = kind.dialect_impl(server)
    if isinstance(kind, Uuid):
        return _uuid_to_kit
    if isinstance(kind, JSON):
        return _json_to_kit
    if isinstance(kind, DateTime | UTCDateTime):
        return _datetime_to_kit
    if isinstance(kind, Date) and not isinstance(kind, DateTime):
        return _date_to_kit
    if isinstance(kind, String | Integer) and not isinstance(kind, Enum):
        return None
    reader = impl.result_processor(server, None)
    writer = kind.dialect_impl(kit).bind_processor(kit)
    if reader is None and writer is None:
        return None
    return lambda value: _through(value, reader, writer)


def _through(
    value: Any, reader: Callable[[Any], Any] | None, writer: Callable[[Any], Any] | None
) -> Any:
    value = reader(value) if reader is not None else value
    return writer(value) if writer is not None and value is not None else value


def copy_scope(
    session: Session,
    kit: Connection,
    scope: Scope,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> list[str]:
    """Copy reference data and ``scope``'s records from ``session`` (the source) into the
    empty data tables of ``kit`` (inside the caller's transaction), and the kit's base
    rows; return the scope's asset ids (32 hex digits each, sorted)."""
    copier = _Copier(session, kit, scope, staged=False)
    _copy_all(copier, scope, progress=progress, cancel=cancel)
    asset_ids = base_rows(kit)
    return asset_ids


def stage_scope(
    session: Session,
    kit: Connection,
    scope: Scope,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    """Copy the rows :func:`copy_scope` would copy into the kit's staging tables
    (``temp.kit_new_<table>``, made here without indexes or triggers; the kit's own
    tables are not touched), for a refresh to compare them with the kit's rows."""
    driver: Any = kit.connection.dbapi_connection  # in the kit's transaction
    for name in (*WHOLE_TABLES, *DATA_TABLES):
        driver.execute(f'DROP TABLE IF EXISTS temp."{STAGED}{name}"')
        driver.execute(
            f'CREATE TEMP TABLE "{STAGED}{name}" AS SELECT * FROM main."{name}" WHERE 0'  # noqa: S608
        )
    _copy_all(_Copier(session, kit, scope, staged=True), scope, progress=progress, cancel=cancel)


def stage_full(session: Session, kit: Connection, scope: Scope) -> None:
    """Copy the source's whole rows of the narrowed tables whose keys a refresh wants
    (``temp.kit_want_<table>``, made by the caller) into ``temp.kit_full_<table>``."""
    copier = _Copier(session, kit, scope, staged=True, full=True)
    for name, columns in NARROWED.items():
        kit.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{FULL}{name}"')
        kit.exec_driver_sql(
            f'CREATE TEMP TABLE "{FULL}{name}" AS SELECT * FROM main."{name}" WHERE 0'  # noqa: S608
        )
        keys = [c for c in columns if c != "version"]
        want = f'temp."{WANT}{name}"'
        if copier.attached:
            table = _want_table(name, keys)
            copier.copy(name, _keys_in_table(keys, table))
            continue
        listed = kit.exec_driver_sql(f"SELECT {', '.join(keys)} FROM {want}").all()  # noqa: S608
        for part in range(0, len(listed), 500):
            rows = [tuple(uuid.UUID(hex=v) for v in row) for row in listed[part : part + 500]]
            copier.copy(name, _keys_in(keys, rows))


def _keys_in_table(keys: list[str], table: Table) -> Where:
    """True for a table's rows whose key (columns ``keys``) is in ``table``."""

    def where(t: Table) -> ColumnElement[bool]:
        if len(keys) == 1:
            return t.c[keys[0]].in_(select(table.c[keys[0]]))
        return tuple_(*(t.c[c] for c in keys)).in_(select(*(table.c[c] for c in keys)))

    return where


def _keys_in(keys: list[str], rows: list[tuple[uuid.UUID, ...]]) -> Where:
    """True for a table's rows whose key (columns ``keys``) is one of ``rows``."""

    def where(t: Table) -> ColumnElement[bool]:
        if len(keys) == 1:
            return t.c[keys[0]].in_([v for (v,) in rows])
        return tuple_(*(t.c[c] for c in keys)).in_(rows)

    return where


#: The prefix of the tables (``temp``) of the narrowed tables' keys a refresh reads whole.
WANT = "kit_want_"

_WANT_TABLES = MetaData()


def _want_table(name: str, keys: list[str]) -> Table:
    found = _WANT_TABLES.tables.get(f"temp.{WANT}{name}")
    if found is None:
        found = Table(WANT + name, _WANT_TABLES, *(Column(k, Uuid) for k in keys), schema="temp")
    return found


def drop_staged(kit: Connection) -> None:
    for name in (*WHOLE_TABLES, *DATA_TABLES):
        kit.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{STAGED}{name}"')
    for name in NARROWED:
        kit.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{FULL}{name}"')
        kit.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{WANT}{name}"')


def _copy_all(
    copier: _Copier,
    scope: Scope,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    steps = len(WHOLE_TABLES) + 5
    done = 0

    def step(text_: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, steps), steps, text_)
        if cancel is not None and cancel():
            raise KitCancelled("the checkout was cancelled; nothing was recorded")

    for name in WHOLE_TABLES:
        copier.copy(name)
        step(f"Reference data: {name.replace('_', ' ')}")

    copier.put_scope()
    try:
        _copy_records(copier, scope, step)
    finally:
        copier.drop_scope()
    step("Base values")


def _copy_records(copier: _Copier, scope: Scope, step: Callable[[str], None]) -> None:
    scope_ids = copier.scope_ids
    # In tag order, as the register is read: the search index is built several times
    # faster over rows stored in the order of its ranks.
    # (Keys staged for a refresh's comparison need no order.)
    in_order = None if copier.staged and not copier.full else "tag_key"
    if not copier.assets_staged:
        copier.copy("assets", lambda t: t.c.id.in_(scope_ids()), order=in_order)
    step("Assets")

    def recent(t: Table) -> Select[Any]:
        """Each asset's last few procedures, and every pending one (one pass: the rows
        are ranked and kept or not as they are read). Only the columns copied (keys
        staged for a refresh: id and version) and the state go through the window,
        which SQLite materializes: all of 11,000 procedures' columns cost a refresh's
        staging ~3 ms more."""
        wanted = copier.columns("procedures")
        carried = [*wanted, *([] if "state" in wanted else ["state"])]
        ranked = (
            select(
                *(t.c[c] for c in carried),
                func.row_number()
                .over(
                    partition_by=t.c.asset_id,
                    order_by=(t.c.performed_at.desc(), t.c.id.desc()),
                )
                .label("kit_place"),
            )
            .where(t.c.asset_id.in_(scope_ids()))
            .subquery()
        )
        return select(*(ranked.c[c] for c in wanted)).where(
            or_(
                ranked.c.kit_place <= HISTORY_PER_ASSET,
                ranked.c.state == ProcedureState.PENDING_APPROVAL.value,
            )
        )

    copier.copy("procedures", rows=recent)
    procedures = copier.copied_ids("procedures", recent)
    copier.copy("approvals", lambda t: t.c.procedure_id.in_(procedures))
    step("Recent history")

    # Open audits of the scope's places (and the scope's audit).
    places = (
        set(copier.session.execute(scope_places(copier.session, scope)).scalars())
        if scope.location_ids or scope.audit_id is not None
        else set()
    )
    audits = copier.session.execute(
        select(Audit.id, Audit.scope_location_id).where(Audit.status == "open")
    ).all()
    audit_ids = [a.id for a in audits if a.id == scope.audit_id or a.scope_location_id in places]
    if audit_ids:
        copier.copy("audits", lambda t: t.c.id.in_(audit_ids))
        copier.copy(
            "audit_expected",
            lambda t: t.c.audit_id.in_(audit_ids) & t.c.asset_id.in_(scope_ids()),
        )
        copier.copy(
            "audit_scans",
            lambda t: (
                t.c.audit_id.in_(audit_ids)
                & (t.c.asset_id.is_(None) | t.c.asset_id.in_(scope_ids()))
            ),
        )
    step("Open audits")

    # Open incidents about assets in scope.
    def open_incidents(t: Table) -> ColumnElement[bool]:
        links = copier.source("incident_assets")
        return t.c.id.in_(select(links.c.incident_id).where(links.c.asset_id.in_(scope_ids()))) & (
            t.c.status != IncidentStatus.CLOSED.value
        )

    copier.copy("incidents", open_incidents)
    incidents = copier.copied_ids("incidents", lambda t: select(t.c.id).where(open_incidents(t)))
    copier.copy(
        "incident_assets",
        lambda t: t.c.incident_id.in_(incidents) & t.c.asset_id.in_(scope_ids()),
    )
    copier.copy("incident_events", lambda t: t.c.incident_id.in_(incidents))
    # A fix by a procedure the kit does not hold is not pointed at.
    incidents_, procedures_ = copier.target("incidents"), copier.target("procedures")
    copier.kit.exec_driver_sql(
        f"UPDATE {_qualified(incidents_)} SET fixed_by_procedure_id = NULL "  # noqa: S608
        "WHERE fixed_by_procedure_id IS NOT NULL "
        f"AND fixed_by_procedure_id NOT IN (SELECT id FROM {_qualified(procedures_)})"
    )
    step("Open incidents")


def _qualified(table: Table) -> str:
    return f'{table.schema}."{table.name}"' if table.schema else f'"{table.name}"'


#: (start, length) of the five groups of a UUID's 32 hex digits (SQLite's substr).
_UUID_CUTS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


def _uuid_text(stored: str) -> str:
    """A UUID as the kit stores it (32 hex digits) in its JSON form (``str(uuid)``)."""
    return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"


def _json_reader(column: Column[Any], dialect: Dialect) -> Callable[[Any], object] | None:
    """How a value of ``column`` stored in a kit becomes its JSON value (None: as is)."""
    kind = column.type
    if isinstance(kind, Uuid):
        return _uuid_text  # what json_value(uuid.UUID(stored)) gives
    if isinstance(kind, String | Integer | Date) and not isinstance(kind, DateTime):
        return None  # stored as the text/number json_value gives (dates as YYYY-MM-DD)
    reader = kind.dialect_impl(dialect).result_processor(dialect, None)
    if reader is None:
        return json_value
    return lambda stored: json_value(reader(stored))


def base_rows(kit: Connection, only: str = "1", *, listed: bool = True) -> list[str]:
    """Write the kit's base rows (``kit_base``: the values each field had when the kit
    was filled, as the sync compares them: those of :func:`desktop.kits.schema.base_values`
    of the asset) of the assets matching the SQL condition ``only`` (all by default);
    return the kit's asset ids (sorted; none unless ``listed``).

    Assets whose values SQLite writes as JSON the way the sync reads them (text, numbers,
    dates, ids; no time, money or custom field) get theirs in one statement; the others
    through the column types' result processors and :func:`json_value`."""
    assets = Base.metadata.tables["assets"]
    dialect = kit.dialect
    fields = [(spec.key, assets.c[spec.column]) for spec in ASSET_FIELDS]
    pairs: list[str] = []
    special: list[str] = []
    for key, column in fields:
        name = f'"{column.name}"'
        if isinstance(column.type, Uuid):
            dashed = " || '-' || ".join(f"substr({name}, {a}, {n})" for a, n in _UUID_CUTS)
            pairs.append(f"'{key}', CASE WHEN {name} IS NULL THEN NULL ELSE {dashed} END")
        elif _json_reader(column, dialect) is None:
            pairs.append(f"'{key}', {name}")
        else:
            pairs.append(f"'{key}', NULL")
            special.append(name)
    plain = " AND ".join([*(f"{name} IS NULL" for name in special), "custom_fields = '{}'"])
    chosen = f"({only})"
    driver: Any = kit.connection.dbapi_connection  # in the kit's transaction
    driver.execute(
        "INSERT INTO kit_base (asset_id, version, server_version, vals) "  # noqa: S608
        f"SELECT id, version, version, json_object({', '.join(pairs)}) FROM assets "
        f"WHERE {chosen} AND {plain}"
    )
    readers = [
        (k, reader) for k, (_key, c) in enumerate(fields) if (reader := _json_reader(c, dialect))
    ]
    custom_reader = _json_reader(assets.c.custom_fields, dialect)
    assert custom_reader is not None
    names = ", ".join(f'"{c.name}"' for _key, c in fields)
    keys = [key for key, _column in fields]
    base: list[tuple[str, int, int, str]] = []
    dumps = json.JSONEncoder(default=str).encode
    query = (
        f"SELECT id, version, custom_fields, {names} FROM assets "  # noqa: S608
        f"WHERE {chosen} AND NOT ({plain})"
    )
    for raw in driver.execute(query).fetchall():
        row = list(raw[3:])
        for k, reader in readers:
            if row[k] is not None:
                row[k] = reader(row[k])
        values = dict(zip(keys, row, strict=True))
        custom = custom_reader(raw[2])
        if custom:
            for name, value in custom.items():  # type: ignore[attr-defined]
                values[CUSTOM_PREFIX + name] = value
        base.append((raw[0], raw[1], raw[1], dumps(values)))
    if base:
        driver.executemany(
            "INSERT INTO kit_base (asset_id, version, server_version, vals) VALUES (?, ?, ?, ?)",
            base,
        )
    if not listed:
        return []
    found = driver.execute("SELECT id FROM assets ORDER BY id").fetchall()
    return list(chain.from_iterable(found))  # (not a tuple taken apart per row)
