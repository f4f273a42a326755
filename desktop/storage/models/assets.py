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
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id"))
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("asset_models.id"))
    serial_number: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    owning_group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id"))
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    purchase_cost: Mapped[Decimal | None] = mapped_column(Money)
    order_number: Mapped[str | None] = mapped_column(String(100))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("suppliers.id"))
    warranty_end: Mapped[dt.date | None] = mapped_column(Date)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    last_audited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # The register's sort indexes (migration 0003): the sort column, then the tag, so that
    # a page is a walk along one index. They also serve every lookup by their first
    # column (a filter, a foreign key's check): no index of that column alone is kept
    # (migration 0009 dropped ten).
    __table_args__ = tuple(
        Index(f"asset_sort_{name}", column, "tag_key")
        for name, column in (
            ("status", "status"),
            ("name", "name"),
            ("purchase_date", "purchase_date"),
            ("purchase_cost", "purchase_cost"),
            ("order_number", "order_number"),
            ("warranty_end", "warranty_end"),
            ("last_audited_at", "last_audited_at"),
            ("updated_at", "updated_at"),
            ("category", "category_id"),
            ("model", "model_id"),
            ("location", "location_id"),
            ("assigned_to", "assigned_to_id"),
            ("owning_group", "owning_group_id"),
            ("supplier", "supplier_id"),
        )
    )
