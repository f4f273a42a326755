"""Benchmark: a search page and a scan's detail against their raw SQL floors (issue 17, point 5).

    uv run python tests/benchmarks/bench_reads.py REGISTER.sqlite3 [--plans OUT.json]

REGISTER is a SQLite register made once by ``assetdesk demo --assets 1000000`` (and
upgraded to the current schema); it is only read. Prints, each measured in the same run
(interleaved, the minimum and the median of several runs), with the machine's load:

* **search page**: ``RegisterPager(AssetFilter(search=term)).page(session, 0, 100)`` (a
  new pager per run: as when a term is typed) in an open read session, against the
  floor: raw ``sqlite3`` running one statement: the FTS5 ``MATCH`` in the index's rank
  order (the register's default order) joined to the 100 assets and their looked-up
  names, ``fetchall()``. The floor does not build ``AssetRow``\\ s nor turn values into
  Python types (UUIDs, dates, money); it uses the schema's search index (the index is
  what makes a search possible at all, there is no bare-table way to do it).
* **a scan's detail**: ``asset_detail(session, tag=tag)`` (what the window shows on a
  scan and ``asset show`` prints: the asset's fields and its newest procedures) against
  raw ``sqlite3`` doing the same reads: the asset row joined to its names by tag key, and
  the newest procedures with their performer, their count, and their approvals, with
  ``json.loads`` of the JSON columns; no dataclasses, no other type conversion.

``--plans OUT.json`` also writes SQLite's plan (EXPLAIN QUERY PLAN) of every statement
the register runs for each sort and each filter, so that two schemas can be compared
(``--compare OLD.json NEW.json``: prints the statements whose plan changed).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from desktop.services.queries import HISTORY_SHOWN, AssetFilter, asset_detail
from desktop.services.register_pages import RegisterPager
from desktop.services.register_rows import SORT_KEYS
from desktop.storage.database import Database

TERMS = ("lap", "dell", "room 2", "zzzz", "srv", "latitude 7")
RUNS = 11
DETAIL_TAGS = 200

_FLOOR_PAGE = """
SELECT a.id, a.tag, a.name, c.name, mf.name, m.name, a.serial_number, a.status, l.name,
       p.name, g.name, a.purchase_date, a.purchase_cost, a.order_number, s.name,
       a.warranty_end, a.last_audited_at, a.notes, a.version, a.updated_at
FROM asset_search x
JOIN asset_search_rank r ON r.rank = x.rowid
JOIN assets a ON a.rowid = r.asset_rowid
LEFT JOIN categories c ON c.id = a.category_id
LEFT JOIN asset_models m ON m.id = a.model_id
LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
LEFT JOIN locations l ON l.id = a.location_id
LEFT JOIN people p ON p.id = a.assigned_to_id
LEFT JOIN groups g ON g.id = a.owning_group_id
LEFT JOIN suppliers s ON s.id = a.supplier_id
WHERE asset_search MATCH ? ORDER BY x.rowid LIMIT 100
"""

_FLOOR_ASSET = """
SELECT a.id, a.tag, a.name, c.name, mf.name, m.name, a.serial_number, a.status, l.name,
       p.name, g.name, a.purchase_date, a.purchase_cost, a.order_number, s.name,
       a.warranty_end, a.last_audited_at, a.notes, a.version, a.updated_at,
       a.category_id, a.location_id, a.assigned_to_id, a.owning_group_id, a.model_id,
       a.supplier_id, a.custom_fields, c.custom_fields
FROM assets a
LEFT JOIN categories c ON c.id = a.category_id
LEFT JOIN asset_models m ON m.id = a.model_id
LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
LEFT JOIN locations l ON l.id = a.location_id
LEFT JOIN people p ON p.id = a.assigned_to_id
LEFT JOIN groups g ON g.id = a.owning_group_id
LEFT JOIN suppliers s ON s.id = a.supplier_id
WHERE a.tag_key = ?
"""

_FLOOR_HISTORY = """
SELECT n.*, ap.name, v.decision, v.comment, v.decided_at, v.approver_groups
FROM (SELECT pr.id, pr.kind, pr.state, pe.name, pe.username, pr.performed_at,
             pr.created_at, pr.ticket_ref, pr.reason, pr.template_version, pr.origin,
             pr.origin_detail, pr.answers, pr.changes,
             (SELECT count(*) FROM procedures WHERE asset_id = ?1) AS total
      FROM procedures pr JOIN people pe ON pe.id = pr.performed_by_id
      WHERE pr.asset_id = ?1
      ORDER BY pr.performed_at DESC, pr.created_at DESC LIMIT ?2) n
LEFT JOIN approvals v ON v.procedure_id = n.id
LEFT JOIN people ap ON ap.id = v.approver_id
ORDER BY n.performed_at DESC, n.created_at DESC, v.decided_at
"""


def floor_page(connection: sqlite3.Connection, term: str) -> int:
    phrase = '"' + term.replace('"', '""') + '"'
    return len(connection.execute(_FLOOR_PAGE, (phrase,)).fetchall())


def floor_detail(connection: sqlite3.Connection, tag: str) -> int:
    row = connection.execute(_FLOOR_ASSET, (tag.strip().lower(),)).fetchone()
    json.loads(row[26] or "{}")
    json.loads(row[27] or "[]")
    history = connection.execute(_FLOOR_HISTORY, (row[0], HISTORY_SHOWN)).fetchall()
    for h in history:
        json.loads(h[12])
        json.loads(h[13])
        if h[16] is not None:
            json.loads(h[19])
    return len(history)


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def ratio_line(label: str, ours: list[float], floor: list[float]) -> str:
    return (
        f"{label:<28} ours min {min(ours) * 1000:7.2f} ms median "
        f"{statistics.median(ours) * 1000:7.2f} | floor min {min(floor) * 1000:7.2f} ms median "
        f"{statistics.median(floor) * 1000:7.2f} | ratio (min) {min(ours) / min(floor):5.2f}"
        f" (median) {statistics.median(ours) / statistics.median(floor):5.2f}"
    )


def bench(path: Path) -> None:
    print(f"register {path} ({path.stat().st_size / 1e9:.1f} GB); load {os.getloadavg()}")
    db = Database(f"sqlite:///{path}")
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with db.read() as session:
        # Warm both: the first read of each page of the file costs the same to both.
        for term in TERMS:
            RegisterPager(AssetFilter(search=term)).page(session, 0, 100)
            floor_page(raw, term)
        for term in TERMS:
            ours: list[float] = []
            floor: list[float] = []
            for run in range(RUNS):
                pager = RegisterPager(AssetFilter(search=term))
                ours_first = run % 2 == 0  # interleaved, each goes first half the time
                if not ours_first:
                    floor.append(timed(lambda t=term: floor_page(raw, t)))  # type: ignore[misc]
                ours.append(timed(lambda p=pager: p.page(session, 0, 100)))  # type: ignore[misc]
                if ours_first:
                    floor.append(timed(lambda t=term: floor_page(raw, t)))  # type: ignore[misc]
            print(ratio_line(f"search page {term!r}", ours, floor))
        tags = _some_tags(raw)
        for tag in tags[:20]:
            asset_detail(session, tag=tag)
            floor_detail(raw, tag)
        ours, floor = [], []
        for n, tag in enumerate(tags):
            floor_detail(raw, tag)  # its pages read from disk once, for both
            if n % 2:
                floor.append(timed(lambda t=tag: floor_detail(raw, t)))  # type: ignore[misc]
            ours.append(timed(lambda t=tag: asset_detail(session, tag=t)))  # type: ignore[misc]
            if not n % 2:
                floor.append(timed(lambda t=tag: floor_detail(raw, t)))  # type: ignore[misc]
        print(ratio_line(f"scan's detail ({len(tags)} tags)", ours, floor))
    opened: list[float] = []
    for tag in tags[:50]:

        def in_own_session(t: str = tag) -> None:
            with db.read() as own:
                asset_detail(own, tag=t)

        opened.append(timed(in_own_session))
    print(
        f"scan's detail with its own session (as the window and CLI open one): "
        f"median {statistics.median(opened) * 1000:.2f} ms"
    )
    print(f"load after: {os.getloadavg()}")
    db.dispose()


def _some_tags(raw: sqlite3.Connection) -> list[str]:
    chance = random.Random(5)
    largest = raw.execute("SELECT max(rowid) FROM assets").fetchone()[0]
    tags = []
    for _ in range(DETAIL_TAGS):
        found = raw.execute(
            "SELECT tag FROM assets WHERE rowid >= ? LIMIT 1", (chance.randint(1, largest),)
        ).fetchone()
        if found:
            tags.append(found[0])
    return tags


def register_plans(path: Path) -> dict[str, list[str]]:
    """Every statement the register runs for each sort (first page, a deep page, both
    directions) and each filter, with SQLite's plan of it."""
    db = Database(f"sqlite:///{path}")
    statements: dict[str, Any] = {}

    @event.listens_for(db.read_engine, "before_cursor_execute")
    def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.setdefault(statement, parameters)

    with db.read() as session:
        ids: dict[str, str] = dict(
            session.connection()
            .exec_driver_sql(
                "SELECT 'category', (SELECT id FROM categories LIMIT 1) UNION ALL "
                "SELECT 'location', (SELECT id FROM locations WHERE parent_id IS NOT NULL "
                "LIMIT 1) UNION ALL SELECT 'person', (SELECT assigned_to_id FROM assets "
                "WHERE assigned_to_id IS NOT NULL LIMIT 1) UNION ALL SELECT 'group', "
                "(SELECT owning_group_id FROM assets WHERE owning_group_id IS NOT NULL LIMIT 1)"
            )
            .all()
        )
        import uuid

        def as_uuid(value: str) -> uuid.UUID:
            return uuid.UUID(hex=value)

        filters = [
            AssetFilter(),
            AssetFilter(statuses=("in_repair",)),
            AssetFilter(category_ids=(as_uuid(ids["category"]),)),
            AssetFilter(location_id=as_uuid(ids["location"])),
            AssetFilter(assigned_to_id=as_uuid(ids["person"])),
            AssetFilter(owning_group_id=as_uuid(ids["group"])),
            AssetFilter(warranty_within_days=30),
            AssetFilter(overdue_audit=True),
            AssetFilter(search="dell"),
        ]
        for flt in filters:
            for sort in SORT_KEYS:
                for descending in (False, True) if flt == AssetFilter() else (False,):
                    pager = RegisterPager(flt, sort=sort, descending=descending)
                    pager.page(session, 0, 100)
                    if flt == AssetFilter() or flt.statuses:
                        pager.page(session, 5000, 100)
    plans: dict[str, list[str]] = {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        for statement, parameters in statements.items():
            rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            plans[" ".join(statement.split())] = [str(r[-1]) for r in rows]
    db.dispose()
    return plans


def compare_plans(old_path: Path, new_path: Path) -> int:
    """Print each statement whose plan changed; 1 if a plan got a full scan or a temporary
    sort it did not have, or lost an index it had for no other index."""
    old = json.loads(old_path.read_text())
    new = json.loads(new_path.read_text())
    worse = 0
    for statement in sorted(set(old) & set(new)):
        before, after = old[statement], new[statement]
        if before == after:
            continue
        renamed = [_index_neutral(s) for s in before] == [_index_neutral(s) for s in after]
        scans = sum("SCAN assets" in s and "INDEX" not in s for s in after) > sum(
            "SCAN assets" in s and "INDEX" not in s for s in before
        )
        sorts = sum("TEMP B-TREE" in s for s in after) > sum("TEMP B-TREE" in s for s in before)
        verdict = "worse" if (scans or sorts) else ("same shape" if renamed else "changed")
        worse += verdict == "worse"
        print(f"[{verdict}] {statement[:160]}")
        print("   before: " + " | ".join(before))
        print("   after:  " + " | ".join(after))
    print(f"{len(set(old) & set(new))} statements compared, {worse} worse")
    return 1 if worse else 0


def _index_neutral(step: str) -> str:
    """A plan step with the index name and the columns it names blanked."""
    import re

    step = re.sub(r"INDEX \w+", "INDEX _", step)
    return re.sub(r"\(.*\)", "(_)", step)


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "--compare":
        return compare_plans(Path(argv[1]), Path(argv[2]))
    path = Path(argv[0])
    if "--plans" in argv:
        out = Path(argv[argv.index("--plans") + 1])
        out.write_text(json.dumps(register_plans(path), indent=1))
        print(f"plans written to {out}")
        return 0
    bench(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
