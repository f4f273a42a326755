"""The field kit's public data: scopes, kit metadata, sync outcomes, conflicts.

Everything here is plain data (no database access) so that the CLI and the GUI can show
it, turn it into JSON and pass it back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop.errors import DesktopError
from desktop.wording import plural

#: ``progress(done, total, text)``: called now and then during checkout and sync.
Progress = Callable[[int, int, str], None]
#: ``cancel()``: polled between steps; True stops the work, leaving both sides consistent.
Cancel = Callable[[], bool]

#: Tags reserved for a kit per category prefix at checkout (receive offline never collides).
TAG_BLOCK_SIZE = 500
#: Procedures kept per asset in a kit for context.
HISTORY_PER_ASSET = 5


class KitError(DesktopError):
    """A kit operation that cannot be done (not a kit, wrong server, file exists...)."""


class KitCancelled(KitError):
    """The person cancelled a checkout or a sync; what was done is consistent."""


@dataclass(frozen=True)
class Scope:
    """What a kit holds. Assets matching ANY part are in scope.

    Attributes:
        location_ids: locations, each with all its sub-locations.
        assigned_to_ids: people whose assigned assets are taken.
        search: a register search text (the same matching as the register's search box).
        audit_id: an open audit: its expected assets and its scope location's assets.
    """

    location_ids: tuple[uuid.UUID, ...] = ()
    assigned_to_ids: tuple[uuid.UUID, ...] = ()
    search: str | None = None
    audit_id: uuid.UUID | None = None

    @property
    def empty(self) -> bool:
        return not (self.location_ids or self.assigned_to_ids or self.search or self.audit_id)

    def as_json(self) -> dict[str, Any]:
        return {
            "location_ids": [str(i) for i in self.location_ids],
            "assigned_to_ids": [str(i) for i in self.assigned_to_ids],
            "search": self.search,
            "audit_id": str(self.audit_id) if self.audit_id else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scope:
        return cls(
            location_ids=tuple(uuid.UUID(i) for i in data.get("location_ids") or ()),
            assigned_to_ids=tuple(uuid.UUID(i) for i in data.get("assigned_to_ids") or ()),
            search=data.get("search") or None,
            audit_id=uuid.UUID(data["audit_id"]) if data.get("audit_id") else None,
        )


@dataclass(frozen=True)
class TagBlock:
    """Tag numbers ``first``..``last`` of ``prefix`` reserved on the server for one kit."""

    prefix: str
    first: int
    last: int


@dataclass(frozen=True)
class KitInfo:
    """A kit as it describes itself (read from the kit file by :func:`kit_info`).

    Attributes:
        source_url: the server's URL without password (the password comes from the
            keyring or ``~/.pgpass`` when syncing).
        scope_text: the scope in words ("Head office (and below); assigned to Una User").
        asset_count: the assets in the kit's register (what it holds now: those checked
            out and those received in the kit and not yet synced).
        received_here: of those, the assets received in the kit and not yet synced.
        waiting: offline records not yet synced.
        open_conflicts: records of this kit that went to the server's conflict queue at
            the last sync and are not resolved yet (as the kit last heard).
    """

    kit_id: uuid.UUID
    source_url: str
    source_description: str
    scope: Scope
    scope_text: str
    checked_out_by: str
    checked_out_at: dt.datetime
    refreshed_at: dt.datetime
    asset_count: int
    waiting: int
    open_conflicts: int
    tag_blocks: tuple[TagBlock, ...] = ()
    #: When the kit was checked in for good (:func:`desktop.kits.check_in`); a returned
    #: kit takes no more work and is not synced again.
    returned_at: dt.datetime | None = None
    received_here: int = 0

    def assets_text(self) -> str:
        """The kit's assets in words, as the banner and ``kit status`` say them: "8 assets,
        1 received here" (a new user read "(7 assets)" above a register of 8 after a
        receive in the kit: the count was of the assets checked out)."""
        text = plural(self.asset_count, "asset")
        return f"{text}, {self.received_here:,} received here" if self.received_here else text

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        """Time since the kit's data was last taken from the server."""
        return (now or dt.datetime.now(dt.UTC)) - self.refreshed_at

    def as_json(self) -> dict[str, Any]:
        return {
            "kit_id": str(self.kit_id),
            "source_url": self.source_url,
            "source_description": self.source_description,
            "scope": self.scope.as_json(),
            "scope_text": self.scope_text,
            "checked_out_by": self.checked_out_by,
            "checked_out_at": self.checked_out_at.isoformat(),
            "refreshed_at": self.refreshed_at.isoformat(),
            "asset_count": self.asset_count,
            "received_here": self.received_here,
            "waiting": self.waiting,
            "open_conflicts": self.open_conflicts,
            "tag_blocks": [
                {"prefix": b.prefix, "first": b.first, "last": b.last} for b in self.tag_blocks
            ],
            "returned_at": self.returned_at.isoformat() if self.returned_at else None,
        }


@dataclass(frozen=True)
class CheckoutMark:
    """The server's record of a kit out in the field ("checked out by X since …")."""

    kit_id: uuid.UUID
    checked_out_by: str
    checked_out_by_name: str
    checked_out_at: dt.datetime
    scope_text: str
    asset_count: int
    last_sync_at: dt.datetime | None

    def text(self) -> str:
        return f"checked out by {self.checked_out_by_name} since {self.checked_out_at:%Y-%m-%d %H:%M} UTC"

    def as_json(self) -> dict[str, Any]:
        return {
            "kit_id": str(self.kit_id),
            "checked_out_by": self.checked_out_by,
            "checked_out_by_name": self.checked_out_by_name,
            "checked_out_at": self.checked_out_at.isoformat(),
            "scope_text": self.scope_text,
            "asset_count": self.asset_count,
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
        }


_new_object = object.__new__


class Outcome(StrEnum):
    """What became of one offline record at sync."""

    APPLIED = "applied"
    ALREADY_APPLIED = "already applied"
    MERGED = "merged"
    PENDING_APPROVAL = "pending approval"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class RecordResult:
    """One offline record's outcome (or, in a dry run, what it would become).

    Attributes:
        seq: its place in the kit's journal (records replay in this order).
        record: "procedure", "scan", "incident", "withdrawal", "audit", "incident event".
        record_id: its id, made on the laptop (the same on the server).
        summary: "Install LAP-000012 by tech at 2026-12-05 09:12".
        reason: why merged ("rebased from version 3 to 5: the server changed location")
            or why a conflict ("the server changed Location to Room A2").
        conflict_id: the conflict queue entry, for a conflict.
        server_number: the incident number the server gave (kit numbers are provisional).
    """

    seq: int
    record: str
    record_id: uuid.UUID
    summary: str
    outcome: Outcome
    reason: str = ""
    conflict_id: uuid.UUID | None = None
    server_number: int | None = None

    @classmethod
    def made(
        cls,
        seq: int,
        record: str,
        record_id: uuid.UUID,
        summary: str,
        outcome: Outcome,
        reason: str,
    ) -> RecordResult:
        """``RecordResult(seq, record, record_id, summary, outcome, reason)``, without the
        frozen class's ``object.__setattr__`` per field (a sync makes one per record: that
        cost ~1 µs each)."""
        made = _new_object(cls)
        made.__dict__.update(
            seq=seq,
            record=record,
            record_id=record_id,
            summary=summary,
            outcome=outcome,
            reason=reason,
            conflict_id=None,
            server_number=None,
        )
        return made

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "record": self.record,
            "record_id": str(self.record_id),
            "summary": self.summary,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "conflict_id": str(self.conflict_id) if self.conflict_id else None,
            "server_number": self.server_number,
        }


@dataclass(frozen=True)
class SyncReport:
    """What a sync did (or, with ``dry_run``, would do), record by record.

    ``cancelled``: stopped by the person; the records listed were handled, the others
    still wait in the kit. ``refreshed``: the kit was brought up to the server's state.
    """

    kit_id: uuid.UUID
    dry_run: bool
    results: tuple[RecordResult, ...]
    cancelled: bool = False
    refreshed: bool = False
    #: The checkout was ended (check-in): the server's marks are gone, the kit is closed.
    returned: bool = False

    def counts(self) -> dict[Outcome, int]:
        found = dict.fromkeys(Outcome, 0)
        for result in self.results:
            found[result.outcome] += 1
        return found

    def as_json(self) -> dict[str, Any]:
        return {
            "kit_id": str(self.kit_id),
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
            "refreshed": self.refreshed,
            "returned": self.returned,
            "counts": {k.value: v for k, v in self.counts().items()},
            "results": [r.as_json() for r in self.results],
        }


@dataclass(frozen=True)
class FieldDifference:
    """One field of a conflict: the value at checkout, the server's now, the kit's."""

    field: str
    label: str
    base: object
    server: object
    kit: object
    base_text: str
    server_text: str
    kit_text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "base": self.base,
            "server": self.server,
            "kit": self.kit,
            "base_text": self.base_text,
            "server_text": self.server_text,
            "kit_text": self.kit_text,
        }


class Choice(StrEnum):
    """How a person settles a conflict."""

    TAKE_SERVER = "server"  # keep the server's values; the kit's record is not applied
    REAPPLY_KIT = "kit"  # record the kit's values as a new procedure on the asset as it is now
    EDIT = "edit"  # record a new procedure with values the person gives


@dataclass(frozen=True)
class Conflict:
    """An offline record the server could not take as it was. Never dropped.

    Attributes:
        number: a short number for people and the command line (``kit resolve 12``).
        record: "procedure", "scan", "incident", ...
        procedure_kind: the procedure's kind ("install"...), None for other records.
        reasons: each reason in words.
        fields: field by field base / server / kit values (procedures).
        resolution: None while open, else the :class:`Choice` taken.
        server_changed_by, server_changed_at: who made the server's change, and when.
        resolution_procedure_id: the procedure a re-apply or an edit recorded.
    """

    id: uuid.UUID
    number: int
    kit_id: uuid.UUID
    record: str
    record_id: uuid.UUID
    procedure_kind: str | None
    asset_id: uuid.UUID | None
    asset_tag: str
    summary: str
    performed_by: str
    performed_at: dt.datetime
    reasons: tuple[str, ...]
    fields: tuple[FieldDifference, ...]
    detected_at: dt.datetime
    resolution: Choice | None = None
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None
    resolution_note: str = ""
    resolution_procedure_id: uuid.UUID | None = None
    #: Who made the kit's record, as people read it ("Tina Tech (tech)").
    performed_by_name: str = ""
    #: Who made the server's change the kit's record met, and when (the last procedure,
    #: or incident move, on the server since the checkout that set a conflicting field);
    #: empty and None when the server holds no such record.
    server_changed_by: str = ""
    server_changed_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.resolution is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "number": self.number,
            "kit_id": str(self.kit_id),
            "record": self.record,
            "record_id": str(self.record_id),
            "procedure_kind": self.procedure_kind,
            "asset_id": str(self.asset_id) if self.asset_id else None,
            "asset_tag": self.asset_tag,
            "summary": self.summary,
            "performed_by": self.performed_by,
            "performed_at": self.performed_at.isoformat(),
            "reasons": list(self.reasons),
            "fields": [f.as_json() for f in self.fields],
            "detected_at": self.detected_at.isoformat(),
            "resolution": self.resolution.value if self.resolution else None,
            "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "resolution_note": self.resolution_note,
            "resolution_procedure_id": str(self.resolution_procedure_id)
            if self.resolution_procedure_id
            else None,
        }


@dataclass(frozen=True)
class Resolution:
    conflict: Conflict
    procedure_id: uuid.UUID | None = None
    messages: tuple[str, ...] = field(default_factory=tuple)
