"""Syncing a kit: replay its journal on the server through the services, then refresh.

Each journal entry is replayed on the server under the rules of the service that records
that kind of record online, with the id it was given on the laptop. Runs of ordinary
records (changes needing no approval, audit scans) are decided in bulk by the services'
own rule functions and written together (:mod:`desktop.kits.bulk_replay`); any other
record goes through its service (:func:`record_in_session` for procedures, the scan,
incident and withdrawal services) in a savepoint of its own, so that a refused record
rolls back alone and is queued as a conflict. A record whose id is already on the server
is "already applied": a sync killed half-way and run again records nothing twice.
Records go in server transactions of at most :data:`BATCH` records; while someone
watches the progress, the first one takes :data:`FIRST_BATCH` records (so that it moves
at once) and each takes no more once it worked :data:`TRANSACTION_SECONDS`. A cancel
lands at the next record. The kit marks entries synced only after the server committed.

A procedure is compared field by field: for every field it changed, the server's value
now must be the one the kit saw before it (nobody else touched that field) or the one
the kit set (the same edit was made on both sides). Any other value is a conflict: the
record goes to the server's conflict queue and nothing of it is applied. When the
server changed *other* fields meanwhile the procedure is applied and says, in its note,
that it was rebased from the version it was made on to the server's.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.fields import CUSTOM_PREFIX, FIELDS_BY_KEY, field_label
from desktop.domain.incidents import TEMPLATE_KEY, IncidentStatus
from desktop.domain.lifecycle import (
    KIND_TARGET_STATUS,
    Origin,
    ProcedureKind,
    ProcedureState,
)
from desktop.errors import DesktopError, ValidationError
from desktop.kits.checkout import record_checkout_assets, reserve_tag_blocks
from desktop.kits.info import kit_info
from desktop.kits.model import (
    TAG_BLOCK_SIZE,
    Cancel,
    FieldDifference,
    KitCancelled,
    KitError,
    KitInfo,
    Outcome,
    Progress,
    RecordResult,
    SyncReport,
    TagBlock,
)
from desktop.kits.schema import (
    Copied,
    attach_source,
    base_values,
    chunks,
    detach_source,
    refresh,
)
from desktop.kits.stored_values import uuid_from_hex
from desktop.services import audit_scans
from desktop.services.approvals import withdraw_in_session
from desktop.services.audit_scan_types import ScanKind
from desktop.services.audits import (
    close_audit_in_session,
    lock_audits,
    start_audit_in_session,
)
from desktop.services.batch_cache import batch_cache
from desktop.services.incidents import (
    IncidentRequest,
    add_note_in_session,
    log_in_session,
    move_incident_in_session,
)
from desktop.services.people import acting_person
from desktop.services.procedures import ProcedureRequest, record_in_session
from desktop.services.values import display_text
from desktop.storage.database import Database
from desktop.storage.kitfile import returned_sentence
from desktop.storage.models import (
    Asset,
    Audit,
    AuditScan,
    Incident,
    IncidentAsset,
    IncidentEvent,
    KitCheckout,
    KitCheckoutAsset,
    KitConflict,
    Person,
    Procedure,
)
from desktop.storage.types import utcnow

CONFLICT_NUMBER_ATTEMPTS = 20
#: Records replayed per server transaction at most (runs of common records in bulk, the
#: others each in a savepoint of its own); the kit marks them synced once the server
#: committed them all.
BATCH = 5000
#: While a progress is shown, a server transaction takes no more records once it has
#: worked this long: the progress (which reports committed records) moves at least this
#: often. A cancel lands at the next record, whatever the transaction's size.
TRANSACTION_SECONDS = 0.5
#: The first transaction's records when a progress is shown: it moves at once.
FIRST_BATCH = 50
#: User names by person id (ids are UUIDs: one person's id is never another's).
_USERNAMES: dict[uuid.UUID, str] = {}


class Entry(NamedTuple):
    """One kit journal entry to replay."""

    seq: int
    entry_id: uuid.UUID
    record: str
    row_id: uuid.UUID
    op: str


class Base:
    """An asset's base: the server version the kit knew, and its values then (from the
    kit's JSON, decoded when first asked for: most replays compare only versions)."""

    __slots__ = ("_text", "_values", "server_version")

    def __init__(
        self, server_version: int, values: dict[str, Any] | None = None, *, text: str = "{}"
    ) -> None:
        self.server_version = server_version
        self._values = values
        self._text = text

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = json.loads(self._text)
        return self._values


@dataclass
class Replayed:
    result: RecordResult
    #: The asset's server version after an applied procedure, and its values (kit base).
    asset_id: uuid.UUID | None = None
    server_version: int | None = None
    values: dict[str, Any] | None = None


def sync(
    kit: Database,
    server: Database,
    by_user: str,
    *,
    dry_run: bool = False,
    refresh: bool = True,
    check_in: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> SyncReport:
    """Replay the kit's offline records on ``server`` in the order they were made.

    With ``check_in`` (see :func:`check_in`) the checkout then ends instead of the
    refresh; a kit whose checkout the server already ended is synced and closed so.

    Each record is keyed by its laptop-made id (a record already
    there is "already applied"); records that cannot be applied as made go to the
    server's conflict queue. ``dry_run`` changes nothing on either side and reports
    what each record would become. With ``refresh`` the kit is then brought to the
    server's current state for its scope (its journal emptied) and can go out again.
    """
    with collector_paused():
        return _sync(
            kit,
            server,
            by_user,
            dry_run=dry_run,
            refresh=refresh,
            check_in=check_in,
            progress=progress,
            cancel=cancel,
        )


def _sync(
    kit: Database,
    server: Database,
    by_user: str,
    *,
    dry_run: bool,
    refresh: bool,
    check_in: bool,
    progress: Progress | None,
    cancel: Cancel | None,
) -> SyncReport:
    info = kit_info(kit)
    if info is None:
        raise KitError(f"{kit.display_url} is not a field kit: there is nothing to sync")
    if info.returned_at is not None:
        raise KitError(returned_sentence(info.returned_at.isoformat(), info.source_description))
    with server.read() as session:
        checkout_row = session.get(KitCheckout, info.kit_id)
        if checkout_row is None:
            raise KitError(
                f"the database {server.display_url} has no record of this kit (it was "
                f"checked out from {info.source_url}); nothing was changed"
            )
        ending = check_in or checkout_row.returned_at is not None
        acting_person(session, by_user)
    entries = _entries(kit)
    bases = _bases(kit)
    in_base = set(bases)
    total = len(entries) + (0 if dry_run or not (refresh or ending) else 1)
    results: list[RecordResult] = []
    cancelled = False

    def tell(text: str) -> None:
        if progress is not None:
            progress(len(results), max(total, 1), text)

    if dry_run:
        with server.read() as session, kit.read() as kit_session, batch_cache(session):
            replayer = _Replayer(session, kit_session, info, by_user, bases, dry_run=True)
            replayer.prefetch(entries)
            for entry in entries:
                if cancel is not None and cancel():
                    cancelled = True
                    break
                replayed = replayer.replay(entry)
                _remember(bases, replayed)
                results.append(replayed.result)
                tell(replayed.result.summary)
            session.rollback()
        return SyncReport(info.kit_id, True, tuple(results), cancelled=cancelled)

    # Here, not at the top: the bulk replay builds on this module.
    from desktop.kits.bulk_replay import BulkReplayer

    position = 0
    size = min(FIRST_BATCH, BATCH) if progress is not None else BATCH
    while position < len(entries) and not cancelled:
        done: list[tuple[Entry, Replayed]] = []

        def remember(entry: Entry, replayed: Replayed) -> None:
            _remember(bases, replayed)
            done.append((entry, replayed))  # noqa: B023 - called within this iteration

        with server.write() as session, kit.read() as kit_session, batch_cache(session):
            replayer = _Replayer(session, kit_session, info, by_user, bases)
            # While someone watches, the transaction ends in time for the progress.
            until = None if progress is None else time.monotonic() + TRANSACTION_SECONDS
            bulk = BulkReplayer(replayer, cancel, until=until)
            bulk.replay(entries[position : position + size], remember)
            cancelled = bulk.cancelled
            # Noted with the records (a sync that ends here needs no transaction for it).
            _note_synced(session, info.kit_id)
        # The server committed the batch: now the kit hears of it.
        _mark(kit, done, in_base)
        position += len(done)
        # Twice what the last one took in its time (what it read and locked beyond that
        # is read again by the next): all that is left, when it took all it had.
        size = BATCH if len(done) == size else min(BATCH, max(FIRST_BATCH, 2 * len(done)))
        for _entry, replayed in done:
            results.append(replayed.result)
            tell(replayed.result.summary)

    refreshed = returned = False
    if not cancelled and ending:
        tell("Ending the checkout")
        _close_kit(kit, _end_checkout(server, info), info)
        returned = True
    elif not cancelled and refresh:
        tell("Refreshing the kit from the server")
        try:
            refresh_kit(kit, server, info, cancel=cancel)
            refreshed = True
        except KitCancelled:
            cancelled = True
    if refreshed or returned or not entries:  # (else the last replay noted it)
        with server.write() as session:
            _note_synced(session, info.kit_id)
    if (refreshed or returned) and progress is not None:
        progress(total, total, "Checked in" if returned else "Synced")
    return SyncReport(
        info.kit_id,
        False,
        tuple(results),
        cancelled=cancelled,
        refreshed=refreshed,
        returned=returned,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for a sync: its thousands of short-lived
    rows, records and results made ~100 collections of a sync of 3,000 records (~10 ms
    of its ~0.2 s CPU) and no cycles worth collecting; what is left is collected when it
    runs again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _note_synced(session: Session, kit_id: uuid.UUID) -> None:
    """The server notes when the kit last synced."""
    session.execute(
        update(KitCheckout).where(KitCheckout.id == kit_id).values(last_sync_at=utcnow())
    )


def check_in(
    kit: Database,
    server: Database,
    by_user: str,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> SyncReport:
    """Sync the kit's records (as :func:`sync`), then end its checkout: the server notes
    it returned (its "checked out by …" marks go) and the kit file is closed for good —
    it takes no more work (the services and the kit's triggers refuse it) and is not
    synced again. Records that became conflicts stay in the server's queue. Cancelled
    half-way, nothing is ended (sync or check in again later)."""
    return sync(kit, server, by_user, check_in=True, progress=progress, cancel=cancel)


#: Tables a returned kit refuses new rows in (and ``assets`` refuses changes).
_CLOSED_TABLES = (
    "procedures",
    "approvals",
    "audits",
    "audit_scans",
    "incidents",
    "incident_events",
    "assets",
)


def _end_checkout(server: Database, info: KitInfo) -> dt.datetime:
    """The server's side of a check-in (idempotent: an earlier time is kept)."""
    with server.write() as session:
        row = session.get(KitCheckout, info.kit_id, populate_existing=True)
        assert row is not None
        if row.returned_at is None:
            row.returned_at = utcnow()
        row.last_sync_at = utcnow()
        session.execute(delete(KitCheckoutAsset).where(KitCheckoutAsset.kit_id == info.kit_id))
        return row.returned_at


def _close_kit(kit: Database, returned_at: dt.datetime, info: KitInfo) -> None:
    """Mark the kit returned and add the triggers that refuse any further work in it."""
    when = returned_at.astimezone(dt.UTC).isoformat()
    sentence = returned_sentence(when, info.source_description).replace("'", "''")
    with kit.engine.begin() as connection:
        columns = {r[1] for r in connection.exec_driver_sql("PRAGMA table_info(kit_meta)")}
        if "returned_at" not in columns:
            connection.exec_driver_sql("ALTER TABLE kit_meta ADD COLUMN returned_at TEXT")
        connection.exec_driver_sql("UPDATE kit_meta SET returned_at = ?", (when,))
        for table in _CLOSED_TABLES:
            events = ("INSERT", "UPDATE") if table == "assets" else ("INSERT",)
            for event in events:
                connection.exec_driver_sql(
                    f"CREATE TRIGGER IF NOT EXISTS kit_returned_{table}_{event.lower()} "
                    f"BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, '{sentence}'); END"
                )


# -- the kit side ---------------------------------------------------------------------


def _entries(kit: Database) -> list[Entry]:
    with kit.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT seq, entry_id, record, row_id, op FROM kit_journal WHERE synced = 0 "
            "ORDER BY seq"
        ).all()
    # The trigger's random hex becomes an RFC 4122 version 4 id (MariaDB checks).
    return [
        Entry(int(r[0]), uuid_from_hex(r[1], version4=True), r[2], uuid_from_hex(r[3]), r[4])
        for r in rows
    ]


def _bases(kit: Database) -> dict[uuid.UUID, Base]:
    """The base versions and values of the assets the journal's procedures are about
    (only a procedure's replay compares with them; the rest of a large kit is not read)."""
    with kit.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT asset_id, server_version, vals FROM kit_base WHERE asset_id IN "
            "(SELECT asset_id FROM procedures WHERE id IN "
            "(SELECT row_id FROM kit_journal WHERE synced = 0))"
        ).all()
    return {uuid_from_hex(r[0]): Base(int(r[1]), text=r[2]) for r in rows}


def _remember(bases: dict[uuid.UUID, Base], replayed: Replayed) -> None:
    if replayed.asset_id is None or replayed.server_version is None:
        return
    known = bases.get(replayed.asset_id)
    if known is None:
        bases[replayed.asset_id] = Base(replayed.server_version, replayed.values or {})
    else:
        known.server_version = replayed.server_version


def _mark(kit: Database, done: list[tuple[Entry, Replayed]], in_base: set[uuid.UUID]) -> None:
    """After the server committed: the entries are synced (and the assets' server
    versions noted), in one kit transaction. ``in_base``: the assets the kit's
    ``kit_base`` holds (those made offline are added, with their values)."""
    if not done:
        return
    # One statement per run of entries with the same outcome: ``done`` follows the
    # journal's order, and every entry not yet synced between two of them is in it.
    runs: list[list[Any]] = []
    for entry, replayed in done:
        outcome = replayed.result.outcome.value
        if runs and runs[-1][0] == outcome:
            runs[-1][2] = entry.seq
        else:
            runs.append([outcome, entry.seq, entry.seq])
    latest: dict[uuid.UUID, Replayed] = {}
    for _entry, replayed in done:
        if replayed.asset_id is not None and replayed.server_version is not None:
            latest[replayed.asset_id] = replayed
    with kit.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE kit_journal SET synced = 1, outcome = ? "
            "WHERE seq BETWEEN ? AND ? AND synced = 0",
            [tuple(run) for run in runs],
        )
        known = [(r.server_version, a.hex) for a, r in latest.items() if a in in_base]
        if known:
            connection.exec_driver_sql(
                "UPDATE kit_base SET server_version = ? WHERE asset_id = ?", known
            )
        new = [
            (a.hex, r.server_version, r.server_version, json.dumps(r.values or {}, default=str))
            for a, r in latest.items()
            if a not in in_base
        ]
        if new:
            connection.exec_driver_sql(
                "INSERT INTO kit_base (asset_id, version, server_version, vals) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (asset_id) DO UPDATE SET "
                "server_version = excluded.server_version",
                new,
            )
    in_base.update(latest)


def refresh_kit(
    kit: Database,
    server: Database,
    info: KitInfo,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Bring the kit's data to the server's current state for its scope, in one kit
    transaction (a crash or a cancel leaves the kit as it was): only the rows that
    differ are written (see :func:`desktop.kits.schema.refresh`; the whole scope is
    re-copied when that cannot be sure). Tags keep being drawn from the kit's own
    blocks; synced journal entries are dropped."""
    with server.read() as session, kit.engine.connect() as connection:
        attach_source(connection, server)
        try:
            with connection.begin():
                copied = _refill(session, connection, info, progress=progress, cancel=cancel)
        except BaseException:
            # The refresh's own error is the one to report: a source SQLite still holds
            # (a statement left open by the failure) is not detached but dropped with
            # the connection, which the pool then replaces.
            try:
                detach_source(connection)
            except sqlite3.Error:
                connection.invalidate()
            raise
        detach_source(connection)
    with server.write() as session:
        # The server's record of the kit's assets: only those that entered or left.
        # (By their hex text: see Copied.)
        held = _checkout_assets(session.connection(), info.kit_id)
        now_held = set(copied.asset_keys)
        for gone in chunks(sorted(held - now_held)):
            session.execute(
                delete(KitCheckoutAsset).where(
                    KitCheckoutAsset.kit_id == info.kit_id,
                    KitCheckoutAsset.asset_id.in_([uuid_from_hex(key) for key in gone]),
                )
            )
        entered = [uuid_from_hex(key) for key in sorted(now_held - held)]
        record_checkout_assets(session.connection(), info.kit_id, entered)
        checkout_row = session.get(KitCheckout, info.kit_id)
        if checkout_row is not None:
            checkout_row.asset_count = len(copied.asset_keys)
    _renew_tag_blocks(kit, server, info)


def _checkout_assets(connection: Connection, kit_id: uuid.UUID) -> set[str]:
    """The server's record of the kit's assets, as 32 hex digits (through the driver:
    10,000 ids made by SQLAlchemy one by one cost more than reading them)."""
    dialect = connection.dialect
    kit_column = KitCheckoutAsset.__table__.c.kit_id
    to_driver = kit_column.type.dialect_impl(dialect).bind_processor(dialect)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    found = connection.exec_driver_sql(
        f"SELECT asset_id FROM kit_checkout_assets WHERE kit_id = {mark}",  # noqa: S608
        (kit_id if to_driver is None else to_driver(kit_id),),
    ).all()  # (fetched at once: row by row costs SQLAlchemy's work per row)
    return {
        v.hex if isinstance(v, uuid.UUID) else str(v).replace("-", "").lower() for (v,) in found
    }


def _renew_tag_blocks(kit: Database, server: Database, info: KitInfo) -> None:
    """A prefix whose block is four-fifths used gets a new block from the server."""
    current: dict[str, TagBlock] = {}
    for block in info.tag_blocks:
        if block.prefix not in current or block.first > current[block.prefix].first:
            current[block.prefix] = block
    with kit.connect() as connection:
        used: dict[str, int] = dict(
            connection.exec_driver_sql("SELECT prefix, next_value FROM tag_sequences").all()
        )
    worn = sorted(
        prefix
        for prefix, block in current.items()
        if used.get(prefix, block.first) > block.last - TAG_BLOCK_SIZE // 5
    )
    if not worn:
        return
    with server.write() as session:
        fresh = reserve_tag_blocks(session, worn)
        checkout_row = session.get(KitCheckout, info.kit_id)
        if checkout_row is not None:
            checkout_row.tag_blocks = [*checkout_row.tag_blocks, *(b.__dict__ for b in fresh)]
    blocks = [*info.tag_blocks, *fresh]
    with kit.engine.begin() as connection:
        for block in fresh:
            connection.exec_driver_sql(
                "UPDATE tag_sequences SET next_value = ? WHERE prefix = ?",
                (block.first, block.prefix),
            )
        connection.exec_driver_sql(
            "UPDATE kit_meta SET tag_blocks = ?", (json.dumps([b.__dict__ for b in blocks]),)
        )


def _refill(
    session: Session,
    connection: Connection,
    info: KitInfo,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> Copied:
    connection.exec_driver_sql("UPDATE kit_meta SET journal_on = 0")
    sequences: dict[str, int] = dict(
        connection.exec_driver_sql("SELECT prefix, next_value FROM tag_sequences").all()
    )
    copied, _whole = refresh(session, connection, info.scope, progress=progress, cancel=cancel)
    for block in info.tag_blocks:
        kit_next = sequences.get(block.prefix, block.first)
        connection.exec_driver_sql(
            "INSERT INTO tag_sequences (prefix, next_value) VALUES (?, ?) "
            "ON CONFLICT (prefix) DO UPDATE SET next_value = excluded.next_value",
            (block.prefix, max(int(kit_next), block.first)),
        )
    connection.exec_driver_sql("DELETE FROM kit_journal WHERE synced = 1")
    open_conflicts = session.execute(
        select(func.count())
        .select_from(KitConflict)
        .where(KitConflict.kit_id == info.kit_id, KitConflict.resolution.is_(None))
    ).scalar_one()
    connection.exec_driver_sql(
        "UPDATE kit_meta SET journal_on = 1, refreshed_at = ?, open_conflicts = ?",
        (utcnow().isoformat(), int(open_conflicts)),
    )
    return copied


# -- replaying one record ---------------------------------------------------------------


def already_queued(entry: Entry, queued: tuple[uuid.UUID, int]) -> Replayed:
    """A record an earlier sync put in the conflict queue (id, number): it stays there."""
    return Replayed(
        RecordResult(
            entry.seq,
            entry.record,
            entry.row_id,
            f"{entry.record} {entry.row_id}",
            Outcome.CONFLICT,
            f"already in the conflict queue as #{queued[1]}",
            conflict_id=queued[0],
        )
    )


class _Replayer:
    def __init__(
        self,
        session: Session,
        kit_session: Session,
        info: KitInfo,
        by_user: str,
        bases: Mapping[uuid.UUID, Base],
        *,
        dry_run: bool = False,
    ) -> None:
        self.session = session
        self.kit = kit_session
        self.info = info
        self.by_user = by_user
        self.bases = bases
        self.dry_run = dry_run
        #: Ids of this batch's records the server already has (see :meth:`prefetch`).
        self.on_server: set[uuid.UUID] = set()
        self.queued: dict[uuid.UUID, tuple[uuid.UUID, int]] = {}
        self.prefetched = False
        self.held: list[object] = []

    def prefetch(self, entries: list[Entry]) -> None:
        """Read a batch's rows in a few statements instead of several per record: the
        kit's procedures, scans and their assets (into the kit session), which of them
        the server already has or queued, and the server's assets they touch — locked
        for the batch's transaction (in id order), so that the three-way comparison and
        the record are made on the same server version."""
        # The sessions' identity maps hold objects weakly: keep them for the batch.
        held = self.held = []
        by_record: dict[str, list[uuid.UUID]] = {}
        for entry in entries:
            by_record.setdefault(entry.record, []).append(entry.row_id)
        procedure_ids = by_record.get("procedure", [])
        scan_ids = by_record.get("scan", [])
        asset_ids: set[uuid.UUID] = set()
        for part in chunks(procedure_ids):
            for procedure in self.kit.execute(
                select(Procedure).where(Procedure.id.in_(part))
            ).scalars():
                held.append(procedure)
                asset_ids.add(procedure.asset_id)
            self.on_server.update(
                self.session.execute(select(Procedure.id).where(Procedure.id.in_(part))).scalars()
            )
        for part in chunks(scan_ids):
            held.extend(self.kit.execute(select(AuditScan).where(AuditScan.id.in_(part))).scalars())
            self.on_server.update(
                self.session.execute(select(AuditScan.id).where(AuditScan.id.in_(part))).scalars()
            )
        for part in chunks(sorted(asset_ids)):
            held.extend(self.kit.execute(select(Asset).where(Asset.id.in_(part))).scalars())
        if not self.dry_run:
            audits = {scan.audit_id for scan in held if isinstance(scan, AuditScan)}
            held.extend(lock_audits(self.session, audits))
        if asset_ids and not self.dry_run:
            for part in chunks(sorted(asset_ids)):
                held.extend(
                    self.session.execute(
                        select(Asset)
                        .where(Asset.id.in_(part))
                        .order_by(Asset.id)
                        .with_for_update()
                        .execution_options(populate_existing=True)
                    ).scalars()
                )
        for part in chunks([e.entry_id for e in entries]):
            for row in self.session.execute(
                select(KitConflict.entry_id, KitConflict.id, KitConflict.number).where(
                    KitConflict.entry_id.in_(part)
                )
            ):
                self.queued[row.entry_id] = (row.id, row.number)
        self.prefetched = True

    def replay(self, entry: Entry) -> Replayed:
        if self.prefetched:
            queued = self.queued.get(entry.entry_id)
        else:
            found = self.session.execute(
                select(KitConflict.id, KitConflict.number).where(
                    KitConflict.entry_id == entry.entry_id
                )
            ).first()
            queued = None if found is None else (found.id, found.number)
        if queued is not None:
            return already_queued(entry, queued)
        handler = {
            "procedure": self._procedure,
            "withdrawal": self._withdrawal,
            "scan": self._scan,
            "incident": self._incident,
            "audit": self._audit_start,
            "audit close": self._audit_close,
            "incident event": self._incident_event,
        }.get(entry.record, self._not_replayed)
        return handler(entry)

    # -- helpers

    def _username(self, person_id: uuid.UUID | None) -> str:
        if person_id is None:
            return ""
        known = _USERNAMES.get(person_id)
        if known is None:
            found = self.kit.execute(
                select(Person.username).where(Person.id == person_id)
            ).scalar_one_or_none()
            known = _USERNAMES[person_id] = found if found is not None else str(person_id)
        return known

    def _on_server(self, model: Any, row_id: uuid.UUID) -> bool:
        if self.prefetched:
            return row_id in self.on_server
        return self.session.get(model, row_id) is not None

    @contextmanager
    def _attempt(self) -> Iterator[None]:
        with self.session.begin_nested():
            yield

    def _replay(
        self, entry: Entry, apply: Callable[[], object], *, summary: str, **queue: Any
    ) -> Replayed:
        """Apply one record through its service in a savepoint: applied, or queued with
        the service's reason (``queue``: the rest of :meth:`_queue`'s arguments)."""
        try:
            with self._attempt():
                apply()
        except DesktopError as problem:
            return self._queue(entry, summary=summary, reasons=[problem.message], **queue)
        return Replayed(self._result(entry, summary, Outcome.APPLIED))

    def _result(
        self, entry: Entry, summary: str, outcome: Outcome, reason: str = "", **kw: Any
    ) -> RecordResult:
        return RecordResult(entry.seq, entry.record, entry.row_id, summary, outcome, reason, **kw)

    def _queue(
        self,
        entry: Entry,
        *,
        summary: str,
        reasons: list[str],
        performed_by_id: uuid.UUID | None,
        performed_at: dt.datetime,
        procedure_kind: str | None = None,
        asset_id: uuid.UUID | None = None,
        asset_tag: str = "",
        fields: list[FieldDifference] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Replayed:
        reason = "; ".join(reasons)
        if self.dry_run:
            return Replayed(self._result(entry, summary, Outcome.CONFLICT, reason))
        now = utcnow()
        for _attempt in range(CONFLICT_NUMBER_ATTEMPTS):
            number = (
                int(
                    self.session.execute(
                        select(func.coalesce(func.max(KitConflict.number), 0))
                    ).scalar_one()
                )
                + 1
            )
            conflict = KitConflict(
                id=uuid.uuid4(),
                number=number,
                kit_id=self.info.kit_id,
                entry_id=entry.entry_id,
                record=entry.record,
                record_id=entry.row_id,
                seq=entry.seq,
                procedure_kind=procedure_kind,
                asset_id=asset_id,
                asset_tag=asset_tag[:64],
                summary=summary[:500],
                performed_by_id=performed_by_id,
                performed_by=self._username(performed_by_id),
                performed_at=performed_at,
                reasons=reasons,
                fields=[f.as_json() for f in fields or []],
                payload=payload or {},
                detected_at=now,
                resolution_note="",
            )
            try:
                with self.session.begin_nested():
                    self.session.add(conflict)
                    self.session.flush()
            except IntegrityError:
                continue
            return Replayed(
                self._result(
                    entry,
                    summary,
                    Outcome.CONFLICT,
                    f"#{number}: {reason}",
                    conflict_id=conflict.id,
                )
            )
        raise DesktopError("could not number a conflict after several attempts; sync again")

    # -- procedures

    def _procedure(self, entry: Entry) -> Replayed:
        procedure = self.kit.get(Procedure, entry.row_id)
        if procedure is None:
            raise KitError(f"the kit's journal names procedure {entry.row_id}, which it lacks")
        kind = ProcedureKind(procedure.kind)
        performer = self._username(procedure.performed_by_id)
        kit_asset = self.kit.get(Asset, procedure.asset_id)
        tag = kit_asset.tag if kit_asset is not None else ""
        summary = f"{kind.label} {tag} by {performer} at {procedure.performed_at:%Y-%m-%d %H:%M}"
        if self._on_server(Procedure, procedure.id):
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        payload = procedure_payload(procedure, performer)
        # Prefetched (and locked) for the batch; the identity map holds what earlier
        # records of the batch made of it.
        asset = self.session.get(Asset, procedure.asset_id, populate_existing=not self.prefetched)
        common: dict[str, Any] = {
            "summary": summary,
            "performed_by_id": procedure.performed_by_id,
            "performed_at": procedure.performed_at,
            "procedure_kind": kind.value,
            "asset_id": procedure.asset_id,
            "asset_tag": tag,
            "payload": payload,
        }
        if kind is not ProcedureKind.RECEIVE and asset is None:
            return self._queue(
                entry,
                reasons=[
                    f"the asset {tag} is not on the server (it was received offline and "
                    "that receipt is itself in the conflict queue, or it was removed)"
                ],
                **common,
            )
        base = self.bases.get(procedure.asset_id)
        rebase = Rebase(None, [])
        if asset is not None:
            now_values = base_values(asset)
            rebase = compare_with_server(procedure.changes, base, now_values, asset.version)
            if rebase.conflicting:
                differences = [
                    self._difference(str(c["field"]), base, now_values, c)
                    for c in rebase.conflicting
                ]
                return self._queue(
                    entry,
                    reasons=[
                        f"the server changed {d.label} to “{d.server_text}” meanwhile "
                        f"(it was “{d.base_text}”; the kit set “{d.kit_text}”)"
                        for d in differences
                    ],
                    fields=differences,
                    **common,
                )
        merged_from = rebase.merged_from
        version_now = asset.version if asset is not None else None
        note = replay_note(self.info, performer, self.by_user, rebase, version_now)
        request = request_from_payload(
            payload,
            performed_by=performer,
            procedure_id=procedure.id,
            asset_id=procedure.asset_id,
            note=note,
            origin_detail=f"field kit {self.info.kit_id}; recorded by {procedure.origin}",
            performed_at=procedure.performed_at,
        )
        try:
            with self._attempt():
                outcome = record_in_session(self.session, request)
        except DesktopError as problem:
            fields: list[FieldDifference] = []
            if isinstance(problem, ValidationError):
                reasons = [f"{p.field}: {p.message}" for p in problem.problems]
                if "tag" in problem.fields() and asset is None:
                    fields = [
                        FieldDifference(
                            "tag", "Tag", None, "taken by another asset", tag, "", "taken", tag
                        )
                    ]
            else:
                reasons = [problem.message]
            return self._queue(entry, reasons=reasons, fields=fields, **common)
        if outcome.state is ProcedureState.PENDING_APPROVAL:
            return Replayed(
                self._result(
                    entry,
                    summary,
                    Outcome.PENDING_APPROVAL,
                    f"waits for {outcome.approvals_required} approval(s) on the server",
                )
            )
        new_asset = self.session.get(Asset, outcome.asset_id)
        assert new_asset is not None
        outcome_kind = Outcome.MERGED if merged_from is not None else Outcome.APPLIED
        return Replayed(
            self._result(entry, summary, outcome_kind, rebase_reason(rebase, version_now)),
            asset_id=outcome.asset_id,
            server_version=new_asset.version,
            values=base_values(new_asset),
        )

    def _difference(
        self,
        key: str,
        base: Base | None,
        now_values: Mapping[str, Any],
        change: Mapping[str, Any],
    ) -> FieldDifference:
        base_value = base.values.get(key) if base is not None else change.get("before")
        server_value = now_values.get(key)
        kit_value = change.get("after")
        return FieldDifference(
            field=key,
            label=field_label(key),
            base=base_value,
            server=server_value,
            kit=kit_value,
            base_text=self._text(key, base_value),
            server_text=self._text(key, server_value),
            kit_text=str(change.get("after_text", "")) or self._text(key, kit_value),
        )

    def _text(self, key: str, value: object) -> str:
        if key in FIELDS_BY_KEY:
            try:
                return display_text(self.session, key, value)
            except (ValueError, DesktopError):
                return str(value)
        return "" if value is None else str(value)

    # -- withdrawals

    def _withdrawal(self, entry: Entry) -> Replayed:
        procedure = self.kit.get(Procedure, entry.row_id)
        if procedure is None:
            raise KitError(f"the kit's journal names procedure {entry.row_id}, which it lacks")
        performer = self._username(procedure.performed_by_id)
        summary = f"Withdrawal of {procedure.kind} {procedure.id} by {performer}"
        server_procedure = self.session.get(Procedure, procedure.id, populate_existing=True)
        common: dict[str, Any] = {
            "summary": summary,
            "performed_by_id": procedure.performed_by_id,
            "performed_at": procedure.completed_at or procedure.performed_at,
            "procedure_kind": procedure.kind,
            "asset_id": procedure.asset_id,
        }
        if server_procedure is None:
            return self._queue(
                entry,
                reasons=["the procedure withdrawn is not on the server (it is in conflict)"],
                **common,
            )
        if server_procedure.state == ProcedureState.CANCELLED.value:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        reason = procedure.note.split(":", 1)[1].strip() if ":" in procedure.note else ""
        return self._replay(
            entry,
            lambda: withdraw_in_session(
                self.session, procedure_id=procedure.id, requester=performer, reason=reason
            ),
            **common,
        )

    # -- scans

    def _scan(self, entry: Entry) -> Replayed:
        scan = self.kit.get(AuditScan, entry.row_id)
        if scan is None:
            raise KitError(f"the kit's journal names scan {entry.row_id}, which it lacks")
        scanner = self._username(scan.scanned_by_id)
        summary = scan_summary(scan, scanner)
        if self._on_server(AuditScan, scan.id):
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        kind = ScanKind(scan.kind)
        try:
            with self._attempt(), audit_scans.made_as(scan.id, scan.scanned_at):
                if kind is ScanKind.MANUAL:
                    assert scan.asset_id is not None
                    audit_scans.record_manual_find_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        asset_id=scan.asset_id,
                        reason=scan.reason,
                        scanned_by=scanner,
                        room_id=scan.location_id,
                    )
                elif kind is ScanKind.UNDO:
                    assert scan.undoes_scan_id is not None
                    audit_scans.undo_scan_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        undone_scan_id=scan.undoes_scan_id,
                        scanned_by=scanner,
                        room_id=scan.location_id,
                    )
                elif kind in (ScanKind.ROOM_CLOSED, ScanKind.ROOM_REOPEN):
                    assert scan.location_id is not None
                    audit_scans.set_room_finished_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        room_id=scan.location_id,
                        finished=kind is ScanKind.ROOM_CLOSED,
                        scanned_by=scanner,
                    )
                else:
                    audit_scans.record_scan_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        raw=scan.raw,
                        scanned_by=scanner,
                        room_id=scan.location_id if kind is ScanKind.ASSET else None,
                    )
        except DesktopError as problem:
            return self._queue(
                entry,
                summary=summary,
                reasons=[problem.message],
                performed_by_id=scan.scanned_by_id,
                performed_at=scan.scanned_at,
                asset_id=scan.asset_id,
                payload={"audit_id": str(scan.audit_id), "raw": scan.raw, "kind": scan.kind},
            )
        return Replayed(self._result(entry, summary, Outcome.APPLIED))

    # -- incidents

    def _incident(self, entry: Entry) -> Replayed:
        incident = self.kit.get(Incident, entry.row_id)
        if incident is None:
            raise KitError(f"the kit's journal names incident {entry.row_id}, which it lacks")
        summary = f"Incident “{incident.title}” (kit number {incident.number})"
        there = self.session.get(Incident, incident.id)
        if there is not None:
            return Replayed(
                self._result(entry, summary, Outcome.ALREADY_APPLIED, server_number=there.number)
            )
        logged = self.kit.execute(
            select(IncidentEvent.person_id)
            .where(IncidentEvent.incident_id == incident.id)
            .order_by(IncidentEvent.at)
            .limit(1)
        ).scalar()
        tags = list(
            self.kit.execute(
                select(Asset.tag)
                .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
                .where(IncidentAsset.incident_id == incident.id)
            ).scalars()
        )
        request = IncidentRequest(
            logged_by=self._username(logged or incident.reported_by_id),
            asset_tags=tags,
            title=incident.title,
            description=incident.description,
            severity=incident.severity,
            routed_group=incident.routed_group_id,
            reported_by=incident.reported_by_id,
            answers={k: v for k, v in incident.answers.items() if k != TEMPLATE_KEY},
            incident_id=incident.id,
            reported_at=incident.reported_at,
        )
        try:
            with self._attempt():
                made = log_in_session(self.session, request)
        except DesktopError as problem:
            return self._queue(
                entry,
                summary=summary,
                reasons=[problem.message],
                performed_by_id=logged or incident.reported_by_id,
                performed_at=incident.reported_at,
                asset_tag=", ".join(tags),
                payload={"title": incident.title, "asset_tags": tags},
            )
        reason = (
            f"the kit's provisional number {incident.number} is number {made.number} on the server"
        )
        return Replayed(
            self._result(entry, summary, Outcome.APPLIED, reason, server_number=made.number)
        )

    # -- audits started offline

    def _audit_start(self, entry: Entry) -> Replayed:
        audit = self.kit.get(Audit, entry.row_id)
        if audit is None:
            raise KitError(f"the kit's journal names audit {entry.row_id}, which it lacks")
        starter = self._username(audit.started_by_id)
        summary = f"Audit “{audit.name}” started by {starter}"
        if self.session.get(Audit, audit.id) is not None:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        return self._replay(
            entry,
            lambda: start_audit_in_session(
                self.session,
                scope_location_id=audit.scope_location_id,
                started_by=starter,
                category_ids=[uuid.UUID(str(c)) for c in audit.category_ids or []],
                name=audit.name,
                audit_id=audit.id,
                started_at=audit.started_at,
            ),
            summary=summary,
            performed_by_id=audit.started_by_id,
            performed_at=audit.started_at,
            payload={"name": audit.name, "scope_location_id": str(audit.scope_location_id)},
        )

    # -- audits closed offline

    def _audit_close(self, entry: Entry) -> Replayed:
        audit = self.kit.get(Audit, entry.row_id)
        if audit is None:
            raise KitError(f"the kit's journal names audit {entry.row_id}, which it lacks")
        closer = self._username(audit.closed_by_id)
        summary = f"Audit “{audit.name}” closed by {closer}"
        there = self.session.get(Audit, audit.id, populate_existing=True)
        if (
            there is not None
            and there.status == audit.status
            and there.closed_by_id == (audit.closed_by_id)
        ):
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))

        def close() -> None:
            if there is None:
                raise KitError(f"the audit “{audit.name}” is not on the server")
            close_audit_in_session(
                self.session, audit_id=audit.id, closed_by=closer, closed_at=audit.closed_at
            )

        return self._replay(
            entry,
            close,
            summary=summary,
            performed_by_id=audit.closed_by_id,
            performed_at=audit.closed_at or utcnow(),
        )

    # -- incident notes

    def _incident_event(self, entry: Entry) -> Replayed:
        event = self.kit.get(IncidentEvent, entry.row_id)
        if event is None:
            raise KitError(f"the kit's journal names incident event {entry.row_id}, which it lacks")
        if event.from_status is not None or event.to_status is not None:
            return self._incident_move(entry, event)
        incident = self.kit.get(Incident, event.incident_id)
        author = self._username(event.person_id)
        summary = f"Note on incident “{incident.title if incident else ''}” by {author}"
        if self.session.get(IncidentEvent, event.id) is not None:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        there = self.session.get(Incident, event.incident_id)

        def add_note() -> None:
            if there is None:
                raise KitError("the incident is not on the server (it is in conflict)")
            add_note_in_session(
                self.session,
                number=there.number,
                by=author,
                note=event.note,
                event_id=event.id,
                at=event.at,
            )

        return self._replay(
            entry,
            add_note,
            summary=summary,
            performed_by_id=event.person_id,
            performed_at=event.at,
            payload={"note": event.note},
        )

    # -- incident status moves

    def _incident_move(self, entry: Entry, event: IncidentEvent) -> Replayed:
        incident = self.kit.get(Incident, event.incident_id)
        if incident is None:
            raise KitError(f"the kit's journal names incident {event.incident_id}, which it lacks")
        author = self._username(event.person_id)
        summary = (
            f"Incident “{incident.title}” moved from {event.from_status} to "
            f"{event.to_status} by {author}"
        )
        if self.session.get(IncidentEvent, event.id) is not None:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        there = self.session.get(Incident, event.incident_id, populate_existing=True)
        common: dict[str, Any] = {
            "summary": summary,
            "performed_by_id": event.person_id,
            "performed_at": event.at,
            "payload": {
                "incident_id": str(incident.id),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
            },
        }
        if there is None:
            return self._queue(
                entry, reasons=["the incident is not on the server (it is in conflict)"], **common
            )
        target = str(event.to_status)
        # The kit's assignee (a move to "assigned" is made from "new", which has none:
        # the base). Status and assignee go to the queue field by field, never
        # last-writer-wins: a server that moved the incident, or assigned it to someone
        # else, since the kit's base keeps its values.
        kit_assignee = incident.assigned_to_id if target == "assigned" else None
        fields = [
            FieldDifference(
                "status",
                "Status",
                event.from_status,
                there.status,
                target,
                IncidentStatus(str(event.from_status)).label,
                IncidentStatus(there.status).label,
                IncidentStatus(target).label,
            )
        ]
        if target == "assigned":
            fields.append(
                FieldDifference(
                    "assigned_to",
                    "Assigned to",
                    None,
                    str(there.assigned_to_id) if there.assigned_to_id else None,
                    str(kit_assignee) if kit_assignee else None,
                    "",
                    self._text("assigned_to", there.assigned_to_id),
                    self._text("assigned_to", kit_assignee),
                )
            )
        reasons: list[str] = []
        if there.status != event.from_status:
            reasons.append(
                f"the server moved incident #{there.number} to {there.status} meanwhile "
                f"(the kit moved it from {event.from_status} to {event.to_status})"
            )
        if (
            target == "assigned"
            and there.assigned_to_id is not None
            and there.assigned_to_id != kit_assignee
        ):
            reasons.append(
                f"the server assigned incident #{there.number} to "
                f"{fields[-1].server_text} meanwhile (the kit assigned it to "
                f"{fields[-1].kit_text})"
            )
        # A later move of the incident made in the kit builds on the kit's earlier ones:
        # while one of those waits in the queue (queued in this run, also by a dry run,
        # or by an earlier sync and still open), this one waits with it.
        queued: set[uuid.UUID] = self.__dict__.setdefault("_incidents_queued", set())
        earlier = select(IncidentEvent.id).where(
            IncidentEvent.incident_id == incident.id,
            IncidentEvent.from_status.is_not(None),
            IncidentEvent.at < event.at,
        )
        earlier_ids = list(self.kit.execute(earlier).scalars())
        if earlier_ids and not reasons:
            blocking = (
                "in this sync"
                if incident.id in queued
                else self.session.execute(
                    select(KitConflict.number)
                    .where(KitConflict.record_id.in_(earlier_ids), KitConflict.resolution.is_(None))
                    .order_by(KitConflict.number)
                    .limit(1)
                ).scalar()
            )
            if blocking is not None:
                which = blocking if isinstance(blocking, str) else f"as conflict #{blocking}"
                reasons.append(
                    f"an earlier move of incident #{there.number} made in the kit waits in "
                    f"the queue ({which}): settle it first, then make this move on the server"
                )
        if reasons:
            queued.add(incident.id)
            return self._queue(entry, reasons=reasons, fields=fields, **common)
        fix = incident.fixed_by_procedure_id
        replayed = self._replay(
            entry,
            lambda: move_incident_in_session(
                self.session,
                number=there.number,
                to_status=target,
                by=author,
                assignee=kit_assignee,
                root_cause=incident.root_cause if target == "resolved" else "",
                resolution=incident.resolution if target == "resolved" else "",
                note=event.note,
                fixed_by_procedure=(
                    fix
                    if target == "resolved" and fix and there.fixed_by_procedure_id is None
                    else None
                ),
                event_id=event.id,
                at=event.at,
            ),
            **common,
        )
        if replayed.result.outcome is Outcome.CONFLICT:
            queued.add(incident.id)
        return replayed

    # -- what is not replayed

    def _not_replayed(self, entry: Entry) -> Replayed:
        words = f"a {entry.record} made offline"
        return self._queue(
            entry,
            summary=f"{entry.record.capitalize()} {entry.row_id}",
            reasons=[
                f"{words} is not replayed automatically: do it on the server (the record "
                "is kept here so that nothing is lost)"
            ],
            performed_by_id=None,
            performed_at=utcnow(),
        )


# -- the three-way comparison (per record and in bulk) ------------------------------------


@dataclass(frozen=True)
class Rebase:
    """How a procedure made offline meets the asset as the server has it now.

    Attributes:
        merged_from: the server version the kit knew, when the server changed the asset
            meanwhile (None: it did not).
        server_changed: the titles of the fields the server changed meanwhile.
        conflicting: the procedure's changes whose field the server set to a third value.
    """

    merged_from: int | None
    server_changed: list[str]
    conflicting: tuple[Mapping[str, Any], ...] = ()


def compare_with_server(
    changes: list[dict[str, Any]],
    base: Base | None,
    now_values: Mapping[str, Any],
    version: int,
) -> Rebase:
    """For every field the procedure changed, the server's value now must be the one the
    kit saw before (nobody else touched it) or the one the kit set (the same edit on both
    sides); otherwise it conflicts. Other fields the server changed make it a rebase."""
    conflicting = tuple(
        c
        for c in changes
        if now_values.get(str(c["field"])) not in (c.get("before"), c.get("after"))
    )
    if conflicting or base is None or version == base.server_version:
        return Rebase(None, [], conflicting)
    server_changed = sorted(
        {field_label(key) for key, value in now_values.items() if base.values.get(key) != value}
        | {
            field_label(key)
            for key in base.values
            if key.startswith(CUSTOM_PREFIX) and key not in now_values
        }
    )
    return Rebase(base.server_version, server_changed)


def replay_note(
    info: KitInfo, performer: str, by_user: str, rebase: Rebase, version_now: int | None
) -> str:
    """The note a replayed procedure carries (and why it was rebased)."""
    note = f"Made offline in field kit {str(info.kit_id)[:8]} by {performer}"
    note += f", synced by {by_user}."
    if rebase.merged_from is not None:
        changed = ", ".join(rebase.server_changed) or "nothing visible"
        note += (
            f" Rebased from version {rebase.merged_from} to {version_now}: the server "
            f"changed {changed} meanwhile."
        )
    return note


def rebase_reason(rebase: Rebase, version_now: int | None) -> str:
    """The sync report's reason for a merged record ("" when it was not rebased)."""
    if rebase.merged_from is None:
        return ""
    return (
        f"rebased from version {rebase.merged_from} to {version_now}: the server changed "
        f"{', '.join(rebase.server_changed) or 'nothing visible'}"
    )


# -- procedure payloads (also used to re-apply a conflict) --------------------------------

_DERIVED_BY_RULES = {ProcedureKind.DECOMMISSION: {"assigned_to"}}


#: How the sync's results name each kind of offline scan (a replayed undo was listed
#: as a second scan of the same tag).
_SCAN_WORDS = {
    ScanKind.UNDO: "Undo of the scan",
    ScanKind.MANUAL: "Found by hand",
    ScanKind.ROOM_CLOSED: "Room finished",
    ScanKind.ROOM_REOPEN: "Room reopened",
}


def scan_summary(scan: Any, scanner: str, at: str | None = None) -> str:
    """One line naming an offline scan (an :class:`AuditScan` or a row with its ``kind``,
    ``raw`` and ``scanned_at``) in the sync's results; ``at``: its moment already written
    as ``YYYY-MM-DD HH:MM:SS``."""
    words = _SCAN_WORDS.get(ScanKind(scan.kind), "Scan")
    if at is None:
        at = f"{scan.scanned_at:%Y-%m-%d %H:%M:%S}"
    return f"{words} “{scan.raw}” by {scanner} at {at}"


def procedure_payload(procedure: Any, performer: str) -> dict[str, Any]:
    """What is needed to record ``procedure`` again through the procedure service (a
    :class:`Procedure`, or a row with its ``kind``, ``changes``, ``answers``,
    ``asset_id``, ``ticket_ref``, ``reason`` and ``origin``)."""
    kind = ProcedureKind(procedure.kind)
    values: dict[str, Any] = {}
    for change in procedure.changes:
        key = str(change["field"])
        if key == "status" and kind in KIND_TARGET_STATUS:
            continue
        if key in _DERIVED_BY_RULES.get(kind, ()):
            continue
        values[key] = change.get("after")
    answers: dict[str, Any] = {}
    checklist: dict[str, bool] = {}
    impact = likelihood = None
    for key, value in (procedure.answers or {}).items():
        if key.startswith("checklist."):
            checklist[key[len("checklist.") :]] = bool(value)
        elif key == "impact":
            impact = value
        elif key == "likelihood":
            likelihood = value
        else:
            answers[key] = value
    return {
        "kind": kind.value,
        "performed_by": performer,
        "asset_id": str(procedure.asset_id),
        "values": values,
        "answers": answers,
        "checklist": checklist,
        "ticket_ref": procedure.ticket_ref,
        "reason": procedure.reason,
        "impact": impact,
        "likelihood": likelihood,
        "origin": procedure.origin,
    }


def request_from_payload(
    payload: Mapping[str, Any],
    *,
    performed_by: str,
    procedure_id: uuid.UUID | None,
    asset_id: uuid.UUID | None,
    note: str,
    origin_detail: str,
    performed_at: dt.datetime | None = None,
    values: Mapping[str, object] | None = None,
) -> ProcedureRequest:
    return ProcedureRequest(
        kind=ProcedureKind(payload["kind"]),
        performed_by=performed_by,
        asset_id=asset_id,
        values=dict(payload["values"] if values is None else values),
        answers=dict(payload.get("answers") or {}),
        checklist=dict(payload.get("checklist") or {}),
        ticket_ref=str(payload.get("ticket_ref") or ""),
        reason=str(payload.get("reason") or ""),
        origin=Origin.FIELD_KIT,
        origin_detail=origin_detail,
        performed_at=performed_at,
        impact=payload.get("impact"),
        likelihood=payload.get("likelihood"),
        procedure_id=procedure_id,
        note=note,
    )
