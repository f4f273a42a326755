"""Replaying runs of a kit's common records in bulk, under the rules of online work.

Most of what comes back from a day offline is ordinary: changes that need no approval
and audit scans. Replaying each through the services costs a dozen statements per
record; here a run of them is decided together. For each window of consecutive records
the server's state they need is read in a few set-based statements (the assets as they
are now, which ids the server already has or queued, procedures waiting for approval,
the audits' expected lists, counted assets, unknown tags and next sequence numbers);
each record is then decided in order by the same rule functions the services use
(:func:`decide_procedure` for validation, lifecycle, permissions and approvals,
:func:`classify_asset_scan` for scans, :func:`compare_with_server` for the three-way
comparison), the in-memory state moving on as each is decided; and the results are
written with one ``executemany`` of the driver per table. The kit's rows are read with
one plain statement per table (the kit is always SQLite); the server's reads and writes
go to the driver with values converted by the columns' own types for its dialect, so
that SQLAlchemy does not build parameters one by one (the same code on SQLite,
PostgreSQL and MariaDB).

Anything unusual — a record of another kind, a conflict, a refusal, a procedure that
needs approval, a receipt or a new tag, a scan of a location or of a finished room —
ends the run: what was decided is written, and that record goes through the per-record
replay (:class:`desktop.kits.replay._Replayer`) inside the same transaction, so that the
order of records is kept and it meets everything written before it.

On a SQLite server, long runs of scans and of procedures are decided set-wise instead
(:mod:`desktop.kits.bulk_scans`, :mod:`desktop.kits.bulk_procedures`). What a window
reads, of the kit and of the server, is :mod:`desktop.kits.bulk_reads`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from itertools import groupby
from operator import attrgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.permissions import work_for
from desktop.domain.tags import TAG_MAX_LENGTH
from desktop.errors import DesktopError
from desktop.kits.bulk_procedures import ProcedureRun
from desktop.kits.bulk_reads import read_kit, read_window
from desktop.kits.bulk_scans import MIN_RUN, NotSetWise, replay_scan_run
from desktop.kits.bulk_window import (
    _ASSETS,
    _COLUMN_OF,
    _CONFLICTS,
    _CURRENT_NAMES,
    _PROCEDURES,
    _SCANS,
    _UNREAD,
    KitProcedure,
    KitScan,
    _Current,
    _Seen,
    _ValuesOf,
    _Window,
)
from desktop.kits.driver_io import _DriverWrite, _insert, _JoinedUpdate, _select_in
from desktop.kits.model import Cancel, KitError, Outcome
from desktop.kits.replay import _Replayer
from desktop.kits.replay_rules import (
    _KIND_OF,
    Entry,
    Rebase,
    Replayed,
    SplitAnswers,
    already_queued,
    compare_with_server,
    rebase_reason,
    replay_note,
    request_from_procedure,
    scan_summary,
    split_answers,
)
from desktop.kits.schema import base_values, chunks
from desktop.services import audit_scans
from desktop.services.audit_scan_types import COUNTED, ScanKind
from desktop.services.audits import lock_audits, lock_open_audit
from desktop.services.permissions import require
from desktop.services.procedure_groups import ProcedureGroups
from desktop.services.procedures import (
    apply_decision,
    decide_procedure,
    procedure_values,
)
from desktop.services.search import search_index_kept_in_bulk
from desktop.services.values import json_value
from desktop.storage.models import (
    Asset,
    Audit,
    Location,
)
from desktop.storage.types import utcnow

#: The records a bulk run takes; any other ends it.
BULK_RECORDS = frozenset({"procedure", "scan"})
#: The records whose long runs are decided set-wise on a SQLite server.
_SET_WISE = frozenset({"procedure", "scan"})
#: Records decided per window at most (one set of reads, one set of writes).
WINDOW = 5000
#: A timed transaction's first window (see ``until``): each next one is twice as large,
#: so that a transaction whose time is up leaves little of what it read undecided. An
#: untimed one starts at :data:`WINDOW` (one set of reads for all it takes).
FIRST_WINDOW = 250
#: After a record went the per-record way, the next window starts this small (and
#: doubles), so that a kit full of conflicts does not re-read large windows.
SMALL_WINDOW = 16
#: An entry's kind of record (runs are grouped by it).
_RECORD_OF = attrgetter("record")
#: Each procedure kind's label (a summary per record).
_LABEL_OF = {kind: kind.label for kind in ProcedureKind}
#: Scan kinds whose replay is :func:`audit_scans.record_scan_in_session`.
_SCANNED_TEXT = (ScanKind.ASSET.value, ScanKind.LOCATION.value)
_ASSET_SCAN = ScanKind.ASSET.value


class _Unusual(Exception):
    """This record is not decided in bulk: it goes through the per-record replay."""


def _update(connection: Connection, changed: Sequence[str]) -> _DriverWrite:
    """Each asset's changed columns, its version and moment, if it is still the version
    the window read."""
    quote = connection.dialect.identifier_preparer.quote
    sets = [*changed, "version", "updated_at"]
    if connection.dialect.name in ("mysql", "mariadb"):  # one statement, not one per row
        return _JoinedUpdate(
            connection,
            _ASSETS.name,
            [_ASSETS.c[name] for name in sets],
            [_ASSETS.c.id, _ASSETS.c.version],
        )
    sql = (
        f"UPDATE {quote(_ASSETS.name)} SET "  # noqa: S608 - our table and column names
        + ", ".join(f"{quote(name)} = ?" for name in sets)
        + f" WHERE {quote('id')} = ? AND {quote('version')} = ?"
    )
    columns = [_ASSETS.c[name] for name in (*sets, "id", "version")]
    return _DriverWrite(connection, sql, columns)


class BulkReplayer:
    """Replays one transaction's entries: runs in bulk, the rest through ``per_record``."""

    def __init__(
        self,
        per_record: _Replayer,
        cancel: Cancel | None = None,
        *,
        until: float | None = None,
        ids: dict[Any, uuid.UUID] | None = None,
    ) -> None:
        """``until``: a :func:`time.monotonic` moment after which no further record is
        begun (the caller's next transaction takes them); at least one always is.
        ``ids``: UUIDs already made, by their driver value or the kit's hex text (the
        sync's, shared by its transactions)."""
        self.per_record = per_record
        self.session: Session = per_record.session
        self.cancel = cancel
        self.cancelled = False
        self.until = until
        #: Records decided in this transaction so far.
        self.done = 0
        #: The kit's procedures and scans by their journal entry's place.
        self.procedures: dict[int, KitProcedure] = {}
        self.scans: dict[int, KitScan] = {}
        self.locations: dict[uuid.UUID, object] = {}
        self.held: list[object] = []
        self.now = utcnow()
        self._writes: dict[object, _DriverWrite] = {}
        #: The ids read (the kit's and the server's), as UUIDs (each made once).
        self.ids: dict[Any, uuid.UUID] = {} if ids is None else ids
        #: Who may do what (checked once per person and kind in a transaction: nothing
        #: it replays changes people or roles).
        self.actors: dict[tuple[str, ProcedureKind], uuid.UUID] = {}
        #: The assets the kit's base holds (its own and those an earlier transaction of
        #: this sync noted): a procedure on one of them needs no values noted after it.
        self.in_base = frozenset(per_record.bases)
        #: The same assets' bases by their hex ids (the set-wise procedures read them so).
        self.bases_by_hex = {asset_id.hex: base for asset_id, base in per_record.bases.items()}
        self.kit_id = str(per_record.info.kit_id)
        #: The note of each performer's procedures that were not rebased.
        self.notes: dict[str, str] = {}
        #: What the procedures of one kind, category and answers share, decided once.
        self.groups = ProcedureGroups()
        #: Each stored answers text read and split, as :meth:`_read_kit` and requests
        #: take them (shared by the records that hold the same text: never changed).
        self.answers_read: dict[str | None, dict[str, Any]] = {}
        self.answers_split: dict[str, SplitAnswers] = {}
        #: Each open audit and scanner's person id, as the scan service checked them.
        self.scanning: dict[tuple[uuid.UUID, str], tuple[Audit, uuid.UUID]] = {}
        #: Entry places of long runs of scans or procedures, each to its run's end (see
        #: :meth:`replay`).
        self.set_wise_runs: dict[int, int] = {}
        self.queued_entries: set[uuid.UUID] | None = None

    # -- the driver

    def replay(
        self,
        entries: Sequence[Entry],
        remember: Callable[[Entry, Replayed], None],
        remember_all: Callable[[list[tuple[Entry, Replayed]]], None] | None = None,
    ) -> None:
        """Replay ``entries`` in order; ``remember`` hears of each record as it is decided
        (the caller keeps the kit's base versions current with it), and ``remember_all``
        (when given) of the records a set-wise run decided together, in their order, as
        ``remember`` would one by one (one call for a run's thousands)."""

        def decided_one(entry: Entry, replayed: Replayed) -> None:
            self.done += 1
            remember(entry, replayed)

        def decided_all(decided: list[tuple[Entry, Replayed]]) -> None:
            self.done += len(decided)
            if remember_all is not None:
                remember_all(decided)
            else:
                for entry, replayed in decided:
                    remember(entry, replayed)

        def one_by_one(entry: Entry) -> None:
            decided_one(entry, self.per_record.replay(entry))
            self._forget_assets()

        # Long runs of scans or procedures on a SQLite server are decided set-wise
        # (bulk_scans, bulk_procedures): their kit rows are read there, not here.
        self.set_wise_runs, windowed = self._set_wise_runs(entries)
        read_kit(self, windowed)
        self._lock()
        position, window_size = 0, (WINDOW if self.until is None else FIRST_WINDOW)
        while position < len(entries) and not self.cancelled:
            end = self.set_wise_runs.get(position)
            if end is not None and entries[position].record == "procedure":
                if self._stop():
                    return
                try:
                    ProcedureRun(self).replay(
                        entries[position:end], decided_all, one_by_one, self._queued()
                    )
                except NotSetWise:  # the record-by-record way, as any run
                    self._not_set_wise(entries, position, end)
                    continue
                position = end
                continue
            if end is not None:
                if self._stop():
                    return
                try:
                    position += replay_scan_run(
                        self, entries[position:end], decided_all, one_by_one, self._queued()
                    )
                except NotSetWise:  # the record-by-record way, as any run
                    self._not_set_wise(entries, position, end)
                    continue
                if position < end:  # it changes what the next are classified by
                    if self._stop():
                        return
                    one_by_one(entries[position])
                    position += 1
                    if end - position < MIN_RUN:
                        self._not_set_wise(entries, position, end)
                continue
            run = self._run(entries, position, window_size)
            if not run:
                entry = entries[position]
                if self._stop():
                    return
                decided_one(entry, self.per_record.replay(entry))
                self._forget_assets()
                position += 1
                window_size = SMALL_WINDOW
                continue
            decided = self._decide_window(run, decided_one)
            position += decided
            if decided < len(run) and self._out_of_time():
                return
            if decided < len(run) and not self.cancelled:
                # The record that ended the run goes the per-record way.
                entry = entries[position]
                decided_one(entry, self.per_record.replay(entry))
                self._forget_assets()
                position += 1
                window_size = SMALL_WINDOW
            else:
                window_size = min(WINDOW, window_size * 2)

    def _set_wise_runs(self, entries: Sequence[Entry]) -> tuple[dict[int, int], list[Entry]]:
        """Where each run of at least :data:`MIN_RUN` scans (or procedures) in a row
        ends, by the place of each of its entries (on a SQLite server; elsewhere none);
        and the other entries of the kinds a window decides, in order (their kit rows are
        read for the windows)."""
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        runs: dict[int, int] = {}
        windowed: list[Entry] = []
        start = 0
        for record, group in groupby(entries, key=_RECORD_OF):
            members = list(group)
            end = start + len(members)
            if sqlite and len(members) >= MIN_RUN and record in _SET_WISE & BULK_RECORDS:
                runs.update(dict.fromkeys(range(start, end), end))
            elif record in BULK_RECORDS:
                windowed.extend(members)
            start = end
        return runs, windowed

    def _not_set_wise(self, entries: Sequence[Entry], start: int, end: int) -> None:
        """Entries ``start``..``end`` go the record-by-record way (their kit rows read)."""
        for n in range(start, end):
            del self.set_wise_runs[n]
        read_kit(self, [e for e in entries[start:end] if e.record in BULK_RECORDS])

    def _queued(self) -> set[uuid.UUID]:
        """The entry ids of this kit's records in the server's conflict queue (read once
        per transaction: a kit has few)."""
        if self.queued_entries is None:
            # Through the driver: a SQLAlchemy select is compiled once per process
            # (~0.5 ms of a command line's sync), the plain statement is not.
            c = _CONFLICTS.c
            self.queued_entries = {
                row[0]
                for row in _select_in(
                    self.session.connection(),
                    "SELECT entry_id FROM kit_conflicts WHERE kit_id IN ({marks})",
                    c.kit_id,
                    [self.per_record.info.kit_id],
                    [c.entry_id],
                    self.ids,
                )
            }
        return self.queued_entries

    def _run(self, entries: Sequence[Entry], start: int, size: int) -> list[Entry]:
        run: list[Entry] = []
        for n, entry in enumerate(entries[start : start + size], start):
            if n in self.set_wise_runs:
                break  # decided set-wise
            if entry.record not in BULK_RECORDS:
                break
            if entry.record == "scan" and self.scans[entry.seq].kind not in _SCANNED_TEXT:
                break
            run.append(entry)
        return run

    def _cancelled(self) -> bool:
        if self.cancel is not None and self.cancel():
            self.cancelled = True
        return self.cancelled

    def _out_of_time(self) -> bool:
        return self.until is not None and self.done > 0 and time.monotonic() > self.until

    def _stop(self) -> bool:
        """Whether to begin no further record: cancelled, or the transaction's time is up
        (once it decided one)."""
        return self._cancelled() or self._out_of_time()

    def _decide_window(self, run: list[Entry], remember: Callable[[Entry, Replayed], None]) -> int:
        """Decide the run's records until one is unusual; write them; how many."""
        window = read_window(self, run)
        decided = 0
        for entry in run:
            if self._stop():
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
        # Not on an error: the transaction is rolled back, and a write after a failed
        # statement (PostgreSQL: "current transaction is aborted") would hide the cause.
        self._write(window)
        return decided

    # -- reading

    def _lock(self) -> None:
        """Lock the transaction's audits and its procedures' assets, in id order, before
        anything else (two kits syncing at once wait for each other, never deadlock)."""
        lock_audits(self.session, {row.audit_id for row in self.scans.values()})
        if self.session.get_bind().dialect.name == "sqlite":
            return  # the write transaction holds the whole file
        asset_ids = sorted({row.asset_id for row in self.procedures.values()})
        connection = self.session.connection()
        for part in chunks(asset_ids):
            connection.execute(
                select(_ASSETS.c.id)
                .where(_ASSETS.c.id.in_(part))
                .order_by(_ASSETS.c.id)
                .with_for_update()
            ).all()

    def _location(self, location_id: uuid.UUID | None) -> Location | None:
        if location_id is None:
            return None
        found = self.locations.get(location_id, _UNREAD)
        if found is _UNREAD:
            found = self.locations[location_id] = self.session.get(Location, location_id)
        # A _Place stands for the Location: the classification reads its name, kind, parent.
        return cast("Location | None", found)

    # -- deciding

    def _procedure(self, window: _Window, entry: Entry) -> Replayed:
        row = self.procedures[entry.seq]
        replayer = self.per_record
        kind = _KIND_OF.get(row.kind) or ProcedureKind(row.kind)
        performer = replayer._username(row.performed_by_id)
        summary = f"{_LABEL_OF[kind]} {row.tag} by {performer} at {row.at[:16]}"
        queued = window.queued.get(entry.entry_id)
        if queued is not None:
            return already_queued(entry, queued)
        if row.id in window.on_server:
            return Replayed(replayer._result(entry, summary, Outcome.ALREADY_APPLIED))
        current = window.assets.get(row.asset_id)
        if kind is ProcedureKind.RECEIVE or current is None:
            raise _Unusual
        if any(change["field"] == "tag" for change in row.changes):
            raise _Unusual  # the tags the window's scans are matched by would move
        now_values = window.values.get(current.id)
        base = replayer.bases.get(row.asset_id)
        if (
            now_values is None
            and base is not None
            and base.server_version == current.version
            and current.id in self.in_base
        ):
            # The server has the version the kit knew: the comparison reads only the
            # fields the procedure changed, and nothing needs its values afterwards (the
            # kit's base has the asset: only its version is noted).
            rebase = compare_with_server(row.changes, base, _ValuesOf(current), current.version)
        else:
            if now_values is None:
                now_values = window.values[current.id] = base_values(current)
            rebase = compare_with_server(
                row.changes,
                base,
                now_values,
                current.version,
                partial(replayer.custom_titles, current.category_id),
            )
        if rebase.conflicting:
            raise _Unusual  # the conflict queue's record is made per record
        request = request_from_procedure(
            row,
            performed_by=performer,
            note=self._note(performer, rebase, current.version),
            origin_detail=f"field kit {self.kit_id}; recorded by {row.origin}",
            performed_at=row.performed_at,
            answers_split=self._split(row),
        )
        # The rule functions read the asset's columns: the window's copy stands in for it.
        asset = cast("Asset", current)
        try:
            actor_id = self.actors.get((performer, kind))
            if actor_id is None:
                actor_id = self.actors[(performer, kind)] = require(
                    self.session, performer, work_for(kind)
                ).id
            decision = decide_procedure(
                self.session,
                request,
                asset,
                pending=window.pending,
                groups=self.groups,
                group_key=row.answers_text,
            )
        except DesktopError:
            raise _Unusual from None  # queued per record, with the service's reasons
        if decision.approvals:
            raise _Unusual  # pending approval: recorded per record
        # The session holds looked-up objects weakly: keep the category for the next one.
        self.held.append(decision.category)
        version_before = current.version
        window.procedures.append(
            procedure_values(
                request,
                template=decision.template,
                answers=decision.answers,
                changes=decision.changes,
                risk=decision.risk,
                approvals=0,
                performed_by_id=actor_id,
                asset_id=current.id,
                asset_version=None,
                now=self.now,
            )
        )
        apply_decision(asset, decision)
        current.version = version_before + 1
        touched = window.touched.setdefault(current.id, set())
        touched.update(map(_COLUMN_OF.__getitem__, decision.new_values))
        if decision.custom:
            touched.add("custom_fields")
        if "tag" in decision.new_values:
            touched.add("tag_key")
        values = None
        if now_values is not None:
            # Its values now: those it had, with what the procedure set (as base_values
            # reads them).
            values = dict(now_values)
            for key, value in decision.new_values.items():
                values[key] = json_value(value)
            for name, value in decision.custom.items():
                if value is None:
                    values.pop(CUSTOM_PREFIX + name, None)
                else:
                    values[CUSTOM_PREFIX + name] = value
            window.values[current.id] = values
        outcome = Outcome.MERGED if rebase.merged_from is not None else Outcome.APPLIED
        return Replayed(
            replayer._result(entry, summary, outcome, rebase_reason(rebase, version_before)),
            asset_id=current.id,
            server_version=current.version,
            values=values,
        )

    def _split(self, row: KitProcedure) -> SplitAnswers:
        """The procedure's answers split as a request gives them: once per group's
        answers (the same stored text, the same answers)."""
        split = self.answers_split.get(row.answers_text)
        if split is None:
            split = self.answers_split[row.answers_text] = split_answers(row.answers)
        return split

    def _note(self, performer: str, rebase: Rebase, version: int) -> str:
        """:func:`replay_note` (the same for each performer while not rebased)."""
        if rebase.merged_from is not None:
            return replay_note(
                self.per_record.info, performer, self.per_record.by_user, rebase, version
            )
        note = self.notes.get(performer)
        if note is None:
            note = self.notes[performer] = replay_note(
                self.per_record.info, performer, self.per_record.by_user, rebase, version
            )
        return note

    def _scan(self, window: _Window, entry: Entry) -> Replayed:
        scan = self.scans[entry.seq]
        replayer = self.per_record
        scanner = replayer._username(scan.scanned_by_id)
        summary = scan_summary(scan, scanner, scan.at)
        queued = window.queued.get(entry.entry_id)
        if queued is not None:
            return already_queued(entry, queued)
        if scan.id in window.on_server:
            return Replayed(replayer._result(entry, summary, Outcome.ALREADY_APPLIED))
        text = scan.raw.strip()
        key = scan.key
        if not text or len(text) > 200 or key in window.location_keys:
            raise _Unusual  # refused, or a room scan: per record
        asset_id = window.by_key.get(key) if len(key) <= TAG_MAX_LENGTH else None
        try:
            checked = self.scanning.get((scan.audit_id, scanner))
            if checked is None:
                checked = self.scanning[(scan.audit_id, scanner)] = (
                    lock_open_audit(self.session, scan.audit_id),
                    audit_scans.scanner_id(self.session, scanner),
                )
            audit, person_id = checked
            audit_id = scan.audit_id  # the audit's id (an ORM attribute costs more)
            room = self._room(
                window,
                audit,
                audit_id,
                scan.location_id if scan.kind == _ASSET_SCAN else None,
            )
        except DesktopError:
            raise _Unusual from None
        if asset_id is None:
            unknown = window.unknown[audit_id]
            repeat = key in unknown
            classification = audit_scans.classify_unknown_scan(repeat=repeat)
            if not repeat:
                unknown.add(key)
        else:
            asset: _Current | _Seen = window.assets.get(asset_id) or window.seen[asset_id]
            expected_at = window.expected[audit_id]
            listed = asset_id in expected_at
            expected_id = (
                expected_at[asset_id] if listed else window.located[audit_id].get(asset_id)
            )
            counted = window.counted[audit_id]
            expected_location = self._location(expected_id)
            classification, _message = audit_scans.classify_asset_scan(
                asset,
                room,
                expected_location_id=expected_id,
                expected_location=expected_location,
                listed=listed,
                already_counted=asset_id in counted,
                outside_scope=room is None
                and not listed
                and (
                    expected_location is None
                    or not audit_scans.in_scope(self.session, audit, expected_location)
                ),
            )
            if classification in COUNTED:
                counted.add(asset_id)
        sequence = window.sequence[audit_id]
        window.sequence[audit_id] = sequence + 1
        window.scans.append(
            audit_scans.scan_row(
                scan_id=scan.id,
                audit_id=audit_id,
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

    def _room(
        self, window: _Window, audit: Audit, audit_id: uuid.UUID, room_id: uuid.UUID | None
    ) -> Location | None:
        """The room a scan is made in (``audit_id``: the audit's id, read once); none
        given: the audit's one room, when its scope is one."""
        key = (audit_id, room_id)
        if key not in window.rooms:
            window.rooms[key] = audit_scans.usable_room(self.session, audit, room_id)
        return window.rooms[key]

    # -- writing

    def _write(self, window: _Window) -> None:
        """The window's procedures, asset updates and scans, one driver ``executemany``
        each (the updates one per set of changed columns)."""
        connection = self.session.connection()
        if window.procedures:
            defaults = {"version": 1, "created_at": self.now, "updated_at": self.now}
            self._statement(_PROCEDURES, connection).run_dicts(window.procedures, defaults)
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        positions = {name: n for n, name in enumerate(_CURRENT_NAMES)}
        for asset_id, set_by_procedures in window.touched.items():
            asset, before = window.assets[asset_id], window.read[asset_id]
            version = before[positions["version"]]
            if asset.version == version:
                continue
            changed = tuple(
                c
                for c in sorted(set_by_procedures, key=positions.__getitem__)
                if getattr(asset, c) != before[positions[c]]
            )
            groups.setdefault(changed, []).append(
                [
                    *(getattr(asset, c) for c in changed),
                    asset.version,
                    self.now,
                    asset_id,
                    version,
                ]
            )
        updated = [row[-2] for rows in groups.values() for row in rows]
        columns = sorted({name for changed in groups for name in changed})
        with search_index_kept_in_bulk(connection, updated, columns):
            for changed, rows in groups.items():
                statement = self._statement(changed, connection)
                touched = statement.run(rows)
                counted = connection.dialect.supports_sane_multi_rowcount or isinstance(
                    statement, _JoinedUpdate
                )
                if counted and touched != len(rows):
                    raise KitError(
                        "an asset changed on the server while the sync held it; nothing of "
                        "this batch was recorded: sync again"
                    )
        if window.scans:
            self._statement(_SCANS, connection).run_dicts(window.scans, {})
        window.procedures.clear()
        window.scans.clear()
        window.touched.clear()
        self._forget_assets()

    def _statement(self, what: Table | tuple[str, ...], connection: Connection) -> _DriverWrite:
        """The insert into a table, or the update of a set of asset columns (made once
        per transaction)."""
        made = self._writes.get(what)
        if made is None:
            made = self._writes[what] = (
                _insert(connection, what) if isinstance(what, Table) else _update(connection, what)
            )
        return made

    def _forget_assets(self) -> None:
        """Assets the session holds are re-read on next use (a bulk write or a
        per-record replay may have changed them)."""
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, Asset):
                self.session.expire(obj)
