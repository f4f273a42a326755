"""Filling a database with demo data: fast, in one transaction, cancellable.

Reference data (sites, teams, staff, categories, products) is created through the
reference services. Assets and their histories are generated a chunk of
:data:`BATCH` assets at a time (in worker processes for large SQLite demos where a core
is free — other programs' load is watched over the demo's start, :func:`_workers` — see
:mod:`desktop.demo.parallel`) directly as the rows SQLite stores (:mod:`desktop.demo.stored`)
— the same rows the services write — and go to the driver's ``executemany`` as they are;
on PostgreSQL and MariaDB they pass through the columns' type processors first. On SQLite
the search index is paused while inserting and rebuilt once at the end (fed to FTS5 in a
child process meanwhile where the worker is forked, :mod:`desktop.demo.search_build`), the
secondary indexes of empty tables are built once after the fill, foreign keys are checked once
before the commit and the file is filled with a rollback journal
(:mod:`desktop.demo.sqlite_fill`); the approvals' segregation of duties is checked as they
are made instead of by SQLite's triggers row by row (:mod:`desktop.demo.duties`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from desktop.collector import collector_paused
from desktop.demo.duties import duty_triggers_paused, read_duties
from desktop.demo.hex_world import forget_world
from desktop.demo.incidents import incident_count, make_incidents
from desktop.demo.life import ServiceAsset
from desktop.demo.orders import Order, OrderPlanner, planned_finals
from desktop.demo.parallel import (
    MIN_WINDOW_TICKS,
    Chunk,
    ChunkResult,
    CpuSample,
    chunk_results,
    cpu_sample,
    fork_is_safe,
    others_busy,
    remove_stale_spools,
)
from desktop.demo.search_build import SearchBuild, search_build
from desktop.demo.sqlite_fill import demo_write
from desktop.demo.stored import (
    APPROVALS,
    ASSETS,
    PROCEDURES,
    ServerRows,
    check_columns,
    insert_spooled,
    insert_stored,
    referenced_ids,
    spooled_search,
)
from desktop.demo.world import (
    DemoWorld,
    build_world,
)
from desktop.domain.tags import format_tag
from desktop.errors import DesktopError, PermissionDeniedError, Problem, ValidationError
from desktop.services.incidents import incident_template
from desktop.services.search import indexed_names, search_index_paused
from desktop.storage.bulk import sqlite_secondary_indexes_rebuilt
from desktop.storage.database import Database
from desktop.storage.logins import session_login
from desktop.storage.models import (
    Asset,
    Incident,
    IncidentAsset,
    IncidentEvent,
    Location,
    Person,
    TagSequence,
)

Progress = Callable[[int, int], None]
MAX_ASSETS = 5_000_000
#: Assets generated and inserted per round (progress and cancel are checked between).
BATCH = 2_000
#: From this many assets a SQLite demo is generated in worker processes as well.
PARALLEL_FROM = 20_000
MAX_WORKERS = 2
#: In-service assets kept aside for incidents to be logged against.
SAMPLE_SIZE = 2_000
#: The tables written in bulk, whose secondary indexes an empty database builds at the end.
_BULK = ("assets", "procedures", "approvals")
#: Indexes of those tables kept while the demo writes, from :data:`KEEP_FROM` assets:
#: every procedure's entry goes at the end of its performer's or state's run, cheaper
#: than reading the procedures (~1.3 KB a row) twice more to build them at the end once
#: the table outgrows the page cache (100,000 assets: inserts +0.1–0.4 s CPU, building
#: 2.41 → 1.52 s, in the part that no worker shortens). Where it fits (10,000 assets,
#: ~64 MB of procedures in a cache of 256 MiB) building them is cheaper: the one-process
#: demo 19.24 → 18.93 G instructions (callgrind, 2026-12-07, demo8; the procedures'
#: inserts 3.28 → 2.68 G, the index builds' sorting 0.41 → 0.53 G).
_KEPT = ("ix_procedures_performed_by_id", "ix_procedures_state")
#: From this many assets :data:`_KEPT` are kept while the demo writes (~6.4 KB of
#: procedures an asset: from ~40,000 they outgrow the page cache, :func:`cache_kib`).
KEEP_FROM = 40_000


class DemoCancelledError(DesktopError):
    """The demo was cancelled; the transaction was rolled back and nothing was written."""


class DatabaseNotEmptyError(DesktopError):
    """Demo data goes into an empty database unless adding was asked for."""

    def __init__(self, assets: int, where: str) -> None:
        super().__init__(
            f"The database {where} already holds {assets:,} assets: demo data is only put "
            "into an empty database, unless you ask to add it to the existing data."
        )
        self.assets = assets


class DemoNeedsOwnerError(PermissionDeniedError):
    """Demo data records years of work in the names of made-up people: on a shared
    server only the owner login may record work in somebody else's name."""

    def __init__(self, login: str, where: str, owner_url: str) -> None:
        super().__init__(
            f"Demo data cannot be made as {login} in {where}: it records years of work in "
            "the names of made-up people, and the database lets each login record work "
            "only in its own person's name. Make it as the database's owner login "
            f"(assetdesk --database {owner_url} demo), or try the demo in a local file."
        )
        self.login = login


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`fill_demo` wrote."""

    assets: int
    procedures: int
    approvals: int
    pending_approvals: int
    incidents: int
    open_incidents: int
    people: int
    locations: int
    statuses: dict[str, int]
    created: dict[str, int]
    seed: int
    seconds: float
    first_tags: tuple[str, ...] = field(default_factory=tuple)
    #: The day the histories lead up to (:func:`history_end`).
    today: dt.date | None = None

    @property
    def assets_per_second(self) -> float:
        return self.assets / self.seconds if self.seconds else 0.0

    def same_again(self) -> str:
        """The command that makes the same data again (same seed, number and day)."""
        day = f" --today {self.today.isoformat()}" if self.today is not None else ""
        return f"assetdesk demo --assets {self.assets} --seed {self.seed}{day}"


def fill_demo(
    db: Database,
    *,
    assets: int,
    seed: int = 1,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    add: bool = False,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill ``db`` with a demo organisation and ``assets`` assets with years of history.

    Everything happens in one transaction: on an error or when ``cancel`` is set, nothing
    is written. ``progress(done, total)`` is called at most every ~100 ms. A database that
    already holds assets is refused unless ``add`` is true.

    The histories lead up to the start of ``today`` (UTC; by default the current day,
    :func:`history_end`): the same ``seed``, ``assets`` and day make the same data —
    assets, procedures, approvals and incidents with the same values and times — in
    whichever processes the chunks were made. Only the ids (random, referred to by
    nothing but the rows) and the reference data's ``created_at`` differ.
    """
    if not 1 <= assets <= MAX_ASSETS:
        raise ValidationError(
            Problem(
                "assets", f"the number of demo assets must be 1 to {MAX_ASSETS:,}, not {assets:,}"
            )
        )
    # A demo killed before (kill -9, a power cut) may have left its spool folder in
    # /dev/shm, in memory: every demo removes those of dead demos as it starts, whether
    # or not it spools itself (it was done only by a demo large enough for a worker).
    remove_stale_spools()
    started = time.perf_counter()
    # whether the other cores are free is judged over the start (the reference data)
    sampled = cpu_sample()
    report = _Throttle(progress)
    with collector_paused(), demo_write(db) as session, search_build() as search:
        existing = session.execute(select(func.count()).select_from(Asset)).scalar_one()
        if existing and not add:
            raise DatabaseNotEmptyError(existing, db.display_url)
        login = session_login(session.connection())
        if login is not None and not login.owner:
            owner_url = db.typed_url.replace(f"//{login.name}@", "//OWNER@", 1)
            raise DemoNeedsOwnerError(login.name, db.description, owner_url)
        with (
            _bulk_pragmas(session, db, assets),
            search_index_paused(session.connection(), rebuild=search.finish),
            # SQLite: the approvals' duties checked as they are made (desktop.demo.duties)
            duty_triggers_paused(session.connection()) as duties_checked_here,
            # Into empty tables, their indexes are built once at the end (SQLite).
            sqlite_secondary_indexes_rebuilt(
                session.connection(),
                () if existing else _BULK,
                kept=_KEPT if assets >= KEEP_FROM else (),
            ),
        ):
            world = build_world(session, assets=assets)
            workers = _workers(db.engine.dialect.name, assets, _others(sampled))
            if workers[1] == "fork":
                search.prepare(assets)
            if duties_checked_here:
                world.duties = read_duties(session.connection())
            _check(cancel)
            now_ts = history_end(today)
            if search.has_child and not existing:  # the writers make the index's rows too
                world.indexed_names = {None: "", **indexed_names(session.connection())}
            totals = _generate(
                session,
                world,
                assets=assets,
                seed=seed,
                now_ts=now_ts,
                report=report,
                cancel=cancel,
                search=search,
                workers=workers,
            )
            incidents = _incidents(
                session, world, totals.samples, assets=assets, seed=seed, now_ts=now_ts
            )
            people = session.execute(select(func.count()).select_from(Person)).scalar_one()
            locations = session.execute(select(func.count()).select_from(Location)).scalar_one()
            _check(cancel)
            # fed to FTS5 in the child while the secondary indexes are built here
            search.start(session.connection())
    report(assets, assets, force=True)
    return DemoSummary(
        assets=assets,
        procedures=totals.procedures,
        approvals=totals.approvals,
        pending_approvals=totals.pending,
        incidents=incidents[0],
        open_incidents=incidents[1],
        people=people,
        locations=locations,
        statuses=dict(sorted(totals.statuses.items())),
        created=dict(world.created),
        seed=seed,
        seconds=time.perf_counter() - started,
        first_tags=tuple(totals.first_tags),
        today=dt.datetime.fromtimestamp(now_ts, dt.UTC).date(),
    )


def history_end(today: dt.date | None = None) -> float:
    """The moment a demo's histories lead up to: the start (00:00 UTC) of ``today``, by
    default the current UTC day. Not the wall clock's second: how many procedures an
    asset's life holds depends on how long it has lived, so a demo made a few seconds
    later was a slightly different one (48,793 vs 48,868 procedures at 10,000 assets)."""
    day = today if today is not None else dt.datetime.now(dt.UTC).date()
    return dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()


@dataclass
class _Totals:
    assets: int = 0
    procedures: int = 0
    approvals: int = 0
    pending: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    #: Per chunk (its number), the in-service assets kept aside for incidents.
    chunk_samples: dict[int, list[ServiceAsset]] = field(default_factory=dict)
    first_tags: list[str] = field(default_factory=list)
    #: The search index's rows less their ranks, where the writers made them.
    search: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, result: ChunkResult) -> None:
        self.assets += sum(result.statuses.values())
        self.procedures += result.procedure_count
        self.approvals += result.approval_count
        self.pending += result.pending
        self.statuses.update(result.statuses)
        self.chunk_samples[result.number] = result.samples

    @property
    def samples(self) -> list[ServiceAsset]:
        """In chunk order, whichever process made which chunk first."""
        return [s for _n, found in sorted(self.chunk_samples.items()) for s in found]


def _generate(
    session: Session,
    world: DemoWorld,
    *,
    assets: int,
    seed: int,
    now_ts: float,
    report: _Throttle,
    cancel: threading.Event | None,
    search: SearchBuild,
    workers: tuple[int, str],
) -> _Totals:
    """Generate and insert the assets, procedures and approvals; the search index's rows
    go to ``search``'s child as soon as they are all made (where the writers make them)."""
    connection = session.connection()
    numbers = _next_tag_numbers(session, world)
    totals = _Totals()
    chunks = _plan_chunks(
        world, assets=assets, seed=seed, now_ts=now_ts, numbers=numbers, tags=totals.first_tags
    )
    check_columns()
    world.stored_ids = referenced_ids(connection)
    server = None if connection.dialect.name == "sqlite" else ServerRows(connection.dialect)
    write = insert_stored if server is None else server.insert
    results = chunk_results(
        world,
        connection.dialect,
        chunks,
        workers=workers[0],
        start_method=workers[1],
        chunk_count=len(chunk_sizes(assets)),
    )
    try:
        for result in results:
            if world.indexed_names is not None:
                made = totals.search
                made.extend(result.search if result.spool is None else spooled_search(result.spool))
                if len(made) == assets:  # the child feeds FTS5 while the last rows go in
                    search.hand_over(made)
                    made.clear()  # handed over in a file
            if result.spool is not None:
                insert_spooled(connection, result.spool, result.number)
            else:
                write(connection, ASSETS, result.assets)
                write(connection, PROCEDURES, result.procedures)
                write(connection, APPROVALS, result.approvals)
            totals.add(result)
            _check(cancel)
            report(totals.assets, assets)
    finally:
        results.close()  # stops worker processes at once on cancel or error
        forget_world()
    _store_tag_numbers(session, numbers)
    return totals


def _workers(dialect_name: str, assets: int, others: float | None = 0.0) -> tuple[int, str]:
    """Worker processes for a demo of ``assets`` assets (0 = none, all in this process)
    and how they start (``fork`` or ``spawn``, see :mod:`desktop.demo.parallel`).
    ``others``: the cores other processes keep busy (:func:`~desktop.demo.parallel.others_busy`
    over the demo's start; ``None``: unknown, the load average's last minute instead).

    This process's inserts take about as long as generating the rows (100,000 assets:
    ~16 and ~7 s CPU), so one worker keeps up and two cores are busy; more workers only
    add processes to start and compete for the cores. Without workers the demo takes the
    least CPU (23.8 s against 30–32 s in all with one or three workers, 2026-12-05 under
    load ~5; 10,000 assets: ~1.65 against ~1.95 s) but the longest on an idle machine. A
    forked worker costs little to start, so one generates from two chunks on; a spawned
    one only pays off from :data:`PARALLEL_FROM` assets.

    A worker only pays off on a core nobody else uses: with the other core busy
    (:data:`SPARE_CORE`), it and this process share one core with the other program,
    hand their rows over and wait for each other — 10,000 assets on 2 cores with a busy
    loop on one (2026-12-07, demo8): with a worker 1.68–6.40 s wall, 1.9–2.3 s CPU;
    without 1.79–3.43 s wall, 1.7–1.9 s CPU. So it is started only where at least
    :data:`SPARE_CORE` of a core besides this process's own was idle over the start."""
    cores = os.cpu_count() or 1
    if dialect_name != "sqlite" or getattr(sys, "frozen", False) or cores < 2:
        return 0, "spawn"
    if others is None:
        others = _load_average()
    if cores - 1 - others < SPARE_CORE:
        return 0, "spawn"
    if assets > BATCH and fork_is_safe():
        return (1 if assets < PARALLEL_FROM else min(MAX_WORKERS, cores - 1)), "fork"
    if assets < PARALLEL_FROM:
        return 0, "spawn"
    return min(MAX_WORKERS, cores - 1), "spawn"


#: Overrides the load check of :func:`_workers`: ``on`` decides as on an idle machine
#: (a worker whatever the load), ``off`` starts none; unset (or anything else), the load
#: over the demo's start decides.
WORKERS_VARIABLE = "ASSETDESK_DEMO_WORKERS"


def _others(sampled: CpuSample | None) -> float | None:
    """The cores other processes keep busy since ``sampled`` (:func:`others_busy`), as
    :data:`WORKERS_VARIABLE` may override it."""
    chosen = os.environ.get(WORKERS_VARIABLE, "").strip().lower()
    if chosen == "on":
        return 0.0
    if chosen == "off":
        return math.inf
    others = others_busy(sampled)
    if others is None and sampled is not None:
        # The start was too short to judge from (a warm file cache: the reference data in
        # ~0.05 s). The load average is no stand-in: it counts this demo and what ran the
        # minute before, and on an idle laptop it sent 2 of 3 demos down the one-process
        # path (1.62 s wall with the worker, 2.53–2.55 s without; 2026-12-07, load 1.0).
        # The rest of the shortest window is waited for instead (at most ~0.1 s).
        cores = os.cpu_count() or 1
        rest = MIN_WINDOW_TICKS / (_CLOCK_TICKS * cores) - (time.perf_counter() - sampled.wall)
        time.sleep(max(0.0, rest))
        for _ in range(20):  # the clocks move by whole ticks: a few ms more at most
            if (others := others_busy(sampled)) is not None:
                break
            time.sleep(0.01)
    return others


#: ``/proc/stat``'s clock ticks a second per CPU.
_CLOCK_TICKS = 100


#: The idle share of a core besides this process's own that a worker needs (see
#: :func:`_workers`).
SPARE_CORE = 0.5


def _load_average() -> float:
    """The last minute's load average (processes running or waiting to), 0 where the
    system has none (Windows): the cores other processes are taken to keep busy where
    they could not be watched over the start."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def _plan_chunks(
    world: DemoWorld,
    *,
    assets: int,
    seed: int,
    now_ts: float,
    numbers: dict[str, int],
    tags: list[str],
) -> Iterator[Chunk]:
    """Orders, tags and final statuses in order, cut into chunks (:func:`chunk_sizes`).

    ``numbers`` (the next number per tag prefix) moves on; the first tags go to ``tags``."""
    rng = random.Random(seed)
    sizes = iter(chunk_sizes(assets))
    size = next(sizes)
    finals = planned_finals(assets)
    planner = OrderPlanner(world, rng, now_ts, assets)
    origin = f"assetdesk demo (seed {seed})"
    items: list[tuple[Order, int, str, str, str | None]] = []
    number = index = 0
    while index < assets:
        order, quantity = planner.next_order(index)
        for position in range(min(quantity, assets - index)):
            planned = finals.get(index)
            pending = planned[0] if planned else None
            final = planned[1] if planned else planner.final_status(order)
            prefix = order.category.prefix
            tag = format_tag(prefix, numbers[prefix])
            items.append((order, position, tag, final, pending))
            numbers[prefix] += 1
            if len(tags) < 3:
                tags.append(tag)
            index += 1
            if len(items) == size:  # (a sample in proportion to the chunk's assets)
                sample_size = max(20, -(-SAMPLE_SIZE * size // assets))
                yield Chunk(number, seed, now_ts, origin, tuple(items), sample_size)
                items, number = [], number + 1
                size = next(sizes, BATCH)
    if items:  # (never: the sizes add up to the assets)
        yield Chunk(
            number,
            seed,
            now_ts,
            origin,
            tuple(items),
            max(20, -(-SAMPLE_SIZE * len(items) // assets)),
        )


def chunk_sizes(assets: int) -> list[int]:
    """The assets of each chunk, in order: :data:`BATCH` each, the rest last — and the
    last chunk of a demo made by more than one process in two halves, so that at the end
    the worker and this process share the last work in smaller pieces (10,000 assets:
    2,000 × 4, then 1,000 × 2; a chunk of 2,000 is ~0.1–0.15 s of generating on an idle
    core, and whichever process had the last whole one kept the other waiting for it)."""
    sizes = [BATCH] * (assets // BATCH) + ([assets % BATCH] if assets % BATCH else [])
    if len(sizes) > 1 and sizes[-1] > 1:
        last = sizes.pop()
        sizes += [last - last // 2, last // 2]
    return sizes


def _next_tag_numbers(session: Session, world: DemoWorld) -> dict[str, int]:
    """Per prefix, the first number above every tag in use and the tag sequence.

    The sequence rows stay locked until the demo commits (as in
    :func:`desktop.services.tags.allocate_tag`), so a client receiving an asset meanwhile
    waits and then gets a number after the demo's."""
    numbers: dict[str, int] = {}
    for category in world.categories:
        prefix = category.prefix
        sequence = session.execute(
            select(TagSequence).where(TagSequence.prefix == prefix).with_for_update()
        ).scalar_one_or_none()
        highest = 0
        pattern = f"{prefix.lower()}-%"
        for (tag_key,) in session.execute(select(Asset.tag_key).where(Asset.tag_key.like(pattern))):
            suffix = tag_key[len(prefix) + 1 :]
            if suffix.isdigit():
                highest = max(highest, int(suffix))
        numbers[prefix] = max(highest + 1, sequence.next_value if sequence else 1)
    return numbers


def _store_tag_numbers(session: Session, numbers: dict[str, int]) -> None:
    """Move every tag sequence past the generated tags, so that new tags never collide.

    The sequences moved in one statement run for all of them (an ORM update per prefix
    cost ~2 ms CPU each, a dozen in the demo's serial tail)."""
    moved = []
    for prefix, next_value in numbers.items():
        sequence = session.get(TagSequence, prefix)  # (read and locked before: no query)
        if sequence is None:
            session.add(TagSequence(prefix=prefix, next_value=next_value))
        elif sequence.next_value < next_value:
            moved.append({"key": prefix, "value": next_value})
    session.flush()
    if moved:
        table = TagSequence.__table__
        assert isinstance(table, Table)
        session.connection().execute(
            update(table)
            .where(table.c.prefix == bindparam("key"))
            .values(next_value=bindparam("value")),
            moved,
        )
    session.expire_all()


def _incidents(
    session: Session,
    world: DemoWorld,
    samples: list[ServiceAsset],
    *,
    assets: int,
    seed: int,
    now_ts: float,
) -> tuple[int, int]:
    highest = session.execute(select(func.max(Incident.number))).scalar_one()
    template = incident_template()
    rows = make_incidents(
        world,
        random.Random(seed * 7919 + 1),
        now_ts=now_ts,
        samples=samples,
        count=incident_count(assets),
        first_number=(highest or 0) + 1,
        template={"name": template.name, "version": template.version},
    )
    connection = session.connection()
    if rows.incidents:
        connection.execute(insert(Incident), rows.incidents)
        connection.execute(insert(IncidentAsset), rows.assets)
        connection.execute(insert(IncidentEvent), rows.events)
    return len(rows.incidents), rows.open


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise DemoCancelledError("Demo data cancelled: nothing was written.")


@contextlib.contextmanager
def _bulk_pragmas(session: Session, db: Database, assets: int) -> Iterator[None]:
    """On SQLite, a larger page cache while inserting: random UUID keys touch index pages
    all over the file. About 1 KiB per asset, from 256 MiB up to 1 GiB."""
    if not db.is_sqlite:
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{cache_kib(assets)}")
    restore = f"PRAGMA cache_size = {int(before or -2000)}"
    try:
        yield
    except DemoCancelledError:
        connection.exec_driver_sql(restore)
        raise
    # After a database error the transaction is dead; the pooled connection keeps the
    # larger cache, which costs nothing until pages are read.
    connection.exec_driver_sql(restore)


def cache_kib(assets: int) -> int:
    """The SQLite page cache of a demo of ``assets`` assets, in KiB (see
    :func:`_bulk_pragmas`; its benchmark's floor gets the same)."""
    return min(1 << 20, max(1 << 18, assets))


class _Throttle:
    """Passes progress on at most every 100 ms."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = 0.0

    def __call__(self, done: int, total: int, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= 0.1:
            self.last = now
            self.progress(done, total)
