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
lands at the next record. The kit marks entries synced only after the server committed
(those marks alone commit without waiting for the disk: see :func:`_marking`).

A procedure is compared field by field: for every field it changed, the server's value
now must be the one the kit saw before it (nobody else touched that field) or the one
the kit set (the same edit was made on both sides). Any other value is a conflict: the
record goes to the server's conflict queue and nothing of it is applied. When the
server changed *other* fields meanwhile the procedure is applied and says, in its note,
that it was rebased from the version it was made on to the server's.

Here: the sync's course (batches, progress, cancel, check-in, the kit's journal marked).
One record's replay is :mod:`desktop.kits.replay` (on :mod:`desktop.kits.replay_batch`),
what it shares with the bulk replay :mod:`desktop.kits.replay_rules`, and the refresh
that follows :mod:`desktop.kits.kit_refresh`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, Table, delete
from sqlalchemy.orm import Session

from desktop.collector import collector_paused
from desktop.kits.bulk_replay import BulkReplayer
from desktop.kits.bulk_window import _Ids, _kit_rows
from desktop.kits.driver_io import _DriverWrite, _select_in
from desktop.kits.info import kit_info
from desktop.kits.kit_refresh import refresh_kit
from desktop.kits.model import (
    Cancel,
    KitCancelled,
    KitError,
    KitInfo,
    Outcome,
    Progress,
    RecordResult,
    SyncReport,
)
from desktop.kits.replay import _Replayer
from desktop.kits.replay_rules import Base, Entry, Replayed
from desktop.kits.stored_values import hex_ids, uuid_from_hex
from desktop.services.batch_cache import batch_cache
from desktop.services.people import acting_person
from desktop.storage.database import SQLITE_SYNCHRONOUS, Database
from desktop.storage.kitfile import returned_sentence
from desktop.storage.models import (
    KitCheckout,
    KitCheckoutAsset,
)
from desktop.storage.types import utcnow

#: Each outcome's value (``.value`` is a Python-level property; one per record).
_OUTCOME_VALUE = {outcome: outcome.value for outcome in Outcome}
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
    info = kit_info(kit, counts=False)  # (its counts are not needed here)
    if info is None:
        raise KitError(f"{kit.display_url} is not a field kit: there is nothing to sync")
    if info.returned_at is not None:
        raise KitError(returned_sentence(info.returned_at.isoformat(), info.source_description))
    with server.connect() as connection:
        # Through the driver: an ORM look-up is compiled once per process (~2 ms of a
        # command line's sync), the plain statement is not.
        c = cast("Table", KitCheckout.__table__).c
        checkout_rows = _select_in(
            connection,
            "SELECT returned_at FROM kit_checkouts WHERE id IN ({marks})",
            c.id,
            [info.kit_id],
            [c.returned_at],
            {},
        )
        if not checkout_rows:
            raise KitError(
                f"the database {server.display_url} has no record of this kit (it was "
                f"checked out from {info.source_url}); nothing was changed"
            )
        ending = check_in or checkout_rows[0][0] is not None
    # The ids made from the kit's hex text (and the server's, where it stores the same
    # text): each made once, the same object wherever it recurs (sets and dicts of them
    # then find it by identity).
    ids: dict[Any, uuid.UUID] = {}
    entries = _entries(kit, ids)
    if not entries:  # (else checked in the transactions that replay them)
        with server.read() as session:
            acting_person(session, by_user)
    bases = _bases(kit, ids)
    in_base = set(bases)
    total = len(entries) + (0 if dry_run or not (refresh or ending) else 1)
    results: list[RecordResult] = []
    cancelled = False

    def tell(text: str) -> None:
        if progress is not None:
            progress(len(results), max(total, 1), text)

    if dry_run:
        with server.read() as session, kit.read() as kit_session, batch_cache(session):
            acting_person(session, by_user)
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

    position = 0
    size = min(FIRST_BATCH, BATCH) if progress is not None else BATCH
    while position < len(entries) and not cancelled:
        done: list[tuple[Entry, Replayed]] = []

        def remember(entry: Entry, replayed: Replayed) -> None:
            _remember(bases, replayed)
            done.append((entry, replayed))  # noqa: B023 - called within this iteration

        def remember_all(decided: list[tuple[Entry, Replayed]]) -> None:
            for _entry, replayed in decided:
                if replayed.asset_id is not None:  # (else nothing to remember: a scan)
                    _remember(bases, replayed)
            done.extend(decided)  # noqa: B023 - called within this iteration

        with server.write() as session, kit.read() as kit_session, batch_cache(session):
            # Who syncs may (checked in the transaction that replays: the performers'
            # checks that follow find the person looked up once, when it is the same).
            acting_person(session, by_user)
            replayer = _Replayer(session, kit_session, info, by_user, bases)
            # While someone watches, the transaction ends in time for the progress.
            until = None if progress is None else time.monotonic() + TRANSACTION_SECONDS
            bulk = BulkReplayer(replayer, cancel, until=until, ids=ids)
            bulk.replay(entries[position : position + size], remember, remember_all)
            cancelled = bulk.cancelled
            # Noted with the records (a sync that ends here needs no transaction for it).
            _note_synced(session, info.kit_id)
        # The server committed the batch: now the kit hears of it.
        _mark(kit, done, in_base)
        position += len(done)
        # Twice what the last one took in its time (what it read and locked beyond that
        # is read again by the next): all that is left, when it took all it had.
        size = BATCH if len(done) == size else min(BATCH, max(FIRST_BATCH, 2 * len(done)))
        if progress is None:
            results.extend([replayed.result for _entry, replayed in done])
        else:
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


def _note_synced(session: Session, kit_id: uuid.UUID) -> None:
    """The server notes when the kit last synced (``updated_at`` as the ORM's update
    sets it; through the driver: an ORM update is compiled anew on each engine, which
    cost more than the statement)."""
    session.flush()
    c = cast("Table", KitCheckout.__table__).c
    quote = session.connection().dialect.identifier_preparer.quote
    now = utcnow()
    _DriverWrite(
        session.connection(),
        f"UPDATE {quote('kit_checkouts')} SET {quote('last_sync_at')} = ?, "  # noqa: S608
        f"{quote('updated_at')} = ? WHERE {quote('id')} = ?",
        [c.last_sync_at, c.updated_at, c.id],
    ).run([(now, now, kit_id)])


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


def _entries(kit: Database, ids: dict[Any, uuid.UUID]) -> list[Entry]:
    """The journal's entries not yet synced (``ids``: the UUIDs made so far, by hex)."""
    with kit.connect() as connection:
        rows = _kit_rows(
            connection,
            "SELECT seq, entry_id, record, row_id, op FROM kit_journal WHERE synced = 0 "
            "ORDER BY seq",
            (),
        )
    of = _Ids(ids).of
    # The trigger's random hex becomes an RFC 4122 version 4 id (MariaDB checks), made
    # when asked for (:meth:`Entry.from_journal`), and the records' ids likewise (their
    # numbers: :func:`hex_ids`); a journal holding any other text has them all made
    # here, which says what is wrong before anything is replayed.
    texts = [row[1] for row in rows]
    if (
        all(map((32).__eq__, map(len, texts)))
        and _HEX.fullmatch("".join(texts))
        and hex_ids([row[3] for row in rows], ids)
    ):
        journal = Entry.from_journal
        return [
            journal(seq, text, record, ids[row_id], op) for seq, text, record, row_id, op in rows
        ]
    return [
        Entry(seq, uuid_from_hex(entry_id, version4=True), record, of(row_id), op)
        for seq, entry_id, record, row_id, op in rows
    ]


#: Hex digits only (the journal's entry ids: 32 each).
_HEX = re.compile("[0-9a-fA-F]*")


def _bases(kit: Database, ids: dict[Any, uuid.UUID]) -> dict[uuid.UUID, Base]:
    """The base versions and values of the assets the journal's procedures are about
    (only a procedure's replay compares with them; the rest of a large kit is not read).
    Only the entries of procedures (made or withdrawn) name one: the others are not
    looked up among the procedures."""
    with kit.connect() as connection:
        rows = _kit_rows(
            connection,
            "SELECT asset_id, server_version, vals FROM kit_base WHERE asset_id IN "
            "(SELECT p.asset_id FROM kit_journal j JOIN procedures p ON p.id = j.row_id "
            "WHERE j.synced = 0 AND j.record IN ('procedure', 'withdrawal'))",
            (),
        )
    of = _Ids(ids).of
    return {of(asset_id): Base(int(version), text=vals) for asset_id, version, vals in rows}


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
    versions noted), in one kit transaction (:func:`_marking`: committed without waiting
    for the disk). ``in_base``: the assets the kit's ``kit_base`` holds (those made
    offline are added, with their values)."""
    if not done:
        return
    # One statement per run of entries with the same outcome: ``done`` follows the
    # journal's order, and every entry not yet synced between two of them is in it.
    runs: list[list[Any]] = []
    last = None
    for entry, replayed in done:
        outcome = replayed.result.outcome
        if outcome is last:
            runs[-1][2] = entry.seq
        else:
            last = outcome
            runs.append([_OUTCOME_VALUE[outcome], entry.seq, entry.seq])
    # Each asset's last (a dict keeps the last value given for a key).
    latest: dict[uuid.UUID, Replayed] = {
        replayed.asset_id: replayed
        for _entry, replayed in done
        if replayed.asset_id is not None and replayed.server_version is not None
    }
    with _marking(kit) as connection:
        connection.exec_driver_sql(
            "UPDATE kit_journal SET synced = 1, outcome = ? "
            "WHERE seq BETWEEN ? AND ? AND synced = 0",
            [tuple(run) for run in runs],
        )
        known = {a.hex: r.server_version for a, r in latest.items() if a in in_base}
        if known:  # (one statement: one UPDATE per asset cost ~5 us each, 1,000 a sync)
            connection.exec_driver_sql(
                "UPDATE kit_base SET server_version = j.value FROM json_each(?) AS j "
                "WHERE kit_base.asset_id = j.key",
                (json.dumps(known),),
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


@contextmanager
def _marking(kit: Database) -> Iterator[Connection]:
    """The kit's transaction that marks a batch synced, committed at
    ``PRAGMA synchronous=NORMAL`` when the kit is in WAL (as every kit is made; in a
    rollback journal NORMAL could corrupt the file on power loss: there it commits at
    ``FULL``, as before): the commit does not wait for the disk. Every other write of the kit — each scan and procedure recorded offline — and
    every write of the server stay at ``FULL`` (issue 16 point 7).

    Why it is safe: the marks only say what the server already committed. A power loss
    may lose the last marks (WAL at ``NORMAL`` keeps the file consistent, it may drop the
    latest commits); the kit then still holds those entries as not synced, with the base
    versions before, and its next sync replays them: the server has each record's id,
    so every one is "already applied" (the replay is idempotent by id) and nothing is
    recorded twice; nothing is lost either, as the records themselves were committed at
    ``FULL`` when made. Only the durability of the marks is relaxed (a sync's fsync of
    the kit's WAL: 2-11 ms on a busy disk). The connection goes back to ``FULL`` before
    it returns to the pool; if that cannot be made sure of, it is closed instead."""
    with kit.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        if driver.execute("PRAGMA journal_mode").fetchone() != ("wal",):
            # In a rollback journal NORMAL may corrupt the file on power loss: as it is.
            with connection.begin():
                yield connection
            return
        # The setting changes nothing inside a transaction: set before BEGIN.
        driver.execute("PRAGMA synchronous=NORMAL")
        try:
            with connection.begin():
                yield connection
        finally:
            try:
                driver.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
                restored = driver.execute("PRAGMA synchronous").fetchone() == (_FULL,)
            except sqlite3.Error:  # the error on its way out stays the one that happened
                restored = False
            if not restored:
                connection.invalidate()  # never back to the pool at NORMAL


#: ``PRAGMA synchronous``'s number for :data:`SQLITE_SYNCHRONOUS` (``FULL``).
_FULL = {"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}[SQLITE_SYNCHRONOUS]
