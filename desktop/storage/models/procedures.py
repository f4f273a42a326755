"""Procedure templates, procedures (the append-only history) and approvals."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.models.base import Base, IdMixin, VersionedMixin
from desktop.storage.types import UTCDateTime, utcnow


class ProcedureTemplate(IdMixin, Base):
    """One version of a procedure form. Editing a template adds a version; rows never change
    except ``is_current`` moving to the newest version."""

    __tablename__ = "procedure_templates"

    kind: Mapped[str] = mapped_column(String(30))
    #: Category the template is specific to, or None for every category.
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id"))
    #: ``str(category_id)`` or "" — makes (kind, scope, version) unique on every backend.
    scope_key: Mapped[str] = mapped_column(String(40), default="")
    version_number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(150))
    #: {"fields": [...], "checklist": [...], "rules": [...], "approval": {...}}
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))

    __table_args__ = (UniqueConstraint("kind", "scope_key", "version_number"),)


class Procedure(VersionedMixin, Base):
    """One filled-in standard form about one asset.

    Completed, rejected, cancelled and conflicted procedures are history: the services
    refuse to update or delete them (and a flush guard refuses it for any code path).
    """

    __tablename__ = "procedures"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"))
    kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30), index=True)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("procedure_templates.id"))
    template_version: Mapped[int] = mapped_column(Integer)
    performed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ticket_ref: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The answers to the template's fields and checklist, keyed by field key.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: [{"field", "before", "after"}] for every asset field the procedure changed.
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(30))
    origin_detail: Mapped[str] = mapped_column(String(500), default="")
    risk_level: Mapped[str | None] = mapped_column(String(10))
    approvals_required: Mapped[int] = mapped_column(Integer, default=0)
    #: The asset's version the procedure was filled against (re-checked on approval).
    asset_version: Mapped[int | None] = mapped_column(Integer)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_procedures_asset_id_performed_at", "asset_id", "performed_at"),)


class Approval(IdMixin, Base):
    """An approver's decision on a pending procedure. Append-only."""

    __tablename__ = "approvals"

    procedure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("procedures.id"), index=True)
    approver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The approver's group names at decision time: [{"id", "name"}].
    approver_groups: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)

    __table_args__ = (UniqueConstraint("procedure_id", "approver_id"),)


class Incident(VersionedMixin, Base):
    """Something went wrong with one or more assets."""

    __tablename__ = "incidents"

    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    reported_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    routed_group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id"), index=True)
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    template_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("procedure_templates.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    fixed_by_procedure_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("procedures.id"))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class IncidentAsset(Base):
    __tablename__ = "incident_assets"

    incident_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assets.id"), primary_key=True)


class IncidentEvent(IdMixin, Base):
    """An append-only entry in an incident's history (status moves, notes)."""

    __tablename__ = "incident_events"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class AdminLogEntry(IdMixin, Base):
    """One administrative action (a login added, a role set, a login disabled, a password
    changed): append-only, the database refuses UPDATE and DELETE (migration 0014)."""

    __tablename__ = "admin_log"

    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_login: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(40))
    target_login: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")
