"""What the kit notes once the server committed a sync: each entry synced with its
outcome, and the server version its procedures left each asset at (what the kit's next
records build on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from desktop import kits
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.storage.models import Asset, AuditScan, Procedure
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import World

Outcome = kits.Outcome


def _server_version(world: World, tag: str) -> int:
    with world.db.read() as s:
        return int(s.execute(select(Asset.version).where(Asset.tag == tag)).scalar_one())


def test_a_kit_synced_without_refresh_builds_on_the_versions_it_noted(
    world: World, tmp_path: Path
) -> None:
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(field.db, "LAP-1", {"serial_number": "SN-1"})
        change(field.db, "LAP-2", {"name": "Two"})
        change(field.db, "LAP-1", {"name": "One"})
        first = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [r.outcome for r in first.results] == [Outcome.APPLIED] * 3
        with field.db.connect() as c:
            journal = c.exec_driver_sql("SELECT synced, outcome FROM kit_journal").all()
            noted = {
                str(tag): int(version)
                for tag, version in c.exec_driver_sql(
                    "SELECT a.tag, b.server_version FROM kit_base b "
                    "JOIN assets a ON a.id = b.asset_id"
                )
            }
        assert journal == [(1, Outcome.APPLIED.value)] * 3
        assert noted == {tag: _server_version(world, tag) for tag in ("LAP-1", "LAP-2", "LAP-3")}
        # The kit's next change of each asset builds on the version its sync left: no
        # rebase, no conflict.
        change(field.db, "LAP-1", {"serial_number": "SN-1b"})
        change(field.db, "LAP-2", {"serial_number": "SN-2"})
        again = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [(r.outcome, r.reason) for r in again.results] == [(Outcome.APPLIED, "")] * 2


def test_a_sync_whose_marks_were_lost_replays_every_record_as_already_applied(
    world: World, tmp_path: Path
) -> None:
    """The kit's marks commit without waiting for the disk (``sync._marking``): a power
    loss may lose them. Lost here on purpose — the journal back to not synced and the
    base versions back to what they were — the next sync finds every record on the
    server ("already applied"), records nothing twice, and marks them again. Runs long
    enough to be replayed set-wise on SQLite (changes and scans), with a move and an
    approval-free change replayed one by one around them."""
    tags = [f"LAP-{n}" for n in range(1, 41)]
    for tag in tags:
        world.receive(tag=tag)
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        for n, tag in enumerate(tags):
            change(field.db, tag, {"serial_number": f"SN-{n}"})
        for tag in tags:
            record_scan(field.db, audit_id=audit.id, raw=tag, scanned_by="auditor")
        change(field.db, "LAP-1", {"location": world.room_b})
        with field.db.connect() as c:
            base = c.exec_driver_sql("SELECT asset_id, server_version FROM kit_base").all()
        first = kits.sync(field.db, world.db, "tech", refresh=False)
        assert {r.outcome for r in first.results} == {Outcome.APPLIED}
        assert len(first.results) == 81
        server = _server_rows(world)
        with field.db.engine.begin() as c:  # the marks lost
            c.exec_driver_sql("UPDATE kit_journal SET synced = 0, outcome = NULL")
            c.exec_driver_sql(
                "UPDATE kit_base SET server_version = ? WHERE asset_id = ?",
                [(version, asset_id) for asset_id, version in base],
            )
        again = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [r.outcome for r in again.results] == [Outcome.ALREADY_APPLIED] * 81
        assert [r.record_id for r in again.results] == [r.record_id for r in first.results]
        assert _server_rows(world) == server  # nothing doubled, no asset moved on
        with field.db.connect() as c:
            journal = c.exec_driver_sql("SELECT synced, outcome FROM kit_journal").all()
        assert journal == [(1, Outcome.ALREADY_APPLIED.value)] * 81
    assert kits.conflicts(world.db) == []


def _server_rows(world: World) -> tuple[int, int, dict[str, int]]:
    """The server's procedures and scans, and each asset's version."""
    with world.db.read() as s:
        return (
            int(s.execute(select(func.count()).select_from(Procedure)).scalar_one()),
            int(s.execute(select(func.count()).select_from(AuditScan)).scalar_one()),
            {str(tag): int(v) for tag, v in s.execute(select(Asset.tag, Asset.version))},
        )


def test_the_marks_alone_commit_at_normal_and_the_kit_writes_at_full_after(
    world: World, tmp_path: Path
) -> None:
    """The kit's transaction marking a sync runs at ``synchronous=NORMAL`` (in WAL), and
    its connection is back at ``FULL`` for the kit's next records."""
    world.receive(tag="LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(field.db, "LAP-1", {"serial_number": "SN-1"})
        seen: list[tuple[str, int]] = []

        def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if statement.startswith(("UPDATE kit_journal", "UPDATE kit_base")):
                mode = cursor.connection.execute("PRAGMA synchronous").fetchone()[0]
                seen.append((statement.split()[1], mode))

        event.listen(field.db.engine, "before_cursor_execute", note)
        try:
            report = kits.sync(field.db, world.db, "tech", refresh=False)
        finally:
            event.remove(field.db.engine, "before_cursor_execute", note)
        assert [r.outcome for r in report.results] == [Outcome.APPLIED]
        assert seen == [("kit_journal", 1), ("kit_base", 1)]
        with field.db.engine.connect() as c:  # the pool's connection, as the marks left it
            assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        change(field.db, "LAP-1", {"serial_number": "SN-2"})
        again = kits.sync(field.db, world.db, "tech", refresh=False)
        assert [r.outcome for r in again.results] == [Outcome.APPLIED]
