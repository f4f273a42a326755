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
of wall time and of CPU time (the demo's: this process, its worker processes and its
search index's child, which includes starting them and handing their rows over; the
floors': their inserts, index builds and commit), each the best of :data:`PAIRS` runs alternating with the floors'.
**The target is judged on wall time**: it is what a user waits for, and the demo's
worker process exists to shorten it (on 2 cores generating the next chunk overlaps
inserting this one — at the price of more CPU in all). The CPU ratio is printed beside
it because on a shared machine it is the steadier figure; under a load of 5–6 on 2
cores the wall figures of a two-process demo mostly measure the scheduler.

**Now** (2026-12-06, branch demo8; its base 4e99028 — main with demo7 — interleaved). Before the change, on a nearly idle machine (02:26–02:31 UTC, load 1.0 at
10,000, rising to 6.3 during the 100,000 run): 10,000 assets 1.30 s wall / 1.74 s CPU
against a floor of 0.61 / 0.59 → **2.12 / 2.93**; 100,000 assets 20.3 / 20.1 against
14.5 / 8.38 → 1.40 / 2.40 (the wall ratio flattered: the floor's wall doubled under the
load). Then the machine stayed at load 7–13 (five helpers on 2 cores), where the wall
figures measure the scheduler:

==========  =====  =====================  ===================  ==================
assets      load   demo: wall / CPU       floor: wall / CPU    ratio wall / CPU
==========  =====  =====================  ===================  ==================
10,000      8.1    base  3.51 / 1.97      1.31 / 0.64          2.69 / 3.09
            9.9    demo8 4.42 / 2.10      1.61 / 0.65          2.75 / 3.21
            9.9    base  3.71 / 1.93      1.37 / 0.62          2.70 / 3.10
100,000     6.3    base  44.9 / 19.3      15.7 / 8.81          2.85 / 2.19
            7.1    demo8 40.3 / 21.3 [*]  18.5 / 8.81          2.18 / 2.42
==========  =====  =====================  ===================  ==================

Best of three pairs per cell, 02:46–02:58 and 03:17–03:18 UTC. [*] the first commit of
demo8, whose child was forked at the end (below). The target (≤ 1.5) is still
**missed**; at these loads the change shows in this process's CPU, not in wall time.

What changed (demo8): **the search index is fed to FTS5 in a child process**
(:mod:`desktop.demo.search_build`) while this process builds the secondary indexes: this
process ranks the assets and reads the index's rows through ``asset_search_source`` (the
rows exist only in its transaction), pickles them to the child, and at the end copies the
child's FTS5 shadow tables into a new ``asset_search`` table — the same rows under the
same ranks as the rebuild here (``tests/desktop/test_demo_search_build.py``,
``tests/ui/cli/test_demo_search_cli.py``). The child is forked at the start of the demo,
while this process is small: forked at the end, this process's index builds paid for
copying every page it wrote (10,000 assets: 0.13 → 0.28 s CPU). Measured, one demo per
process alternating base / demo8, five pairs: at 10,000 assets (load 11.7–13.4) the tail
after the last chunk costs this process **0.40–0.43 s CPU against 0.45–0.52** (ranks, the
view read and the pickle 0.15, the index builds 0.11, copying the child's index 0.01,
commit 0.11); its wall time is the child's (it got a sixth of a core at that load: the
tail took 1.6–2.1 s wall against 1.4–1.8). At 100,000 assets (load 12.7–13.3, two pairs)
the tail costs this process **3.49–3.69 s CPU against 4.87–5.20**, this process in all
11.4–12.5 against 13.5–13.7 s; the child adds ~2 s to the children's CPU (10.2–10.4
against 8.1). In all the demo costs more CPU (10,000: best 2.06 against 1.96 s): the
gain is wall time on an idle machine, where the child has a core of its own — not
measurable at these loads.

Why the target is out of reach with this design (an idle 2-core machine, CPU of each
phase): at 10,000 generating the lives costs 0.69–0.79 s CPU in one process
(``make_chunk``, a flat profile: ``_procedure`` / ``_step`` / change entries / time stamps
/ ids, none above 15 %); this process inserts the chunks it made with ``executemany``
(~0.17 s a chunk) and copies the worker's (~0.05); the tail is ~0.4 (above). Both cores
busy: (0.75 + 0.35 inserts + 0.1 reference data + 0.4 tail) / 2 ≥ 0.8 s, and the tail and
the reference data cannot overlap generation: ≥ 1.0 s wall against a floor of 0.61 (1.65
at best). The floor does nothing but SQLite's work; the demo's Python alone (generating)
costs more than the whole floor. Tried and not kept: a faster time stamp (date texts cached
per day, the time from a table: 0.67 against 1.43 µs a call, the same texts on 500,000
times; the table costs 0.09 s to build — ~0.05 s net at 10,000).

Earlier steps (details in git history of this file): demo4 (2026-12-05) foreign keys
checked once, a rollback journal while filling, a forked worker; demo5 the worker's rows
handed over in SQLite files copied with ``INSERT … SELECT``, this process making a chunk
whenever the worker's is not ready, references checked as rows are made, the procedures'
performer and state indexes kept; demo6 histories lead up to 00:00 UTC, so a seed makes
the same rows every run; demo7 a worker keeps two tasks ahead, cheaper time stamps —
10,000 assets then 5.77–8.95 s wall / 3.15–3.47 CPU at load 6–8 (ratios 2.89–3.14 /
3.16–3.62), 100,000 72.3 / 29.1 (2.24 / 2.15) at load 7.8.

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
