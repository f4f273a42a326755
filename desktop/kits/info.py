"""Reading a kit's own metadata, and the server's checkout marks."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from desktop.kits.model import CheckoutMark, KitError, KitInfo, Scope, TagBlock
from desktop.kits.schema import chunks
from desktop.storage.database import Database
from desktop.storage.kitfile import connection_is_kit, session_is_kit
from desktop.storage.models import KitCheckout, KitCheckoutAsset, Person


def kit_info(db: Database, *, counts: bool = True) -> KitInfo | None:
    """The kit's metadata, or None when ``db`` is not a kit. Without ``counts`` its
    ``asset_count``, ``received_here`` and ``waiting`` are 0 (a sync needs none of them:
    counting a large kit's register reads all of it)."""
    with db.connect() as connection:
        return read_info(connection, counts=counts)


def read_info(connection: Connection, *, counts: bool = True) -> KitInfo | None:
    if not connection_is_kit(connection):
        return None
    meta = connection.exec_driver_sql("SELECT * FROM kit_meta").mappings().first()
    if meta is None:  # a kit still being made
        return None
    waiting = assets = received = 0
    if counts:
        waiting = connection.exec_driver_sql(
            "SELECT count(*) FROM kit_journal WHERE synced = 0"
        ).scalar_one()
        # What the kit's register holds (a receive in the kit adds to it), and of those
        # the ones received here and not yet synced (not in the base taken from the server).
        assets, received = connection.exec_driver_sql(
            "SELECT count(*), count(*) FILTER (WHERE id NOT IN (SELECT asset_id FROM kit_base)) "
            "FROM assets"
        ).one()
    return KitInfo(
        kit_id=uuid.UUID(meta["kit_id"]),
        source_url=meta["source_url"],
        source_description=meta["source_description"],
        scope=Scope.from_json(json.loads(meta["scope"])),
        scope_text=meta["scope_text"],
        checked_out_by=meta["checked_out_by"],
        checked_out_at=_when(meta["checked_out_at"]),
        refreshed_at=_when(meta["refreshed_at"]),
        asset_count=int(assets),
        received_here=int(received),
        waiting=int(waiting),
        open_conflicts=int(meta["open_conflicts"]),
        tag_blocks=tuple(TagBlock(**b) for b in json.loads(meta["tag_blocks"])),
        returned_at=_when(meta["returned_at"]) if meta.get("returned_at") else None,
    )


def _when(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def server_url(db: Database) -> str:
    """The URL (without password) of the server the kit ``db`` syncs with."""
    info = kit_info(db)
    if info is None:
        raise KitError(f"{db.display_url} is not a field kit")
    return info.source_url


def is_kit_session(session: Session) -> bool:
    """Whether ``session`` works in a kit file."""
    return session_is_kit(session)


def _marks(session: Session, rows: Iterable[Any]) -> list[CheckoutMark]:
    return [
        CheckoutMark(
            kit_id=row.KitCheckout.id,
            checked_out_by=row.username,
            checked_out_by_name=row.name,
            checked_out_at=row.KitCheckout.checked_out_at,
            scope_text=row.KitCheckout.scope_text,
            asset_count=row.KitCheckout.asset_count,
            last_sync_at=row.KitCheckout.last_sync_at,
        )
        for row in rows
    ]


def checkouts_for_assets(
    session: Session, asset_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, CheckoutMark]:
    """The open checkout holding each of ``asset_ids`` (those out in a kit only; the
    newest checkout when several kits hold one)."""
    wanted = sorted(set(asset_ids))
    found: dict[uuid.UUID, CheckoutMark] = {}
    for part in chunks(wanted):
        rows = session.execute(
            select(KitCheckoutAsset.asset_id, KitCheckout, Person.username, Person.name)
            .join(KitCheckout, KitCheckout.id == KitCheckoutAsset.kit_id)
            .join(Person, Person.id == KitCheckout.checked_out_by_id)
            .where(KitCheckoutAsset.asset_id.in_(part), KitCheckout.returned_at.is_(None))
            .order_by(KitCheckout.checked_out_at)
        ).all()
        for row, mark in zip(rows, _marks(session, rows), strict=True):
            found[row.asset_id] = mark
    return found


def active_checkouts(session: Session) -> list[CheckoutMark]:
    """Every kit out in the field, oldest first."""
    rows = session.execute(
        select(KitCheckout, Person.username, Person.name)
        .join(Person, Person.id == KitCheckout.checked_out_by_id)
        .where(KitCheckout.returned_at.is_(None))
        .order_by(KitCheckout.checked_out_at)
    ).all()
    return _marks(session, rows)
