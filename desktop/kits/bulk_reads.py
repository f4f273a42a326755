"""What a bulk replay reads: the kit's rows of a transaction's records, and the server's
state a window of them is decided by (:mod:`desktop.kits.bulk_replay`).

The kit's rows are read with one plain statement per table (the kit is always SQLite);
the server's state for a window in a few set-based statements — which ids the server
already has or queued, the assets as they are now, procedures waiting for approval, the
audits' expected lists, counted assets, unknown tags and next sequence numbers, the
names of the places scans are expected in — instead of a look-up per record.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, select

from desktop.domain.tags import TAG_MAX_LENGTH, normalize_tag
from desktop.kits.bulk_window import (
    _ASSETS,
    _CONFLICTS,
    _CURRENT_COLUMNS,
    _EXPECTED,
    _KIT_PROCEDURES,
    _KIT_SCANS,
    _PROCEDURES,
    _SCANS,
    KitProcedure,
    KitScan,
    _Current,
    _Ids,
    _kit_json,
    _kit_rows,
    _minute,
    _Place,
    _Seen,
    _Window,
)
from desktop.kits.driver_io import _select_in
from desktop.kits.model import KitError
from desktop.kits.replay_rules import Entry
from desktop.kits.schema import chunks
from desktop.kits.stored_values import sqlite_time
from desktop.services import audit_scans
from desktop.services.audit_history import locations_at
from desktop.services.lifecycle_rules import pending_procedures
from desktop.storage.models import Audit, Location

if TYPE_CHECKING:
    from desktop.kits.bulk_replay import BulkReplayer


def read_kit(bulk: BulkReplayer, entries: Sequence[Entry]) -> None:
    """The kit's rows for this transaction's procedures and scans (``entries``: those
    the bulk path takes), one plain statement per table (the kit does not change while
    it syncs)."""
    if not entries:
        return
    wanted = {e.seq: e for e in entries if e.record in ("procedure", "scan")}
    if not wanted:
        return
    kit = bulk.per_record.kit.connection()
    places = (min(wanted), max(wanted))
    # The kit's hex ids are the server's driver values wherever the server stores
    # ids as the same hex text (SQLite, MariaDB): each UUID is made once for both.
    # Plain tuples from the driver, each value made by one call: thousands of rows.
    ids = _Ids(bulk.ids)
    of, time = ids.of, sqlite_time
    if any(e.record == "procedure" for e in wanted.values()):
        procedures = bulk.procedures
        for (
            seq,
            asset_id,
            kind,
            performed_by_id,
            at,
            answers,
            changes,
            ticket_ref,
            reason,
            origin,
            tag,
        ) in _kit_rows(kit, _KIT_PROCEDURES, places):
            entry = wanted.get(seq)
            if entry is None or entry.record != "procedure":
                continue
            procedures[seq] = KitProcedure(
                entry.row_id,
                of(asset_id),
                kind,
                ids(performed_by_id),
                time(at),
                _answers(bulk, answers),
                _kit_json(changes) or [],
                ticket_ref,
                reason,
                origin,
                tag or "",
                _minute(at),
                answers or "",
            )
    if any(e.record == "scan" for e in wanted.values()):
        scans = bulk.scans
        for seq, audit_id, raw, kind, location_id, scanned_by_id, at in _kit_rows(
            kit, _KIT_SCANS, places
        ):
            entry = wanted.get(seq)
            if entry is None or entry.record != "scan":
                continue
            scans[seq] = KitScan(
                entry.row_id,
                of(audit_id),
                raw,
                kind,
                ids(location_id),
                ids(scanned_by_id),
                time(at),
                _minute(at),
                normalize_tag(raw),
            )
    for seq, entry in wanted.items():
        if seq not in (bulk.procedures if entry.record == "procedure" else bulk.scans):
            raise KitError(f"the kit's journal names {entry.record} {entry.row_id}, which it lacks")


def _answers(bulk: BulkReplayer, text: str | None) -> dict[str, Any]:
    """A procedure's stored answers (each distinct text read once)."""
    read = bulk.answers_read.get(text)
    if read is None:
        read = bulk.answers_read[text] = _kit_json(text) or {}
    return read


def read_window(bulk: BulkReplayer, run: list[Entry]) -> _Window:
    session = bulk.session
    session.flush()  # the reads below are Core statements on its connection
    connection = session.connection()
    window = _Window()
    procedures = [bulk.procedures[e.seq] for e in run if e.record == "procedure"]
    scans = [bulk.scans[e.seq] for e in run if e.record == "scan"]
    for table, rows in ((_PROCEDURES, procedures), (_SCANS, scans)):
        if rows:
            found = _select_in(
                connection,
                f"SELECT id FROM {table.name} WHERE id IN ({{marks}})",  # noqa: S608
                table.c.id,
                [row.id for row in rows],
                [table.c.id],
                bulk.ids,
            )
            window.on_server.update(row[0] for row in found)
    conflicts = _CONFLICTS.c
    for entry_id, conflict_id, number in _select_in(
        connection,
        "SELECT entry_id, id, number FROM kit_conflicts WHERE entry_id IN ({marks})",
        conflicts.entry_id,
        [e.entry_id for e in run],
        [conflicts.entry_id, conflicts.id, conflicts.number],
        bulk.ids,
    ):
        window.queued[entry_id] = (conflict_id, number)
    wanted = list({row.asset_id: None for row in procedures})
    if wanted:
        names = ", ".join(c.name for c in _CURRENT_COLUMNS)
        for row in _select_in(
            connection,
            f"SELECT {names} FROM assets WHERE id IN ({{marks}})",  # noqa: S608
            _ASSETS.c.id,
            wanted,
            _CURRENT_COLUMNS,
            bulk.ids,
        ):
            asset = _Current(row)
            window.read[asset.id] = row
            window.assets[asset.id] = asset
            window.by_key[asset.tag_key] = asset.id
        window.pending = pending_procedures(session, wanted)
    keys = list({s.key: None for s in scans if s.key and len(s.key) <= TAG_MAX_LENGTH})
    audits = sorted({s.audit_id for s in scans})
    if keys:
        a, e = _ASSETS.c, _EXPECTED.c
        # With one audit (the common case), where it expects each asset comes along.
        joined = len(audits) == 1
        for asset_id, tag, tag_key, name, status, listed, location_id in _select_in(
            connection,
            "SELECT a.id, a.tag, a.tag_key, a.name, a.status, e.asset_id, e.location_id "
            "FROM assets a LEFT JOIN audit_expected e ON e.audit_id = ? "
            "AND e.asset_id = a.id WHERE a.tag_key IN ({marks})"
            if joined
            else "SELECT id, tag, tag_key, name, status, NULL, NULL FROM assets "
            "WHERE tag_key IN ({marks})",
            a.tag_key,
            keys,
            [a.id, a.tag, a.tag_key, a.name, a.status, e.asset_id, e.location_id],
            bulk.ids,
            fixed=[(e.audit_id, audits[0])] if joined else [],
        ):
            if asset_id not in window.assets:
                window.seen[asset_id] = _Seen(asset_id, tag, name, status)
            window.by_key[tag_key] = asset_id
            if listed is not None:
                window.expected.setdefault(audits[0], {})[asset_id] = location_id
        if joined:
            window.expected.setdefault(audits[0], {})
    unknown = [k for k in keys if k not in window.by_key]
    for part in chunks(unknown):
        window.location_keys.update(
            session.execute(select(Location.code_key).where(Location.code_key.in_(part))).scalars()
        )
    for audit_id in audits:
        _audit_state(bulk, window, audit_id, [s for s in scans if s.audit_id == audit_id])
    return window


def _audit_state(
    bulk: BulkReplayer, window: _Window, audit_id: uuid.UUID, scans: list[KitScan]
) -> None:
    session = bulk.session
    keys = {s.key for s in scans}
    asset_ids = [window.by_key[k] for k in keys if k in window.by_key]
    sequence = window.sequence[audit_id] = audit_scans.next_sequence(session, audit_id)
    if sequence - 1 <= len(keys):
        # The audit holds no more scans than the window asks about (a new audit: none):
        # read whole, in one statement each instead of IN lists of the window's ids.
        window.counted[audit_id] = audit_scans.counted_in_audit(session, audit_id).intersection(
            asset_ids
        )
        window.unknown[audit_id] = audit_scans.unknown_tags_in_audit(
            session, audit_id
        ).intersection(keys)
    else:
        window.counted[audit_id] = audit_scans.counted_assets(session, audit_id, asset_ids)
        window.unknown[audit_id] = audit_scans.unknown_tags_scanned(session, audit_id, keys)
    located = window.located[audit_id] = {}
    expected_at = window.expected.get(audit_id)
    if expected_at is None:  # not read with the assets (several audits)
        expected_at = window.expected[audit_id] = {}
        e = _EXPECTED.c
        for asset_id, location_id in _select_in(
            session.connection(),
            "SELECT asset_id, location_id FROM audit_expected "
            "WHERE audit_id = ? AND asset_id IN ({marks})",
            e.asset_id,
            asset_ids,
            [e.asset_id, e.location_id],
            bulk.ids,
            fixed=[(e.audit_id, audit_id)],
        ):
            expected_at[asset_id] = location_id
    audit = session.get(Audit, audit_id)
    unlisted = [a for a in asset_ids if a not in expected_at]
    if audit is not None and unlisted:
        for asset_id, location_id in locations_at(session, unlisted, audit.started_at).items():
            located[asset_id] = location_id
    _read_places(bulk, {*expected_at.values(), *located.values()})


def _read_places(bulk: BulkReplayer, location_ids: set[uuid.UUID | None]) -> None:
    """The names of the locations the window's scans are expected in (what a scan's
    classification reads of them), in one statement instead of an ORM load each."""
    wanted = [i for i in location_ids if i is not None and i not in bulk.locations]
    if not wanted:
        return
    c = cast("Table", Location.__table__).c
    for location_id, name, kind, parent_id in _select_in(
        bulk.session.connection(),
        "SELECT id, name, kind, parent_id FROM locations WHERE id IN ({marks})",
        c.id,
        wanted,
        [c.id, c.name, c.kind, c.parent_id],
        bulk.ids,
    ):
        bulk.locations[location_id] = _Place(location_id, name, kind, parent_id)
