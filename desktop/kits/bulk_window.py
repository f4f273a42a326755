"""What a bulk replay window reads and holds (:mod:`desktop.kits.bulk_replay`).

The server tables it reads and writes; the kit's procedures and scans as one plain
statement per table reads them (:class:`KitProcedure`, :class:`KitScan`: the kit is
always SQLite, its ids hex text); and the server's state for one window of records
(:class:`_Window`: current assets as their columns, values by field key read when asked,
assets only scanned, places), moved on in memory as each record is decided.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table

from desktop.domain.fields import ASSET_FIELDS, CUSTOM_PREFIX
from desktop.kits.schema import base_values
from desktop.kits.stored_values import (
    sqlite_time,
    uuid_from_hex,
)
from desktop.services.values import json_value
from desktop.storage.models import (
    Asset,
    AuditExpected,
    AuditScan,
    KitConflict,
    Location,
    Procedure,
)

_ASSETS = cast("Table", Asset.__table__)
_PROCEDURES = cast("Table", Procedure.__table__)
_SCANS = cast("Table", AuditScan.__table__)
_CONFLICTS = cast("Table", KitConflict.__table__)
_EXPECTED = cast("Table", AuditExpected.__table__)
#: A transaction's procedures and scans as the kit holds them, read by their journal
#: entries' places (one plain statement each: the kit is always SQLite, its ids hex).
_KIT_PROCEDURES = (
    "SELECT j.seq, p.asset_id, p.kind, p.performed_by_id, p.performed_at, p.answers, "
    "p.changes, p.ticket_ref, p.reason, p.origin, a.tag FROM kit_journal j "
    "JOIN procedures p ON p.id = j.row_id LEFT JOIN assets a ON a.id = p.asset_id "
    "WHERE j.record = 'procedure' AND j.seq BETWEEN ? AND ?"
)
_KIT_SCANS = (
    "SELECT j.seq, s.audit_id, s.raw, s.kind, s.location_id, s.scanned_by_id, s.scanned_at "
    "FROM kit_journal j JOIN audit_scans s ON s.id = j.row_id "
    "WHERE j.record = 'scan' AND j.seq BETWEEN ? AND ?"
)


class KitProcedure(NamedTuple):
    """A procedure made in the kit, as its replay reads it (and its asset's kit tag)."""

    id: uuid.UUID
    asset_id: uuid.UUID
    kind: str
    performed_by_id: uuid.UUID | None
    performed_at: dt.datetime
    answers: dict[str, Any]
    changes: list[dict[str, Any]]
    ticket_ref: str
    reason: str
    origin: str
    tag: str
    #: ``performed_at`` as the kit stores it (UTC text), for the summary.
    at: str
    #: ``answers`` as the kit stores them (JSON text): the same text, the same answers,
    #: checklist, impact and likelihood (their group's key).
    answers_text: str


class KitScan(NamedTuple):
    """An audit scan made in the kit, as its replay reads it."""

    id: uuid.UUID
    audit_id: uuid.UUID
    raw: str
    kind: str
    location_id: uuid.UUID | None
    scanned_by_id: uuid.UUID | None
    scanned_at: dt.datetime
    #: ``scanned_at`` as the kit stores it (UTC text), for the summary.
    at: str
    #: The scanned text as a tag key (:func:`normalize_tag`).
    key: str


def _kit_rows(connection: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a plain read of the kit, as the driver's own tuples: a sync reads
    thousands (journal entries, procedures, scans), and a SQLAlchemy row each cost more
    than its values. On ``connection``'s driver connection, in its transaction."""
    driver = connection.connection.driver_connection
    assert driver is not None
    return cast("list[tuple[Any, ...]]", driver.execute(sql, params).fetchall())


def _kit_time(text: str | None) -> dt.datetime | None:
    """A time as SQLAlchemy stores it in SQLite (naive UTC text), aware."""
    return None if text is None else sqlite_time(text)


def _minute(text: str) -> str:
    """``YYYY-MM-DD HH:MM:SS`` of a time the kit stores as text (how a summary writes it)."""
    return f"{text[:10]} {text[11:19]}"


def _kit_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class _Ids:
    """UUIDs from the kit's hex text, each made once (people and audits recur)."""

    def __init__(self, made: dict[Any, uuid.UUID] | None = None) -> None:
        self.made: dict[Any, uuid.UUID] = {} if made is None else made

    def __call__(self, text: str | None) -> uuid.UUID | None:
        if text is None:
            return None
        made = self.made.get(text)
        if made is None:
            made = self.made[text] = uuid_from_hex(text)
        return made

    def of(self, text: str) -> uuid.UUID:
        """The UUID of ``text`` (not None)."""
        made = self.made.get(text)
        if made is None:
            made = self.made[text] = uuid_from_hex(text)
        return made


#: The asset columns' names, in the table's order.
_CURRENT_NAMES = tuple(c.name for c in _ASSETS.columns)


class _Current:
    """An asset as the server has it now (its columns), held by the window and moved on
    as each of its procedures is decided: what the rule functions read of an
    :class:`Asset`, without an ORM object per row."""

    id: uuid.UUID
    tag_key: str
    version: int

    def __init__(self, row: Sequence[Any]) -> None:
        # One call for all columns (a ``setattr`` per column cost more than the read).
        self.__dict__.update(zip(_CURRENT_NAMES, row, strict=True))

    def __getattr__(self, name: str) -> Any:  # for mypy: its attributes are the columns
        raise AttributeError(name)


#: The asset columns as :class:`_Current` holds them, in its order.
_CURRENT_COLUMNS = tuple(_ASSETS.columns)


#: The asset column of each field key (what :func:`base_values` reads).
_COLUMN_OF = {spec.key: spec.column for spec in ASSET_FIELDS}


class _ValuesOf(Mapping[str, object]):
    """An asset's values by field key as :func:`base_values` gives them, each read when
    asked: a comparison with the version the kit knew reads only the changed fields.
    Read while the asset does not change (it reads the asset, not a copy)."""

    __slots__ = ("_asset", "_whole")

    def __init__(self, asset: _Current) -> None:
        self._asset = asset
        self._whole: dict[str, object] | None = None

    def __getitem__(self, key: str) -> object:
        column = _COLUMN_OF.get(key)
        if column is not None:
            return json_value(getattr(self._asset, column))
        if key.startswith(CUSTOM_PREFIX):
            custom = self._asset.custom_fields or {}
            name = key[len(CUSTOM_PREFIX) :]
            if name in custom:
                return custom[name]
        raise KeyError(key)

    def _values(self) -> dict[str, object]:
        if self._whole is None:
            self._whole = base_values(self._asset)
        return self._whole

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())


@dataclass(frozen=True)
class _Seen:
    """An asset only scanned in this window (what classifying the scan reads)."""

    id: uuid.UUID
    tag: str
    name: str
    status: str


#: Not looked up yet (a location that does not exist is remembered as None).
_UNREAD = object()


class _Place(NamedTuple):
    """A location as a scan's classification reads it (its id and name, and whether it
    is a rack standing in a room)."""

    id: uuid.UUID
    name: str
    kind: str
    parent_id: uuid.UUID | None


@dataclass
class _Window:
    """The server's state for one window of records, moved on as each is decided."""

    on_server: set[uuid.UUID] = field(default_factory=set)
    queued: dict[uuid.UUID, tuple[uuid.UUID, int]] = field(default_factory=dict)
    #: Current assets by id (the window's own copies: written by :meth:`_write`).
    assets: dict[uuid.UUID, _Current] = field(default_factory=dict)
    #: Each loaded asset's columns as read (what an update must find, and compare to).
    read: dict[uuid.UUID, tuple[Any, ...]] = field(default_factory=dict)
    #: The columns the window's procedures set, per asset (what its update writes).
    touched: dict[uuid.UUID, set[str]] = field(default_factory=dict)
    #: Each asset's values by field key (its base values) as the window has moved them.
    values: dict[uuid.UUID, dict[str, object]] = field(default_factory=dict)
    #: Assets only scanned (no procedure of the window changes them).
    seen: dict[uuid.UUID, _Seen] = field(default_factory=dict)
    by_key: dict[str, uuid.UUID] = field(default_factory=dict)
    location_keys: set[str] = field(default_factory=set)
    counted: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=dict)
    unknown: dict[uuid.UUID, set[str]] = field(default_factory=dict)
    sequence: dict[uuid.UUID, int] = field(default_factory=dict)
    #: Procedures waiting for approval on the window's assets (none is added in it).
    pending: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = field(default_factory=dict)
    #: Per audit: its expected assets' locations, and where the others were at its start.
    expected: dict[uuid.UUID, dict[uuid.UUID, uuid.UUID | None]] = field(default_factory=dict)
    located: dict[uuid.UUID, dict[uuid.UUID, uuid.UUID | None]] = field(default_factory=dict)
    rooms: dict[tuple[uuid.UUID, uuid.UUID | None], Location | None] = field(default_factory=dict)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    scans: list[dict[str, Any]] = field(default_factory=list)
