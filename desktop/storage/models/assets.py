"""The asset: one tracked piece of equipment."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.models.base import Base, VersionedMixin
from desktop.storage.types import Money, UTCDateTime


class Asset(VersionedMixin, Base):
    __tablename__ = "assets"

    tag: Mapped[str] = mapped_column(String(64))
    #: ``normalize_tag(tag)``: unique, so tags are unique case-insensitively after trimming.
    tag_key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id"), index=True)
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("asset_models.id"), index=True)
    serial_number: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"), index=True)
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    owning_group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id"), index=True)
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    purchase_cost: Mapped[Decimal | None] = mapped_column(Money)
    order_number: Mapped[str | None] = mapped_column(String(100))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    warranty_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    last_audited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (Index("ix_assets_name", "name"),)
