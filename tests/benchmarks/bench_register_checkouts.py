"""Benchmark: what the register's marks cost a page read: the *Checked out* column (issue
16) and the procedures waiting for approval that grey a second status move.

    uv run python tests/benchmarks/bench_register_checkouts.py [REGISTER.sqlite3]

REGISTER: a large SQLite register; without one, a 1,000,000-asset register is made once
(``bench_main_window.make_big_register``, about 2 minutes) in the temp folder. It is read
only, except that an open checkout of 10,000 assets is inserted for the second part of
the run and removed at the end (in its own transaction, with sqlite3), and 10,000
procedures waiting for approval (on other assets) for the third part, inserted in the
read transaction of that part and rolled back with it (procedures are never deleted).

For pages of 100 rows (sorted by tag at the top, the middle and the end of the register;
sorted by location, a looked-up name) it prints, interleaved and taking the best of
several pairs, the CPU time of

* **column / page**: ``RegisterPager.page`` alone (the read before the column) against
  ``with_checkouts(connection, RegisterPager.page(...))``: the column's cost;
* **waiting / column**: ``with_checkouts(connection, page)`` (the window's read before the
  waiting procedures) against ``with_marks(connection, page)`` (its read now): what
  reading the waiting procedures adds;
* **the marks against their floor**: ``with_marks`` alone against raw ``sqlite3`` (the
  same connection) doing the same bare work (the "any kit out?" probe, then the page's
  100 ids against ``kit_checkout_assets`` joined to the checkout and its person, and
  against the waiting procedures, ``fetchall()``), no SQLAlchemy, no dataclasses;

each with no kit out and nothing waiting, with a 10,000-asset kit out, and with 10,000
procedures waiting.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from desktop.services.register_checkouts import with_checkouts, with_marks
from desktop.services.register_pages import RegisterPager
from desktop.services.register_rows import AssetFilter, AssetRow
from desktop.storage.database import Database, open_database

GENERATED = Path(tempfile.gettempdir()) / "assetdesk-bench-register-checkouts-1m.sqlite3"
PAIRS = 15
PAGE = 100
KIT_ASSETS = 10_000
WAITING = 10_000

_FLOOR_ANY = "SELECT 1 FROM kit_checkouts WHERE returned_at IS NULL LIMIT 1"
_FLOOR_MARKS = (
    "SELECT ka.asset_id, p.name, k.checked_out_at FROM kit_checkout_assets ka "
    "JOIN kit_checkouts k ON k.id = ka.kit_id JOIN people p ON p.id = k.checked_out_by_id "
    "WHERE k.returned_at IS NULL AND ka.asset_id IN ({marks}) ORDER BY k.checked_out_at"
)
_FLOOR_PENDING = (
    "SELECT asset_id, id, kind FROM procedures WHERE +state = 'pending_approval' "
    "AND asset_id IN ({marks}) ORDER BY performed_at"
)


def cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def best_pairs(ours: Callable[[], object], floor: Callable[[], object]) -> tuple[float, float]:
    """The best CPU time of each over interleaved pairs (floor first in odd pairs)."""
    a: list[float] = []
    b: list[float] = []
    for n in range(PAIRS):
        if n % 2:
            b.append(cpu(floor))
            a.append(cpu(ours))
        else:
            a.append(cpu(ours))
            b.append(cpu(floor))
    return min(a), min(b)


def line(label: str, ours: float, floor: float, names: tuple[str, str]) -> str:
    return (
        f"  {label:<34} {names[0]} {ours * 1000:7.3f} ms  {names[1]} {floor * 1000:7.3f} ms  "
        f"ratio {ours / floor:5.2f}  (load {os.getloadavg()[0]:.2f})"
    )


def checkout_assets(path: Path, count: int) -> str:
    """Insert an open checkout of ``count`` assets (every 100th by tag); its id."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        person = con.execute("SELECT id FROM people ORDER BY username LIMIT 1").fetchone()[0]
        kit = uuid.uuid4().hex
        now = "2026-12-05 08:00:00.000000"
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO kit_checkouts (id, version, checked_out_by_id, checked_out_at, scope, "
            "scope_text, asset_count, tag_blocks, created_at, updated_at) "
            "VALUES (?, 1, ?, ?, '{}', 'bench', ?, '[]', ?, ?)",
            (kit, person, now, count, now, now),
        )
        con.execute(
            "INSERT INTO kit_checkout_assets (kit_id, asset_id) SELECT ?, id FROM "
            "(SELECT id, row_number() OVER (ORDER BY tag_key) AS n FROM assets) "
            "WHERE n % 100 = 1 LIMIT ?",
            (kit, count),
        )
        con.execute("COMMIT")
        return kit
    finally:
        con.close()


def remove_checkout(path: Path, kit: str) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN")
        con.execute("DELETE FROM kit_checkout_assets WHERE kit_id = ?", (kit,))
        con.execute("DELETE FROM kit_checkouts WHERE id = ?", (kit,))
        con.execute("COMMIT")
    finally:
        con.close()


def bench_state(
    db: Database, total: int, state: str, setup: Callable[[Connection], object] | None = None
) -> None:
    print(f"{state}:")
    views = [
        ("tag, first page", "tag", 0),
        ("tag, middle page", "tag", total // 2),
        ("tag, last page", "tag", total - PAGE),
        ("location, first page", "location", 0),
    ]
    with db.read() as session:  # rolled back at the end: what ``setup`` inserted too
        connection = session.connection()
        if setup is not None:
            setup(connection)
        for label, sort, offset in views:
            bench_view(session, label, sort, offset)


def bench_view(session: Session, label: str, sort: str, offset: int) -> None:
    pager = RegisterPager(AssetFilter(), sort=sort)
    rows: list[AssetRow] = pager.page(session, offset, PAGE)  # warm the pager
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    column_, page = best_pairs(
        lambda: with_checkouts(connection, pager.page(session, offset, PAGE)),
        lambda: pager.page(session, offset, PAGE),
    )
    print(line(f"page read ({label})", column_, page, ("column", "page")))
    after, before = best_pairs(
        lambda: with_marks(connection, pager.page(session, offset, PAGE)),
        lambda: with_checkouts(connection, pager.page(session, offset, PAGE)),
    )
    print(line(f"page read ({label})", after, before, ("marks", "column")))
    hex_ids = [row.id.hex for row in rows]
    marks = ", ".join("?" for _ in hex_ids)
    marks_sql = _FLOOR_MARKS.format(marks=marks)
    pending_sql = _FLOOR_PENDING.format(marks=marks)

    def floor() -> None:
        if raw.execute(_FLOOR_ANY).fetchone() is not None:
            raw.execute(marks_sql, hex_ids).fetchall()
        raw.execute(pending_sql, hex_ids).fetchall()

    ours, bare = best_pairs(lambda: with_marks(connection, rows), floor)
    print(line(f"marks only ({label})", ours, bare, ("ours", "floor")))


def procedures_waiting(count: int) -> Callable[[Connection], object]:
    """Insert ``count`` decommissions waiting for approval (every 100th asset by tag, one
    after the kit's), in the caller's transaction."""

    def insert(connection: Connection) -> None:
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        template, person = raw.execute(
            "SELECT t.id, p.id FROM procedure_templates t, people p LIMIT 1"
        ).fetchone()
        now = "2026-12-05 08:00:00.000000"
        raw.execute(
            "INSERT INTO procedures (id, asset_id, kind, state, template_id, template_version, "
            "performed_by_id, performed_at, ticket_ref, reason, answers, changes, origin, "
            "origin_detail, approvals_required, note, version, created_at, updated_at) "
            "SELECT lower(hex(randomblob(16))), id, 'decommission', 'pending_approval', ?, 1, "
            "?, ?, '', 'bench', '{}', '{}', 'gui', '', 1, '', 1, ?, ? FROM "
            "(SELECT id, row_number() OVER (ORDER BY tag_key) AS n FROM assets) "
            "WHERE n % 100 = 2 LIMIT ?",
            (template, person, now, now, now, count),
        )

    return insert


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else GENERATED
    if not path.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from tests.benchmarks.bench_main_window import make_big_register

        print(f"generating 1,000,000 assets in {path} …", flush=True)
        make_big_register(path, 1_000_000)
    db = open_database(f"sqlite:///{path}")  # migrates an older file before timing
    try:
        with db.read() as session:
            total = RegisterPager(AssetFilter()).count(session)
        print(f"register {path}: {total:,} assets; uptime load {os.getloadavg()}")
        bench_state(db, total, "no kit out, nothing waiting")
        kit = checkout_assets(path, KIT_ASSETS)
        try:
            bench_state(db, total, f"one kit of {KIT_ASSETS:,} assets out")
        finally:
            remove_checkout(path, kit)
        waiting = f"{WAITING:,} procedures waiting for approval"
        bench_state(db, total, waiting, procedures_waiting(WAITING))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
