"""The bulk replay decides exactly as the per-record replay: same outcomes, same rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from desktop import kits
from desktop.kits import bulk_replay
from desktop.kits.replay import _Replayer
from desktop.kits.replay_rules import Entry
from desktop.services import search
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.services.queries import AssetFilter, list_assets
from desktop.services.register_pages import RegisterPager
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset, AuditScan, KitConflict, Person, Procedure
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import World, seed_world

Outcome = kits.Outcome

#: What each record of :func:`_day_offline` becomes, in order.
EXPECTED = [
    Outcome.APPLIED,  # LAP-1 serial
    Outcome.APPLIED,  # LAP-1 installed
    Outcome.APPLIED,  # LAP-1 to repair: legal only after the install just before it
    Outcome.APPLIED,  # scan LAP-1
    Outcome.APPLIED,  # scan LAP-2
    Outcome.APPLIED,  # scan of an unknown tag
    Outcome.APPLIED,  # scan LAP-1 again (a duplicate)
    Outcome.MERGED,  # LAP-2 serial: the server renamed it meanwhile
    Outcome.APPLIED,  # LAP-2 serial again: rebased already, on the version just made
    Outcome.CONFLICT,  # LAP-3 serial: the server set another one
    Outcome.CONFLICT,  # by tech2, whom the server deactivated meanwhile
    Outcome.PENDING_APPROVAL,  # LAP-5 decommissioned
    Outcome.MERGED,  # LAP-6 serial: the server installed it meanwhile
    Outcome.CONFLICT,  # LAP-6 installed: illegal now that the server installed it
    Outcome.APPLIED,  # scan LAP-6
]


def _day_offline(world: World, kit_path: Path) -> None:
    """Server edits after the checkout and a kit's day of work that meets them."""
    for n in range(1, 7):
        world.receive(tag=f"LAP-{n}")
    world.install("LAP-5")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, kit_path) as field:
        change(world.db, "LAP-2", {"name": "Renamed on the server"})
        change(world.db, "LAP-3", {"serial_number": "SERVER"})
        world.install("LAP-6")
        with world.db.write() as s:
            s.execute(update(Person).where(Person.username == "tech2").values(active=False))

        change(field.db, "LAP-1", {"serial_number": "SN-1"})
        field.install("LAP-1")
        change(field.db, "LAP-1", {"status": "in_repair"})
        for raw in ("LAP-1", "LAP-2", "NOT-A-TAG-9", "LAP-1"):
            record_scan(field.db, audit_id=audit.id, raw=raw, scanned_by="auditor")
        change(field.db, "LAP-2", {"serial_number": "SN-2A"})
        change(field.db, "LAP-2", {"serial_number": "SN-2B"})
        change(field.db, "LAP-3", {"serial_number": "KIT"})
        change(field.db, "LAP-4", {"serial_number": "SN-4"}, by="tech2")
        field.decommission("LAP-5")
        change(field.db, "LAP-6", {"serial_number": "SN-6"})
        field.install("LAP-6")
        record_scan(field.db, audit_id=audit.id, raw="LAP-6", scanned_by="auditor")


def _outcomes(report: kits.SyncReport) -> list[tuple[Any, ...]]:
    return [(r.seq, r.record_id, r.outcome, r.reason) for r in report.results]


def test_a_day_offline_replays_in_bulk_with_every_outcome(world: World, tmp_path: Path) -> None:
    _day_offline(world, tmp_path / "kit.sqlite")
    kit = open_database(f"sqlite:///{tmp_path / 'kit.sqlite'}")
    try:
        preview = kits.sync(kit, world.db, "tech", dry_run=True)  # per record, rolled back
        report = kits.sync(kit, world.db, "tech")
    finally:
        kit.dispose()
    assert [r.outcome for r in report.results] == EXPECTED
    # The dry run replays each record through the services: the bulk run agrees.
    assert [(r.record_id, r.outcome) for r in preview.results] == [
        (r.record_id, r.outcome) for r in report.results
    ]
    for bulk, single in zip(report.results, preview.results, strict=True):
        if bulk.outcome is Outcome.CONFLICT:
            assert bulk.reason.split(": ", 1)[1] == single.reason
        else:
            assert bulk.reason == single.reason
    inactive = report.results[10].reason
    assert "no longer active" in inactive and "tech2" in inactive
    with world.db.read() as s:
        lap1 = s.execute(select(Asset).where(Asset.tag == "LAP-1")).scalar_one()
        assert (lap1.status, lap1.serial_number) == ("in_repair", "SN-1")
        lap2 = s.execute(select(Asset).where(Asset.tag == "LAP-2")).scalar_one()
        assert (lap2.name, lap2.serial_number) == ("Renamed on the server", "SN-2B")
        classes = [
            c
            for (c,) in s.execute(
                select(AuditScan.classification).order_by(AuditScan.sequence)
            ).all()
        ]
        assert classes == ["found", "found", "unknown", "duplicate", "found"]


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _server_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """What the server holds, without the moments the sync itself stamped."""
    with db.read() as s:
        procedures = [
            (
                p.id,
                p.asset_id,
                p.kind,
                p.state,
                p.template_id,
                p.template_version,
                p.performed_by_id,
                p.performed_at,
                p.answers,
                p.changes,
                p.origin,
                p.origin_detail,
                p.risk_level,
                p.approvals_required,
                p.asset_version,
                p.note,
                p.version,
            )
            for p in s.execute(select(Procedure).order_by(Procedure.id)).scalars()
        ]
        assets = [
            tuple(getattr(a, c.key) for c in Asset.__table__.columns if c.key != "updated_at")
            for a in s.execute(select(Asset).order_by(Asset.id)).scalars()
        ]
        scans = [
            tuple(getattr(a, c.key) for c in AuditScan.__table__.columns)
            for a in s.execute(select(AuditScan).order_by(AuditScan.id)).scalars()
        ]
        conflicts = [
            (c.number, c.record_id, c.reasons, c.fields, c.payload)
            for c in s.execute(select(KitConflict).order_by(KitConflict.number)).scalars()
        ]
    return {"procedures": procedures, "assets": assets, "scans": scans, "conflicts": conflicts}


def test_bulk_and_per_record_replays_record_the_same_rows(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = seed_world(sqlite_db)
    _day_offline(world, tmp_path / "kit.sqlite")
    server_path = Path(str(sqlite_db.engine.url.database))
    sqlite_db.dispose()
    for name in ("bulk", "single"):
        _copy(server_path, tmp_path / f"server-{name}.sqlite")
        _copy(tmp_path / "kit.sqlite", tmp_path / f"kit-{name}.sqlite")
    reports, rows = {}, {}
    per_record: list[kits.Outcome] = []
    real_replay = _Replayer.replay

    def counted_replay(self: _Replayer, entry: Entry) -> Any:
        replayed = real_replay(self, entry)
        per_record.append(replayed.result.outcome)
        return replayed

    monkeypatch.setattr(_Replayer, "replay", counted_replay)
    for name in ("bulk", "single"):
        if name == "single":
            # Only the unusual records left the bulk run: the conflicts and the pending one.
            assert per_record == [Outcome.CONFLICT] * 2 + [Outcome.PENDING_APPROVAL] + [
                Outcome.CONFLICT
            ]
            monkeypatch.setattr(bulk_replay, "BULK_RECORDS", frozenset())
        server = open_database(f"sqlite:///{tmp_path / f'server-{name}.sqlite'}")
        kit = open_database(f"sqlite:///{tmp_path / f'kit-{name}.sqlite'}")
        try:
            reports[name] = _outcomes(kits.sync(kit, server, "tech", refresh=False))
            rows[name] = _server_rows(server)
        finally:
            kit.dispose()
            server.dispose()
    assert [r[2] for r in reports["bulk"]] == EXPECTED
    assert reports["bulk"] == reports["single"]
    for table in ("procedures", "assets", "scans", "conflicts"):
        assert rows["bulk"][table] == rows["single"][table], table


def test_a_version_gone_stale_under_the_bulk_write_is_refused_whole(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Belt and braces: the assets are held for the transaction, but should one change
    under it anyway, the whole batch is refused (nothing half-written) and says so."""
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(field.db, "LAP-1", {"serial_number": "SN-1"})
        real_write = bulk_replay.BulkReplayer._write

        def write_after_someone_else(self: bulk_replay.BulkReplayer, window: Any) -> None:
            self.session.execute(update(Asset).values(version=Asset.version + 1))
            real_write(self, window)

        monkeypatch.setattr(bulk_replay.BulkReplayer, "_write", write_after_someone_else)
        with pytest.raises(kits.KitError, match="sync again"):
            kits.sync(field.db, world.db, "tech")
        monkeypatch.undo()
        with world.db.read() as s:
            lap1 = s.execute(select(Asset).where(Asset.tag == "LAP-1")).scalar_one()
            assert lap1.serial_number is None and lap1.version == 1
        info = kits.kit_info(field.db)
        assert info is not None and info.waiting == 1
        (result,) = kits.sync(field.db, world.db, "tech").results
        assert result.outcome is Outcome.APPLIED


def _found(db: Database, text: str) -> list[str]:
    """The register's first page for the search ``text`` (on the servers read through
    the trigram table), checked against a plain query of all hits."""
    with db.read() as s:
        page = [r.tag for r in RegisterPager(AssetFilter(search=text)).page(s, 0, 100)]
        assert page == [a.tag for a in list_assets(s, AssetFilter(search=text), limit=None)]
    return page


def test_a_bulk_sync_keeps_the_search_index(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Serial numbers changed offline are found by the register's search after a sync
    whose assets' index was kept in bulk (SQLite's rows, the servers' trigrams: migration
    0020), the old ones no longer; a change made on the server afterwards is indexed by
    its trigger again (the session's flag off)."""
    monkeypatch.setattr(search, "BULK_UPKEEP_MIN", 2)
    for n in range(1, 4):
        world.receive(tag=f"LAP-{n}", values={"serial_number": f"OLDQZ-{n}"})
    kit_path = tmp_path / "kit.sqlite"
    with kit_of(world, kit_path) as field:
        for n in range(1, 4):
            change(field.db, f"LAP-{n}", {"serial_number": f"NEWQZ-{n}"})
    kit = open_database(f"sqlite:///{kit_path}")
    try:
        report = kits.sync(kit, world.db, "tech")
    finally:
        kit.dispose()
    assert [r.outcome for r in report.results] == [Outcome.APPLIED] * 3
    assert _found(world.db, "newqz") == ["LAP-1", "LAP-2", "LAP-3"]
    assert _found(world.db, "oldqz") == []
    change(world.db, "LAP-2", {"serial_number": "AFTERQZ-2"})
    assert _found(world.db, "afterqz") == ["LAP-2"]
    assert _found(world.db, "newqz") == ["LAP-1", "LAP-3"]
