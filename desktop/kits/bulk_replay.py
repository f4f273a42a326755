"""Replaying runs of a kit's common records in bulk, under the rules of online work.

Most of what comes back from a day offline is ordinary: changes that need no approval
and audit scans. Replaying each through the services costs a dozen statements per
record; here a run of them is decided together. For each window of consecutive records
the server's state they need is read in a few set-based statements (the assets as they
are now, which ids the server already has or queued, the audits' expected lists, counted
assets, unknown tags and next sequence numbers); each record is then decided in order by
the same rule functions the services use (:func:`decide_procedure` for validation,
lifecycle, permissions and approvals, :func:`classify_asset_scan` for scans,
:func:`compare_with_server` for the three-way comparison), the in-memory state moving on
as each is decided; and the results are written with one ``executemany`` per table.

Anything unusual — a record of another kind, a conflict, a refusal, a procedure that
needs approval, a receipt or a new tag, a scan of a location or of a finished room —
ends the run: what was decided is written, and that record goes through the per-record
replay (:class:`desktop.kits.sync._Replayer`) inside the same transaction, so that the
order of records is kept and it meets everything written before it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.permissions import work_for
from desktop.domain.tags import TAG_MAX_LENGTH, normalize_tag
from desktop.errors import DesktopError
from desktop.kits.model import Cancel, KitError, Outcome
from desktop.kits.schema import base_values, chunks
from desktop.kits.sync import (
    Entry,
    Replayed,
    _Replayer,
    already_queued,
    compare_with_server,
    procedure_payload,
    rebase_reason,
    replay_note,
    request_from_payload,
    scan_summary,
)
from desktop.services import audit_scans
from desktop.services.audit_history import locations_at
from desktop.services.audit_scan_types import COUNTED, ScanKind
from desktop.services.audits import lock_audits, lock_open_audit
from desktop.services.lifecycle_rules import pending_procedures
from desktop.services.permissions import require
from desktop.services.procedures import (
    apply_decision,
    decide_procedure,
    procedure_values,
)
from desktop.storage.models import (
    Asset,
    Audit,
    AuditExpected,
    AuditScan,
    KitConflict,
    Location,
    Procedure,
)
from desktop.storage.types import utcnow

#: The records a bulk run takes; any other ends it.
BULK_RECORDS = frozenset({"procedure", "scan"})
#: Records decided per window (one set of reads, one set of writes).
WINDOW = 5000
#: After a record went the per-record way, the next window starts this small (and
#: doubles), so that a kit full of conflicts does not re-read large windows.
SMALL_WINDOW = 16
#: Scan kinds whose replay is :func:`audit_scans.record_scan_in_session`.
_SCANNED_TEXT = (ScanKind.ASSET.value, ScanKind.LOCATION.value)

_ASSETS = cast("Table", Asset.__table__)
_PROCEDURES = cast("Table", Procedure.__table__)
_SCANS = cast("Table", AuditScan.__table__)
#: What a replay reads of the kit's procedures and scans.
_KIT_PROCEDURE_COLUMNS = (
    "id",
    "asset_id",
    "kind",
    "performed_by_id",
    "performed_at",
    "answers",
    "changes",
    "ticket_ref",
    "reason",
    "origin",
)
_KIT_SCAN_COLUMNS = ("id", "audit_id", "raw", "kind", "location_id", "scanned_by_id", "scanned_at")
#: The asset columns a procedure may change (the rest is the row's identity).
_MUTABLE = tuple(
    c.name for c in _ASSETS.columns if c.name not in ("id", "version", "created_at", "updated_at")
)


@dataclass(frozen=True)
class _Seen:
    """An asset only scanned in this window (what classifying the scan reads)."""

    id: uuid.UUID
    tag: str
    name: str
    status: str


class _Unusual(Exception):
    """This record is not decided in bulk: it goes through the per-record replay."""


@dataclass
class _Window:
    """The server's state for one window of records, moved on as each is decided."""

    on_server: set[uuid.UUID] = field(default_factory=set)
    queued: dict[uuid.UUID, tuple[uuid.UUID, int]] = field(default_factory=dict)
    #: Current assets by id (transient objects: never flushed by the session).
    assets: dict[uuid.UUID, Asset] = field(default_factory=dict)
    #: Each loaded asset's columns as read (what an update must find, and compare to).
    read: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    #: Assets only scanned (no procedure of the window changes them).
    seen: dict[uuid.UUID, _Seen] = field(default_factory=dict)
    by_key: dict[str, uuid.UUID] = field(default_factory=dict)
    location_keys: set[str] = field(default_factory=set)
    counted: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=dict)
    unknown: dict[uuid.UUID, set[str]] = field(default_factory=dict)
    sequence: dict[uuid.UUID, int] = field(default_factory=dict)
    #: Procedures waiting for approval on the window's assets (none is added in it).
    pending: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = field(default_factory=dict)
    expected: dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID | None] = field(default_factory=dict)
    located: dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID | None] = field(default_factory=dict)
    rooms: dict[tuple[uuid.UUID, uuid.UUID], Location | None] = field(default_factory=dict)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    scans: list[dict[str, Any]] = field(default_factory=list)


class BulkReplayer:
    """Replays one transaction's entries: runs in bulk, the rest through ``per_record``."""

    def __init__(self, per_record: _Replayer, cancel: Cancel | None = None) -> None:
        self.per_record = per_record
        self.session: Session = per_record.session
        self.cancel = cancel
        self.cancelled = False
        self.procedures: dict[uuid.UUID, Row[Any]] = {}
        self.scans: dict[uuid.UUID, Row[Any]] = {}
        self.kit_tags: dict[uuid.UUID, str] = {}
        self.locations: dict[uuid.UUID, Location | None] = {}
        self.held: list[object] = []
        self.now = utcnow()

    # -- the driver

    def replay(self, entries: Sequence[Entry], remember: Callable[[Entry, Replayed], None]) -> None:
        """Replay ``entries`` in order; ``remember`` hears of each record as it is decided
        (the caller keeps the kit's base versions current with it)."""
        self._read_kit(entries)
        self._lock(entries)
        position, window_size = 0, WINDOW
        while position < len(entries) and not self.cancelled:
            run = self._run(entries, position, window_size)
            if not run:
                entry = entries[position]
                if self._cancelled():
                    return
                remember(entry, self.per_record.replay(entry))
                self._forget_assets()
                position += 1
                window_size = SMALL_WINDOW
                continue
            decided = self._decide_window(run, remember)
            position += decided
            if decided < len(run) and not self.cancelled:
                # The record that ended the run goes the per-record way.
                entry = entries[position]
                remember(entry, self.per_record.replay(entry))
                self._forget_assets()
                position += 1
                window_size = SMALL_WINDOW
            else:
                window_size = min(WINDOW, window_size * 2)

    def _run(self, entries: Sequence[Entry], start: int, size: int) -> list[Entry]:
        run: list[Entry] = []
        for entry in entries[start : start + size]:
            if entry.record not in BULK_RECORDS:
                break
            if entry.record == "scan" and self.scans[entry.row_id].kind not in _SCANNED_TEXT:
                break
            run.append(entry)
        return run

    def _cancelled(self) -> bool:
        if self.cancel is not None and self.cancel():
            self.cancelled = True
        return self.cancelled

    def _decide_window(self, run: list[Entry], remember: Callable[[Entry, Replayed], None]) -> int:
        """Decide the run's records until one is unusual; write them; how many."""
        window = self._prefetch(run)
        decided = 0
        try:
            for entry in run:
                if self._cancelled():
                    break
                try:
                    if entry.record == "procedure":
                        replayed = self._procedure(window, entry)
                    else:
                        replayed = self._scan(window, entry)
                except _Unusual:
                    break
                remember(entry, replayed)
                decided += 1
        finally:
            self._write(window)
        return decided

    # -- reading

    def _read_kit(self, entries: Sequence[Entry]) -> None:
        """The kit's rows for this transaction's procedures and scans (the kit does not
        change while it syncs)."""
        kit = self.per_record.kit
        procedure_ids = [e.row_id for e in entries if e.record == "procedure"]
        scan_ids = [e.row_id for e in entries if e.record == "scan"]
        procedure_columns = [_PROCEDURES.c[name] for name in _KIT_PROCEDURE_COLUMNS]
        scan_columns = [_SCANS.c[name] for name in _KIT_SCAN_COLUMNS]
        for part in chunks(procedure_ids):
            for row in kit.execute(select(*procedure_columns).where(_PROCEDURES.c.id.in_(part))):
                self.procedures[row.id] = row
        for part in chunks(scan_ids):
            for row in kit.execute(select(*scan_columns).where(_SCANS.c.id.in_(part))):
                self.scans[row.id] = row
        for entry in entries:
            found = self.procedures if entry.record == "procedure" else self.scans
            if entry.record in BULK_RECORDS and entry.row_id not in found:
                raise KitError(
                    f"the kit's journal names {entry.record} {entry.row_id}, which it lacks"
                )
        asset_ids = sorted({row.asset_id for row in self.procedures.values()})
        for part in chunks(asset_ids):
            for row in kit.execute(select(Asset.id, Asset.tag).where(Asset.id.in_(part))):
                self.kit_tags[row.id] = row.tag

    def _lock(self, entries: Sequence[Entry]) -> None:
        """Lock the transaction's audits and its procedures' assets, in id order, before
        anything else (two kits syncing at once wait for each other, never deadlock)."""
        lock_audits(self.session, {row.audit_id for row in self.scans.values()})
        if self.session.get_bind().dialect.name == "sqlite":
            return  # the write transaction holds the whole file
        asset_ids = sorted({row.asset_id for row in self.procedures.values()})
        for part in chunks(asset_ids):
            self.session.execute(
                select(Asset.id).where(Asset.id.in_(part)).order_by(Asset.id).with_for_update()
            ).all()

    def _prefetch(self, run: list[Entry]) -> _Window:
        session = self.session
        window = _Window()
        procedure_ids = [e.row_id for e in run if e.record == "procedure"]
        scans = [self.scans[e.row_id] for e in run if e.record == "scan"]
        for part in chunks(procedure_ids):
            window.on_server.update(
                session.execute(select(Procedure.id).where(Procedure.id.in_(part))).scalars()
            )
        for part in chunks([s.id for s in scans]):
            window.on_server.update(
                session.execute(select(AuditScan.id).where(AuditScan.id.in_(part))).scalars()
            )
        for part in chunks([e.entry_id for e in run]):
            for row in session.execute(
                select(KitConflict.entry_id, KitConflict.id, KitConflict.number).where(
                    KitConflict.entry_id.in_(part)
                )
            ):
                window.queued[row.entry_id] = (row.id, row.number)
        wanted = sorted({self.procedures[i].asset_id for i in procedure_ids})
        for part in chunks(wanted):
            self._load(window, _ASSETS.c.id.in_(part))
        window.pending = pending_procedures(session, wanted)
        keys = sorted(
            {k for k in (normalize_tag(s.raw) for s in scans) if k and len(k) <= TAG_MAX_LENGTH}
        )
        for part in chunks(keys):
            for row in session.connection().execute(
                select(_ASSETS.c.id, _ASSETS.c.tag, _ASSETS.c.tag_key, _ASSETS.c.name)
                .add_columns(_ASSETS.c.status)
                .where(_ASSETS.c.tag_key.in_(part))
            ):
                if row.id not in window.assets:
                    window.seen[row.id] = _Seen(row.id, row.tag, row.name, row.status)
                window.by_key[row.tag_key] = row.id
        unknown = sorted(k for k in keys if k not in window.by_key)
        for part in chunks(unknown):
            window.location_keys.update(
                session.execute(
                    select(Location.code_key).where(Location.code_key.in_(part))
                ).scalars()
            )
        for audit_id in sorted({s.audit_id for s in scans}):
            self._audit_state(window, audit_id, [s for s in scans if s.audit_id == audit_id])
        return window

    def _load(self, window: _Window, condition: Any) -> None:
        """Read assets as the server has them now, detached from the session: the window
        changes them in memory and writes them itself."""
        session = self.session
        found = session.execute(
            select(Asset).where(condition).execution_options(populate_existing=True)
        ).scalars()
        for asset in found:
            session.expunge(asset)
            if asset.id in window.assets:
                continue
            window.read[asset.id] = {c: getattr(asset, c) for c in (*_MUTABLE, "version")}
            window.assets[asset.id] = asset
            window.by_key[asset.tag_key] = asset.id

    def _audit_state(self, window: _Window, audit_id: uuid.UUID, scans: list[Row[Any]]) -> None:
        session = self.session
        asset_ids = [
            window.by_key[k] for k in {normalize_tag(s.raw) for s in scans} if k in window.by_key
        ]
        window.counted[audit_id] = audit_scans.counted_assets(session, audit_id, asset_ids)
        window.unknown[audit_id] = audit_scans.unknown_tags_scanned(
            session, audit_id, {normalize_tag(s.raw) for s in scans}
        )
        window.sequence[audit_id] = audit_scans.next_sequence(session, audit_id)
        for part in chunks(sorted(asset_ids)):
            for row in session.execute(
                select(AuditExpected.asset_id, AuditExpected.location_id).where(
                    AuditExpected.audit_id == audit_id, AuditExpected.asset_id.in_(part)
                )
            ):
                window.expected[(audit_id, row.asset_id)] = row.location_id
        audit = session.get(Audit, audit_id)
        unlisted = [a for a in asset_ids if (audit_id, a) not in window.expected]
        if audit is not None and unlisted:
            for asset_id, location_id in locations_at(session, unlisted, audit.started_at).items():
                window.located[(audit_id, asset_id)] = location_id

    def _location(self, location_id: uuid.UUID | None) -> Location | None:
        if location_id is None:
            return None
        if location_id not in self.locations:
            self.locations[location_id] = self.session.get(Location, location_id)
        return self.locations[location_id]

    # -- deciding

    def _procedure(self, window: _Window, entry: Entry) -> Replayed:
        row = self.procedures[entry.row_id]
        replayer = self.per_record
        kind = ProcedureKind(row.kind)
        performer = replayer._username(row.performed_by_id)
        tag = self.kit_tags.get(row.asset_id, "")
        summary = f"{kind.label} {tag} by {performer} at {row.performed_at:%Y-%m-%d %H:%M}"
        queued = window.queued.get(entry.entry_id)
        if queued is not None:
            return already_queued(entry, queued)
        if row.id in window.on_server:
            return Replayed(replayer._result(entry, summary, Outcome.ALREADY_APPLIED))
        asset = window.assets.get(row.asset_id)
        if kind is ProcedureKind.RECEIVE or asset is None:
            raise _Unusual
        payload = procedure_payload(row, performer)
        if "tag" in payload["values"]:
            raise _Unusual  # the tags the window's scans are matched by would move
        now_values = base_values(asset)
        base = replayer.bases.get(row.asset_id)
        rebase = compare_with_server(row.changes, base, now_values, asset.version)
        if rebase.conflicting:
            raise _Unusual  # the conflict queue's record is made per record
        request = request_from_payload(
            payload,
            performed_by=performer,
            procedure_id=row.id,
            asset_id=row.asset_id,
            note=replay_note(replayer.info, performer, replayer.by_user, rebase, asset.version),
            origin_detail=f"field kit {replayer.info.kit_id}; recorded by {row.origin}",
            performed_at=row.performed_at,
        )
        try:
            actor = require(self.session, performer, work_for(kind))
            decision = decide_procedure(self.session, request, asset, pending=window.pending)
        except DesktopError:
            raise _Unusual from None  # queued per record, with the service's reasons
        if decision.approvals:
            raise _Unusual  # pending approval: recorded per record
        # The session holds looked-up objects weakly: keep the category for the next one.
        self.held.append(decision.category)
        version_before = asset.version
        window.procedures.append(
            procedure_values(
                request,
                template=decision.template,
                answers=decision.answers,
                changes=decision.changes,
                risk=decision.risk,
                approvals=0,
                performed_by_id=actor.id,
                asset_id=asset.id,
                asset_version=None,
                now=self.now,
            )
        )
        apply_decision(asset, decision)
        asset.version = version_before + 1
        outcome = Outcome.MERGED if rebase.merged_from is not None else Outcome.APPLIED
        return Replayed(
            replayer._result(entry, summary, outcome, rebase_reason(rebase, version_before)),
            asset_id=asset.id,
            server_version=asset.version,
            values=base_values(asset),
        )

    def _scan(self, window: _Window, entry: Entry) -> Replayed:
        scan = self.scans[entry.row_id]
        replayer = self.per_record
        scanner = replayer._username(scan.scanned_by_id)
        summary = scan_summary(scan, scanner)
        queued = window.queued.get(entry.entry_id)
        if queued is not None:
            return already_queued(entry, queued)
        if scan.id in window.on_server:
            return Replayed(replayer._result(entry, summary, Outcome.ALREADY_APPLIED))
        text = scan.raw.strip()
        key = normalize_tag(text)
        if not text or len(text) > 200 or key in window.location_keys:
            raise _Unusual  # refused, or a room scan: per record
        asset_id = window.by_key.get(key) if len(key) <= TAG_MAX_LENGTH else None
        try:
            audit = lock_open_audit(self.session, scan.audit_id)
            person_id = audit_scans.scanner_id(self.session, scanner)
            room = self._room(
                window, audit, scan.location_id if scan.kind == ScanKind.ASSET.value else None
            )
        except DesktopError:
            raise _Unusual from None
        if asset_id is None:
            repeat = key in window.unknown[audit.id]
            classification = audit_scans.classify_unknown_scan(repeat=repeat)
            if not repeat:
                window.unknown[audit.id].add(key)
        else:
            asset: Asset | _Seen = window.assets.get(asset_id) or window.seen[asset_id]
            listed = (audit.id, asset_id) in window.expected
            expected_id = (
                window.expected[(audit.id, asset_id)]
                if listed
                else window.located.get((audit.id, asset_id))
            )
            counted = window.counted[audit.id]
            classification, _message = audit_scans.classify_asset_scan(
                asset,
                room,
                expected_location_id=expected_id,
                expected_location=self._location(expected_id),
                listed=listed,
                already_counted=asset_id in counted,
            )
            if classification in COUNTED:
                counted.add(asset_id)
        sequence = window.sequence[audit.id]
        window.sequence[audit.id] = sequence + 1
        window.scans.append(
            audit_scans.scan_row(
                scan_id=scan.id,
                audit_id=audit.id,
                sequence=sequence,
                scanned_at=scan.scanned_at,
                scanned_by_id=person_id,
                raw=text,
                kind=ScanKind.ASSET,
                classification=classification,
                asset_id=asset_id,
                room_id=room.id if room else None,
            )
        )
        return Replayed(replayer._result(entry, summary, Outcome.APPLIED))

    def _room(self, window: _Window, audit: Audit, room_id: uuid.UUID | None) -> Location | None:
        if room_id is None:
            return None
        if (audit.id, room_id) not in window.rooms:
            window.rooms[(audit.id, room_id)] = audit_scans.usable_room(
                self.session, audit, room_id
            )
        return window.rooms[(audit.id, room_id)]

    # -- writing

    def _write(self, window: _Window) -> None:
        connection = self.session.connection()
        if window.procedures:
            connection.execute(insert(_PROCEDURES), window.procedures)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for asset_id, asset in window.assets.items():
            before = window.read[asset_id]
            if asset.version == before["version"]:
                continue
            changed = tuple(c for c in _MUTABLE if getattr(asset, c) != before[c])
            params = {f"v_{c}": getattr(asset, c) for c in changed}
            params.update(
                b_id=asset_id,
                b_version=before["version"],
                b_new_version=asset.version,
                b_updated_at=self.now,
            )
            groups.setdefault(changed, []).append(params)
        for changed, rows in groups.items():
            statement = (
                update(_ASSETS)
                .where(
                    _ASSETS.c.id == bindparam("b_id"),
                    _ASSETS.c.version == bindparam("b_version"),
                )
                .values(
                    {
                        **{c: bindparam(f"v_{c}") for c in changed},
                        "version": bindparam("b_new_version"),
                        "updated_at": bindparam("b_updated_at"),
                    }
                )
            )
            result = connection.execute(statement, rows)
            if connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(rows):
                raise KitError(
                    "an asset changed on the server while the sync held it; nothing of "
                    "this batch was recorded: sync again"
                )
        if window.scans:
            connection.execute(insert(_SCANS), window.scans)
        window.procedures.clear()
        window.scans.clear()
        self._forget_assets()

    def _forget_assets(self) -> None:
        """Assets the session holds are re-read on next use (a bulk write or a
        per-record replay may have changed them)."""
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, Asset):
                self.session.expire(obj)
