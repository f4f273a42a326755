"""Which assets of a register page are out in a field kit ("checked out by X since …"),
for the register's *Checked out* column, and which have procedures waiting for approval
(the window greys a second move of their status, as the services would refuse it).

Light, like :mod:`desktop.services.register_rows`: plain SQL on a Core connection (the
window's first page is read before the ORM is imported). A page costs one short query
while no kit is out (the common case) and one more — the page's ids against the
``(asset_id)`` index of ``kit_checkout_assets`` — while some are. A kit file itself
holds no checkouts, so the column stays empty there: the banner says it is a kit. The
waiting procedures cost one more short query: the page's ids against the
``(asset_id, performed_at)`` index of ``procedures``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, String, Uuid, bindparam, column, text

from desktop.services.register_rows import AssetRow
from desktop.storage.types import UTCDateTime

_ANY_OUT = text("SELECT 1 FROM kit_checkouts WHERE returned_at IS NULL LIMIT 1")
# The newest open checkout wins where several kits hold one asset (ordered oldest first,
# later rows overwrite), as the detail panel says (desktop.kits.info).
_MARKS = (
    text(
        "SELECT ka.asset_id, p.name, k.checked_out_at FROM kit_checkout_assets ka "
        "JOIN kit_checkouts k ON k.id = ka.kit_id "
        "JOIN people p ON p.id = k.checked_out_by_id "
        "WHERE k.returned_at IS NULL AND ka.asset_id IN :ids "
        "ORDER BY k.checked_out_at"
    )
    .bindparams(bindparam("ids", type_=Uuid(), expanding=True))
    .columns(
        column("asset_id", Uuid()),
        column("name", String()),
        column("checked_out_at", UTCDateTime()),
    )
)


def with_marks(connection: Connection, rows: Sequence[AssetRow]) -> list[AssetRow]:
    """``rows`` with their field kit checkouts and their procedures waiting for approval:
    what the register's page shows and its actions go by."""
    return with_pending(connection, with_checkouts(connection, rows))


def with_checkouts(connection: Connection, rows: Sequence[AssetRow]) -> list[AssetRow]:
    """``rows`` with who checked each out in a kit, and since when (those out only)."""
    if not rows:
        return list(rows)
    if connection.dialect.name == "sqlite":
        marks = _sqlite_marks(connection, rows)
    elif connection.execute(_ANY_OUT).first() is None:
        return list(rows)
    else:
        ids: list[uuid.UUID] = [row.id for row in rows]
        marks = {
            asset_id: (name, since)
            for asset_id, name, since in connection.execute(_MARKS, {"ids": ids})
        }
    if not marks:
        return list(rows)
    return [
        dataclasses.replace(row, checked_out_by=marks[row.id][0], checked_out_at=marks[row.id][1])
        if row.id in marks
        else row
        for row in rows
    ]


_SQLITE_MARKS = (
    "SELECT ka.asset_id, p.name, k.checked_out_at FROM kit_checkout_assets ka "
    "JOIN kit_checkouts k ON k.id = ka.kit_id "
    "JOIN people p ON p.id = k.checked_out_by_id "
    "WHERE k.returned_at IS NULL AND ka.asset_id IN ({marks}) "
    "ORDER BY k.checked_out_at"
)


def _sqlite_marks(
    connection: Connection, rows: Sequence[AssetRow]
) -> dict[uuid.UUID, tuple[str, dt.datetime]]:
    """The marks through the sqlite3 connection itself (the register's local-file path
    does the same, desktop.services.plain_reads): UUIDs as 32 hex digits, times as ISO
    text in UTC, as SQLAlchemy stores them there."""
    raw: Any = connection.connection.driver_connection
    if (
        raw.execute("SELECT 1 FROM kit_checkouts WHERE returned_at IS NULL LIMIT 1").fetchone()
        is None
    ):
        return {}
    sql = _SQLITE_MARKS.format(marks=", ".join("?" * len(rows)))
    return {
        uuid.UUID(hex=asset_id): (name, dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC))
        for asset_id, name, at in raw.execute(sql, [row.id.hex for row in rows]).fetchall()
    }


# The page's ids probe the (asset_id, performed_at) index: 100 short lookups whatever the
# number of procedures waiting in the register. SQLite's planner, without statistics,
# would take the (state) index and read every waiting procedure (10,000 waiting: 2 ms a
# page); the unary + keeps it off that index. A server's planner has statistics.
_PENDING = "SELECT asset_id, id, kind FROM procedures WHERE {state} = 'pending_approval' AND "
_PENDING_ORDER = " ORDER BY performed_at"
_PENDING_SERVER = (
    text(_PENDING.format(state="state") + "asset_id IN :ids" + _PENDING_ORDER)
    .bindparams(bindparam("ids", type_=Uuid(), expanding=True))
    .columns(column("asset_id", Uuid()), column("id", Uuid()), column("kind", String()))
)


def with_pending(connection: Connection, rows: Sequence[AssetRow]) -> list[AssetRow]:
    """``rows`` with the procedures waiting for approval on each (id, kind), oldest first:
    one query for the page's ids (at most a page: the statement's parameters are few)."""
    if not rows:
        return list(rows)
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    if connection.dialect.name == "sqlite":
        raw: Any = connection.connection.driver_connection
        marks = ", ".join("?" * len(rows))
        sql = _PENDING.format(state="+state") + f"asset_id IN ({marks})" + _PENDING_ORDER
        for asset_hex, procedure_hex, kind in raw.execute(sql, [row.id.hex for row in rows]):
            found.setdefault(uuid.UUID(hex=asset_hex), []).append(
                (uuid.UUID(hex=procedure_hex), kind)
            )
    else:
        ids: list[uuid.UUID] = [row.id for row in rows]
        for asset_id, procedure_id, kind in connection.execute(_PENDING_SERVER, {"ids": ids}):
            found.setdefault(asset_id, []).append((procedure_id, kind))
    if not found:
        return list(rows)
    return [
        dataclasses.replace(row, pending=tuple(found[row.id])) if row.id in found else row
        for row in rows
    ]
