"""The register's hottest reads as prepared SQL: a search page (SQLite) and a scan's detail.

A search page and an asset's detail are read every time a person types a term or scans
a tag. Building their SQLAlchemy expressions anew each time (dozens of joins and
conditions) cost more than running them (a search page: 10 ms to build, under 1 ms to
run on a million assets). Here the statements are written once, as text with typed
columns (compiled once per backend, then cached), and their rows become plain values.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Connection, Executable, Integer, String, Uuid, bindparam, column, text
from sqlalchemy.exc import DBAPIError

from desktop.services.register_rows import _ROW_COLUMNS, AssetRow
from desktop.storage.types import UTCDateTime

#: The row's names, joined to a page of assets ``a`` (SQL shared by the statements below).
_NAMES = """
LEFT OUTER JOIN categories c ON c.id = a.category_id
LEFT OUTER JOIN asset_models m ON m.id = a.model_id
LEFT OUTER JOIN manufacturers mf ON mf.id = m.manufacturer_id
LEFT OUTER JOIN locations l ON l.id = a.location_id
LEFT OUTER JOIN people p ON p.id = a.assigned_to_id
LEFT OUTER JOIN {groups} g ON g.id = a.owning_group_id
LEFT OUTER JOIN suppliers s ON s.id = a.supplier_id
"""
_ROW = """a.id, a.tag, a.name, c.name AS category, mf.name AS manufacturer, m.name AS model,
       a.serial_number, a.status, l.name AS location, p.name AS assigned_to,
       g.name AS owning_group, a.purchase_date, a.purchase_cost, a.order_number,
       s.name AS supplier, a.warranty_end, a.last_audited_at, a.notes, a.version,
       a.updated_at"""

# SQLite: the hits of a trigram MATCH in rank order (the register's tag order), then the
# page's assets with their names. Only right when every hit is ranked (the caller knows).
_SQLITE_SEARCH_PAGE = f"""
SELECT {_ROW}
FROM (SELECT x.rowid AS search_rank, r.asset_rowid
      FROM asset_search x JOIN asset_search_rank r ON r.rank = x.rowid
      WHERE asset_search MATCH :phrase AND x.rowid < :unranked
      ORDER BY x.rowid {{direction}} LIMIT :limit OFFSET :offset) hit
JOIN assets a ON a.rowid = hit.asset_rowid
{_NAMES.format(groups='"groups"')}
ORDER BY hit.search_rank {{direction}}
"""  # noqa: S608 - written here, no outside text; the values are bound

_DETAIL_COLUMNS = (
    *_ROW_COLUMNS,
    column("category_id", Uuid()),
    column("location_id", Uuid()),
    column("assigned_to_id", Uuid()),
    column("owning_group_id", Uuid()),
    column("model_id", Uuid()),
    column("supplier_id", Uuid()),
    column("custom_fields", JSON()),
    column("category_custom_fields", JSON()),
)
_DETAIL = """
SELECT {row}, a.category_id, a.location_id, a.assigned_to_id, a.owning_group_id,
       a.model_id, a.supplier_id, a.custom_fields, c.custom_fields AS category_custom_fields
FROM assets a
{names}
WHERE a.{key} = :key
"""

_HISTORY_COLUMNS = (
    column("id", Uuid()),
    column("kind", String()),
    column("state", String()),
    column("performer_name", String()),
    column("performer_username", String()),
    column("performed_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
    column("ticket_ref", String()),
    column("reason", String()),
    column("template_version", Integer()),
    column("origin", String()),
    column("origin_detail", String()),
    column("answers", JSON()),
    column("changes", JSON()),
    column("total", Integer()),
    column("approver", String()),
    column("decision", String()),
    column("comment", String()),
    column("decided_at", UTCDateTime()),
    column("approver_groups", JSON()),
    column("note", String()),
)
# The newest procedures (along the (asset, time) index) with their performer and their
# number, then joined to their approvals: one statement.
_HISTORY = """
SELECT n.id, n.kind, n.state, n.performer_name, n.performer_username, n.performed_at,
       n.created_at, n.ticket_ref, n.reason, n.template_version, n.origin, n.origin_detail,
       n.answers, n.changes, n.total, ap.name AS approver, v.decision, v.comment,
       v.decided_at, v.approver_groups, n.note
FROM (SELECT pr.id, pr.kind, pr.state, pe.name AS performer_name,
             pe.username AS performer_username, pr.performed_at, pr.created_at,
             pr.ticket_ref, pr.reason, pr.template_version, pr.origin, pr.origin_detail,
             pr.answers, pr.changes, pr.note,
             (SELECT count(*) FROM procedures c WHERE c.asset_id = :asset_id) AS total
      FROM procedures pr JOIN people pe ON pe.id = pr.performed_by_id
      WHERE pr.asset_id = :asset_id
      ORDER BY pr.performed_at DESC, pr.created_at DESC {limit}) n
LEFT OUTER JOIN approvals v ON v.procedure_id = n.id
LEFT OUTER JOIN people ap ON ap.id = v.approver_id
ORDER BY n.performed_at DESC, n.created_at DESC, v.decided_at
"""
_HISTORY_COUNT = "SELECT count(*) AS total FROM procedures WHERE asset_id = :asset_id"
# MariaDB: the same in two statements without a derived table. MariaDB 10.11 crashed
# (signal 11 freeing the derived table's Aria temporary table) on the one-statement form
# under concurrent load; a page of procedures and then their approvals never builds one.
_HISTORY_PAGE = """
SELECT pr.id, pr.kind, pr.state, pe.name AS performer_name,
       pe.username AS performer_username, pr.performed_at, pr.created_at,
       pr.ticket_ref, pr.reason, pr.template_version, pr.origin, pr.origin_detail,
       pr.answers, pr.changes,
       (SELECT count(*) FROM procedures c WHERE c.asset_id = :asset_id) AS total, pr.note
FROM procedures pr JOIN people pe ON pe.id = pr.performed_by_id
WHERE pr.asset_id = :asset_id
ORDER BY pr.performed_at DESC, pr.created_at DESC {limit}
"""
_HISTORY_APPROVALS = """
SELECT v.procedure_id, ap.name AS approver, v.decision, v.comment, v.decided_at,
       v.approver_groups
FROM approvals v LEFT OUTER JOIN people ap ON ap.id = v.approver_id
WHERE v.procedure_id IN :ids
ORDER BY v.decided_at
"""

_prepared: dict[tuple[str, str], Executable] = {}


def sqlite_search_page(
    connection: Connection,
    phrase: str,
    *,
    unranked: int,
    offset: int,
    limit: int,
    descending: bool,
) -> list[AssetRow]:
    """Rows ``offset`` to ``offset + limit`` of the assets whose index row matches the FTS5
    ``phrase``, in tag order (SQLite, every hit ranked)."""
    name = "search:desc" if descending else "search:asc"
    values = {"phrase": phrase, "unranked": unranked, "limit": limit, "offset": offset}
    return [sqlite_asset_row(r) for r in sqlite_rows(connection, name, values)]


def detail_row(connection: Connection, *, tag_key: str | None, asset_id: uuid.UUID | None) -> Any:
    """The asset's row (:class:`AssetRow` fields, then its keys and custom fields), or None."""
    by_id = asset_id is not None
    if connection.dialect.name == "sqlite":
        name = "detail:id" if by_id else "detail:tag_key"
        key = asset_id.hex if asset_id is not None else tag_key
        found = sqlite_rows(connection, name, {"key": key})
        if not found:
            return None
        r = found[0]
        return (
            *sqlite_asset_row_values(r),
            *(sqlite_uuid(v) for v in r[20:26]),
            sqlite_json(r[26]),
            sqlite_json(r[27]),
        )
    statement = _statement(connection, "detail:id" if by_id else "detail:tag_key")
    return connection.execute(statement, {"key": asset_id if by_id else tag_key}).first()


def history_rows(connection: Connection, asset_id: uuid.UUID, limit: int | None) -> list[Any]:
    """The newest ``limit`` procedures (None: all) with their approvals, one row per
    approval (or one without), newest first; column ``total`` counts them all."""
    if connection.dialect.name == "sqlite":
        name = "history:all" if limit is None else "history:limited"
        found = sqlite_rows(connection, name, {"asset_id": asset_id.hex, "limit": limit})
        return [
            (
                uuid.UUID(hex=h[0]),
                *h[1:5],
                sqlite_time(h[5]),
                sqlite_time(h[6]),
                *h[7:12],
                sqlite_json(h[12]),
                sqlite_json(h[13]),
                *h[14:18],
                sqlite_time(h[18]),
                sqlite_json(h[19]),
                h[20],
            )
            for h in found
        ]
    if connection.dialect.name in ("mysql", "mariadb"):
        return _mariadb_history_rows(connection, asset_id, limit)
    values: dict[str, Any] = {"asset_id": asset_id}
    if limit is None:
        statement = _statement(connection, "history:all")
    else:
        statement = _statement(connection, "history:limited")
        values["limit"] = limit
    return list(connection.execute(statement, values))


def _mariadb_history_rows(
    connection: Connection, asset_id: uuid.UUID, limit: int | None
) -> list[Any]:
    """:func:`history_rows`' rows from a page of procedures and then their approvals."""
    values: dict[str, Any] = {"asset_id": asset_id}
    if limit is None:
        statement = _statement(connection, "history:page:all")
    else:
        statement = _statement(connection, "history:page:limited")
        values["limit"] = limit
    page = list(connection.execute(statement, values))
    if not page:
        return []
    decisions: dict[uuid.UUID, list[Any]] = {}
    approvals = _statement(connection, "history:approvals")
    for v in connection.execute(approvals, {"ids": [p[0] for p in page]}):
        decisions.setdefault(v[0], []).append(v)
    none = (None, None, None, None, None)
    # In the one statement's order: the procedure, its approval, then its note.
    return [(*p[:15], *v[1:], p[15]) for p in page for v in decisions.get(p[0]) or [(None, *none)]]


def history_count(connection: Connection, asset_id: uuid.UUID) -> int:
    statement = _statement(connection, "history:count")
    return int(connection.execute(statement, {"asset_id": asset_id}).scalar_one())


def _statement(connection: Connection, name: str) -> Executable:
    """The statement ``name`` for this connection's backend, made once."""
    backend = connection.dialect.name
    found = _prepared.get((backend, name))
    if found is None:
        found = _make(name, connection.dialect.identifier_preparer.quote)
        _prepared[(backend, name)] = found
    return found


def _make(name: str, quote: Any) -> Executable:
    asset_id = bindparam("asset_id", type_=Uuid())
    if name == "detail:id":
        sql = _DETAIL.format(row=_ROW, names=_NAMES.format(groups=quote("groups")), key="id")
        return text(sql).columns(*_DETAIL_COLUMNS).bindparams(bindparam("key", type_=Uuid()))
    if name == "detail:tag_key":
        sql = _DETAIL.format(row=_ROW, names=_NAMES.format(groups=quote("groups")), key="tag_key")
        return text(sql).columns(*_DETAIL_COLUMNS).bindparams(bindparam("key", type_=String()))
    if name == "history:all":
        return text(_HISTORY.format(limit="")).columns(*_HISTORY_COLUMNS).bindparams(asset_id)
    if name == "history:limited":
        limit = bindparam("limit", type_=Integer())
        sql = _HISTORY.format(limit="LIMIT :limit")
        return text(sql).columns(*_HISTORY_COLUMNS).bindparams(asset_id, limit)
    if name.startswith("history:page:"):
        page_columns = (*_HISTORY_COLUMNS[:15], _HISTORY_COLUMNS[20])
        if name == "history:page:all":
            sql = _HISTORY_PAGE.format(limit="")
            return text(sql).columns(*page_columns).bindparams(asset_id)
        limit = bindparam("limit", type_=Integer())
        sql = _HISTORY_PAGE.format(limit="LIMIT :limit")
        return text(sql).columns(*page_columns).bindparams(asset_id, limit)
    if name == "history:approvals":
        ids = bindparam("ids", type_=Uuid(), expanding=True)
        approval_columns = (column("procedure_id", Uuid()), *_HISTORY_COLUMNS[15:20])
        return text(_HISTORY_APPROVALS).columns(*approval_columns).bindparams(ids)
    if name.startswith("search:"):
        direction = "DESC" if name == "search:desc" else "ASC"
        return text(_SQLITE_SEARCH_PAGE.format(direction=direction))
    assert name == "history:count"
    return text(_HISTORY_COUNT).columns(column("total", Integer())).bindparams(asset_id)


# -- SQLite: the driver's rows, turned into Python values here ---------------------------
# SQLAlchemy keeps UUIDs as 32 hex digits, dates and times as ISO text (times in UTC),
# money as integer cents and JSON as text on SQLite: converted directly, the rows cost
# what reading them costs.


def sqlite_rows(connection: Connection, sql_name: str, values: dict[str, Any]) -> list[Any]:
    """The raw rows of prepared statement ``sql_name`` through the sqlite3 connection."""
    statement = _prepared_sqlite.get(sql_name)
    if statement is None:
        statement = str(_make(sql_name, connection.dialect.identifier_preparer.quote))
        _prepared_sqlite[sql_name] = statement
    raw = connection.connection.driver_connection
    assert raw is not None
    try:
        return raw.execute(statement, values).fetchall()  # type: ignore[no-any-return]
    except sqlite3.Error as exc:
        # As SQLAlchemy raises it (an interrupted statement: OperationalError), so that
        # callers tell a cancel or a locked file from a bug the same way everywhere.
        raise DBAPIError.instance(statement, values, exc, sqlite3.Error) from exc


_prepared_sqlite: dict[str, str] = {}
_CENT = Decimal("0.01")


def sqlite_asset_row(r: Any) -> AssetRow:
    """An :class:`AssetRow` from the driver's values of its columns (SQLite)."""
    cost = r[12]
    return AssetRow(
        uuid.UUID(r[0]),
        r[1],
        r[2] or "",
        r[3] or "",
        r[4] or "",
        r[5] or "",
        r[6] or "",
        r[7],
        r[8] or "",
        r[9] or "",
        r[10] or "",
        None if r[11] is None else _fromisoformat_date(r[11]),
        None if cost is None else (Decimal(cost) / 100).quantize(_CENT),
        r[13] or "",
        r[14] or "",
        None if r[15] is None else _fromisoformat_date(r[15]),
        None if r[16] is None else _fromisoformat(r[16]).replace(tzinfo=_UTC),
        r[17] or "",
        r[18],
        _fromisoformat(r[19]).replace(tzinfo=_UTC),
    )


_fromisoformat = dt.datetime.fromisoformat
_fromisoformat_date = dt.date.fromisoformat
_UTC = dt.UTC


def sqlite_asset_row_values(r: Any) -> tuple[Any, ...]:
    """The driver's values of an :class:`AssetRow`'s columns as Python values (SQLite)."""
    return (
        uuid.UUID(hex=r[0]),
        *r[1:11],
        _date(r[11]),
        None if r[12] is None else (Decimal(r[12]) / 100).quantize(_CENT),
        r[13],
        r[14],
        _date(r[15]),
        sqlite_time(r[16]),
        r[17],
        r[18],
        sqlite_time(r[19]),
    )


def sqlite_uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(hex=value)


def sqlite_time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def sqlite_json(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
