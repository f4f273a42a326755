"""Inventory audits: the expected set, every scan as it was made, and rooms."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.models.base import Base, IdMixin, VersionedMixin
from desktop.storage.types import UTCDateTime, utcnow


class Audit(VersionedMixin, Base):
    __tablename__ = "audits"

    name: Mapped[str] = mapped_column(String(200))
    scope_location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    #: Category ids the audit is limited to; empty for all.
    category_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    started_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditExpected(Base):
    """An asset the audit expects to find, and where (snapshot taken at start)."""

    __tablename__ = "audit_expected"

    audit_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assets.id"), primary_key=True)
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))


class AuditScan(IdMixin, Base):
    """One scan, stored the moment it is made. Append-only: an undo is a scan of its own."""

    __tablename__ = "audit_scans"

    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    scanned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    scanned_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    raw: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # asset, location, manual, undo, room_closed...
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    classification: Mapped[str] = mapped_column(String(30), default="")
    undoes_scan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_audit_scans_audit_id_sequence", "audit_id", "sequence", unique=True),
    )
