"""Reference data: categories, manufacturers, models, suppliers, locations, people, groups."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.storage.models.base import Base, VersionedMixin


class Category(VersionedMixin, Base):
    """A kind of asset: its tag prefix, audit interval and custom fields."""

    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    tag_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    audit_interval_days: Mapped[int | None] = mapped_column(Integer)
    #: List of {"key", "label", "type", "required", "choices"} definitions.
    custom_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class TagSequence(Base):
    """The next number for generated tags of one prefix (locked while allocating)."""

    __tablename__ = "tag_sequences"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class Manufacturer(VersionedMixin, Base):
    __tablename__ = "manufacturers"

    name: Mapped[str] = mapped_column(String(100), unique=True)


class AssetModel(VersionedMixin, Base):
    """A product: manufacturer + model name/number."""

    __tablename__ = "asset_models"

    manufacturer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("manufacturers.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    model_number: Mapped[str | None] = mapped_column(String(100))
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id"), index=True)

    manufacturer: Mapped[Manufacturer] = relationship(lazy="joined")


class Supplier(VersionedMixin, Base):
    __tablename__ = "suppliers"

    name: Mapped[str] = mapped_column(String(150), unique=True)
    contact: Mapped[str | None] = mapped_column(String(300))


class Location(VersionedMixin, Base):
    """A place in the tree site › building › floor › room › rack."""

    __tablename__ = "locations"

    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20), default="room")
    #: The code printed on the location label and scanned in audits (unique, case-folded key).
    code: Mapped[str] = mapped_column(String(64))
    code_key: Mapped[str] = mapped_column(String(64), unique=True)


group_memberships = Table(
    "group_memberships",
    Base.metadata,
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", Uuid, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)

person_roles = Table(
    "person_roles",
    Base.metadata,
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Uuid, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


class Group(VersionedMixin, Base):
    """A team; people belong to one or more."""

    __tablename__ = "groups"

    name: Mapped[str] = mapped_column(String(100), unique=True)


class Role(VersionedMixin, Base):
    """technician, approver, auditor, administrator."""

    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(50), unique=True)


class Person(VersionedMixin, Base):
    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(150))
    username: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    groups: Mapped[list[Group]] = relationship(secondary=group_memberships, lazy="selectin")
    roles: Mapped[list[Role]] = relationship(secondary=person_roles, lazy="selectin")


class PersonLogin(Base):
    """The database login a person works under on a shared server (migration 0014).

    One login is one person and one person has one login; a person with no row has no
    login (local files are single-user and have none).
    """

    __tablename__ = "person_logins"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True, index=True)
