"""Data that configures the application for everyone on a database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.models.base import Base, IdMixin, VersionedMixin
from desktop.storage.types import UTCDateTime, utcnow


class LabelTemplate(VersionedMixin, Base):
    """A user-defined label template (the shipped ones live in resources/labels)."""

    __tablename__ = "label_templates"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class ImportProfile(VersionedMixin, Base):
    """A saved column mapping for spreadsheet imports."""

    __tablename__ = "import_profiles"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)


class ImportRun(IdMixin, Base):
    """A spreadsheet import that wrote: which file (by the SHA-256 of its bytes), when, by
    whom and what it made. The dry run of the same file again says so: its rows without
    an asset tag or serial number would otherwise become new assets a second time."""

    __tablename__ = "import_runs"

    file_name: Mapped[str] = mapped_column(String(255))
    sheet: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
