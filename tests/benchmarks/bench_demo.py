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

**Now** (2026-12-05 23:50 – 2026-12-06 00:10 UTC, branch demo7, load 5.8–7.9 on 2 cores
shared by five helpers — heavier again: the same floor took 0.87–1.10 s CPU at 10,000 and
10.7–13.5 at 100,000; best of three pairs per cell; the branch's base 6af0df7 interleaved,
base / demo7 / demo7 / base at 10,000, base / demo7 at 100,000):

==========  ===============  ===================  ===============  ====================
assets      load             demo: wall / CPU     floor: wall/CPU  ratio wall / CPU
==========  ===============  ===================  ===============  ====================
10,000      5.8  base        7.13 / 2.89          1.76 / 0.92      4.06 / 3.15
            5.8  demo7       5.77 / 3.15          1.84 / 0.87      **3.14 / 3.62**
            7.9  demo7       8.95 / 3.47          3.09 / 1.10      2.89 / 3.16
            7.9  base        9.35 / 3.53          2.57 / 0.98      3.63 / 3.61
100,000     6.1  base        54.3 / 30.0          15.1 / 10.7      3.60 / 2.81
            7.8  demo7       72.3 / 29.1          32.3 / 13.5      **2.24 / 2.15**
==========  ===============  ===================  ===============  ====================

Growth 10,000 → 100,000 (demo7, the best cells): demo k = 0.97 by CPU (1.10 by wall), floor
k = 1.19 by CPU. The target (≤ 1.5) is still **missed**, and these figures cannot tell the
change apart from the load: the floor alone moved 0.87 → 1.10 s CPU and 1.76 → 3.09 s wall
at 10,000 within twenty minutes. What changed (demo7), the same register byte for byte
(canonical dump of 6,000 assets, seed 7, in one process and with the worker: 0
differences):

* A worker is given its next task when it finishes one, not when this process takes a
  result: it keeps two tasks not yet done (at most four results wait to be inserted).
  Before, at 10,000 assets (load ~2.5), the worker's two queued chunks were done at ~0.7 s
  and it sat idle until 1.0 s while this process made a chunk of its own, which then
  waited 0.2 s for the last one; now this process makes 1 of the 5 chunks (2 before).
* Time stamps from ``datetime.fromtimestamp(ts, UTC)`` (3.4 against 4.3 µs a call, ~5 per
  asset; the same texts), the performer picked inline: generation CPU within the noise
  (6,000 assets, min of six runs 0.555 → 0.574 s, medians 0.77–0.97 → 0.72–0.94).

Why the target is out of reach with this design (a model from the phases' CPU, an idle
2-core machine): at 10,000 this process's tail after the last chunk — index builds ~0.2,
search index ~0.3–0.4 (its FTS build is the floor's too: 0.27–0.31 s for the same rows),
commit ~0.1–0.15 — is ~0.75 s, most of the floor; before it, generating 10,000 lives costs
0.85 s CPU (more than the whole floor, 0.63 at load ~6) that two processes can at best
halve. At 100,000 the tail is ~4 s and the middle, balanced (this process makes a chunk
in ~0.27 s with its insert and copies a worker's in ~0.1; the worker makes one in ~0.22:
this process best makes ~31 % of them), ≥ 7.6 s:
~12 s against a floor of ~9 s CPU — within 1.5 only on an idle machine. Checked and left:
the floor's FTS build inserts in tag order with the assets' rowids (not ascending); with
ascending ranks instead it took the same (0.27–0.31 s, 10,000 assets), so it is not
flattered there. Rows made in this process copied through an attached ``:memory:``
database instead of ``executemany`` into the tables: no gain (0.97–1.01 against
0.76–1.03 s for 10,000 assets' inserts).

**Then** (2026-12-05 20:43–20:53 UTC, branch demo5, load 5.2–6.4 on 2 cores shared by five
helpers — heavier than at 18:00: the same floor took 0.63–0.67 s CPU at 10,000 and
8.8–9.1 at 100,000; best of three pairs; then the branch's base, f4a75d7^ = 869e87c, the
same way right after):

==========  ========================  =====================  ======================
assets      demo: wall / CPU (s)      floor: wall / CPU      ratio wall / CPU
==========  ========================  =====================  ======================
10,000      2.02 / 1.87 (this         0.75 / 0.63            **2.70 / 2.97**
            process 1.11–1.17,        narrow: 0.74 / 0.63    narrow: 2.73 / 2.97
            worker 0.76–0.82)
  base      4.99 / 2.19 (1.46–1.49,   1.59 / 0.67            3.14 / 3.25
            worker 0.73–0.75)
100,000     28.5 / 20.7 (this         16.2 / 8.77            **1.76 / 2.36**
            process 12.9–13.8,        narrow: 13.2 / 8.17    narrow: 2.16 / 2.53
            worker 7.8–8.1)
  base      39.1 / 24.3 (15.3–15.9,   14.8 / 9.09            2.64 / 2.68
            worker 9.1–9.5)
==========  ========================  =====================  ======================

Growth 10,000 → 100,000 (t ∝ assets^k): demo k = 1.04 by CPU (1.15 by wall), floor k =
1.14 by CPU (1.34 by wall). The target (≤ 1.5) is still **missed**. The wall ratios at
this load are mostly the scheduler's (the floor alone took 0.75 and 1.59 s wall at
10,000 within ten minutes, 0.63 and 0.67 s CPU): the 100,000 one (1.76) is flattered
by a slow floor; by CPU the demo went 3.25 → 2.97 (10,000) and 2.68 → 2.36 (100,000).

What changed (demo5), each step measured apart:

* The forked worker hands its rows over in **SQLite files** (in ``/dev/shm``) with bare
  tables of the same columns; the demo's connection attaches each and copies it with
  ``INSERT … SELECT`` (:func:`desktop.demo.stored.spool_rows`, ``insert_spooled``). At
  10,000 assets: this process's inserts 0.32 s CPU + unpickling 0.13 → 0.17 s; writing
  the file costs the worker 0.25 s where pickling cost 0.28. At 100,000 (all rows at
  once): inserts 4.6 s + unpickling 3.2 → 2.85 s. SQLite keeps an attached file's read
  lock until the transaction ends and attaches at most 10 files, so a demo uses at most
  8 files of at most 8 chunks (16,000 assets) each, and only as many as fit in half the
  free space of the spool folder (a container's /dev/shm may be 64 MB); further chunks
  are pickled as before. The price: the files stay (deleted, still open) until the commit — ~450 MB of
  memory at 100,000 assets.
* This process **makes the next chunk itself** whenever the worker's is not ready, rather
  than wait (results arrive out of order; the incidents' sample assets are put back in
  chunk order, so a seed gives the same kind of world whichever process made what).
* **References checked as the rows are made** (:func:`desktop.demo.stored.check_references`:
  per column, the set of referenced ids against the ids read once before generating and
  the chunk's own assets and procedures), in whichever process made them; ``PRAGMA
  foreign_key_check`` now runs on the other tables only. At 100,000 assets: 0.94 s CPU
  (0.56 of it the procedures, read again) → ~0.02 s at the end; the check in the
  generator costs a few ms per chunk.
* The procedures' **performer and state indexes kept** while writing instead of built at
  the end (each entry goes at the end of a run): at 100,000 assets inserts +0.1–0.4 s CPU,
  the end's index builds 2.41 → 1.52 s. Tried and not kept: also keeping
  ``ix_procedures_asset_id_performed_at`` (random UUIDs): +0.7 s inserting, −0.58 s
  building.

Where the time went then (demo5; this process, CPU, load ~6). At 10,000: the first chunk made
here 0.24 s, its executemany 0.17 (more per asset than the spooled copies; why was
not found out), the four spooled chunks 0.23–0.25, the search index 0.18–0.21,
reference data 0.09–0.10, index builds 0.10–0.11, commit 0.10; the worker generates the
other 8,000 assets (0.76–0.82 s) while this process waits — generating the lives
(0.85 s CPU for 10,000 in one process, a flat profile: ``_procedure``, ``_step``, field
changes, time stamps, ids) is still more than the whole floor. At 100,000: spooled
copies 3.5 s, the chunks made here (15 of 50) 2.2 s and their inserts 1.8, the search
index 2.2 (the floor's FTS build is ~2.0 of it: its rank table and folding cost ~0.3),
index builds 1.45, reference data 0.35.

**Before** (2026-12-05 17:57–18:01 UTC, branch demo4, load 4.1–6.0 on 2 cores shared by six
helpers; best of three pairs; the demo with one forked worker at both sizes):

==========  =======================  ======================  =======================
assets      demo: wall / CPU (s)     floor: wall / CPU       ratio wall / CPU
==========  =======================  ======================  =======================
10,000      3.95 / 1.77 (this        0.90 / 0.53             **4.41 / 3.35**
            process 1.16–1.22,       narrow: 1.14 / 0.52     narrow: 3.46 / 3.44
            worker 0.58–0.62)
100,000     21.8 / 17.4 (this        6.73 / 6.24             **3.24 / 2.78**
            process 10.6–12.1,       narrow: 7.61 / 6.25     narrow: 2.87 / 2.78
            worker 6.7–7.4)
==========  =======================  ======================  =======================

Growth 10,000 → 100,000 (t ∝ assets^k): demo k = 0.99 by CPU (0.74 by wall: the 10,000
wall figures are the load's), floor k = 1.07 by CPU. The target (≤ 1.5) is **missed** on
both ratios. Against main (4a39361), interleaved in separate processes (best of three at
10,000, two at 100,000, load 4.2–4.9): 10,000 assets 1.58–1.62 s CPU, all in one process
(3.24–3.66 s wall) → 1.70–1.77 s CPU in all, 1.14–1.17 of it in this process (3.41–3.63 s
wall); 100,000 assets 20.9–21.8 s CPU, 13.1–13.7 in this process (26.8–37.1 s wall) →
19.0 s, 11.8–12.2 (29.0–39.9 s wall).

What changed then (demo4), and what each step measured:

* Foreign keys checked once (``PRAGMA foreign_key_check`` before the commit: 0.04 s at
  10,000, 0.9 s at 100,000, instead of a look-up per inserted row) and the fill in a
  rollback journal instead of WAL (:mod:`desktop.demo.sqlite_fill`): the commit 0.66 →
  0.08 s CPU at 10,000; at 100,000 this process 11.4 s CPU against 13.5–14.8 with WAL,
  0.9 GB written against 1.9–2.5 GB (WAL writes every page to the log, then again at the
  checkpoint). A killed demo leaves a journal that the next connection plays back: the
  file is as before (``tests/ui/cli/test_demo_killed_cli.py``). The floor gets the same
  journal, so this gain is not in the ratio: both floors' CPU are ~equal now, the index
  builds the new floor adds costing what the rollback journal saves.
* A forked worker from two chunks on (command line only: one thread, Linux), the first
  chunk made here meanwhile, rows handed over in a file in ``/dev/shm`` (through the
  pool's pipe the 10,000-asset demo took 3.43–5.34 s wall against 2.94–4.66 with the file,
  alternating, load ~5). It costs CPU — starting the process, pickling the rows and
  reading them back: in all +0.3–0.45 s at 10,000 — and under this load (4–6 on 2
  cores) it gave **no shorter wall time** at 10,000 (generate + insert 1.68 / 2.17 / 2.33 s
  with it, 1.94 / 2.29 / 1.36 without, alternating): both cores are busy with other
  helpers' work. On an otherwise idle 2-core machine it overlaps ~0.6 s of generation
  with the inserts (not measurable here). At 100,000 it replaced a ``spawn`` worker.

Where the time went then. At 10,000 (one process, by SQL statement, load ~4): generating
the lives ~0.5–0.6 s, reference data 0.1, and the database work 0.72 — procedure inserts
0.27 (floor 0.18), search index with its rank table and folded text 0.11, secondary
indexes 0.10, approvals with the segregation-of-duties triggers 0.06 (floor 0.01), the
foreign-key check 0.04, assets 0.04, commit 0.08: ~1.35× the floor. Generating the rows
in Python alone costs more than the whole floor, so the CPU ratio cannot reach 1.5 with a
Python generator; with the worker, the wall time could at best come down to this
process's own work (~1.4× the floor's CPU, plus the first chunk) on an idle machine.
At 100,000 this process is the bottleneck (the worker 7 s, this process 11–12 s): SQL
10.0 s — procedure inserts 3.6, search index 2.0, secondary indexes 2.0, foreign-key
check 0.9, approvals 0.9, assets 0.6 — and ~2 s of Python (unpickling the worker's rows
~0.7: 0.07 per 10,000 measured; reference data; the first chunk).
Not tried then, done since (demo5, above): the worker inserting its rows into a file of
its own that this process attaches and copies with ``INSERT … SELECT`` (SQLite 3.40
attaches inside a transaction; it cannot detach there).

History (against the narrow floor). Measured 2026-12-05 12:06–12:38 UTC, main (87f4bc0)
and the branch of that day interleaved, both against this floor, under load 2.9–5.5 (six
helpers on 2 cores), best CPU seconds of three runs (two at 100,000) per cell, three cells
at 10,000:

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

Then (15:18): the target (ratio ≤ 1.5, issue 17) is **not** met, and cannot be with this
schema. Where the demo's CPU went (10,000 assets, single process, seconds, load ~8):
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
transaction the demo opens first — done since, before the transaction); generating in
a worker process already at 10,000 assets (a ``spawn`` worker: +1.5 s CPU for starting
it and sending rows back, and no shorter wall under load ~8: 10.0 / 7.6 / 8.0 s single,
11.5 / 12.8 / 14.7 s with a worker; a forked one now, above).

**The same data every run** (2026-12-05 21:43–21:47 UTC, branch demo6, load 5.6–6.3, five
interleaved runs of this benchmark each, best of 3 inside): the histories now lead up to
00:00 UTC of the day (:func:`desktop.demo.fill.history_end`), not the wall clock's second,
so a seed makes the same rows every run — 48,592 procedures at 10,000 assets every time;
before, 48,759–48,787 from run to run. Speed unchanged within the noise: demo CPU (all
processes) best 1.94 s before / 2.01 after (per run 1.94–2.17 / 2.01–2.12), wall best
2.37 / 2.05 (2.37–3.16 / 2.05–3.76); nothing on the generating path changed.

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
