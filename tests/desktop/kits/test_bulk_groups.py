"""A mixed batch decided group-wise: every record gets the outcome it gets alone.

The bulk replay checks what records of one group share (the template and its form, the
category, who performs, the answers) once per group and per record only what varies
(the asset now, its values, the three-way comparison). Here groups interleave and their
records end every way — applied, merged, refused (no role, an illegal move, nothing left
to change), in conflict, waiting for approval (by the risk one record's answers give) or
not (the same answers under the monitors' own template) — and each must end exactly as
the per-record replay through the services decides it, with the same rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop import kits
from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import PermissionDeniedError
from desktop.kits import bulk_replay
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.template_admin import set_approval
from desktop.storage.database import Database, open_database
from desktop.storage.models import Person
from tests.desktop.kits.helpers import change, kit_of, set_person
from tests.desktop.kits.test_bulk_replay import _server_rows
from tests.factories import World, seed_world

Outcome = kits.Outcome

#: Each record of :func:`_mixed_day` in order: its outcome, and words its reason holds.
EXPECTED: list[tuple[Outcome, str]] = [
    (Outcome.APPLIED, ""),  # LAP-1 serial by tech
    (Outcome.APPLIED, ""),  # MON-1 serial (the monitors' own template now)
    (Outcome.CONFLICT, "infra"),  # LAP-6 serial by infra: no longer a technician
    (Outcome.APPLIED, ""),  # LAP-2 serial by tech (the last one's group but the person)
    (Outcome.CONFLICT, "SERVER"),  # LAP-3 serial: the server set another one
    (Outcome.APPLIED, ""),  # scan LAP-1
    (Outcome.APPLIED, ""),  # LAP-1 renamed by tech
    (Outcome.CONFLICT, "infra"),  # MON-2 serial by infra
    (Outcome.CONFLICT, "already in service"),  # LAP-4 installed: the server did meanwhile
    (Outcome.MERGED, "rebased"),  # LAP-4 serial: the server moved it meanwhile
    (Outcome.PENDING_APPROVAL, "2 approvals"),  # LAP-1 serial at high risk: the rule waits
    (Outcome.APPLIED, ""),  # LAP-2 renamed (other answers)
    (Outcome.APPLIED, ""),  # scan MON-1
    (Outcome.APPLIED, ""),  # LAP-2 serial by tech again
    (Outcome.CONFLICT, "must change at least one field"),  # LAP-5 named as the server did
    (Outcome.APPLIED, ""),  # MON-3 at high risk by tech2: monitors' changes never wait
]


def _change(
    db: Database,
    tag: str,
    values: dict[str, object],
    *,
    by: str = "tech",
    change_type: str = "Repair",
    risk: str = "low",
) -> None:
    record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=by,
            asset_tag=tag,
            values=values,
            answers={"change_type": change_type},
            impact=risk,
            likelihood=risk,
            reason="field work",
        ),
    )


def _mixed_day(world: World, kit_path: Path) -> None:
    for n in range(1, 7):
        world.receive(tag=f"LAP-{n}")
    for n in range(1, 4):
        world.receive(tag=f"MON-{n}", category=world.monitor_category)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, kit_path) as field:
        # The server meanwhile: monitors' changes never wait for approval, infra is no
        # longer a technician, LAP-3's serial set, LAP-4 installed, LAP-5 renamed.
        set_approval(world.db, "admin", ProcedureKind.CHANGE, approvers=0, category="Monitor")
        set_person(world.db, "infra", active=True, roles=["approver"])
        change(world.db, "LAP-3", {"serial_number": "SERVER"})
        world.install("LAP-4")
        change(world.db, "LAP-5", {"name": "Desk 5"})

        _change(field.db, "LAP-1", {"serial_number": "SN-1"})
        _change(field.db, "MON-1", {"serial_number": "M-1"})
        _change(field.db, "LAP-6", {"serial_number": "SN-6"}, by="infra")
        _change(field.db, "LAP-2", {"serial_number": "SN-2"})
        _change(field.db, "LAP-3", {"serial_number": "KIT"})
        record_scan(field.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
        _change(field.db, "LAP-1", {"name": "Renamed offline"})
        _change(field.db, "MON-2", {"serial_number": "M-2"}, by="infra")
        field.install("LAP-4")
        _change(field.db, "LAP-4", {"serial_number": "SN-4"})
        _change(field.db, "LAP-1", {"serial_number": "SN-1B"}, risk="high")
        _change(field.db, "LAP-2", {"name": "Upgraded"}, change_type="Upgrade")
        record_scan(field.db, audit_id=audit.id, raw="MON-1", scanned_by="auditor")
        _change(field.db, "LAP-2", {"serial_number": "SN-2C"})
        # The same edit as the server's: nothing left to change.
        _change(field.db, "LAP-5", {"name": "Desk 5"})
        _change(field.db, "MON-3", {"name": "Desk 3"}, by="tech2", risk="high")


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_a_mixed_batch_ends_record_by_record_as_the_per_record_replay(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = seed_world(sqlite_db)
    _mixed_day(world, tmp_path / "kit.sqlite")
    server_path = Path(str(sqlite_db.engine.url.database))
    sqlite_db.dispose()
    reports: dict[str, list[tuple[Any, ...]]] = {}
    rows: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for name in ("bulk", "single"):
        _copy(server_path, tmp_path / f"server-{name}.sqlite")
        _copy(tmp_path / "kit.sqlite", tmp_path / f"kit-{name}.sqlite")
        if name == "single":  # every record through its service, one by one
            monkeypatch.setattr(bulk_replay, "BULK_RECORDS", frozenset())
        server = open_database(f"sqlite:///{tmp_path / f'server-{name}.sqlite'}")
        kit = open_database(f"sqlite:///{tmp_path / f'kit-{name}.sqlite'}")
        try:
            report = kits.sync(kit, server, "tech", refresh=False)
            reports[name] = [(r.seq, r.record_id, r.outcome, r.reason) for r in report.results]
            rows[name] = _server_rows(server)
        finally:
            kit.dispose()
            server.dispose()
    got = [(outcome, reason) for _seq, _id, outcome, reason in reports["bulk"]]
    assert [outcome for outcome, _reason in got] == [o for o, _words in EXPECTED]
    for (_outcome, reason), (_o, words) in zip(got, EXPECTED, strict=True):
        assert words in reason, (reason, words)
    assert reports["bulk"] == reports["single"]
    for table in ("procedures", "assets", "scans", "conflicts"):
        assert rows["bulk"][table] == rows["single"][table], table


def test_a_sync_by_someone_who_may_not_act_records_nothing(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Who syncs is checked before any record is replayed (in the transaction that
    replays them): refused, nothing reaches the server and every record still waits;
    a kit with nothing waiting is refused to them as well."""
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        _change(field.db, "LAP-1", {"serial_number": "SN-1"})
        record_scan(field.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
        with world.db.write() as s:
            s.execute(select(Person).where(Person.username == "tech2")).scalar_one().active = False
        before = _server_rows(world.db)
        with pytest.raises(PermissionDeniedError, match=r"Tom Tech \(tech2\) is no longer active"):
            kits.sync(field.db, world.db, "tech2")
        assert _server_rows(world.db) == before
        info = kits.kit_info(field.db)
        assert info is not None and info.waiting == 2
        report = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in report.results] == [Outcome.APPLIED] * 2
        with pytest.raises(PermissionDeniedError, match="no longer active"):
            kits.sync(field.db, world.db, "tech2")
