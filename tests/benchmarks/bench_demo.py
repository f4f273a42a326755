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

Both sizes' times and their growth exponent (t ∝ assets^k) are printed with the ratios,
of wall time and of CPU time (the demo's: this process and its worker processes, which
includes starting them and handing their rows over; the floors': their inserts, index
builds and commit), each the best of :data:`PAIRS` runs alternating with the floors'.
**The target is judged on wall time**: it is what a user waits for, and the demo's
worker process exists to shorten it (on 2 cores generating the next chunk overlaps
inserting this one — at the price of more CPU in all). The CPU ratio is printed beside
it because on a shared machine it is the steadier figure; under a load of 5–6 on 2
cores the wall figures of a two-process demo mostly measure the scheduler.

History (against the narrow floor). Measured 2026-12-05 12:06–12:38 UTC, main (87f4bc0) and the branch of that day
interleaved, both against this floor, under load 2.9–5.5 (six helpers on 2 cores), best
CPU seconds of three runs (two at 100,000) per cell, three cells at 10,000:

==========  ==========  ============================  ==============================
assets      floor CPU   main: demo CPU (ratio)        then: demo CPU (ratio)
==========  ==========  ============================  ==============================
10,000      0.51–0.57   2.91 / 3.01 / 3.21            1.82 / 1.98 / 1.90
                        (5.73 / 5.73 / 5.79)          (3.54 / 3.65 / 3.35)
100,000     8.2–10.7    44.9, 3 workers (4.69)        30.6, 3 workers (3.75);
                                                      32.2, 1 worker (3.02)
==========  ==========  ============================  ==============================

Measured again 2026-12-05 14:59–15:18 UTC, main (2e0b604) and now interleaved under load
6.6–11 (the floor itself took 0.67–0.83 s instead of ~0.53), best of three per cell:

==========  ==================  ===========================  ===========================
assets      floor CPU           main: demo CPU (ratio)       now: demo CPU (ratio)
==========  ==================  ===========================  ===========================
10,000      0.67–0.69           2.12 / 2.13 (3.15 / 3.08)    1.92 / 2.15 (2.88 / 3.13)
10,000 [*]  —                   2.35–2.55 (six runs)         1.95–2.19 (six runs)
100,000     8.8–9.2             31.5, 2 workers (3.41)       30.5, 2 workers (3.45)
==========  ==================  ===========================  ===========================

[*] the demo alone, six runs each, main and now alternating, timed by phase (below).
The gain is real but within this load's noise for the ratio: building the reference data
0.29–0.37 → 0.11–0.14 s (locations, manufacturers, models and employees inserted
together, the same rows), generating the lives 0.88–0.93 → 0.70–0.85 (the same rows
byte for byte: a JSON encoder made once, change entries without a dict, per-order
custom-field plans). At 100,000 the generation runs in worker processes and the
database work in this process dominates: the gain is ~3 %.

The target (ratio ≤ 1.5, issue 17) is **not** met, and cannot be with this schema.
Where the demo's CPU goes now (10,000 assets, single process, seconds, load ~8):
generating the lives 0.70–0.85, reference data 0.11–0.14, and the database work of our
own schema 1.1–1.2 — its inserts (foreign keys, unique indexes, approval triggers)
0.43–0.51, the commit 0.26–0.27, the search index rebuild (rank table and FTS)
0.17–0.22, building the secondary indexes 0.12–0.16, the rest 0.07. That database work
alone is ~1.7× the floor (the 17 indexes of ``assets``, 14 of them sort indexes, and
:mod:`desktop.services.search`). Tried and dropped: checking the approvals'
segregation-of-duties triggers once at the end instead of per row (the set-based check
cost 0.050 s, the per-row triggers 0.056: the same lookups either way); foreign keys
checked at the end (``PRAGMA foreign_key_check`` 0.045–0.067 s against 0.075–0.096 per
row: at most 0.03–0.05 s, and ``PRAGMA foreign_keys`` cannot change inside the
transaction the demo opens first — not done); generating in a worker process already at
10,000 assets (+1.5 s CPU for starting it and sending rows back, and no shorter wall
under load ~8: 10.0 / 7.6 / 8.0 s single, 11.5 / 12.8 / 14.7 s with a worker).

Run: ``uv run python -m tests.benchmarks.bench_demo [ASSETS ...]`` (default 10,000
100,000) or ``uv run pytest tests/benchmarks/bench_demo.py -s``. Targets: ratio ≤ 1.5
(issue 17); 100,000 assets with history in under a minute on the 2-core development
machine (issue 2).
"""

from __future__ import annotations

import itertools
import math
import resource
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


def floor_seconds(demo: Path, folder: Path, assets: int) -> dict[str, tuple[float, float]]:
    """executemany of every row the demo wrote into bare tables — with the indexes the
    demo's database keeps built once at the end, in the demo's fill journal (``floor``),
    and without them, in WAL (``narrow``, the figure before 2026-12-05): (wall, CPU)
    seconds of each."""
    tables = bare_tables(demo)
    rows = demo_rows(demo, folder, tables)
    indexes = kept_indexes(demo, tables)
    cache = cache_kib(assets)
    return {
        "floor": _timed(
            lambda: insert_bare(
                folder / "floor.sqlite3",
                tables,
                rows,
                cache_kib=cache,
                indexes=indexes,
                journal=(FILL_JOURNAL_MODE, SQLITE_SYNCHRONOUS),
            )
        ),
        "narrow": _timed(
            lambda: insert_bare(folder / "narrow.sqlite3", tables, rows, cache_kib=cache)
        ),
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
    for floor in FLOORS:
        best[f"{floor}_ratio"] = best["demo_seconds"] / best[f"{floor}_seconds"]
        best[f"{floor}_cpu_ratio"] = best["demo_cpu_seconds"] / best[f"{floor}_cpu_seconds"]
    print(
        f"best of {PAIRS} at {assets:,} assets (load {_load()}): demo {best['demo_seconds']:.2f} s "
        f"wall, {best['demo_cpu_seconds']:.2f} s CPU (all processes)\n"
        f"  floor (kept indexes built once):     {best['floor_seconds']:.2f} s wall, "
        f"{best['floor_cpu_seconds']:.2f} s CPU → ratio wall {best['floor_ratio']:.2f} "
        f"(the target: ≤ 1.5), CPU {best['floor_cpu_ratio']:.2f}\n"
        f"  narrow floor (search index only, WAL): {best['narrow_seconds']:.2f} s wall, "
        f"{best['narrow_cpu_seconds']:.2f} s CPU → ratio wall {best['narrow_ratio']:.2f}, CPU "
        f"{best['narrow_cpu_ratio']:.2f}"
    )
    return best


def run_once(assets: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        database = open_database(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        before_self = resource.getrusage(resource.RUSAGE_SELF)
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        summary = fill_demo(database, assets=assets)
        demo = time.perf_counter() - started
        main_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(before_self)
        worker_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(before_children)
        database.dispose()
        floors = floor_seconds(Path(folder) / "demo.sqlite3", Path(folder), assets)
    figures = {
        "assets": float(assets),
        "demo_seconds": demo,
        "main_cpu_seconds": main_cpu,
        "worker_cpu_seconds": worker_cpu,
        "demo_cpu_seconds": main_cpu + worker_cpu,
    }
    for name, (wall, cpu) in floors.items():
        figures[f"{name}_seconds"], figures[f"{name}_cpu_seconds"] = wall, cpu
    floor, floor_cpu = floors["floor"]
    print(
        f"demo: {assets:,} assets with {summary.procedures:,} procedures, "
        f"{summary.approvals:,} approvals, {summary.incidents:,} incidents in {demo:.2f} s "
        f"= {assets / demo:,.0f} assets/s; CPU {main_cpu:.2f} s in this process, "
        f"{worker_cpu:.2f} s in worker processes (load {_load()})\n"
        f"floor: {floor:.2f} s, CPU {floor_cpu:.2f} s → ratio wall {demo / floor:.2f}, CPU "
        f"{(main_cpu + worker_cpu) / floor_cpu:.2f}; narrow floor {floors['narrow'][0]:.2f} s, "
        f"CPU {floors['narrow'][1]:.2f} s; scaled: {demo * 100_000 / assets:.1f} s per "
        f"100,000 (target {TARGET_SECONDS_PER_100K:.0f} s)"
    )
    return figures


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def main(sizes: tuple[int, ...] = (10_000, 100_000)) -> list[dict[str, float]]:
    results = [run(assets) for assets in sizes]
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
    main(tuple(int(a) for a in sys.argv[1:]) or (10_000, 100_000))
