"""Demo data: every screen has something to show, and it is what the services would write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.demo import (
    DatabaseNotEmptyError,
    DemoCancelledError,
    catalog,
    change_json,
    fill,
    fill_demo,
    parallel,
)
from desktop.demo.life import LifeWriter
from desktop.demo.stored import SPOOL_SCHEMA, HexIds, insert_spooled, stamp
from desktop.demo.values import custom_change, field_change, imei, serial_number
from desktop.demo.world import DemoWorld
from desktop.domain.fields import FIELDS_BY_KEY
from desktop.domain.lifecycle import AssetStatus, ProcedureKind, ProcedureState
from desktop.services.approvals import approve, why_not_yours
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from desktop.services.templates import current_template
from desktop.services.values import json_value
from desktop.storage.database import Database
from desktop.storage.models import (
    Approval,
    Asset,
    Category,
    Incident,
    IncidentAsset,
    IncidentEvent,
    Location,
    Person,
    Procedure,
    TagSequence,
)
from tests.factories import World

ASSETS = 200


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_demo_covers_every_status_with_histories_that_end_in_the_asset(db: Database) -> None:
    summary = fill_demo(db, assets=ASSETS, seed=3)

    with db.read() as s:
        assets = list(s.execute(select(Asset)).scalars())
        procedures = list(s.execute(select(Procedure).order_by(Procedure.performed_at)).scalars())
        templates = {kind: current_template(s, kind) for kind in ProcedureKind if kind != "import"}
        assert len(assets) == ASSETS == summary.assets
        assert {a.status for a in assets} == {s.value for s in AssetStatus}
        assert len(procedures) == summary.procedures
        by_asset: dict[uuid.UUID, list[Procedure]] = {}
        for procedure in procedures:
            by_asset.setdefault(procedure.asset_id, []).append(procedure)
            template = templates[ProcedureKind(procedure.kind)]
            assert (procedure.template_id, procedure.template_version) == (
                template.id,
                template.version,
            )
            assert procedure.origin == "demo"
        for asset in assets:
            _assert_history_ends_in(asset, by_asset[asset.id])
        intervals = dict(s.execute(select(Category.id, Category.audit_interval_days)).all())
        # The quick filters of the register have something to find.
        now = dt.datetime.now(dt.UTC)
        active = [a for a in assets if a.status in ("in_stock", "in_service", "in_repair")]
        soon = [
            a for a in active if a.warranty_end and 0 <= (a.warranty_end - now.date()).days <= 90
        ]
        never = [a for a in active if a.last_audited_at is None]
        overdue = [
            a
            for a in active
            if a.last_audited_at
            and a.last_audited_at < now - dt.timedelta(days=intervals[a.category_id] or 0)
        ]
        assert soon and never and overdue


def _assert_history_ends_in(asset: Asset, history: list[Procedure]) -> None:
    """The asset row is its history applied: versions, befores and afters all line up."""
    assert history[0].kind == "receive"
    assert asset.created_at == history[0].performed_at
    assert asset.tag_key == asset.tag.lower()
    completed = [p for p in history if p.state == ProcedureState.COMPLETED]
    assert asset.version == len(completed), asset.tag
    latest: dict[str, object] = {}
    for procedure in completed:
        for change in procedure.changes:
            assert set(change) == {"field", "before", "after", "before_text", "after_text"}
            if change["field"] in latest:  # each before is the previous after
                assert change["before"] == latest[change["field"]], (asset.tag, change)
            latest[change["field"]] = change["after"]
    for key, after in latest.items():
        if key.startswith("custom."):
            assert asset.custom_fields.get(key.removeprefix("custom.")) == after
        else:
            now = json_value(getattr(asset, FIELDS_BY_KEY[key].column))
            assert now == after, (asset.tag, key)
    for procedure in history:
        if procedure.state == ProcedureState.PENDING_APPROVAL:  # still applicable
            assert procedure is history[-1]
            assert procedure.asset_version == asset.version
            for change in procedure.changes:
                if not change["field"].startswith("custom."):
                    column = FIELDS_BY_KEY[change["field"]].column
                    assert change["before"] == json_value(getattr(asset, column))


def test_demo_has_pending_approvals_that_an_approver_can_complete(db: Database) -> None:
    fill_demo(db, assets=ASSETS)

    with db.read() as s:
        pending = list(
            s.execute(
                select(Procedure).where(Procedure.state == ProcedureState.PENDING_APPROVAL)
            ).scalars()
        )
        kinds = Counter(p.kind for p in pending)
        decisions = {
            p.id: list(s.execute(select(Approval).where(Approval.procedure_id == p.id)).scalars())
            for p in pending
        }
        half = next(p for p in pending if p.kind == "decommission" and len(decisions[p.id]) == 1)
        given = decisions[half.id][0]
        assert given.decision == "approve"
        assert given.approver_groups and {"id", "name"} <= set(given.approver_groups[0])
        performer = s.get_one(Person, half.performed_by_id)
        candidates = list(s.execute(select(Person)).scalars())
        approver = next(
            p
            for p in candidates
            if p.id != given.approver_id and why_not_yours(p, performer, ()) is None
        )
        half_id, asset_id, username = half.id, half.asset_id, approver.username
        status_before = s.get_one(Asset, asset_id).status
        assert all(p.approvals_required == 2 for p in pending)
    assert kinds["decommission"] >= 2 and kinds["change"] >= 1 and kinds["dispose"] >= 1
    assert status_before == AssetStatus.IN_SERVICE

    outcome = approve(db, procedure_id=half_id, approver=username)

    assert outcome.state is ProcedureState.COMPLETED
    with db.read() as s:
        assert s.get_one(Asset, asset_id).status == AssetStatus.DECOMMISSIONED


def test_demo_has_incidents_in_every_status(db: Database) -> None:
    summary = fill_demo(db, assets=ASSETS)

    with db.read() as s:
        incidents = list(s.execute(select(Incident).order_by(Incident.number)).scalars())
        linked = Counter(s.execute(select(IncidentAsset.incident_id)).scalars())
        events = Counter(s.execute(select(IncidentEvent.incident_id)).scalars())
        assert len(incidents) == summary.incidents >= 8
        assert {i.status for i in incidents} >= {"new", "assigned", "in_progress", "resolved"}
        assert summary.open_incidents == sum(
            i.status in ("new", "assigned", "in_progress") for i in incidents
        )
        numbers = [i.number for i in incidents]
        assert numbers == list(range(1, len(incidents) + 1))
        reported = [i.reported_at for i in incidents]
        assert reported == sorted(reported)
        for incident in incidents:
            assert incident.severity in ("low", "medium", "high", "critical")
            assert incident.routed_group_id is not None
            assert linked[incident.id] >= 1
            assert events[incident.id] == incident.version
            if incident.status in ("resolved", "closed"):
                assert incident.root_cause and incident.resolution and incident.resolved_at


def test_tags_made_after_the_demo_do_not_collide(db: Database) -> None:
    fill_demo(db, assets=ASSETS)
    with db.read() as s:
        laptop = s.execute(select(Category).where(Category.name == "Laptop")).scalar_one()
        highest = max(
            int(tag.split("-")[1])
            for tag in s.execute(select(Asset.tag).where(Asset.category_id == laptop.id)).scalars()
        )
        store = s.execute(select(Location).where(Location.code == "LON-A0.10")).scalar_one()
        assert s.get_one(TagSequence, "LAP").next_value == highest + 1
        laptop_id, store_id = laptop.id, store.id

    outcome = record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="thargreaves",
            values={"name": "ThinkPad T14 Gen 4", "category": laptop_id, "location": store_id},
            checklist={"inspected": True, "contents_match": True},
        ),
    )

    assert outcome.asset_tag == f"LAP-{highest + 1:06d}"
    with db.read() as s:
        assert asset_detail(s, tag=outcome.asset_tag).row.status == AssetStatus.IN_STOCK


def test_cancel_leaves_the_database_as_it_was(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        cancel.set()

    monkeypatch.setattr(fill, "BATCH", 100)
    with pytest.raises(DemoCancelledError, match="nothing was written"):
        fill_demo(db, assets=500, progress=progress, cancel=cancel)

    assert seen == [(100, 500)]
    with db.read() as s:
        for model in (Asset, Procedure, Person, Location, Category, Incident, Approval):
            assert _count(s, model) == 0, model.__name__
    fill_demo(db, assets=20)  # and the database still takes demo data afterwards
    with db.read() as s:
        assert _count(s, Asset) == 20


def test_a_database_with_assets_is_refused_unless_adding(db: Database) -> None:
    fill_demo(db, assets=50)
    with db.read() as s:
        before = (_count(s, Asset), _count(s, Procedure), _count(s, Person))

    with pytest.raises(DatabaseNotEmptyError, match="already holds 50 assets"):
        fill_demo(db, assets=50)
    with db.read() as s:
        assert (_count(s, Asset), _count(s, Procedure), _count(s, Person)) == before

    summary = fill_demo(db, assets=50, seed=2, add=True)

    assert summary.created.get("people", 0) == 0  # the same organisation, reused
    with db.read() as s:
        assert _count(s, Asset) == 100
        assert _count(s, Person) == before[2]
        tags = list(s.execute(select(Asset.tag_key)).scalars())
        numbers = list(s.execute(select(Incident.number)).scalars())
    assert len(set(tags)) == 100
    assert len(set(numbers)) == len(numbers)


def test_progress_is_reported_up_to_the_total(sqlite_db: Database) -> None:
    seen: list[tuple[int, int]] = []

    fill_demo(sqlite_db, assets=300, progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (300, 300)
    assert all(total == 300 for _, total in seen)


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_a_large_sqlite_demo_made_by_worker_processes_is_the_same_kind_of_data(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    monkeypatch.setattr(fill, "PARALLEL_FROM", 100)  # as if it were large
    monkeypatch.setattr("os.cpu_count", lambda: 2)  # and the machine had two cores
    monkeypatch.setattr(fill, "BATCH", 60)
    monkeypatch.setenv(fill.WORKERS_VARIABLE, "on")  # whatever else runs on the machine
    if start_method == "fork" and not parallel.fork_is_safe():
        pytest.skip("this test process runs threads (or is not on Linux): no fork")
    monkeypatch.setattr(fill, "fork_is_safe", lambda: start_method == "fork")
    assert fill._workers("sqlite", 300) == (1, start_method)

    summary = fill_demo(sqlite_db, assets=300, seed=5)

    with sqlite_db.read() as s:
        assets = list(s.execute(select(Asset)).scalars())
        by_asset: dict[uuid.UUID, list[Procedure]] = {}
        for procedure in s.execute(select(Procedure).order_by(Procedure.performed_at)).scalars():
            by_asset.setdefault(procedure.asset_id, []).append(procedure)
        assert len(assets) == 300 == len({a.tag_key for a in assets})
        assert sum(len(h) for h in by_asset.values()) == summary.procedures
        assert _count(s, Approval) == summary.approvals
        for asset in assets:
            _assert_history_ends_in(asset, by_asset[asset.id])


def test_with_the_other_cores_busy_the_demo_makes_every_chunk_in_its_own_process(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker pays off only on a core nobody else uses: with every core kept busy by
    another program (a busy loop on each, as a laptop building software), the demo starts
    none — it and its worker would share a core with that program and wait for each
    other's rows (10,000 assets, a busy loop on one of 2 cores: 1.7–6.4 s with a worker,
    1.8–3.4 without, and ~15 % less CPU). Where the other cores were idle over the start
    it does (the same demo, the load it saw replaced by none)."""
    if not parallel.fork_is_safe():
        pytest.skip("this test process runs threads (or is not on Linux): no fork")
    monkeypatch.delenv(fill.WORKERS_VARIABLE, raising=False)
    monkeypatch.setattr(fill, "BATCH", 60)
    asked: list[int] = []
    chunk_results = parallel.chunk_results

    def noted(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["workers"])
        return chunk_results(*args, **kwargs)

    monkeypatch.setattr(fill, "chunk_results", noted)
    loops = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 1)
    ]
    try:
        time.sleep(0.3)  # running
        busy = fill_demo(sqlite_db, assets=300, seed=4, today=dt.date(2026, 11, 30))
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    monkeypatch.setattr(fill, "others_busy", lambda _since: 0.0)
    idle = fill_demo(sqlite_db, assets=300, seed=4, today=dt.date(2026, 11, 30), add=True)

    assert asked == [0, 1]
    assert busy.assets == idle.assets == 300


def test_a_forked_worker_hands_its_rows_over_in_sqlite_files_then_in_pickles(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not parallel.fork_is_safe():
        pytest.skip("this test process runs threads (or is not on Linux): no fork")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setenv(fill.WORKERS_VARIABLE, "on")  # whatever else runs on the machine
    monkeypatch.setattr(fill, "BATCH", 30)  # ten chunks
    monkeypatch.setattr(parallel, "SPOOL_FILES", 2)  # two files of two chunks, then pickles
    monkeypatch.setattr(parallel, "MAX_SPOOL_GROUP", 2)
    spooled: list[int] = []

    def counted(connection: Any, path: str, number: int) -> None:
        with sqlite3.connect(path) as spool:
            spooled.append(spool.execute("SELECT count(*) FROM assets").fetchone()[0])
        insert_spooled(connection, path, number)

    monkeypatch.setattr(fill, "insert_spooled", counted)

    summary = fill_demo(sqlite_db, assets=300, seed=6)

    assert spooled == [60, 60]
    with sqlite_db.read() as s:
        assets = list(s.execute(select(Asset)).scalars())
        by_asset: dict[uuid.UUID, list[Procedure]] = {}
        for procedure in s.execute(select(Procedure).order_by(Procedure.performed_at)).scalars():
            by_asset.setdefault(procedure.asset_id, []).append(procedure)
        assert len(assets) == 300 == summary.assets == len({a.tag_key for a in assets})
        assert sum(len(h) for h in by_asset.values()) == summary.procedures
        assert _count(s, Approval) == summary.approvals
        for asset in assets:
            _assert_history_ends_in(asset, by_asset[asset.id])
    with sqlite_db.engine.connect() as connection:  # the files were detached (and removed)
        attached = connection.exec_driver_sql("PRAGMA database_list").all()
        assert not [name for _seq, name, _file in attached if name.startswith(SPOOL_SCHEMA)]
        assert not [path for _seq, _name, path in attached if "assetdesk-demo-" in path]


def test_at_the_end_this_process_makes_the_last_chunks_rather_than_wait_for_the_worker(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A forked worker a little faster than this process (its n-th chunk made 0.2 s after
    this process started its n-th, which takes 0.8 s): it is given no more chunks than it
    leaves this process, so this process makes the last one itself — it was queued for the
    worker while this process, its own chunks inserted, waited (0.2–0.3 s of an idle
    machine's ~1.15 s at 10,000 assets). Here the worker's third chunk comes only after
    this process starts a third, or after 4 s: it never does if the worker has them all."""
    if not parallel.fork_is_safe():
        pytest.skip("this test process runs threads (or is not on Linux): no fork")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setenv(fill.WORKERS_VARIABLE, "on")  # whatever else runs on the machine
    monkeypatch.setattr(fill, "BATCH", 60)  # 60 × 4, then 30 × 2: six chunks
    assert fill.chunk_sizes(300) == [60, 60, 60, 60, 30, 30]
    made_by, starts = tmp_path / "made_by.txt", tmp_path / "starts.txt"
    starts.touch()
    this_process, make_chunk, worker_made = os.getpid(), parallel.make_chunk, [0]

    def paced(world: DemoWorld, chunk: parallel.Chunk) -> parallel.ChunkResult:
        if os.getpid() == this_process:
            with starts.open("a") as file:
                file.write(f"{time.monotonic()}\n")
            result = make_chunk(world, chunk)
            time.sleep(0.8)
        else:  # the worker (forked: this function is its make_chunk too)
            result = make_chunk(world, chunk)
            worker_made[0] += 1
            deadline = time.monotonic() + 4.0
            while time.monotonic() < deadline:
                started = starts.read_text().split()
                if len(started) >= worker_made[0]:
                    time.sleep(
                        max(0.0, float(started[worker_made[0] - 1]) + 0.2 - time.monotonic())
                    )
                    break
                time.sleep(0.01)
        with made_by.open("a") as file:
            file.write(f"{chunk.number} {os.getpid()}\n")
        return result

    monkeypatch.setattr(parallel, "make_chunk", paced)

    summary = fill_demo(sqlite_db, assets=300, seed=8)

    makers = dict(line.split() for line in made_by.read_text().splitlines())
    assert sorted(makers) == [str(n) for n in range(6)]
    here = sorted(int(n) for n, pid in makers.items() if pid == str(this_process))
    assert here == [0, 4, 5], makers  # the last two: here, not queued for the worker
    assert summary.assets == 300


def test_chunks_are_batches_and_the_last_one_of_several_in_halves() -> None:
    batch = fill.BATCH
    assert fill.chunk_sizes(1) == [1]
    assert fill.chunk_sizes(batch) == [batch]  # one process: nothing to share
    assert fill.chunk_sizes(batch + 1) == [batch, 1]
    assert fill.chunk_sizes(5 * batch) == [batch] * 4 + [batch // 2] * 2
    assert fill.chunk_sizes(4 * batch + 3) == [batch] * 4 + [2, 1]
    assert all(sum(fill.chunk_sizes(n)) == n for n in range(1, 3 * batch, 97))


def test_spool_files_take_at_most_half_the_free_space_of_their_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    monkeypatch.setattr(parallel, "SPOOL_CHUNK_BYTES", free // 5)  # two fit, of one chunk
    assert parallel._spool_files(str(tmp_path), 1) == 2
    assert parallel._spool_files(str(tmp_path), 3) == 0  # none: every chunk is pickled
    monkeypatch.setattr(parallel, "SPOOL_CHUNK_BYTES", 1)
    assert parallel._spool_files(str(tmp_path), 8) == parallel.SPOOL_FILES
    assert parallel._spool_files(str(tmp_path / "gone"), 1) == 0


def test_demo_data_can_join_an_existing_register(world: World) -> None:
    world.receive(tag="LAP-000007")  # typed by hand: generated tags must skip past it

    summary = fill_demo(world.db, assets=60, add=True)

    with world.db.read() as s:
        tags = list(s.execute(select(Asset.tag_key)).scalars())
        laptops = list(s.execute(select(Category).where(Category.name == "Laptop")).scalars())
        assert len(laptops) == 1  # the register's own category is used, with its fields
        assert laptops[0].id == world.laptop_category
        ram = [
            a.custom_fields.get("ram_gb")
            for a in s.execute(select(Asset).where(Asset.category_id == laptops[0].id)).scalars()
        ]
    assert summary.assets == 60
    assert len(tags) == len(set(tags)) == 61 and "lap-000007" in tags
    assert all(isinstance(value, int) for value in ram[1:] if value is not None)
    assert world.receive().asset_tag not in {t.upper() for t in tags}


def test_stored_rows_are_what_the_column_types_would_have_stored(sqlite_db: Database) -> None:
    """The generator writes SQLite's stored form itself: every JSON text is exactly what
    ``json.dumps`` writes for its value, ids are 32 hex digits, times and dates read back."""
    fill_demo(sqlite_db, assets=ASSETS, seed=4)
    assert sqlite_db.url.database is not None
    raw = sqlite3.connect(sqlite_db.url.database)
    try:
        texts = [
            *raw.execute("SELECT answers, changes FROM procedures"),
            *raw.execute("SELECT approver_groups, '[]' FROM approvals"),
            *raw.execute("SELECT custom_fields, '{}' FROM assets"),
        ]
        ids = raw.execute(
            "SELECT id, asset_id, performed_by_id, template_id FROM procedures"
        ).fetchall()
        times = raw.execute(
            "SELECT created_at, updated_at, purchase_date, warranty_end, purchase_cost FROM assets"
        ).fetchall()
    finally:
        raw.close()
    assert len(texts) > ASSETS
    for pair in texts:
        for text in pair:
            assert json.dumps(json.loads(text)) == text
    for row in ids:
        assert all(len(value) == 32 and int(value, 16) >= 0 for value in row)
        assert uuid.UUID(hex=row[0]).version == 4
    assert len({row[0] for row in ids}) == len(ids)
    for created, updated, bought, warranty, cost in times:
        assert dt.datetime.fromisoformat(created) <= dt.datetime.fromisoformat(updated)
        assert len(created) == len("2024-05-06 09:12:33.123456")
        assert dt.date.fromisoformat(bought) < dt.date.fromisoformat(warranty)
        assert isinstance(cost, int) and cost > 0


@pytest.mark.parametrize(
    ("key", "before", "after"),
    [
        ("location", None, "loc"),
        ("assigned_to", "emp", None),
        ("status", None, "in_stock"),
        ("status", "in_service", "in_repair"),
        ("notes", "", 'Fan "noisy" — replaced\nok'),
        ("warranty_end", dt.date(2024, 2, 29), dt.date(2026, 2, 28)),
    ],
)
def test_change_texts_are_the_services_change_entries(key: str, before: Any, after: Any) -> None:
    world = build_test_world()
    ids = {"loc": world.loc, "emp": world.emp}
    writer = LifeWriter(world, random.Random(1), 0.0, "test")
    hexed = [ids[x].hex if x in ids else x for x in (before, after)]
    plain = [ids.get(x, x) if isinstance(x, str) else x for x in (before, after)]

    text = writer._field_change(key, *hexed)

    assert json.loads(text) == json.loads(json.dumps(field_change(world.names, key, *plain)))
    assert text == json.dumps(json.loads(text))


@pytest.mark.parametrize(
    ("before", "after"), [(None, 16), (16, 32), (None, True), ("17.9.4a", "Zoë's 17.12")]
)
def test_custom_change_texts_are_the_services_change_entries(before: Any, after: Any) -> None:
    text = change_json._custom_change("ram_gb", before, after)

    assert json.loads(text) == custom_change("ram_gb", before, after)
    assert text == json.dumps(json.loads(text))


class _TestWorld(DemoWorld):
    loc: uuid.UUID
    emp: uuid.UUID


def build_test_world() -> _TestWorld:
    world = _TestWorld()
    world.loc, world.emp = uuid.uuid4(), uuid.uuid4()
    world.names = {world.loc: "A2.04 Open office", world.emp: "Zoë O'Brien"}
    return world


def test_new_ids_are_random_version_4_uuids_in_stored_form() -> None:
    new_id, other = HexIds(), HexIds()
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert other() not in ids  # each generator is seeded by the system: no two runs alike
    for made in ids[:200]:
        parsed = uuid.UUID(hex=made)
        assert parsed.hex == made
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_stamps_are_the_times_the_epoch_plus_a_timedelta_gives() -> None:
    """:func:`stamp` rounds to the microsecond as ``datetime + timedelta`` did (half to
    even), over the demo's range of times, halves of a microsecond included."""
    rng = random.Random(17)
    epoch = dt.datetime(1970, 1, 1)
    times = [1.2e9 + rng.random() * 6e8 for _ in range(20_000)]
    times += [
        1.7e9 + rng.randrange(10**7) + (2 * rng.randrange(10**6) + 1) / 2e6 for _ in range(20_000)
    ]
    times += [1_700_000_000.0, 1_700_000_000.0000005, 1_700_000_000.0000015, 86_399.9999996]
    for ts in times:
        assert stamp(ts) == (epoch + dt.timedelta(seconds=ts)).isoformat(" ", "microseconds"), ts


def test_serial_numbers_are_the_models_prefix_and_uniform_characters() -> None:
    """Eight characters a draw (:func:`desktop.demo.values.serial_number`): each serial
    has the model's prefix and length, every character of the alphabet turns up about
    equally often and serials do not repeat."""
    rng = random.Random(5)
    model = next(m for m in catalog.MODELS if m.serial_prefix)
    long = dataclasses.replace(model, serial_length=12)
    serials = [serial_number(rng, m) for _ in range(5_000) for m in (model, long)]
    assert {len(s) for s in serials} == {
        len(model.serial_prefix) + n for n in (model.serial_length, 12)
    }
    assert all(s.startswith(model.serial_prefix) for s in serials)
    counted = Counter(c for s in serials for c in s[len(model.serial_prefix) :])
    assert set(counted) == set("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    assert max(counted.values()) < 1.15 * min(counted.values())
    assert len(set(serials)) == len(serials)


def test_imeis_are_fifteen_digits_with_a_valid_luhn_check_digit() -> None:
    """One draw an IMEI (:func:`desktop.demo.values.imei`): TAC 35, every digit after it
    about equally often, the last digit the Luhn check digit (as a phone's own)."""
    rng = random.Random(3)
    made = [imei(rng) for _ in range(5_000)]
    for number in made:
        assert len(number) == 15 and number.isdigit() and number.startswith("35"), number
        total = 0
        for place, digit in enumerate(int(d) for d in reversed(number)):
            total += digit if place % 2 == 0 else (2 * digit) // 10 + (2 * digit) % 10
        assert total % 10 == 0, number
    counted = Counter(d for number in made for d in number[2:14])
    assert max(counted.values()) < 1.1 * min(counted.values())
    assert len(set(made)) == len(made)


def test_the_garbage_collector_is_paused_while_the_demo_runs_and_then_resumed(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Paused in this process and in a forked worker (each chunk's rows hold no cycles),
    running again afterwards — after a cancelled demo too."""
    if not parallel.fork_is_safe():
        pytest.skip("this test process runs threads (or is not on Linux): no fork")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setenv(fill.WORKERS_VARIABLE, "on")  # whatever else runs on the machine
    monkeypatch.setattr(fill, "BATCH", 60)
    seen, make_chunk = tmp_path / "seen.txt", parallel.make_chunk

    def noted(world: DemoWorld, chunk: parallel.Chunk) -> parallel.ChunkResult:
        with seen.open("a") as file:
            file.write(f"{os.getpid()} {gc.isenabled()}\n")
        return make_chunk(world, chunk)

    monkeypatch.setattr(parallel, "make_chunk", noted)
    assert gc.isenabled()

    fill_demo(sqlite_db, assets=300)

    found = [line.split() for line in seen.read_text().splitlines()]
    assert str(os.getpid()) in {who for who, _ in found}  # (it makes the first chunk)
    assert len({who for who, _ in found}) == 2  # and a worker the others
    assert {enabled for _, enabled in found} == {"False"}
    assert gc.isenabled()

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DemoCancelledError):
        fill_demo(sqlite_db, assets=300, cancel=cancel, add=True)
    assert gc.isenabled()


def test_the_load_of_other_processes_is_the_machines_less_the_demos_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two cores, a second of wall time: both busy all along, the demo's process on one
    of them (1 s of CPU) — one core's worth of other work; the demo waiting on its disk
    half the time (0.5 s CPU) with the machine half idle, none. Too short a window to
    judge from, or no clocks: unknown (None)."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    start = parallel.CpuSample(wall=10.0, own=1.0, busy=1_000, total=4_000)
    both_busy = parallel.CpuSample(wall=11.0, own=2.0, busy=1_200, total=4_200)
    assert parallel.others_busy(start, both_busy) == pytest.approx(1.0)
    waiting = parallel.CpuSample(wall=11.0, own=1.5, busy=1_050, total=4_200)
    assert parallel.others_busy(start, waiting) == pytest.approx(0.0)
    short = parallel.CpuSample(wall=10.05, own=1.05, busy=1_010, total=4_010)
    assert parallel.others_busy(start, short) is None
    assert parallel.others_busy(None, both_busy) is None
    assert fill._workers("sqlite", 10_000, 1.0) == (0, "spawn")
    assert fill._workers("sqlite", 10_000, 0.3)[0] == int(parallel.fork_is_safe())


def test_a_start_too_short_to_judge_from_is_watched_to_its_end_not_guessed_from_the_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On an idle laptop with a warm file cache the demo's start took less than the
    shortest window, and the load average (1.0: the benchmark's own demo and floor of the
    minute before) sent 2 of 3 demos down the one-process path, 2.5 s wall instead of 1.6.
    Now the rest of the window is waited for: where the clocks can be read the other
    processes' load is measured, never taken from the load average."""
    sample = parallel.cpu_sample()
    if sample is None:
        pytest.skip("no /proc/stat here")
    monkeypatch.delenv(fill.WORKERS_VARIABLE, raising=False)
    started = time.perf_counter()
    others = fill._others(sample)  # at once: no window yet
    assert others is not None
    assert time.perf_counter() - started < 1.0
