"""Data that configures the application for everyone on a database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.models.base import Base, VersionedMixin


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
