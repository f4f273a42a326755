"""Generating asset histories in chunks, in worker processes when there are many.

The orders, tags and final statuses are planned in the calling process, in order, so that
tags stay consecutive; each :class:`Chunk` then holds everything needed to write its
assets' lives. A chunk is turned into stored rows (:mod:`desktop.demo.stored`) by
:func:`make_chunk` — in this process, or for large SQLite demos in a pool of ``spawn``
processes (safe next to a GUI's threads) while this process inserts the previous chunk;
a worker leaves each result in a file (:func:`_work`), not in the pool's pipe. Like every ``spawn``
pool, it needs the program's main module to be import-safe (``if __name__ ==
"__main__":``), as the ``assetdesk`` entry point and the GUI are. Each chunk has its own
random generator seeded from the run's seed and the chunk's number, so the data do not
depend on which process made them.

Where ``fork`` is safe — Linux, and this process runs a single thread (the command line;
never a GUI, whose threads a fork would copy in whatever state) — one worker is forked
instead: it starts in milliseconds with the world already in memory (a ``spawn`` worker
imports the program again: +1.5 s CPU), so that already a demo of a few thousand assets
is generated in one process while this one inserts. A forked worker writes its rows into
SQLite files of its own, which the demo's connection attaches and copies with ``INSERT …
SELECT`` (:func:`desktop.demo.stored.spool_rows`); whenever its next result is not ready,
this process makes the next chunk itself rather than wait.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import pickle
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Dialect

from desktop.demo.child import die_with
from desktop.demo.duties import check_duties
from desktop.demo.life import LifeWriter, ServiceAsset
from desktop.demo.orders import Order
from desktop.demo.stored import check_references, spool_rows
from desktop.demo.world import DemoWorld


@dataclass(frozen=True)
class Chunk:
    """Assets to write: (order, position in the order, tag, final status, pending kind)."""

    number: int
    seed: int
    now_ts: float
    origin_detail: str
    items: tuple[tuple[Order, int, str, str, str | None], ...]
    sample_size: int


@dataclass
class ChunkResult:
    """A chunk's rows, as stored tuples (:data:`desktop.demo.stored.COLUMNS`), and counts."""

    assets: list[Any]
    procedures: list[Any]
    approvals: list[Any]
    statuses: Counter[str]
    procedure_count: int
    approval_count: int
    pending: int
    samples: list[ServiceAsset] = field(default_factory=list)
    #: The number of its (first) chunk: results may arrive out of order.
    number: int = 0
    #: A SQLite file whose bare tables hold the rows instead (:func:`spool_rows`).
    spool: str | None = None
    #: The assets' search index rows less their ranks (:attr:`desktop.demo.procedure_rows.Rows.search`),
    #: where the world asks for them; beside the spool file if spooled (:func:`spool_rows`).
    search: list[Any] = field(default_factory=list)

    def absorb(self, other: ChunkResult) -> None:
        """Add the rows and counts of the next chunk."""
        self.assets.extend(other.assets)
        self.procedures.extend(other.procedures)
        self.approvals.extend(other.approvals)
        self.statuses.update(other.statuses)
        self.procedure_count += other.procedure_count
        self.approval_count += other.approval_count
        self.pending += other.pending
        self.samples.extend(other.samples)
        self.search.extend(other.search)


def make_chunk(world: DemoWorld, chunk: Chunk) -> ChunkResult:
    rng = random.Random(chunk.seed * 1_000_003 + chunk.number)
    writer = LifeWriter(world, rng, chunk.now_ts, chunk.origin_detail)
    writer.sample_size = chunk.sample_size
    for order, position, tag, final, pending in chunk.items:
        writer.live(order, position, tag, final=final, pending=pending)
    rows = writer.rows
    if world.stored_ids:
        check_references(world.stored_ids, rows.assets, rows.procedures, rows.approvals)
    if world.duties is not None:
        check_duties(world.duties, rows.procedures, rows.approvals)
    return ChunkResult(
        assets=rows.assets,
        procedures=rows.procedures,
        approvals=rows.approvals,
        statuses=writer.statuses,
        procedure_count=writer.procedures,
        approval_count=writer.approvals,
        pending=writer.pending,
        samples=writer.in_service,
        number=chunk.number,
        search=rows.search,
    )


def chunk_results(
    world: DemoWorld,
    dialect: Dialect,
    chunks: Iterable[Chunk],
    *,
    workers: int,
    start_method: str = "spawn",
    chunk_count: int = 0,
) -> Generator[ChunkResult, None, None]:
    """Each chunk's result, in order of being made. With ``workers`` (SQLite only), chunks
    are made in that many processes, started by ``start_method`` (``fork`` only where the
    caller knows this process runs one thread), and in this one whenever the next
    worker's result is not ready yet; closing the iterator early stops them. Forked
    workers hand ``chunk_count`` chunks over in at most :data:`SPOOL_FILES` SQLite files
    (:func:`spool_rows`), the rest as pickles."""
    if workers < 1:
        for chunk in chunks:
            yield make_chunk(world, chunk)
        return
    if dialect.name != "sqlite":  # pragma: no cover - guarded by the caller
        raise ValueError("worker processes make rows for SQLite only")
    context = multiprocessing.get_context(start_method)
    parent = _spool_parent()
    group = min(MAX_SPOOL_GROUP, max(1, -(-(chunk_count - 1) // SPOOL_FILES)))
    spools = _spool_files(parent, group) if start_method == "fork" else 0
    with (
        tempfile.TemporaryDirectory(prefix=f"{_SPOOL}{os.getpid()}-", dir=parent) as spool,
        ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(world, spool, os.getpid()),
        ) as pool,
    ):
        queued: deque[Future[ChunkResult | str]] = deque()
        #: The number of chunks of each queued task, in the same order.
        sizes: deque[int] = deque()
        waiting = iter(chunks)
        first = next(waiting, None)
        taken = int(first is not None)  # chunks given out (to a worker or made here)

        def submit() -> bool:
            nonlocal spools, taken
            tasks = tuple(itertools.islice(waiting, group if spools else 1))
            if tasks:
                queued.append(pool.submit(_work, tasks, spools > 0))
                sizes.append(len(tasks))
                spools -= spools > 0
                taken += len(tasks)
            return bool(tasks)

        def top_up() -> None:
            """Keep :data:`AHEAD` tasks per worker not yet done, so that a worker never
            waits for this process to take its results (it did while this process made
            a chunk itself); at most :data:`MAX_READY` results wait to be inserted. Near
            the end, the last chunks are kept for this process (:func:`worker_takes`)."""
            unfinished = sum(not future.done() for future in queued)
            pending = sum(n for future, n in zip(queued, sizes, strict=True) if not future.done())
            while unfinished < AHEAD * workers and len(queued) - unfinished < MAX_READY:
                size = group if spools else 1
                if chunk_count and not worker_takes(chunk_count - taken, size, pending):
                    return
                if not submit():
                    return
                unfinished += 1
                pending += size

        try:
            top_up()
            if first is not None:  # made here while the workers start on the next ones
                yield make_chunk(world, first)
            while queued:
                top_up()
                if not queued[0].done():  # make one here meanwhile
                    here = next(waiting, None)
                    if here is not None:
                        taken += 1
                        yield make_chunk(world, here)
                        continue
                sizes.popleft()
                done = queued.popleft().result()  # a dead worker raises BrokenProcessPool
                yield done if isinstance(done, ChunkResult) else _unspooled(done)
        finally:
            for future in queued:
                future.cancel()


#: Tasks per worker given to it and not yet done: it starts the next one at once.
AHEAD = 2


def worker_takes(remaining: int, size: int, pending: int) -> bool:
    """Whether the workers, with ``pending`` chunks given and not yet made, are given a
    task of ``size`` more of the ``remaining`` chunks no one has taken yet: always when
    they have nothing to do; otherwise only if as many chunks as they still have to make
    are left for this process after it. Near the end, the chunks are then shared between
    the workers and this process rather than all queued for the workers while this
    process waits for them with nothing to do (10,000 assets in chunks of 2,000: a
    forked worker was given the last two chunks while this process had inserted what
    it had — on an idle machine ~0.2–0.3 s of the demo's wall time, this process idle)."""
    if pending == 0:
        return True
    return remaining - size >= pending


#: Results made and waiting to be inserted, at most (in files of the spool folder, in
#: memory where it is /dev/shm): more tasks are given out as they are taken.
MAX_READY = 4
#: SQLite files a demo's workers hand rows over in, at most: the demo's connection
#: attaches each one and keeps it attached until the transaction ends (SQLite's limit:
#: 10 attached files).
SPOOL_FILES = 8
#: Chunks in one SQLite file, at most (~7 MB of file per 1,000 assets, in memory where
#: the folder is /dev/shm, until the demo's transaction ends); further chunks are pickled.
MAX_SPOOL_GROUP = 8


_world: DemoWorld | None = None
_spool: str | None = None
#: The start of a spool folder's name; the demo's process id follows.
_SPOOL = "assetdesk-demo-"


def _start_worker(world: DemoWorld, spool: str, parent: int) -> None:
    global _world, _spool
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl+C reaches it
    gc.disable()  # as in the demo's process (a forked worker inherits it; a spawned one not)
    die_with(parent)  # (a forked worker holds both ends of its own task pipe)
    _world, _spool = world, spool


def _work(chunks: tuple[Chunk, ...], to_sqlite: bool) -> ChunkResult | str:
    """Make ``chunks`` and leave their rows in a file of the spool folder.

    ``to_sqlite``: the rows go into a SQLite file (:func:`spool_rows`) that the demo
    copies with ``INSERT … SELECT`` (the rows are never turned into Python objects
    again); the result, without rows, comes back through the pool. Otherwise the result
    is pickled into a file and its path comes back: a chunk's rows are ~9 MB pickled;
    through the pool's pipe (64 KiB at a time) each piece waits for the other process to
    be scheduled — on a busy machine that took seconds per demo of 10,000 assets."""
    assert _world is not None and _spool is not None
    result = make_chunk(_world, chunks[0])
    for chunk in chunks[1:]:
        result.absorb(make_chunk(_world, chunk))
    if to_sqlite:
        path = os.path.join(_spool, f"chunk-{chunks[0].number}.sqlite3")
        spool_rows(path, result.assets, result.procedures, result.approvals, search=result.search)
        result.assets, result.procedures, result.approvals, result.search = [], [], [], []
        result.spool = path
        return result
    path = os.path.join(_spool, f"chunk-{chunks[0].number}.pickle")
    with open(path, "wb") as file:
        pickle.dump(result, file, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _unspooled(path: str) -> ChunkResult:
    with open(path, "rb") as file:
        result = pickle.load(file)
    os.unlink(path)
    assert isinstance(result, ChunkResult)
    return result


def remove_stale_spools() -> None:
    """Remove the spool folders of demos whose process is gone (killed before it could
    clean up: up to a few chunks of rows, in memory where the folder is in /dev/shm)."""
    if os.name != "posix":  # (os.kill(pid, 0) is no question on Windows: it signals)
        return
    folder = _spool_parent() or tempfile.gettempdir()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.removeprefix(_SPOOL).partition("-")[0]
        if not entry.name.startswith(_SPOOL) or not pid.isdigit() or not entry.is_dir():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue  # another user's demo: theirs to clean
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:  # another user's living process, or the folder went meanwhile
            continue


#: Bytes of spool file per chunk of 2,000 assets (measured: 13.6 MB), with room to spare.
SPOOL_CHUNK_BYTES = 16_000_000


def _spool_files(parent: str | None, group: int) -> int:
    """How many SQLite spool files of ``group`` chunks fit in half the free space of the
    spool folder (all of them stay until the demo commits; a container's /dev/shm may
    be 64 MB): at most :data:`SPOOL_FILES`. The other chunks are pickled, a few at a
    time."""
    try:
        found = os.statvfs(parent or tempfile.gettempdir())
    except OSError:
        return 0
    free = found.f_bavail * found.f_frsize
    return max(0, min(SPOOL_FILES, free // 2 // (group * SPOOL_CHUNK_BYTES)))


def _spool_parent() -> str | None:
    """Memory-backed ``/dev/shm`` where there is one (Linux), else the temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def fork_is_safe() -> bool:
    """Whether a worker may be forked: on Linux, with this process running one thread
    only (counted by the kernel, so that threads Qt or a driver started count too)."""
    if (
        not sys.platform.startswith("linux")
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


@dataclass(frozen=True)
class CpuSample:
    """A moment's clocks: wall time, this process's CPU time and the machine's busy and
    total clock ticks of every CPU (``/proc/stat``), for :func:`others_busy`."""

    wall: float
    own: float
    busy: int
    total: int


def cpu_sample() -> CpuSample | None:
    """The clocks now; ``None`` where ``/proc/stat`` cannot be read (not Linux)."""
    try:
        with open("/proc/stat", "rb") as file:
            line = file.readline()
    except OSError:
        return None
    fields = line.split()
    if fields[:1] != [b"cpu"] or len(fields) < 5:
        return None
    ticks = [int(value) for value in fields[1:9]]  # user … steal (guests are in user)
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and waiting for I/O
    return CpuSample(time.perf_counter(), time.process_time(), sum(ticks) - idle, sum(ticks))


#: The shortest window :func:`others_busy` judges from, in clock ticks of all CPUs
#: (``/proc/stat`` counts 100 a second per CPU: ~0.1 s on two cores).
MIN_WINDOW_TICKS = 20


def others_busy(since: CpuSample | None, now: CpuSample | None = None) -> float | None:
    """How many cores other processes kept busy, on average, between ``since`` and now
    (``now``): the machine's busy share of its ticks in cores, less this process's CPU
    time over the same wall time. ``None`` if unknown (no ``/proc/stat``, or a window of
    less than :data:`MIN_WINDOW_TICKS`)."""
    now = now or cpu_sample()
    if since is None or now is None:
        return None
    total, wall = now.total - since.total, now.wall - since.wall
    if total < MIN_WINDOW_TICKS or wall <= 0.0:
        return None
    cores = os.cpu_count() or 1
    machine = cores * (now.busy - since.busy) / total
    return max(0.0, machine - (now.own - since.own) / wall)
