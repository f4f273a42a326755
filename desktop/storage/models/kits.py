"""The server side of field kits: checkouts and the conflict queue (migration 0015)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.models.base import Base, VersionedMixin
from desktop.storage.types import UTCDateTime


class KitCheckout(VersionedMixin, Base):
    """A kit out in the field: who took which scope, since when."""

    __tablename__ = "kit_checkouts"

    checked_out_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    checked_out_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope_text: Mapped[str] = mapped_column(String(500))
    asset_count: Mapped[int] = mapped_column(Integer)
    #: [{"prefix", "first", "last"}]: tag numbers reserved for the kit.
    tag_blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class KitCheckoutAsset(Base):
    __tablename__ = "kit_checkout_assets"

    kit_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("kit_checkouts.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assets.id"), primary_key=True)

    __table_args__ = (Index("ix_kit_checkout_assets_asset_id", "asset_id"),)


class KitConflict(VersionedMixin, Base):
    """An offline record the server could not take as made; settled once by a person."""

    __tablename__ = "kit_conflicts"

    number: Mapped[int] = mapped_column(Integer, unique=True)
    kit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: The kit journal entry it came from: one conflict per entry, whatever the retries.
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    record: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(Integer)
    procedure_kind: Mapped[str | None] = mapped_column(String(30))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    asset_tag: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    performed_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    performed_by: Mapped[str] = mapped_column(String(100), default="")
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: What is needed to re-apply the record (a procedure's kind, values, answers...).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(10), index=True)
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    resolution_procedure_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
