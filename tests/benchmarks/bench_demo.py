"""How fast ``assetdesk demo`` fills a SQLite database, against its bare-work floor.

Both floors write **the same rows** the demo wrote (every table: reference data, assets,
procedures with their JSON answers and changes, approvals, incidents, their events — less
the roles and procedure templates a new database already holds, which the migrations
wrote, not the demo), read back from the demo's database before the timed part, with
stdlib ``sqlite3`` ``executemany`` in one transaction into tables that have their primary
keys only, with the page cache the demo gives itself (:func:`desktop.demo.fill.cache_kib`).

**The floor** (the target's, issue 17 point 1: "plus one index build at the end where we
keep one"; from 2026-12-05 17:40 UTC):

* includes: the inserts of every row the demo wrote; then, once, every index the demo's
  finished database keeps on those tables — the same ``CREATE INDEX`` statements as our
  schema (the 14 sort indexes of ``assets`` and the other secondary indexes) and a
  ``CREATE UNIQUE INDEX`` for each unique constraint (``uq_assets_tag_key``,
  ``uq_approvals_procedure_id_approver_id``, …), :func:`tests.benchmarks.floors.kept_indexes`;
  one build of the search index (FTS5 trigram over the same six fields); the commit — in
  the journal the demo fills with (a rollback journal, :mod:`desktop.demo.sqlite_fill`:
  the cheaper one for a bulk write, so the floor gets it too) and our ``synchronous``
  (FULL).
* does not include: computing the rows (the demo's random world and lifecycles, the
  reference data made through the services, the worker process that makes them),
  foreign-key checks, the approvals' segregation-of-duties triggers, the search index's
  rank table and the folding of its text, the tag sequences, the ORM.

**The narrow floor** (the one reported until 2026-12-05, still printed so that nothing
moves silently): the same inserts, one search-index build and the commit, in WAL with
``synchronous=NORMAL`` — no secondary or unique index at all, though the demo's database
keeps them.

**Every timed run is a process of its own** (from 2026-12-07, demo18), as ``assetdesk
demo`` is: the demo's after the migrations made its new database, each floor's after it
read the demo's rows — neither the set-up nor Python's start is timed. Until then the
demo and both floors ran by turns in the benchmark's own process, which was unfair in the
floor's favour: the floor's SQLite page cache (~25,000 pages at 10,000 assets) reused
the memory the demo run before it had freed, 0 page faults, while a program doing the
same work from its start faults each page in once (~2.8 µs CPU a fault on this virtual
machine: a fresh floor took 0.13–0.17 s system CPU against 0.08–0.11 warm, ~0.06 s of
~0.75 in all at load ~8, five processes by turns; the benchmark's best of three, run
the old way and the new by turns on the same code at load ~10: floor 0.71 / 0.70 s CPU →
0.73 / 0.73, CPU ratio 2.63 / 2.53 → 2.51 / 2.46). The demo gained nothing from the warm
process — it forks its children, and every page it writes afterwards is faulted in
again (43–48,000 faults a run in the benchmark's process as in a new one) — so only the
floor's runs were warm.

Both sizes' times and their growth exponent (t ∝ assets^k) are printed with the ratios,
of wall time and of CPU time (the demo's: its process, its worker processes and its
search index's child, which includes starting them and handing their rows over; the
floors': their inserts, index builds and commit), and the page faults of each, each the best of :data:`PAIRS` runs alternating with the floors'.
**The target is judged on wall time**: it is what a user waits for, and the demo's
worker process exists to shorten it (on 2 cores generating the next chunk overlaps
inserting this one — at the price of more CPU in all). The CPU ratio is printed beside
it because on a shared machine it is the steadier figure; under a load of 5–6 on 2
cores the wall figures of a two-process demo mostly measure the scheduler. Each pair's
ratios are printed with the load average at its start (the higher of its start and
end), and whether the demo forked its worker: from 2026-12-07 (demo8) it does only where
the other core was idle over its start (:func:`desktop.demo.fill._workers`), so on a
busy machine the benchmark times the one-process demo. ``--busy N`` runs N busy loops
all along (a known load besides whatever else runs); ``ASSETDESK_DEMO_WORKERS=on`` or
``off`` in the environment times the demo with or without its worker whatever the load.

**demo8** (2026-12-07 18:20–19:30 UTC, load 2–10 from other sessions all along: no quiet
minute). The one-process demo against the forked worker, 10,000 assets, by turns, each
run a new process: with a busy loop on one of the 2 cores (load 2.7–3.5 besides) the
worker 1.68 / 3.31 / 5.69 / 6.40 s wall, 1.90–2.30 s CPU in all; one process 1.79 / 1.97 /
1.84 / 3.43 s, 1.71–1.91 s CPU; the floor 0.83–1.97 s, 0.77–0.80 s CPU. At load ~2.5 without
the loop: worker 2.04–2.39 s / 1.84–1.95 CPU, one process 1.77–1.99 s / 1.60–1.69 CPU.
So the worker is started only where a core is free. Main efcf386 against demo8 by turns,
the floor after each pair (four pairs, 19:05–19:10, load 7.4–9.8, where demo8 takes
the one-process path): main 8.47 / 7.83 / 6.81 / 9.98 s wall, 2.62 / 2.50 / 2.43 / 3.19 s
CPU; demo8 8.31 / 6.78 / 5.73 / 9.88 s, 2.15 / 2.09 / 2.17 / 2.82 s CPU; floor 3.23 / 3.42 /
4.10 / 4.26 s, 0.93 / 0.92 / 1.18 / 1.09 s CPU — best of four, wall 2.11 → 1.77, CPU 2.64
→ 2.27. Again at 19:33–19:36 (three pairs each): with a busy loop besides (load 7.5–8.2)
main 13.31 / 16.95 / 9.06 s wall, 4.30 / 5.21 / 3.64 s CPU; demo8 11.81 / 8.93 / 9.97 s,
3.38 / 3.39 / 3.46 s CPU; floor 4.26 / 5.50 / 3.64 s, 1.57 / 1.76 / 1.38 s CPU (best: wall 2.49
→ 2.45, CPU 2.64 → 2.45); without it (load 5.9–7.4) main 3.85 / 3.16 / 3.00 s, 3.47 / 2.78 /
2.74 s CPU; demo8 4.11 / 2.44 / 2.85 s, 3.09 / 2.22 / 2.59 s CPU; floor 1.71 / 1.37 / 1.68 s,
1.22 / 1.14 / 1.49 s CPU (best: wall 2.19 → 1.78, CPU 2.40 → 1.95). Instruction counts
(callgrind, the one-process demo with its start, 10,000 assets): 19.24 G, 18.93 G with
the procedures' two kept indexes built at the end instead (:data:`desktop.demo.fill.KEEP_FROM`). Where the one-process demo's CPU goes (load ~3): generating the rows
0.84 s, inserting 0.53, index builds 0.11, the search index 0.19, the reference data
0.07, the rest (commit, ranks, tags, foreign keys) 0.2; the floor's 0.72: inserts 0.36,
index builds 0.14, search index 0.15, commit 0.07. Generating alone is ~1.1× the floor's
whole work, so the target of ≤ 1.3 by CPU (and so by wall on a busy machine) is out of
reach of the Python generator however the inserts go.

**demo18** (2026-12-07 09:15–10:40 UTC, load 6–9 on the 2 cores all along: no quiet
minute, so no wall figure below says whether ≤ 1.5 is now met). Besides the benchmark's
own fix above (every timed run a new process: the floor pays its ~25,000 page faults
too, ~0.06 s CPU of ~0.75 at load ~8), the main process's fixed costs, each measured
apart by turns:

* the search index's child is a new Python process of the standard library only
  (:mod:`desktop.demo.child`), no longer a fork of the demo's process, whose every page
  written afterwards was first copied for it: the main process from its start to the
  worker's pool 0.131/0.115/0.177/0.152 s CPU and ~6,250 page faults → 0.095/0.115/0.088/
  0.101 and 855 (4 pairs, load ~9); whole runs ~44,700 → ~39,000 faults;
* a worker's spool files copied with ``INSERT OR ROLLBACK`` (no statement journal: with
  ABORT SQLite first wrote every page each copy changed, ~3,800 at 10,000 assets, to a
  temporary file in /var/tmp) and read through a memory map (~12,000 ``pread`` calls
  fewer); in a model of the copies alone (five chunks of the 10,000-asset demo, min of
  five by turns) 0.242 → 0.209 → 0.196 s CPU;
* an hour's time stamp text made from its day's (a chunk's first 2,000 assets meet
  ~12,000 hours new to the process): 1.4 → 0.7 µs a new hour.

The whole demo by turns with main 7624dd2, each run a new process, the floor after each
pair (five pairs, 09:55–09:57 UTC, load 6.9–9.2), wall / CPU in all / main process's CPU /
page faults in all: base 3.93 / 2.01 / 1.15 / 57,508, 4.87 / 2.09 / 1.18 / 57,574, 4.67 /
2.05 / 1.23 / 57,866, 4.23 / 2.02 / 1.22 / 56,950, 7.12 / 2.21 / 1.34 / 58,516; demo18
3.59 / 1.98 / 1.17 / 51,203, 4.81 / 1.98 / 1.19 / 52,358, 4.29 / 2.04 / 1.21 / 50,288,
4.57 / 2.01 / 1.11 / 50,551, 6.97 / 2.33 / 1.28 / 51,427; floor 1.64 / 0.79, 1.59 / 0.75,
1.95 / 0.79, 2.73 / 0.83, 2.45 / 0.83 (24,900 faults each). Medians: CPU in all 2.05 →
2.01, the main process 1.22 → 1.19 (−2 %; the phases above add up to ~0.08 s of its CPU,
which the load's ±5 % between runs of the same code hides). What is left of the main
process's path beyond the floor's work (CPU at load ~9): the start 0.095 (reference data
0.07, mostly SQLAlchemy compiling ~25 statements once per process), the pool and chunk 0's
plan 0.035, chunk 0 made here 0.23 and its faults (~5,300: its rows are the process's first
large allocation), a half chunk 0.05, the tail ~0.07 besides the index builds and the
commit (incidents 0.015, the rank table 0.014, the child's index copied in 0.012, tag
numbers 0.007, foreign keys 0.007, the switch back to WAL 0.012 CPU and 30–50 ms of
syncs); the switch to a rollback journal at the start is 20–60 ms of syncs for ~2 ms CPU.

The dated measurements of the earlier rounds (demo4 to demo16, with their analyses of
what is out of reach and why) are in ``tests/benchmarks/history/bench_demo.md``, moved
there word for word.

Run: ``uv run python -m tests.benchmarks.bench_demo [ASSETS ...]`` (default 10,000
100,000) or ``uv run pytest tests/benchmarks/bench_demo.py -s``. Targets: ratio ≤ 1.5
(issue 17); 100,000 assets with history in under a minute on the 2-core development
machine (issue 2).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.demo import fill_demo
from desktop.demo.fill import cache_kib
from desktop.demo.sqlite_fill import FILL_JOURNAL_MODE
from desktop.storage.database import SQLITE_SYNCHRONOUS, open_database
from tests.benchmarks.floors import all_rows, bare_tables, insert_bare, kept_indexes

TARGET_SECONDS_PER_100K = 60.0
#: Runs of the demo and of its floors, alternating; the best of each counts (a shared
#: machine: the floor alone varied 1.1–2.8 s at 10,000 assets in one morning).
PAIRS = 3
#: The floors: the true one (the target's) and the narrower one reported until
#: 2026-12-05 (no kept indexes, WAL), still printed so that nothing moves silently.
FLOORS = ("floor", "narrow")
#: The checkout: each timed run is a new process importing our sources from here.
ROOT = Path(__file__).resolve().parents[2]


def fresh(*argv: str) -> dict[str, float]:
    """``argv`` run by this module in a new Python process (see the docstring: every
    timed run starts as fresh as ``assetdesk demo`` does); its figures."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_demo", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench_demo {' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def demo_once(database: Path, assets: int) -> dict[str, float]:
    """In this (new) process: a new database made by the migrations (not timed), then
    the demo into it: wall, CPU of this process and of its children, page faults."""
    db = open_database(f"sqlite:///{database}")
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    summary = fill_demo(db, assets=assets)
    wall = time.perf_counter() - started
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    db.dispose()
    return {
        "demo_seconds": wall,
        "main_cpu_seconds": _cpu(after_self) - _cpu(before_self),
        "worker_cpu_seconds": _cpu(after_children) - _cpu(before_children),
        "demo_faults": float(
            after_self.ru_minflt
            - before_self.ru_minflt
            + after_children.ru_minflt
            - before_children.ru_minflt
        ),
        # a worker or the search index's child ran (desktop.demo.fill._workers)
        "worker": float(after_children.ru_utime + after_children.ru_stime > 0.0),
        "procedures": float(summary.procedures),
        "approvals": float(summary.approvals),
        "incidents": float(summary.incidents),
    }


def floor_once(demo: Path, folder: Path, assets: int, name: str) -> dict[str, float]:
    """In this (new) process: the demo's rows read (not timed), then floor ``name``:
    ``floor`` — executemany of every row the demo wrote into bare tables, the indexes the
    demo's database keeps built once at the end, in the demo's fill journal; ``narrow`` —
    without those indexes, in WAL (the figure before 2026-12-05). Wall, CPU, page faults."""
    tables = bare_tables(demo)
    rows = demo_rows(demo, folder, tables)
    if name == "floor":
        indexes = kept_indexes(demo, tables)
        journal = (FILL_JOURNAL_MODE, SQLITE_SYNCHRONOUS)
    else:
        indexes, journal = [], ("WAL", "NORMAL")
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    wall, cpu = _timed(
        lambda: insert_bare(
            folder / f"{name}.sqlite3",
            tables,
            rows,
            cache_kib=cache_kib(assets),
            indexes=indexes,
            journal=journal,
        )
    )
    return {
        f"{name}_seconds": wall,
        f"{name}_cpu_seconds": cpu,
        f"{name}_faults": float(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults),
    }


def _timed(work: Callable[[], None]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def demo_rows(
    demo: Path, folder: Path, tables: list[tuple[str, str]]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of ``demo`` less those a new database already holds (roles, procedure
    templates: written by the migrations, not by the demo)."""
    empty = open_database(f"sqlite:///{folder / 'empty.sqlite3'}")
    empty.dispose()
    before = all_rows(folder / "empty.sqlite3", tables)
    rows = all_rows(demo, tables)
    for name, found in before.items():
        if found:
            seeded = set(found)
            rows[name] = [row for row in rows[name] if row not in seeded]
    return rows


def run(assets: int) -> dict[str, float]:
    """The best of :data:`PAIRS` alternating runs of the demo and its floors."""
    runs = [run_once(assets) for _ in range(PAIRS)]
    best = {key: min(r[key] for r in runs) for key in runs[0]}
    best["load_max"] = max(r["load"] for r in runs)
    for floor in FLOORS:
        best[f"{floor}_ratio"] = best["demo_seconds"] / best[f"{floor}_seconds"]
        best[f"{floor}_cpu_ratio"] = best["demo_cpu_seconds"] / best[f"{floor}_cpu_seconds"]
    workers = sum(int(r["worker"]) for r in runs)
    print(
        f"best of {PAIRS} at {assets:,} assets (load {best['load']:.2f}–{best['load_max']:.2f}; "
        f"the demo forked its worker in {workers} of {PAIRS} runs): demo "
        f"{best['demo_seconds']:.2f} s wall, {best['demo_cpu_seconds']:.2f} s CPU (all processes)\n"
        f"  floor (kept indexes built once):     {best['floor_seconds']:.2f} s wall, "
        f"{best['floor_cpu_seconds']:.2f} s CPU → ratio wall {best['floor_ratio']:.2f} "
        f"(the target: ≤ 1.5), CPU {best['floor_cpu_ratio']:.2f}\n"
        f"  narrow floor (search index only, WAL): {best['narrow_seconds']:.2f} s wall, "
        f"{best['narrow_cpu_seconds']:.2f} s CPU → ratio wall {best['narrow_ratio']:.2f}, CPU "
        f"{best['narrow_cpu_ratio']:.2f}\n"
        "  pair by pair, demo / floor (wall; CPU): "
        + "; ".join(
            f"{r['demo_seconds']:.2f} / {r['floor_seconds']:.2f} = "
            f"{r['demo_seconds'] / r['floor_seconds']:.2f} "
            f"({r['demo_cpu_seconds'] / r['floor_cpu_seconds']:.2f}) at load {r['load']:.2f}"
            for r in runs
        )
    )
    return best


def run_once(assets: int) -> dict[str, float]:
    """The demo, then its floors, each timed in a new process of its own."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        database = Path(folder) / "demo.sqlite3"
        figures = fresh("--demo", str(database), str(assets))
        for name in FLOORS:
            figures.update(fresh("--floor", str(database), folder, str(assets), name))
    figures["assets"] = float(assets)
    figures["load"] = max(load, os.getloadavg()[0])
    figures["demo_cpu_seconds"] = figures["main_cpu_seconds"] + figures["worker_cpu_seconds"]
    demo, floor = figures["demo_seconds"], figures["floor_seconds"]
    print(
        f"demo: {assets:,} assets with {figures['procedures']:,.0f} procedures, "
        f"{figures['approvals']:,.0f} approvals, {figures['incidents']:,.0f} incidents in "
        f"{demo:.2f} s = {assets / demo:,.0f} assets/s; CPU "
        f"{figures['main_cpu_seconds']:.2f} s in its process, "
        f"{figures['worker_cpu_seconds']:.2f} s in its children; "
        f"{figures['demo_faults']:,.0f} page faults (load {_load()})\n"
        f"floor: {floor:.2f} s, CPU {figures['floor_cpu_seconds']:.2f} s, "
        f"{figures['floor_faults']:,.0f} page faults → ratio wall {demo / floor:.2f}, CPU "
        f"{figures['demo_cpu_seconds'] / figures['floor_cpu_seconds']:.2f}; narrow floor "
        f"{figures['narrow_seconds']:.2f} s, CPU {figures['narrow_cpu_seconds']:.2f} s; "
        f"scaled: {demo * 100_000 / assets:.1f} s per 100,000 "
        f"(target {TARGET_SECONDS_PER_100K:.0f} s)"
    )
    return figures


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def main(sizes: tuple[int, ...] = (10_000, 100_000), busy: int = 0) -> list[dict[str, float]]:
    """Each size's best of :data:`PAIRS`, and the growth between sizes; ``busy``: that
    many busy loops (``python -c "while True: pass"``) run all along, a load of one
    program per loop whatever else the machine runs (``--busy N``)."""
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    try:
        if loops:
            print(f"{busy} busy loop(s) running all along")
        results = [run(assets) for assets in sizes]
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    for small, large in itertools.pairwise(results):

        def k(key: str, small: dict[str, float] = small, large: dict[str, float] = large) -> str:
            scale = math.log(large["assets"] / small["assets"])
            return f"{math.log(large[key] / small[key]) / scale:.3f}"

        print(
            f"growth {small['assets']:,.0f} → {large['assets']:,.0f} assets (t ∝ assets^k): "
            f"demo k = {k('demo_seconds')} wall, {k('demo_cpu_seconds')} CPU; floor k = "
            f"{k('floor_seconds')} wall, {k('floor_cpu_seconds')} CPU"
        )
    return results


def test_demo_speed() -> None:
    results = main()
    assert results[-1]["demo_seconds"] < TARGET_SECONDS_PER_100K
    assert all(figures["floor_ratio"] <= 1.5 for figures in results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--demo"]:  # one timed run, in a new process (fresh)
        print(json.dumps(demo_once(Path(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1:2] == ["--floor"]:
        database, folder, assets, name = sys.argv[2:6]
        print(json.dumps(floor_once(Path(database), Path(folder), int(assets), name)))
    else:
        argv = sys.argv[1:]
        loops = 0
        if "--busy" in argv:
            at = argv.index("--busy")
            loops = int(argv[at + 1])
            del argv[at : at + 2]
        main(tuple(int(a) for a in argv) or (10_000, 100_000), busy=loops)
