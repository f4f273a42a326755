"""Runs of audit scans decided set-wise on a SQLite server end as one by one.

An auditor's day comes back as long runs of scans; on a SQLite server each run is
classified and stored by one statement (:mod:`desktop.kits.bulk_scans`). Here the runs
meet every case a scan has — found, scanned twice in the run, counted by the server
before, counted before but undone, an unknown tag (new, repeated, known to the server),
retired, misplaced in a room, found in a rack of its room, not in the audit's list (and
outside its scope), a room's label in the middle of a run, a scanner the server
deactivated meanwhile — and every record must end as the per-record replay through the
scan service decides it, with the same rows; a second sync of the same kit (a sync
killed after the server committed) finds every scan already applied.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from desktop import kits
from desktop.kits import bulk_replay, bulk_scans
from desktop.services import reference
from desktop.services.audit_scans import record_scan, undo_last_scan
from desktop.services.audits import start_audit
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset, AuditScan, Person
from tests.desktop.kits.helpers import kit_of
from tests.desktop.kits.test_bulk_replay import _server_rows
from tests.factories import World, seed_world

Outcome = kits.Outcome

#: The kit's scans in order: (text, room), ``None`` for no room, ``"A2"`` for Room A2.
_NO_ROOM = [
    "LAP-1",  # found
    "LAP-1",  # scanned twice in the run: a duplicate
    "LAP-2",  # the server counted it before: a duplicate
    "LAP-3",  # the server's scan of it was undone: found
    "GHOST-1",  # the server scanned this unknown tag before: a duplicate
    "GHOST-2",  # unknown
    " ghost-2",  # the same tag: a duplicate
    "LAP-8",  # retired
    "LAP-9",  # received at the branch after the audit began: not listed, outside: misplaced
    "LAP-10",  # received after the audit began: not listed
]
_IN_ROOM_A2 = [
    "LAP-4",  # expected in Room A1: misplaced
    "LAP-5",  # expected in a rack of Room A2: found
    "LAP-6",  # expected in Room A2: found
    "LAP-4",  # a duplicate
    "GHOST-3",  # unknown, in a room
]


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _audit_day(world: World, kit_path: Path, *, cut: bool = True) -> None:
    """The server's audit and scans, and a kit's runs of scans meeting them (with
    ``cut``: a room's label and a deactivated scanner's scans among them, which the run
    leaves to the per-record replay)."""
    for n in range(1, 9):
        world.receive(tag=f"LAP-{n}")
    with world.db.write() as s:
        rack = reference.create_location(
            s, name="Rack R1", kind="rack", parent_id=world.room_b, code="RACK-R1"
        ).id
        reference.create_person(
            s, name="Ann Other", username="auditor2", groups=[], roles=["auditor"]
        )
        s.execute(update(Asset).where(Asset.tag == "LAP-8").values(status="decommissioned"))
    world.install("LAP-5", location=rack)
    world.install("LAP-6", location=world.room_b)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    world.receive(tag="LAP-10")
    world.receive(tag="LAP-9", values={"location": world.other_site_room})
    for raw in ("LAP-2", "GHOST-1", "LAP-3"):
        record_scan(world.db, audit_id=audit.id, raw=raw, scanned_by="auditor")
    undo_last_scan(world.db, audit_id=audit.id, scanned_by="auditor")  # LAP-3's
    with kit_of(world, kit_path) as field:
        with world.db.write() as s:
            s.execute(update(Person).where(Person.username == "auditor2").values(active=False))
        for raw in _NO_ROOM:
            record_scan(field.db, audit_id=audit.id, raw=raw, scanned_by="auditor")
        if cut:
            record_scan(field.db, audit_id=audit.id, raw="ROOM-A2", scanned_by="auditor")
        for raw in _IN_ROOM_A2:
            record_scan(
                field.db, audit_id=audit.id, raw=raw, scanned_by="auditor", room_id=world.room_b
            )
        for raw in ("LAP-7", "LAP-1") if cut else ():  # by a scanner no longer let scan
            record_scan(field.db, audit_id=audit.id, raw=raw, scanned_by="auditor2")
        for raw in ("LAP-7", "GHOST-4", "LAP-6"):
            record_scan(field.db, audit_id=audit.id, raw=raw, scanned_by="auditor")


def _outcomes(report: kits.SyncReport) -> list[tuple[Any, ...]]:
    return [(r.seq, r.record_id, r.summary, r.outcome, r.reason) for r in report.results]


@pytest.mark.parametrize("cut", [True, False], ids=["with-cuts", "whole"])
def test_runs_of_scans_decided_set_wise_end_as_one_by_one(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: bool
) -> None:
    """With cuts, and a run stored whole by one statement (nothing cut, nothing on the
    server: which scan is the first of its tag in the run is found as it is staged)."""
    world = seed_world(sqlite_db)
    _audit_day(world, tmp_path / "kit.sqlite", cut=cut)
    server_path = Path(str(sqlite_db.engine.url.database))
    sqlite_db.dispose()
    runs: list[int] = []
    real_run = bulk_scans.replay_scan_run

    def counted_run(*args: Any, **kwargs: Any) -> int:
        decided = real_run(*args, **kwargs)
        runs.append(decided)
        return decided

    monkeypatch.setattr(bulk_replay, "replay_scan_run", counted_run)
    # Runs as short as three scans go set-wise here (a day's are thousands long).
    monkeypatch.setattr(bulk_replay, "MIN_RUN", 3)
    reports: dict[str, list[tuple[Any, ...]]] = {}
    again: dict[str, list[tuple[Any, ...]]] = {}
    rows: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for name in ("set-wise", "single"):
        if name == "single":
            monkeypatch.setattr(bulk_replay, "BULK_RECORDS", frozenset())
        _copy(server_path, tmp_path / f"server-{name}.sqlite")
        _copy(tmp_path / "kit.sqlite", tmp_path / f"kit-{name}.sqlite")
        _copy(tmp_path / "kit.sqlite", tmp_path / f"kit-{name}-again.sqlite")
        server = open_database(f"sqlite:///{tmp_path / f'server-{name}.sqlite'}")
        try:
            for path, into in (("", reports), ("-again", again)):
                kit = open_database(f"sqlite:///{tmp_path / f'kit-{name}{path}.sqlite'}")
                try:
                    into[name] = _outcomes(kits.sync(kit, server, "tech", refresh=False))
                finally:
                    kit.dispose()
                if not path:
                    rows[name] = _server_rows(server)
            with server.read() as s:
                classes = [
                    (raw, c)
                    for raw, c in s.execute(
                        select(AuditScan.raw, AuditScan.classification).order_by(AuditScan.sequence)
                    ).all()
                ]
        finally:
            server.dispose()
        if name == "set-wise":
            # One run of the 21 scans (the room's label and the deactivated scanner's
            # went one by one within it), and the second sync's; 18 without them.
            assert runs == ([21, 21] if cut else [18, 18]), runs
            assert [c for _raw, c in classes[4:]] == [c for c in _CLASSES if cut or c != "room"], (
                classes
            )
    assert reports["set-wise"] == reports["single"]
    outcomes = [r[3] for r in reports["set-wise"]]
    conflicts = [Outcome.CONFLICT] * 2 if cut else []
    before = 16 if cut else 15  # (the room's label is a record of its own)
    assert outcomes == [Outcome.APPLIED] * before + conflicts + [Outcome.APPLIED] * 3
    for table in ("procedures", "assets", "scans", "conflicts"):
        assert rows["set-wise"][table] == rows["single"][table], table
    # A sync of the same kit again (killed before the kit heard): nothing twice.
    assert again["set-wise"] == again["single"]
    assert [r[3] for r in again["set-wise"]] == [Outcome.ALREADY_APPLIED] * before + conflicts + [
        Outcome.ALREADY_APPLIED
    ] * 3


#: The classes of the kit's scans, as the server stores them (with cuts).
_CLASSES = [
    "found",
    "duplicate",
    "duplicate",
    "found",
    "duplicate",
    "unknown",
    "duplicate",
    "retired",
    "misplaced",
    "misplaced",
    "room",
    "misplaced",
    "found",
    "found",
    "duplicate",
    "unknown",
    "found",
    "unknown",
    "duplicate",
]
