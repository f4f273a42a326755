"""Field kit benchmark (issue 16 point 8), each figure a ratio against a floor measured in
the same run.

- **checkout**: ``kits.checkout`` of a 10,000-asset scope (whole buildings) from a
  register of ``ASSETDESK_BENCH_KIT_ASSETS`` assets (default 100,000 — the CI size;
  ``ASSETDESK_BENCH_KIT_ASSETS=1000000`` for the issue's 1,000,000). Every asset in scope
  has one procedure in its history. Run from the SQLite register, then from the same
  rows on PostgreSQL and MariaDB when ``ASSETDESK_TEST_POSTGRESQL_URL`` /
  ``ASSETDESK_TEST_MARIADB_URL`` name a server (a database of our own,
  ``assetdesk_bench_kits_<assets>_<head>``, filled once from the SQLite register and
  kept; see ``kit_servers.py``). Ours and the floor run interleaved
  ``ASSETDESK_BENCH_KIT_PAIRS`` times (default 3); the best wall and CPU (this
  process's) time of each are compared. Floor: reading the same rows (reference tables,
  the scope's assets by their rooms, their procedures by a join) with stdlib ``sqlite3``
  from the file — or with the server's own driver (psycopg, PyMySQL: plain cursors,
  each value turned into what SQLite stores) — and ``executemany``-ing them into bare
  tables of a new file (``floors.insert_bare``: no secondary indexes, no triggers,
  search index built once). Not in the floor, in ours: the kit's migrated schema (a
  copy of a cached empty kit), the kit tables and triggers, the scope query, the
  window over each asset's history, base values, the secondary indexes (built once
  after the copy), the server's checkout record (10,000 rows) and tag blocks, and
  ``synchronous=FULL`` commits. The server's own CPU time counts in neither.
  Measured (kitco, 2026-12-05, 2-core machine shared by six engineers; "before" is
  the code of 86b016e run by this benchmark in the same hour; on a quiet machine it
  measured 1.70 s against 0.26 s, 6.6×, and 4.9–7.8× at 1,000,000):

  =======================  ======  =======  ==========  =========  ====
  register                 ours s  floor s  wall ratio  CPU ratio  load
  =======================  ======  =======  ==========  =========  ====
  before, SQLite, 100,000  4.51    1.17     3.9×        5.3×       15.1
  before, PostgreSQL 15    13.48   3.02     4.5×        3.8×       14.9
  before, MariaDB          13.36   3.02     4.4×        4.0×       14.5
  SQLite, 100,000          1.98    1.19     1.7×        1.7×       11.3
  PostgreSQL 15, 100,000   5.02    2.99     1.7×        1.4×       11.8
  MariaDB, 100,000         5.68    3.05     1.9×        1.3×       12.2
  SQLite, 1,000,000        2.57    1.47     1.7×        1.7×       12.6
  SQLite, 100,000 (again)  0.85    0.57     1.5×        1.7×       5.1
  PostgreSQL (again)       2.26    1.21     1.9×        1.4×       5.3
  MariaDB (again)          2.07    1.93     1.1×        1.2×       5.4
  =======================  ======  =======  ==========  =========  ====

  Where it went (profiled): the kit's secondary indexes kept up row by row (now
  lifted and built once: 3–4× faster), the search index built over rows stored out of
  tag order (now copied in tag order: 4× faster), a 2 MiB page cache spilling the fill
  to the log (now 256 MiB for the fill), the scope sent back and forth as chunks of
  900 ids (now one condition the source runs), ORM/Core row handling for base values
  and the server's checkout record (now one SQL statement and one ``executemany``),
  and on servers a UUID and an aware time made and taken apart per value.
- **sync**: ``kits.sync`` of a kit holding 1,000 offline procedures (changes) and 2,000
  audit scans to a SQLite server of 10,000 assets, without and then with the kit's
  refresh. Floor: stdlib ``sqlite3`` reading the kit's 1,000 procedure rows, 2,000 scan
  rows and the assets' new values, then inserting the same rows and updating the 1,000
  asset rows in one transaction (WAL, ``synchronous=FULL``) on a **bare** copy of the
  server (:func:`bare_server`: the register's rows, every trigger and secondary index
  dropped before the timing), the updated assets' search-index rows (the one index we
  keep per row) deleted together before the update and inserted together after it;
  since sync16 the kit reads are inside its timing (copying rows includes reading them).
  Until 2026-12-05 15:48 UTC the floor wrote into the server's full schema, through our
  per-row search-index trigger (~0.10 s of its 0.14 s) and our other triggers and
  indexes: a floor holding our own overhead. The dated figures further below are all
  against that one. Against the bare floor (15:48, load 2.4–2.6, two runs) the sync
  was 0.25–0.26 s CPU against 0.05 s: **5.1–5.2× CPU** (4.1–4.2× wall), sync and refresh
  6.8–7.0×, the refresh alone 11.5–11.8× — the issue's 2× is missed. Not in the floor,
  in ours: reading the kit's journal and marking it (and the kit's base versions) in a
  kit transaction of its own with ``synchronous=FULL``, the idempotency reads (which
  ids the server has, which entries the conflict queue holds), the server state the rules read, the rules themselves,
  ``updated_at`` and its index, the replay notes. Ours replays runs of changes and
  scans in bulk (``desktop.kits.bulk_replay``: the server state the rules need read in a
  few set-based statements per window, each record decided in order by the services'
  own rule functions — ``decide_procedure``, ``classify_asset_scan``, the three-way
  ``compare_with_server`` — and written with one driver ``executemany`` per table);
  anything unusual (conflict, approval, receipt, other record kinds) goes through the
  per-record replay in the same transaction. With no progress shown (this benchmark,
  scripts) a server transaction takes up to 5,000 records; with one (GUI, command line)
  the first takes 50 and each stops taking records after 0.5 s of work. Printed: wall
  and CPU seconds, both ratios, the load.
  Measured (kitsync, 2026-12-05 09:50-10:02 UTC, 2-core machine shared by six
  engineers, load 14-17: prefer the CPU ratio, the wall figure follows the load):
  before (per-record replay, 50 records per transaction) sync 3.67 s (×24.9 wall; 4.1 s
  CPU), with refresh 5.55 s (×38.7). Now (transactions of 50, 100, 200 … records so that
  progress and cancel stay prompt): sync 3.90 s / 0.86 s CPU against a floor of 0.59 s /
  0.16 s CPU — ×6.7 wall, ×5.4 CPU (load 15.9); with refresh 16.6 s / 3.31 s CPU, ×21.2
  CPU (load 13.4). With all 3,000 records in one transaction the sync measured 0.77-0.82
  s CPU, ×4.8-4.9 (load 14-17): the five extra commits and window reads cost ~0.06 s.
  The refresh (``schema.fill``: emptying the kit and re-copying the whole 10,000-asset
  scope, rebuilding the kit's search index, base values for every asset, about 2.4 s
  CPU) was most of the second figure. Merged with the checkout's faster fill (the refresh
  shares it), measured again 2026-12-05 10:27 UTC at load 3.8–4.0: sync 1.95 s / 0.97 s
  CPU against 0.34 s / 0.16 s (×5.7 wall, ×6.0 CPU); with refresh 3.21 s / 1.73 s CPU
  (×14.5 wall, ×12.0 CPU). The issue's 2× is missed. What is left in the sync (~0.8 s
  CPU): writes 0.23 s (the database's own share is about the whole floor, the rest is
  SQLAlchemy's parameter handling), server reads 0.14 s, deciding changes 0.14 s,
  reading the kit 0.11 s, deciding scans 0.08 s; the refresh re-copies the whole scope
  where only the assets whose versions moved would need it.
- **sync_and_refresh** and **refresh alone** (the second sync above; the refresh,
  ``refresh_kit``, also timed on its own). The refresh writes only what moved
  (``desktop.kits.schema.refresh``): the scope's rows (the four large tables by key,
  see below) are staged in temporary tables of
  the kit's connection by the same set-based copy as a checkout (no indexes, triggers or
  search index), compared with the kit's rows (``EXCEPT``), and only rows gone are
  deleted and new or changed ones upserted (the search index kept up by its triggers,
  base values made anew for the moved assets); the server's record of the kit's assets
  changes only where assets entered or left. Here 1,000 of the 10,000 assets moved (the
  sync's changes), plus their 1,000 procedures and the audit's 2,000 scans. Floor of the
  refresh: stdlib ``sqlite3`` reading those 1,000 assets and 1,000 procedures from the
  server file (by id: which rows moved is given, read before the clock starts) and
  writing them over a bare copy of the kit (``INSERT OR REPLACE``; primary keys only,
  no triggers, no secondary indexes, ``synchronous=FULL``) in one transaction. Not in
  that floor, in ours: finding what moved (staging the scope's 10,000 assets, their
  recent procedures, the audit's 10,000 expected rows and 2,000 scans, and comparing),
  the reference tables, the search index and secondary indexes kept up, base values,
  the server's checkout record, the journal and tag sequences. Floor of
  **sync_and_refresh**: the sync's floor plus the refresh's floor (both CPU and wall
  summed). Measured (refresh16, 2026-12-05 12:38-12:40 UTC, 2-core machine shared by
  six engineers, load 5.0-6.0; runs of main at 87f4bc0, which re-filled the kit whole,
  interleaved with runs of this code, the same benchmark file for both):

  ===============================  ======  =======  =========  =======
  figure                           CPU s   floor s  CPU ratio  load
  ===============================  ======  =======  =========  =======
  87f4bc0, sync_and_refresh        1.25    0.14     9.2×       5.0
  87f4bc0, sync_and_refresh        1.37    0.13     10.5×      5.9
  87f4bc0, refresh alone           0.54    0.022    24.2×      5.0
  87f4bc0, refresh alone           0.56    0.025    22.8×      5.9
  sync_and_refresh                 1.06    0.14     7.5×       5.3
  sync_and_refresh                 1.07    0.14     7.9×       6.0
  refresh alone                    0.28    0.022    12.5×      5.3
  refresh alone                    0.28    0.023    11.9×      6.0
  ===============================  ======  =======  =========  =======

  (Wall ratios followed the load: 6.6-7.6× and 8.2-9.6× for ours.) The issue's 2× is
  missed: the sync itself is ~0.7-0.8 s CPU of the first figure (its own floor 0.11 s).
  What is left in the refresh (profiled): staging the scope's rows ~0.15 s
  (a comparison needs the server's current rows of the whole scope: a row can change
  without its asset's version, e.g. a procedure rejected or an audit closed), writing
  the difference ~0.08 s (1,000 asset upserts with their search index rows), the
  server's checkout record ~0.03 s.

  Since refresh2 the four large tables (assets, procedures, an audit's expected rows
  and scans) are staged by key (and version) only; whole rows are read only for keys
  new to the kit, versions that differ from the kit's, and rows the kit's own journal
  wrote or touched (``copying.NARROWED``, ``schema._want_moved``); the other tables
  are still staged whole and compared. Measured 2026-12-05 13:24-13:26 UTC, load
  5.6-6.5, the merged integration code 2167174 ("before", from ``git archive``, the
  same benchmark file) interleaved with this code:

  ===============================  ======  =======  =========  =======
  figure                           CPU s   floor s  CPU ratio  load
  ===============================  ======  =======  =========  =======
  before, sync_and_refresh         0.66    0.15     4.4×       6.5
  before, sync_and_refresh         0.65    0.15     4.4×       6.0
  before, refresh alone            0.27    0.025    11.2×      6.5
  before, refresh alone            0.28    0.023    12.3×      6.0
  sync_and_refresh                 0.67    0.16     4.3×       6.1
  sync_and_refresh                 0.64    0.15     4.1×       5.6
  refresh alone                    0.27    0.022    12.4×      6.1
  refresh alone                    0.26    0.025    10.7×      5.6
  ===============================  ======  =======  =========  =======

  The refresh's wall time fell (0.80-0.86 s to 0.54 s at that load) but its CPU time
  barely moved: the staging itself fell from ~0.10 to ~0.06 s CPU, and the new steps
  (finding the keys to read whole ~0.03 s, reading them ~0.02 s) took it back. What
  is left (profiled, load ~6): staging keys ~0.06 s (the window over each asset's
  procedures is most of it), the difference written ~0.10-0.12 s (upserts with their
  search index rows ~0.05 s, base values ~0.03 s, the deletes' key probes and the
  moved count ~0.04 s), the server's checkout record ~0.04 s. The issue's 2× is not
  reached.

  Measured again (sync16, 2026-12-05 12:27-12:29 UTC, the floor reading the kit inside
  its timing, "before" the code of 87f4bc0 run by this same benchmark interleaved with
  ours; load 5.5-6.1 on the 2 shared cores):

  =================  =========  ==========  ==========  =========
  sync               ours s     floor s     wall ratio  CPU ratio
  =================  =========  ==========  ==========  =========
  before             2.12/0.86  0.32/0.13   6.6×        6.6×
  before (again)     2.09/0.72  0.34/0.12   6.2×        6.1×
  now                0.55/0.41  0.35/0.13   1.6×        3.0×
  now (again)        1.04/0.42  0.23/0.15   4.4×        2.8×
  =================  =========  ==========  ==========  =========

  (seconds wall/CPU.) At a quieter moment (12:54 UTC, load 1.4-1.6, the same pairs):
  before 0.65/0.63 s and 0.64/0.62 s against 0.13/0.12 s (×4.9-5.1 wall, ×5.1-5.4 CPU);
  now 0.38/0.37 s and 0.34/0.34 s against 0.13/0.12 and 0.12/0.11 s (×2.9 wall,
  ×3.0-3.1 CPU); with the refresh ×9.9-10.1 CPU before, ×6.7-6.9 now. With a progress shown (the GUI's and command line's path: 3-4
  server transactions at that load instead of 1) 0.48-0.51 s CPU, ×3.6-3.9. The issue's
  2× is still missed. Where the ~0.33 s CPU of a warm sync go (load ~4): the database's
  own work in the writes ~0.10 s (as the floor's: the ``asset_search_au`` trigger
  keeping the search index is most of it; ours also keeps ``updated_at``'s index),
  converting the values for the driver ~0.02 s, deciding the 1,000 changes ~0.065 s
  (``decide_procedure`` ~25 µs each), the 2,000 scans ~0.03 s, the server reads ~0.06
  s, reading the journal and the kit's rows and marking the kit ~0.045 s; in a first
  sync of a process the statements' first compilation and the garbage collector
  (measured 0.06 s of collections during the benchmark's sync) add 0.05-0.1 s. What went (from ~0.8 s CPU): one query per change for procedures waiting
  for approval (now read per window), SQLAlchemy's per-parameter work on the writes
  (now the driver's ``executemany`` with values converted by the columns' own types) and
  on the ``IN`` lists of the reads, ORM rows for the kit's records and the server's
  assets (now plain rows), five extra transactions (now one unless a progress is shown),
  the kit's journal marked row by row and every asset's values encoded as JSON for the
  kit (now one statement per run of outcomes, values only for new assets).

  Measured again (sync2, 2026-12-05 13:04-13:07 UTC, load 5.6-6.7 on the 2 shared
  cores; one sync per process, the integration branch's code before this step run by
  turns with ours). Since sync2 each timing (floor and ours) starts after a
  ``gc.collect()``: the benchmark's setup (a checkout, 3,000 offline records) left the
  process owing a full collection of everything it holds, and it fell inside our timing
  (one generation-2 collection, ~0.04-0.05 s, every run; with the setup's debt cleared
  the sync makes none, its own ~90 young collections, 0.01-0.02 s, still count). Without
  that, at load 1.2: 0.34-0.37 s CPU against 0.115-0.12 s, ×2.9-3.2. With it: before
  0.319-0.344 s against 0.120-0.128 s (×2.65-2.71), again at load 6.5 0.364-0.377 s
  (×2.80-2.82); now 0.306-0.314 s (×2.54-2.66), at load 6.5 0.340-0.383 s
  (×2.58-2.74). What this step cut: the driver values converted column by column
  (``map`` over a column instead of a Python loop per value, for the writes and the
  server reads), the kit's hex ids seeding the server reads' UUID cache (the same text
  on SQLite and MariaDB), a scan's audit id read once. The 2× is still missed; where the
  ~0.31 s CPU go (warm figures of sync16's breakdown, less this step): the database's own
  write work ~0.10 s (≈ the floor), deciding 1,000 changes ~0.06 s, 2,000 scans ~0.03
  s, server reads ~0.05 s, the kit's journal read and marked ~0.04 s, first compilation
  of ORM statements in a fresh process ~0.02 s.

  Measured again (sync3, 2026-12-05 15:06-15:38 UTC, one ``bench_sync()`` per process,
  the code of 2e0b604 ("before", from ``git archive``, this same benchmark file) and this
  code by turns; the 2 shared cores at load 5.7-11, the pairs marked "tests running"
  or "(t.)" with this branch's kit tests running too; CPU seconds, ours against the floor):

  ======================  ===========  ===========  ===========  ===========  ====
  figure                  before s     now s        before CPU   now CPU      load
  ======================  ===========  ===========  ===========  ===========  ====
  sync                    0.39/0.14    0.29/0.17    ×2.8         ×1.7         9-10
  sync                    0.39/0.14    0.28/0.14    ×2.8         ×2.0         10.5
  sync                    0.41/0.14    0.29/0.15    ×2.9         ×2.0         10.9
  sync (tests running)    0.41/0.14    0.32/0.15    ×3.0         ×2.1         8.5
  sync (tests running)    0.44/0.15    0.31/0.15    ×2.9         ×2.1         10.0
  sync (15:37)            0.40/0.15    0.29/0.15    ×2.7         ×2.0         5.7-6.1
  sync_and_refresh        0.80/0.20    0.73/0.18    ×4.0         ×4.1         10.5
  sync_and_refresh (t.)   0.80/0.18    0.63/0.18    ×4.5         ×3.5         8.3-10
  sync_and_refresh (t.)   0.82/0.18    0.65/0.17    ×4.4         ×3.8         9-10
  refresh alone (t.)      0.39/0.030   0.34/0.030   ×13.0        ×11.3        8.3-10
  refresh alone (t.)      0.38/0.032   0.36/0.030   ×12.1        ×12.0        9-10
  sync_and_refresh 15:37  0.73/0.18    0.63/0.17    ×4.2         ×3.6         5.8-6.4
  refresh alone 15:37     0.34/0.031   0.34/0.029   ×10.9        ×11.7        5.8-6.4
  ======================  ===========  ===========  ===========  ===========  ====

  (The first three "now" refresh figures, 0.44-0.45 s, were before the last refresh
  step below.) Wall ratios followed the load (sync 1.6-2.2× now, 2.5-3.3× before). The
  sync is at 1.7-2.1× CPU: the issue's 2× is met at best and missed by a little under
  load. The refresh is not: at load 6 its CPU time was the same as before (0.34 s; the
  gains below were taken back by the noise of the shared machine), ×11-12. What this
  step cut, largest first:

  - **The search index upkeep of the updated assets** (SQLite): the update trigger
    replaced each asset's FTS5 row in turn, and FTS5 wrote out what it had gathered at
    every row; now the window's rows are deleted together before the update and
    inserted together in rank order after it, the trigger dropped and restored in the
    transaction (``search.search_index_kept_in_bulk``): for 1,000 assets 110 ms against
    21-26 ms (raw ``sqlite3``, commit included). The index ends as the trigger leaves it
    (tested). The floor still updates its 1,000 assets through the same trigger, row by
    row (~0.10 s of its 0.14 s): it is unchanged. A floor doing that upkeep as ours now
    does would take about 0.065 s (estimated from the raw figures above, not run): the
    sync would then be ~4.5× it.
  - ids from the kit's hex text without ``uuid.UUID``'s checks (3× faster), and SQLite
    times read and written without ``datetime.replace`` and SQLAlchemy's regular
    expression and format (4-5× faster), both checked against SQLAlchemy's values;
  - an audit with no more scans than a window asks about read whole (one statement
    each for counted assets and unknown tags, not IN lists of 2,000 ids);
  - a change made on the version the server still has compares only its own fields
    (no base values made for the asset), one window per transaction when no progress
    is shown, fewer id look-ups per scan.

  The refresh: an offline incident no longer forces a whole fill (its provisional
  number, given by the server to an incident it logged meanwhile, clashed with that
  incident's row before it was renumbered); the kit's updated assets get their search
  rows replaced together (upserts 56 → 40 ms); the two records of the kit's assets
  (kit and server, 10,000 ids each) are compared as hex text: as UUID objects they made
  a second full garbage collection land in the refresh (~65 ms). Where its ~0.31 s
  CPU go now (load ~10): staging the scope ~0.09 s, finding what moved ~0.04 s, the
  difference written ~0.13 s (upserts 0.04 s, base values 0.025 s, the deletes' key
  probes and counts), the server's record and the kit's commit ~0.03 s. The sync was
  not measured against PostgreSQL or MariaDB (the bulk path runs the same code there;
  the index upkeep is SQLite's only).

Run: ``uv run python -m tests.benchmarks.bench_kits`` or
``uv run pytest tests/benchmarks/bench_kits.py -s``.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, insert
from sqlalchemy.engine import URL

from desktop import kits
from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services import reference
from desktop.services.audit_scans import record_scan_in_session
from desktop.services.audits import start_audit
from desktop.services.procedures import ProcedureRequest, record_procedures
from desktop.services.search import SEARCH_TABLE, search_index_paused
from desktop.storage import migrate
from desktop.storage.database import Database, open_database
from desktop.storage.folding import register_sqlite_functions
from desktop.storage.models import (
    Asset,
    KitCheckout,
    KitCheckoutAsset,
    Procedure,
    ProcedureTemplate,
)
from desktop.storage.types import utcnow
from tests.benchmarks.floors import all_rows, bare_tables, insert_bare
from tests.benchmarks.kit_servers import (
    bare_server_postgresql,
    drop_server_copy,
    floor_checkout_server,
    floor_sync_postgresql,
    server_admin_urls,
    server_copy,
    server_register,
)

ASSETS = int(os.environ.get("ASSETDESK_BENCH_KIT_ASSETS", "100000"))
SCOPE = 10_000
T = TypeVar("T")
#: Checkout runs: ours and the floor interleaved this many times, the best of each kept.
PAIRS = int(os.environ.get("ASSETDESK_BENCH_KIT_PAIRS", "3"))
ROOMS_PER_BUILDING = 10
PER_ROOM = 100
BATCH = 20_000
PROCEDURES, SCANS = 1_000, 2_000
SYNC_SERVER_ASSETS = 10_000


def _build(path: Path, assets: int, *, history_for: int) -> None:
    """A migrated register: buildings of 10 rooms of 100 assets; the first
    ``history_for`` assets have one procedure each."""
    started = time.perf_counter()
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    rooms: list[uuid.UUID] = []
    with db.write() as s:
        category = reference.create_category(s, name="Laptop", tag_prefix="LAP").id
        site = reference.create_location(s, name="Campus", kind="site", code="CAMPUS")
        for b in range(assets // (PER_ROOM * ROOMS_PER_BUILDING)):
            building = reference.create_location(
                s, name=f"Building {b:04d}", kind="building", parent_id=site.id, code=f"B{b:04d}"
            )
            for r in range(ROOMS_PER_BUILDING):
                rooms.append(
                    reference.create_location(
                        s,
                        name=f"Room {b:04d}-{r}",
                        kind="room",
                        parent_id=building.id,
                        code=f"B{b:04d}-R{r}",
                    ).id
                )
        tech = reference.create_person(
            s, name="Tess Tech", username="tech", roles=["technician", "auditor"]
        ).id
        template = (
            s.query(ProcedureTemplate)
            .filter_by(kind="receive", is_current=True, category_id=None)
            .one()
        )
        template_id, template_version = template.id, template.version_number
    now = utcnow()
    with db.write() as s, search_index_paused(s.connection()):
        connection = s.connection()
        for start in range(0, assets, BATCH):
            ids = [uuid.uuid4() for _ in range(start, min(start + BATCH, assets))]
            connection.execute(
                insert(Asset),
                [
                    {
                        "id": ids[k],
                        "tag": f"LAP-{n:07d}",
                        "tag_key": f"lap-{n:07d}",
                        "name": f"Device {n}",
                        "category_id": category,
                        "status": "in_stock",
                        "location_id": rooms[n // PER_ROOM],
                        "custom_fields": {},
                        "notes": "",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for k, n in enumerate(range(start, min(start + BATCH, assets)))
                ],
            )
            history = [
                {
                    "asset_id": ids[k],
                    "kind": "receive",
                    "state": "completed",
                    "template_id": template_id,
                    "template_version": template_version,
                    "performed_by_id": tech,
                    "performed_at": now,
                    "answers": {},
                    "changes": [{"field": "status", "before": None, "after": "in_stock"}],
                    "origin": "import_file",
                    "origin_detail": "",
                    "ticket_ref": "",
                    "reason": "",
                    "approvals_required": 0,
                    "completed_at": now,
                    "note": "",
                }
                for k, n in enumerate(range(start, min(start + BATCH, assets)))
                if n < history_for
            ]
            if history:
                connection.execute(insert(Procedure), history)
    db.dispose()
    print(f"built {path.name} ({assets:,} assets) in {time.perf_counter() - started:.0f} s")


def _register(assets: int, history_for: int) -> Path:
    folder = Path(os.environ.get("ASSETDESK_BENCH_DIR", tempfile.gettempdir()))
    path = folder / f"assetdesk-bench-kits-{assets}-{history_for}-{migrate.head_revision()}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in folder.glob(partial.name + "*"):
            leftover.unlink()
        _build(partial, assets, history_for=history_for)
        partial.rename(path)
    return path


def _scope_buildings() -> list[str]:
    return [f"B{b:04d}" for b in range(SCOPE // (PER_ROOM * ROOMS_PER_BUILDING))]


# -- checkout -----------------------------------------------------------------------------


def floor_checkout(source: Path, target: Path) -> None:
    tables = bare_tables(source)
    connection = sqlite3.connect(source)
    try:
        rows = {}
        for name, _sql in tables:
            if name in kits_whole_tables():
                rows[name] = connection.execute(f"SELECT * FROM {name}").fetchall()
        codes = _scope_buildings()
        marks = ", ".join("?" * len(codes))
        buildings = [
            r[0]
            for r in connection.execute(
                f"SELECT id FROM locations WHERE code IN ({marks})",
                codes,
            )
        ]
        bmarks = ", ".join("?" * len(buildings))
        places = buildings + [
            r[0]
            for r in connection.execute(
                f"SELECT id FROM locations WHERE parent_id IN ({bmarks})",
                buildings,
            )
        ]
        pmarks = ", ".join("?" * len(places))
        rows["assets"] = connection.execute(
            f"SELECT * FROM assets WHERE location_id IN ({pmarks})",
            places,
        ).fetchall()
        rows["procedures"] = connection.execute(
            "SELECT p.* FROM procedures p JOIN assets a ON a.id = p.asset_id "
            f"WHERE a.location_id IN ({pmarks})",
            places,
        ).fetchall()
    finally:
        connection.close()
    wanted = set(rows)
    insert_bare(target, [(n, sql) for n, sql in tables if n in wanted], rows)


def kits_whole_tables() -> set[str]:
    from desktop.kits.schema import WHOLE_TABLES

    return set(WHOLE_TABLES)


def _timed(work: Callable[..., T], *args: Any) -> tuple[float, float, T]:
    """(wall, CPU of this process) seconds of ``work(*args)``, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _checkout_pairs(backend: str, register: Path, server: URL | None) -> dict[str, float]:
    """Ours and the floor, interleaved :data:`PAIRS` times; the best of each."""
    tables = bare_tables(register)
    with tempfile.TemporaryDirectory() as folder:
        if server is None:
            # A copy: the checkout records itself on its source (the floor reads it too).
            source_path = Path(folder) / "register.sqlite"
            with sqlite3.connect(register) as src, sqlite3.connect(source_path) as dst:
                src.backup(dst)
            source = open_database(f"sqlite:///{source_path}")
        else:
            source = open_database(server.render_as_string(hide_password=False))
        ours: list[tuple[float, float]] = []
        floors: list[tuple[float, float]] = []
        try:
            scope = kits.resolve_scope(source, locations=_scope_buildings())
            for n in range(PAIRS):
                target = Path(folder) / f"floor-{n}.sqlite"
                if server is None:
                    wall, cpu, _ = _timed(floor_checkout, source_path, target)
                else:
                    wall, cpu, _ = _timed(
                        floor_checkout_server,
                        server,
                        target,
                        tables,
                        kits_whole_tables(),
                        _scope_buildings(),
                    )
                floors.append((wall, cpu))
                kit = Path(folder) / f"kit-{n}.sqlite"
                wall, cpu, info = _timed(kits.checkout, source, scope, "tech", kit)
                ours.append((wall, cpu))
                assert info.asset_count == SCOPE, info.asset_count
                _forget_checkout(source, info.kit_id)
        finally:
            source.dispose()
    wall, cpu = min(w for w, _c in ours), min(c for _w, c in ours)
    floor_wall, floor_cpu = min(w for w, _c in floors), min(c for _w, c in floors)
    load = os.getloadavg()[0]
    print(
        f"checkout {SCOPE:,} of {ASSETS:,} assets from {backend}: ours {wall:.2f} s "
        f"(CPU {cpu:.2f} s); floor {floor_wall:.2f} s (CPU {floor_cpu:.2f} s); "
        f"ratio {wall / floor_wall:.1f}× wall, {cpu / floor_cpu:.1f}× CPU "
        f"(best of {PAIRS} pairs; load {load:.1f})"
    )
    return {
        f"checkout_{backend}_s": wall,
        f"checkout_{backend}_floor_s": floor_wall,
        f"checkout_{backend}_ratio": wall / floor_wall,
        f"checkout_{backend}_cpu_ratio": cpu / floor_cpu,
    }


def _forget_checkout(source: Database, kit_id: uuid.UUID) -> None:
    """The server forgets a benchmark's checkout (untimed), so runs do not pile up."""
    with source.write() as session:
        session.execute(delete(KitCheckoutAsset).where(KitCheckoutAsset.kit_id == kit_id))
        session.execute(delete(KitCheckout).where(KitCheckout.id == kit_id))


def bench_checkout() -> dict[str, float]:
    """From the SQLite register, then from the same register on each server of the test
    environment (``ASSETDESK_TEST_POSTGRESQL_URL``, ``ASSETDESK_TEST_MARIADB_URL``)."""
    path = _register(ASSETS, SCOPE)
    figures = _checkout_pairs("sqlite", path, None)
    for backend, admin_url in server_admin_urls().items():
        url = server_register(admin_url, path, ASSETS)
        figures.update(_checkout_pairs(backend, path, url))
    return figures


# -- sync ---------------------------------------------------------------------------------


def _offline_work(kit: Database, audit_id: uuid.UUID) -> None:
    tags = [f"LAP-{n:07d}" for n in range(PROCEDURES)]
    for start in range(0, PROCEDURES, 100):
        record_procedures(
            kit,
            [
                ProcedureRequest(
                    kind=ProcedureKind.CHANGE,
                    performed_by="tech",
                    asset_tag=tag,
                    values={"serial_number": f"SN-{tag}"},
                    answers={"change_type": "Repair"},
                    impact="low",
                    likelihood="low",
                    origin=Origin.GUI,
                )
                for tag in tags[start : start + 100]
            ],
        )
    for start in range(0, SCANS, 200):
        with kit.write() as session:
            for n in range(start, start + 200):
                record_scan_in_session(
                    session, audit_id=audit_id, raw=f"LAP-{n:07d}", scanned_by="tech"
                )


def bare_server(server: Path) -> None:
    """The floor's server (set-up, not timed): the register's rows as they are, its tables
    with their primary keys only — every trigger and secondary index dropped — and the
    search index (FTS5) with its rank table, the one index the floor keeps up."""
    connection = sqlite3.connect(server, isolation_level=None)
    try:
        made = connection.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index') "
            "AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name in made:
            connection.execute(f'DROP {kind.upper()} "{name}"')
    finally:
        connection.close()


def floor_sync(server: Path, kit: Path) -> tuple[float, float]:
    """The floor's wall and CPU seconds: the kit's offline rows read with stdlib
    ``sqlite3`` (copying them includes reading them), then inserted and the assets
    updated on the bare server (:func:`bare_server`) in one transaction, the updated
    assets' search-index rows replaced together (deleted before, inserted after)."""
    started, cpu = time.perf_counter(), time.process_time()
    source = sqlite3.connect(kit)
    procedures = source.execute(
        "SELECT * FROM procedures WHERE id IN (SELECT row_id FROM kit_journal "
        "WHERE record = 'procedure')"
    ).fetchall()
    scans = source.execute(
        "SELECT * FROM audit_scans WHERE id IN (SELECT row_id FROM kit_journal "
        "WHERE record = 'scan')"
    ).fetchall()
    updates = source.execute(
        "SELECT serial_number, version, id FROM assets WHERE id IN "
        "(SELECT asset_id FROM procedures WHERE id IN "
        "(SELECT row_id FROM kit_journal WHERE record = 'procedure'))"
    ).fetchall()
    source.close()
    connection = sqlite3.connect(server, isolation_level=None)
    # The search index's rows are made by a view that folds names (migration 0017).
    register_sqlite_functions(connection)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            f"INSERT INTO procedures VALUES ({', '.join('?' * len(procedures[0]))})",
            procedures,
        )
        connection.executemany(
            f"INSERT INTO audit_scans VALUES ({', '.join('?' * len(scans[0]))})",
            scans,
        )
        ids = json.dumps([row[2] for row in updates])
        rowids = "SELECT rowid FROM assets WHERE id IN (SELECT value FROM json_each(?))"
        connection.execute(
            f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN (SELECT rank FROM "
            f"asset_search_rank WHERE asset_rowid IN ({rowids}))",
            (ids,),
        )
        connection.executemany(
            "UPDATE assets SET serial_number = ?, version = ? WHERE id = ?", updates
        )
        connection.execute(
            f"INSERT INTO {SEARCH_TABLE}(rowid, tag, serial_number, name, model, "
            "assignee, location) SELECT search_rank, tag, serial_number, name, model, "
            f"assignee, location FROM asset_search_source WHERE asset_rowid IN ({rowids}) "
            "ORDER BY search_rank",
            (ids,),
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    return time.perf_counter() - started, time.process_time() - cpu


def floor_refresh(server: Path, bare_kit: Path, kit: Path) -> tuple[float, float]:
    """The refresh's floor, wall and CPU seconds: the rows the sync moved (the assets its
    procedures changed, and those procedures) read from the server with stdlib ``sqlite3``
    and written over the kit's rows in ``bare_kit`` (the kit's tables bare: primary keys
    only, no triggers, no secondary indexes) in one transaction. Which rows moved is
    given (read from the kit's journal before the clock starts)."""
    source = sqlite3.connect(kit)
    procedure_ids = [
        r[0] for r in source.execute("SELECT row_id FROM kit_journal WHERE record = 'procedure'")
    ]
    asset_ids = [
        r[0]
        for r in source.execute(
            "SELECT DISTINCT asset_id FROM procedures WHERE id IN "
            "(SELECT row_id FROM kit_journal WHERE record = 'procedure')"
        )
    ]
    source.close()
    started, cpu = time.perf_counter(), time.process_time()
    connection = sqlite3.connect(server)
    try:
        assets = connection.execute(
            f"SELECT * FROM assets WHERE id IN ({', '.join('?' * len(asset_ids))})",
            asset_ids,
        ).fetchall()
        procedures = connection.execute(
            f"SELECT * FROM procedures WHERE id IN ({', '.join('?' * len(procedure_ids))})",
            procedure_ids,
        ).fetchall()
    finally:
        connection.close()
    target = sqlite3.connect(bare_kit, isolation_level=None)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA synchronous=FULL")
        target.execute("BEGIN IMMEDIATE")
        for name, rows in (("assets", assets), ("procedures", procedures)):
            marks = ", ".join("?" * len(rows[0]))
            target.executemany(f"INSERT OR REPLACE INTO {name} VALUES ({marks})", rows)
        target.execute("COMMIT")
    finally:
        target.close()
    return time.perf_counter() - started, time.process_time() - cpu


def _bare_copy(kit: Path, target: Path) -> None:
    """The kit's tables bare in ``target``, holding the kit's rows (untimed)."""
    tables = [(n, sql) for n, sql in bare_tables(kit) if not n.startswith("kit_")]
    insert_bare(target, tables, all_rows(kit, tables))


@contextmanager
def _timing_refresh(timed: list[tuple[float, float]]) -> Iterator[None]:
    """Time the sync's refresh (``refresh_kit``) on its own: (wall, CPU) into ``timed``."""
    sync_module: Any = importlib.import_module("desktop.kits.sync")  # not the function
    real = sync_module.refresh_kit

    def refresh_kit(*args: Any, **kwargs: Any) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            real(*args, **kwargs)
        finally:
            timed.append((time.perf_counter() - wall, time.process_time() - cpu))

    sync_module.refresh_kit = refresh_kit
    try:
        yield
    finally:
        sync_module.refresh_kit = real


def bench_sync() -> dict[str, float]:
    register = _register(SYNC_SERVER_ASSETS, 0)
    with tempfile.TemporaryDirectory() as folder:
        figures: dict[str, float] = {}
        for refresh in (False, True):
            server_path = Path(folder) / f"server-{refresh}.sqlite"
            floor_path = Path(folder) / f"floor-{refresh}.sqlite"
            for target in (server_path, floor_path):
                with sqlite3.connect(register) as src, sqlite3.connect(target) as dst:
                    src.backup(dst)
            server = open_database(f"sqlite:///{server_path}")
            kit_path = Path(folder) / f"kit-{refresh}.sqlite"
            refreshes: list[tuple[float, float]] = []
            try:
                audit = start_audit(server, scope_location_id=_campus(server), started_by="tech")
                scope = kits.resolve_scope(server, locations=["CAMPUS"])
                kits.checkout(server, scope, "tech", kit_path)
                kit = open_database(f"sqlite:///{kit_path}")
                try:
                    _offline_work(kit, audit.id)
                    info = kits.kit_info(kit)
                    assert info is not None and info.waiting == PROCEDURES + SCANS
                    kit.dispose()
                    floor_db = open_database(f"sqlite:///{floor_path}")
                    start_audit_like(floor_db, audit.id)
                    floor_db.dispose()
                    bare_server(floor_path)
                    # Each timing starts with no collection owed by the setup (the
                    # checkout's and the 3,000 offline records' objects), so a full
                    # collection they made due lands in neither (both pay their own).
                    gc.collect()
                    floor, floor_cpu = floor_sync(floor_path, kit_path)
                    if refresh:
                        bare_kit = Path(folder) / "bare-kit.sqlite"
                        _bare_copy(kit_path, bare_kit)
                        gc.collect()
                        refresh_floor, refresh_floor_cpu = floor_refresh(
                            floor_path, bare_kit, kit_path
                        )
                    gc.collect()
                    started, cpu = time.perf_counter(), time.process_time()
                    with _timing_refresh(refreshes):
                        report = kits.sync(kit, server, "tech", refresh=refresh)
                    ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
                finally:
                    kit.dispose()
            finally:
                server.dispose()
            counts = report.counts()
            assert counts[kits.Outcome.APPLIED] == PROCEDURES + SCANS, counts
            load = os.getloadavg()[0]
            name = "sync_and_refresh" if refresh else "sync"
            if refresh:
                floor, floor_cpu = floor + refresh_floor, floor_cpu + refresh_floor_cpu
            print(
                f"{name}: {PROCEDURES:,} procedures + {SCANS:,} scans: {ours:.2f} s "
                f"(CPU {ours_cpu:.2f} s); floor {floor:.2f} s (CPU {floor_cpu:.2f} s); "
                f"ratio {ours / floor:.1f}× (CPU {ours_cpu / floor_cpu:.1f}×); "
                f"load {load:.1f}"
            )
            figures[f"{name}_s"] = ours
            figures[f"{name}_floor_s"] = floor
            figures[f"{name}_ratio"] = ours / floor
            figures[f"{name}_cpu_ratio"] = ours_cpu / floor_cpu
            if refresh:
                ((alone, alone_cpu),) = refreshes
                print(
                    f"refresh alone ({PROCEDURES:,} of {SYNC_SERVER_ASSETS:,} assets moved): "
                    f"{alone:.2f} s (CPU {alone_cpu:.2f} s); floor {refresh_floor:.3f} s "
                    f"(CPU {refresh_floor_cpu:.3f} s); ratio {alone / refresh_floor:.1f}× "
                    f"(CPU {alone_cpu / refresh_floor_cpu:.1f}×); load {load:.1f}"
                )
                figures["refresh_s"] = alone
                figures["refresh_floor_s"] = refresh_floor
                figures["refresh_ratio"] = alone / refresh_floor
                figures["refresh_cpu_ratio"] = alone_cpu / refresh_floor_cpu
        return figures


def bench_sync_postgresql(admin_url: str) -> dict[str, float]:
    """The sync (no refresh) to a PostgreSQL server holding the same 10,000-asset
    register (kept in a database of its own, copied per run), against
    :func:`floor_sync_postgresql` on a bare copy; best of ``PAIRS`` runs each."""
    base = server_register(admin_url, _register(SYNC_SERVER_ASSETS, 0), SYNC_SERVER_ASSETS)
    ours: list[tuple[float, float]] = []
    floors: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(PAIRS):
            names = [f"{base.database}_sync", f"{base.database}_floor"]
            url, floor_url = (server_copy(admin_url, base, name) for name in names)
            server = open_database(url.render_as_string(hide_password=False))
            kit_path = Path(folder) / f"kit-{run}.sqlite"
            try:
                audit = start_audit(server, scope_location_id=_campus(server), started_by="tech")
                bare_server_postgresql(floor_url, audit.id)
                kits.checkout(
                    server, kits.resolve_scope(server, locations=["CAMPUS"]), "tech", kit_path
                )
                kit = open_database(f"sqlite:///{kit_path}")
                try:
                    _offline_work(kit, audit.id)
                    kit.dispose()
                    gc.collect()
                    floors.append(floor_sync_postgresql(floor_url, kit_path))
                    gc.collect()
                    wall, cpu, report = _timed(
                        partial(kits.sync, refresh=False), kit, server, "tech"
                    )
                    ours.append((wall, cpu))
                finally:
                    kit.dispose()
            finally:
                server.dispose()
                for name in names:
                    drop_server_copy(admin_url, name)
            counts = report.counts()
            assert counts[kits.Outcome.APPLIED] == PROCEDURES + SCANS, counts
    wall, cpu = min(w for w, _c in ours), min(c for _w, c in ours)
    floor_wall, floor_cpu = min(w for w, _c in floors), min(c for _w, c in floors)
    print(
        f"sync to PostgreSQL: {PROCEDURES:,} procedures + {SCANS:,} scans: {wall:.2f} s "
        f"(CPU {cpu:.2f} s); floor {floor_wall:.2f} s (CPU {floor_cpu:.2f} s); ratio "
        f"{wall / floor_wall:.1f}× (CPU {cpu / floor_cpu:.1f}×; best of {PAIRS}); "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return {
        "sync_postgresql_s": wall,
        "sync_postgresql_floor_s": floor_wall,
        "sync_postgresql_ratio": wall / floor_wall,
        "sync_postgresql_cpu_ratio": cpu / floor_cpu,
    }


def _campus(db: Database) -> uuid.UUID:
    from desktop.services.audits import find_location

    with db.read() as s:
        return find_location(s, "CAMPUS").id


def start_audit_like(db: Database, audit_id: uuid.UUID) -> None:
    """The floor's server has the same open audit (rows copied, untimed)."""
    with db.write() as s:
        s.connection().exec_driver_sql(
            "INSERT INTO audits (id, name, scope_location_id, category_ids, status, "
            "started_by_id, started_at, version, created_at, updated_at) "
            "SELECT ?, 'floor', id, '[]', 'open', (SELECT id FROM people LIMIT 1), "
            "datetime('now'), 1, datetime('now'), datetime('now') FROM locations "
            "WHERE code_key = 'campus'",
            (audit_id.hex,),
        )


def run() -> dict[str, float]:
    figures = bench_checkout()
    figures.update(bench_sync())
    if admin_url := server_admin_urls().get("postgresql"):
        figures.update(bench_sync_postgresql(admin_url))
    return figures


def test_kit_benchmark() -> None:
    run()


if __name__ == "__main__":
    run()
