"""Reading a kit's own metadata, and the server's checkout marks."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from desktop.kits.model import CheckoutMark, KitInfo
from desktop.storage.database import Database


def kit_info(db: Database) -> KitInfo | None:
    """The kit's metadata, or None when ``db`` is not a kit."""
    raise NotImplementedError


def server_url(db: Database) -> str:
    """The URL (without password) of the server the kit ``db`` syncs with."""
    raise NotImplementedError


def is_kit_session(session: Session) -> bool:
    """Whether ``session`` works in a kit file."""
    raise NotImplementedError


def checkouts_for_assets(
    session: Session, asset_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, CheckoutMark]:
    """The open checkout holding each of ``asset_ids`` (those out in a kit only)."""
    raise NotImplementedError


def active_checkouts(session: Session) -> list[CheckoutMark]:
    """Every kit out in the field, oldest first."""
    raise NotImplementedError
