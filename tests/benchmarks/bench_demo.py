"""How fast ``assetdesk demo`` fills a SQLite database, against a floor from the same run.

The floor is the least work that puts the same number of asset rows into the same
``assets`` table (migrated schema, its indexes, no search-index triggers): stdlib
``sqlite3`` ``executemany`` of ready-made tuples in one transaction. The demo does far
more — reference data, every asset's procedure history (about five procedures each,
with JSON answers and changes), approvals, incidents and the search index — so the ratio
says what the history costs on top of the bare asset rows.

Run: ``uv run python tests/benchmarks/bench_demo.py [ASSETS]`` (default 100,000) or
``uv run pytest tests/benchmarks/bench_demo.py -s``. Target (issue 2): 100,000 assets
with history in under a minute on the 2-core development machine.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

from desktop.demo import fill_demo
from desktop.storage.database import open_database

TARGET_SECONDS_PER_100K = 60.0


def floor_seconds(path: Path, assets: int) -> float:
    """Insert ``assets`` plain asset rows with stdlib sqlite3 into a migrated database."""
    database = open_database(f"sqlite:///{path}")
    database.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'assets'"
    ).fetchall():
        connection.execute(f'DROP TRIGGER "{name}"')
    category = uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    connection.execute(
        "INSERT INTO categories (name, tag_prefix, audit_interval_days, custom_fields, version, "
        "created_at, updated_at, id) VALUES ('Laptop', 'LAP', 365, '[]', 1, ?, ?, ?)",
        (now, now, category),
    )
    rows = [
        (
            f"LAP-{i:06d}",
            f"lap-{i:06d}",
            "ThinkPad T14 Gen 4",
            category,
            f"PF{i:06d}",
            "in_service",
            "2024-01-15",
            124900,
            f"PO-2024-{i // 10:06d}",
            "2027-01-15",
            '{"ram_gb": 16}',
            "",
            1,
            now,
            now,
            uuid.uuid4().hex,
        )
        for i in range(1, assets + 1)
    ]
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO assets (tag, tag_key, name, category_id, serial_number, status, "
        "purchase_date, purchase_cost, order_number, warranty_end, custom_fields, notes, "
        "version, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def run(assets: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        floor = floor_seconds(Path(folder) / "floor.sqlite3", assets)
        database = open_database(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        before_self = resource.getrusage(resource.RUSAGE_SELF)
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        summary = fill_demo(database, assets=assets)
        demo = time.perf_counter() - started
        database.dispose()
        main_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(before_self)
        worker_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(before_children)
    figures = {
        "assets": float(assets),
        "procedures": float(summary.procedures),
        "demo_seconds": demo,
        "demo_assets_per_second": assets / demo,
        "floor_seconds": floor,
        "floor_assets_per_second": assets / floor,
        "ratio": demo / floor,
        "main_cpu_seconds": main_cpu,
        "worker_cpu_seconds": worker_cpu,
    }
    print(
        f"demo: {assets:,} assets with {summary.procedures:,} procedures, "
        f"{summary.approvals:,} approvals, {summary.incidents:,} incidents in {demo:.1f} s "
        f"= {assets / demo:,.0f} assets/s\n"
        f"floor (stdlib sqlite3 executemany of {assets:,} bare asset rows): {floor:.2f} s "
        f"= {assets / floor:,.0f} assets/s\n"
        f"CPU: {main_cpu:.1f} s in this process, {worker_cpu:.1f} s in worker processes "
        f"(on {os.cpu_count()} cores: at best {max(main_cpu, (main_cpu + worker_cpu) / (os.cpu_count() or 1)):.1f} s)\n"
        f"ratio demo/floor: {demo / floor:.1f}x; target: 100,000 assets in under "
        f"{TARGET_SECONDS_PER_100K:.0f} s (scaled: {demo * 100_000 / assets:.1f} s per 100,000)"
    )
    return figures


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def test_demo_speed() -> None:
    figures = run(100_000)
    assert figures["demo_seconds"] < TARGET_SECONDS_PER_100K


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
