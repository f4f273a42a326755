"""What ``PRAGMA synchronous=FULL`` costs a local file (issue 16 point 7).

Local files (the default database and field kits) commit with ``synchronous=FULL`` so
that a scan or a procedure is on disk when the screen says it is stored: with NORMAL, in
WAL mode, the last commits may be lost when a laptop's battery dies. FULL syncs the log
at every commit. This measures the price where it is paid most often — one scan per
committed transaction through ``record_scan``, the service the scan screen calls — and
one procedure per transaction, with FULL (what we ship) and with NORMAL (before), on the
same kind of file. Printed: median per commit and the ratio FULL / NORMAL.

Run: ``uv run python -m tests.benchmarks.bench_durability`` or
``uv run pytest tests/benchmarks/bench_durability.py -s``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage import database as storage
from desktop.storage.database import open_database
from tests.factories import RECEIVE_CHECKLIST, seed_world

SCANS = 200
PROCEDURES = 100


def _measure(folder: Path, synchronous: str) -> tuple[float, float]:
    db = open_database(f"sqlite:///{folder / f'{synchronous}.sqlite'}")
    try:

        @event.listens_for(db.engine, "connect")
        def _pragma(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")

        db.engine.dispose()
        with db.engine.connect() as c:
            mode = c.exec_driver_sql("PRAGMA synchronous").scalar()
        assert mode == {"FULL": 2, "NORMAL": 1}[synchronous], mode
        world = seed_world(db)
        for n in range(SCANS):
            record_procedure(db, _receive(world.laptop_category, world.room_a, n))
        audit = start_audit(db, scope_location_id=world.site, started_by="auditor")
        scans = []
        for n in range(SCANS):
            start = time.perf_counter()
            record_scan(db, audit_id=audit.id, raw=f"DUR-{n}", scanned_by="auditor")
            scans.append(time.perf_counter() - start)
        procedures = []
        for n in range(PROCEDURES):
            start = time.perf_counter()
            record_procedure(db, _receive(world.laptop_category, world.room_a, SCANS + n))
            procedures.append(time.perf_counter() - start)
        return statistics.median(scans), statistics.median(procedures)
    finally:
        db.dispose()


def _receive(category: Any, room: Any, n: int) -> ProcedureRequest:
    return ProcedureRequest(
        kind=ProcedureKind.RECEIVE,
        performed_by="tech",
        values={"name": "Bench", "category": category, "location": room, "tag": f"DUR-{n}"},
        checklist=RECEIVE_CHECKLIST,
        origin=Origin.COMMAND_LINE,
    )


def run() -> dict[str, float]:
    assert storage.SQLITE_SYNCHRONOUS == "FULL"
    with tempfile.TemporaryDirectory() as folder:
        normal = _measure(Path(folder), "NORMAL")
        full = _measure(Path(folder), "FULL")
    figures = {
        "scan_normal_ms": normal[0] * 1000,
        "scan_full_ms": full[0] * 1000,
        "procedure_normal_ms": normal[1] * 1000,
        "procedure_full_ms": full[1] * 1000,
    }
    print(
        f"scan (record_scan, one commit): NORMAL {figures['scan_normal_ms']:.2f} ms, "
        f"FULL {figures['scan_full_ms']:.2f} ms median "
        f"(×{full[0] / normal[0]:.2f}, +{(full[0] - normal[0]) * 1000:.2f} ms)"
    )
    print(
        f"procedure (receive, one commit): NORMAL {figures['procedure_normal_ms']:.2f} ms, "
        f"FULL {figures['procedure_full_ms']:.2f} ms median "
        f"(×{full[1] / normal[1]:.2f}, +{(full[1] - normal[1]) * 1000:.2f} ms)"
    )
    return figures


def test_durability_cost() -> None:
    figures = run()
    # A scan must stay instant at the scanner (bench_audit's target is 20 ms median).
    assert figures["scan_full_ms"] < 20


if __name__ == "__main__":
    run()
