"""Field kit benchmark (issue 16 point 8): syncing a kit of 1,000 offline moves and
reassignments to a 10,000-asset SQLite register, a ratio against a floor in the same run.

Ours: ``kits.sync`` (no refresh) of a kit checked out of the whole campus, holding 1,000
changes made offline — half move an asset to one of three rooms of the last building,
half assign it to a person. Floor (``kit_sync_floors.floor_sync`` with the asset's
location and assignee): the kit's procedure rows and the assets' new values read with
stdlib ``sqlite3``, inserted and updated on a bare copy of the server (every trigger
and secondary index dropped) in one transaction (WAL, ``synchronous=FULL``), the
updated assets' search-index rows replaced together. The scans and serial numbers of
the main sync figure are ``bench_kits.bench_sync``.

Measured (sync18, 2026-12-07 10:18 UTC, load 2.5-3.5, three pairs by turns with main
(7624dd2) in separate processes, this file copied into main's tree): main 2.46-2.61
s wall, 2.34-2.60 s CPU — 62-63× its floor by wall, 65-70× by CPU (the moves went one by
one through the procedure service); this branch 0.11-0.12 s, 2.6-2.7× wall, 2.8× CPU.

Sync21 (2026-12-07 13:11-13:14 UTC, load 14.6-16.4: other helpers' test runs; one process
per run on fresh copies, by turns with the code before): the search index's old rows are
now deleted after the assets' updates (``search_rows_replaced(deleted_after=True)``; see
``bench_kits``): the two ``UPDATE`` statements 10.3-12.3 ms CPU against 18.9-26.3, the
sync 0.120, 0.146 and 0.121 s CPU against 0.136, 0.136 and 0.137 (2.3-3.2× its floor
against 2.5-3.0×; the wall says nothing at this load).

Run: ``uv run python -m tests.benchmarks.bench_kit_moves`` or
``uv run pytest tests/benchmarks/bench_kit_moves.py -s``.
"""

from __future__ import annotations

import gc
import tempfile
import uuid
from pathlib import Path

from desktop import kits
from desktop.storage.database import Database
from tests.benchmarks.kit_registers import (
    PROCEDURES,
    campus_kit,
    record_changes,
    sync_figures,
    sync_server,
    timed_sync,
)
from tests.benchmarks.kit_sync_floors import bare_server, floor_sync


def _moves(kit: Database) -> None:
    """1,000 changes made in the kit: odd ones move the asset, even ones assign it."""
    with kit.read() as s:
        connection = s.connection()
        rooms = [
            uuid.UUID(r[0])
            for r in connection.exec_driver_sql(
                "SELECT id FROM locations WHERE kind = 'room' ORDER BY name DESC LIMIT 3"
            )
        ]
        person = uuid.UUID(
            connection.exec_driver_sql("SELECT id FROM people WHERE username = 'tech'").scalar_one()
        )
    record_changes(
        kit, lambda n, _tag: {"location": rooms[n % 3]} if n % 2 else {"assigned_to": person}
    )


def bench_sync_moves() -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as folder,
        sync_server(Path(folder), "moves") as (server, files),
    ):
        kit = campus_kit(server, files.kit)
        try:
            _moves(kit)
            kit.dispose()
            bare_server(files.floor)
            gc.collect()  # as timed_sync does for ours
            floor = floor_sync(files.floor, files.kit, ("location_id", "assigned_to_id"))
            wall, cpu, report = timed_sync(kit, server, refresh=False)
        finally:
            kit.dispose()
    counts = report.counts()
    assert counts[kits.Outcome.APPLIED] == PROCEDURES, counts
    what = f"sync of {PROCEDURES:,} moves and reassignments"
    return sync_figures("sync_moves", what, (wall, cpu), floor)


def test_kit_moves_benchmark() -> None:
    bench_sync_moves()


if __name__ == "__main__":
    bench_sync_moves()
