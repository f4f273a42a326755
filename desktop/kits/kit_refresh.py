"""Refreshing a kit after its sync: the server's current state for its scope.

The kit's data is brought to the server's state in one kit transaction (only the rows
that differ are written, :func:`desktop.kits.schema.refresh`), the server's record of
the kit's assets follows, and a prefix whose tag block is worn gets a new block.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from desktop.kits.checkout import record_checkout_assets, reserve_tag_blocks
from desktop.kits.model import (
    TAG_BLOCK_SIZE,
    Cancel,
    KitInfo,
    Progress,
    TagBlock,
)
from desktop.kits.schema import (
    attach_source,
    chunks,
    detach_source,
    refresh,
    refreshing,
)
from desktop.kits.stored_values import uuid_from_hex
from desktop.storage.database import Database
from desktop.storage.models import (
    KitCheckout,
    KitCheckoutAsset,
    KitConflict,
)
from desktop.storage.types import utcnow


def refresh_kit(
    kit: Database,
    server: Database,
    info: KitInfo,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Bring the kit's data to the server's current state for its scope, in one kit
    transaction (a crash or a cancel leaves the kit as it was): only the rows that
    differ are written (see :func:`desktop.kits.schema.refresh`; the whole scope is
    re-copied when that cannot be sure). Tags keep being drawn from the kit's own
    blocks; synced journal entries are dropped."""
    with (
        server.read() as session,
        kit.engine.connect() as connection,
        refreshing(connection),
    ):
        attach_source(connection, server)
        try:
            with connection.begin():
                held = _refill(session, connection, info, progress=progress, cancel=cancel)
        except BaseException:
            # The refresh's own error is the one to report: a source SQLite still holds
            # (a statement left open by the failure) is not detached but dropped with
            # the connection, which the pool then replaces.
            try:
                detach_source(connection)
            except sqlite3.Error:
                connection.invalidate()
            raise
        detach_source(connection)
    with server.write() as session:
        # The server's record of the kit's assets: only those that entered or left.
        # (By their hex text: see Copied.)
        if held.delta is not None:  # found in the kit's transaction (a SQLite server)
            entered_keys, gone_keys = held.delta
            raw: Any = session.connection().connection.dbapi_connection
            kit_key = info.kit_id.hex
            for gone in chunks(gone_keys):
                raw.execute(
                    "DELETE FROM kit_checkout_assets WHERE kit_id = ? AND asset_id IN "  # noqa: S608
                    f"({', '.join('?' * len(gone))})",
                    (kit_key, *gone),
                )
            raw.executemany(
                "INSERT INTO kit_checkout_assets (kit_id, asset_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                [(kit_key, key) for key in entered_keys],
            )
        else:
            on_record = _checkout_assets(session.connection(), info.kit_id)
            now_held = set(held.keys)
            for gone in chunks(sorted(on_record - now_held)):
                session.execute(
                    delete(KitCheckoutAsset).where(
                        KitCheckoutAsset.kit_id == info.kit_id,
                        KitCheckoutAsset.asset_id.in_([uuid_from_hex(key) for key in gone]),
                    )
                )
            entered = [uuid_from_hex(key) for key in sorted(now_held - on_record)]
            record_checkout_assets(session.connection(), info.kit_id, entered)
        checkout_row = session.get(KitCheckout, info.kit_id)
        if checkout_row is not None:
            checkout_row.asset_count = held.count
    _renew_tag_blocks(kit, server, info)


def _checkout_assets(connection: Connection, kit_id: uuid.UUID) -> set[str]:
    """The server's record of the kit's assets, as 32 hex digits (through the driver:
    10,000 ids made by SQLAlchemy one by one cost more than reading them; a SQLite
    server stores them so, and they are taken as they are)."""
    dialect = connection.dialect
    kit_column = KitCheckoutAsset.__table__.c.kit_id
    to_driver = kit_column.type.dialect_impl(dialect).bind_processor(dialect)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    cursor: Any = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"SELECT asset_id FROM kit_checkout_assets WHERE kit_id = {mark}",  # noqa: S608
            (kit_id if to_driver is None else to_driver(kit_id),),
        )
        found = set(chain.from_iterable(cursor.fetchall()))
    finally:
        cursor.close()
    if dialect.name == "sqlite":
        return found
    return {v.hex if isinstance(v, uuid.UUID) else str(v).replace("-", "").lower() for v in found}


def _renew_tag_blocks(kit: Database, server: Database, info: KitInfo) -> None:
    """A prefix whose block is four-fifths used, or that has none (a category the
    refresh brought), gets a new block from the server."""
    current: dict[str, TagBlock] = {}
    for block in info.tag_blocks:
        if block.prefix not in current or block.first > current[block.prefix].first:
            current[block.prefix] = block
    with kit.connect() as connection:
        used: dict[str, int] = dict(
            connection.exec_driver_sql("SELECT prefix, next_value FROM tag_sequences").all()
        )
        prefixes = set(connection.exec_driver_sql("SELECT tag_prefix FROM categories").scalars())
    worn = sorted(
        {
            prefix
            for prefix, block in current.items()
            if used.get(prefix, block.first) > block.last - TAG_BLOCK_SIZE // 5
        }
        | (prefixes - current.keys())  # a category the refresh brought: no block yet
    )
    if not worn:
        return
    with server.write() as session:
        fresh = reserve_tag_blocks(session, worn)
        checkout_row = session.get(KitCheckout, info.kit_id)
        if checkout_row is not None:
            checkout_row.tag_blocks = [*checkout_row.tag_blocks, *(b.__dict__ for b in fresh)]
    blocks = [*info.tag_blocks, *fresh]
    with kit.engine.begin() as connection:
        for block in fresh:
            connection.exec_driver_sql(
                "INSERT INTO tag_sequences (prefix, next_value) VALUES (?, ?) "
                "ON CONFLICT (prefix) DO UPDATE SET next_value = excluded.next_value",
                (block.prefix, block.first),
            )
        connection.exec_driver_sql(
            "UPDATE kit_meta SET tag_blocks = ?", (json.dumps([b.__dict__ for b in blocks]),)
        )


def _refill(
    session: Session,
    connection: Connection,
    info: KitInfo,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> _Held:
    connection.exec_driver_sql("UPDATE kit_meta SET journal_on = 0")
    sequences: dict[str, int] = dict(
        connection.exec_driver_sql("SELECT prefix, next_value FROM tag_sequences").all()
    )
    refresh(session, connection, info.scope, progress=progress, cancel=cancel)
    held = _held(connection, info.kit_id)
    for block in info.tag_blocks:
        kit_next = sequences.get(block.prefix, block.first)
        connection.exec_driver_sql(
            "INSERT INTO tag_sequences (prefix, next_value) VALUES (?, ?) "
            "ON CONFLICT (prefix) DO UPDATE SET next_value = excluded.next_value",
            (block.prefix, max(int(kit_next), block.first)),
        )
    connection.exec_driver_sql("DELETE FROM kit_journal WHERE synced = 1")
    open_conflicts = session.execute(
        select(func.count())
        .select_from(KitConflict)
        .where(KitConflict.kit_id == info.kit_id, KitConflict.resolution.is_(None))
    ).scalar_one()
    connection.exec_driver_sql(
        "UPDATE kit_meta SET journal_on = 1, refreshed_at = ?, open_conflicts = ?",
        (utcnow().isoformat(), int(open_conflicts)),
    )
    return held


@dataclass
class _Held:
    """The kit's assets after its refresh (32 hex digits, as the kit and a SQLite server
    store them): how many, and either what entered and what left against the server's
    record (``delta``: read in the kit's transaction from a SQLite server, attached) or
    all of them (``keys``: compared with the record in the server's transaction)."""

    count: int
    delta: tuple[list[str], list[str]] | None = None
    keys: list[str] = field(default_factory=list)


def _held(kit: Connection, kit_id: uuid.UUID) -> _Held:
    """The kit's assets against the server's record of them (:class:`_Held`). From a
    SQLite server the difference is found by SQLite across the two files (each side's
    ids looked up in the other's index), not by reading 10,000 ids of each into Python
    sets. The record is written only by this kit's checkout, refreshes and end, and the
    refresh's writes of it are idempotent (a row deleted or inserted twice is so once)."""
    raw: Any = kit.connection.dbapi_connection  # in the kit's transaction
    count = int(raw.execute("SELECT count(*) FROM main.assets").fetchone()[0])
    if not any(row[1] == "src" for row in raw.execute("PRAGMA database_list")):
        found = raw.execute("SELECT id FROM main.assets ORDER BY id").fetchall()
        return _Held(count, keys=list(chain.from_iterable(found)))
    entered = raw.execute(
        "SELECT a.id FROM main.assets AS a WHERE NOT EXISTS (SELECT 1 FROM "
        "src.kit_checkout_assets AS c WHERE c.kit_id = ? AND c.asset_id = a.id) ORDER BY a.id",
        (kit_id.hex,),
    ).fetchall()
    gone = raw.execute(
        "SELECT c.asset_id FROM src.kit_checkout_assets AS c WHERE c.kit_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM main.assets AS a WHERE a.id = c.asset_id) ORDER BY c.asset_id",
        (kit_id.hex,),
    ).fetchall()
    return _Held(count, delta=(list(chain.from_iterable(entered)), list(chain.from_iterable(gone))))
