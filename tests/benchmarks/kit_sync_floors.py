"""The SQLite sync's floors (``bench_kits``'s sync and refresh figures): the bare
server and kit, and the same rows copied with stdlib ``sqlite3``."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from desktop.services.search import SEARCH_TABLE
from desktop.storage.database import Database
from desktop.storage.folding import register_sqlite_functions
from tests.benchmarks.floors import all_rows, bare_tables, insert_bare


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


def floor_sync(
    server: Path, kit: Path, columns: tuple[str, ...] = ("serial_number",)
) -> tuple[float, float]:
    """The floor's wall and CPU seconds: the kit's offline rows read with stdlib
    ``sqlite3`` (copying them includes reading them), then inserted and the assets
    updated (``columns`` and their version) on the bare server (:func:`bare_server`) in
    one transaction, the updated assets' search-index rows replaced together (deleted
    before, inserted after)."""
    started, cpu = time.perf_counter(), time.process_time()
    sets = ", ".join(f"{c} = ?" for c in (*columns, "version"))
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
        f"SELECT {', '.join(columns)}, version, id FROM assets WHERE id IN "
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
        if scans:
            connection.executemany(
                f"INSERT INTO audit_scans VALUES ({', '.join('?' * len(scans[0]))})",
                scans,
            )
        ids = json.dumps([row[-1] for row in updates])
        rowids = "SELECT rowid FROM assets WHERE id IN (SELECT value FROM json_each(?))"
        connection.execute(
            f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN (SELECT rank FROM "
            f"asset_search_rank WHERE asset_rowid IN ({rowids}))",
            (ids,),
        )
        connection.executemany(f"UPDATE assets SET {sets} WHERE id = ?", updates)
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


def bare_copy(kit: Path, target: Path) -> None:
    """The kit's tables bare in ``target``, holding the kit's rows (untimed)."""
    tables = [(n, sql) for n, sql in bare_tables(kit) if not n.startswith("kit_")]
    insert_bare(target, tables, all_rows(kit, tables))


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


def journaled_ids(kit: Path) -> dict[str, list[str]]:
    """The kit's journal's procedure and scan ids (read before a floor's clock starts)."""
    source = sqlite3.connect(kit)
    try:
        return {
            record: [
                r[0]
                for r in source.execute(
                    "SELECT row_id FROM kit_journal WHERE record = ?", (record,)
                )
            ]
            for record in ("procedure", "scan")
        }
    finally:
        source.close()


#: The large tables the same-work floor compares by key and version (as ours stages
#: them, ``copying.NARROWED``): (table, key columns, version column or None).
_COMPARED = (
    ("assets", "id", "version"),
    ("procedures", "id", "version"),
    ("audit_expected", "audit_id, asset_id", None),
    ("audit_scans", "id", None),
)


def floor_refresh_compared(
    server: Path, bare_kit: Path, journaled: dict[str, list[str]], whole: Iterable[str]
) -> tuple[float, float]:
    """The refresh's second floor, wall and CPU seconds: **the same reads and writes as
    ours**, with stdlib ``sqlite3`` on the bare kit (:func:`bare_copy`: primary keys
    only, no triggers, no secondary indexes, no search index, no base values). The
    server attached to the kit's connection; the scope's keys and versions of the four
    large tables (10,000 assets, their 11,000 procedures, the open audits' 10,000
    expected rows and 2,000 scans) read into temporary tables, compared with the kit's
    by key (rows new or at another version), the rows the kit's journal names
    (``journaled``: its procedures, scans and their assets, read before the clock) added,
    those read whole and compared column by column, the reference tables (``whole``)
    read whole and compared by ``EXCEPT``, rows gone deleted and the differing ones written (``INSERT
    OR REPLACE``) in one transaction (WAL, ``synchronous=FULL``). Not in it, in ours:
    the scope's query (here: every asset in the kit's locations), its recent-history
    window, the search index, secondary indexes and triggers kept up, base values
    made anew, the tag sequences, the server's checkout record."""
    started, cpu = time.perf_counter(), time.process_time()
    kit = sqlite3.connect(bare_kit, isolation_level=None)
    try:
        kit.execute("PRAGMA journal_mode=WAL")
        kit.execute("PRAGMA synchronous=FULL")
        kit.execute("ATTACH DATABASE ? AS src", (str(server),))
        kit.execute("BEGIN IMMEDIATE")
        kit.execute("CREATE TEMP TABLE journaled (id TEXT PRIMARY KEY) WITHOUT ROWID")
        kit.executemany(
            "INSERT OR IGNORE INTO temp.journaled VALUES (?)",
            [(i,) for ids in journaled.values() for i in ids],
        )
        scope = {
            "assets": "location_id IN (SELECT id FROM main.locations)",
            "procedures": "asset_id IN (SELECT id FROM temp.n_assets)",
            "audit_expected": "audit_id IN (SELECT id FROM src.audits WHERE status = 'open')",
            "audit_scans": "audit_id IN (SELECT id FROM src.audits WHERE status = 'open')",
        }
        for name, keys, version in _COMPARED:
            columns = f"{keys}, {version}" if version else keys
            kit.execute(
                f"CREATE TEMP TABLE n_{name} AS SELECT {columns} FROM src.{name} "
                f"WHERE {scope[name]}"
            )
            kit.execute(f"CREATE INDEX temp.n_{name}_key ON n_{name} ({keys})")
        touched = (
            "SELECT asset_id FROM src.procedures WHERE id IN (SELECT id FROM temp.journaled) "
            "UNION SELECT asset_id FROM src.audit_scans WHERE id IN "
            "(SELECT id FROM temp.journaled)"
        )
        for name, keys, version in _COMPARED:
            key_list = [k.strip() for k in keys.split(",")]
            same = " AND ".join(f"k.{k} = n.{k}" for k in key_list)
            if version:
                same += f" AND k.{version} = n.{version}"
            extra = (
                f" OR n.id IN ({touched})"
                if name == "assets"
                else " OR n.id IN (SELECT id FROM temp.journaled)"
                if name in ("procedures", "audit_scans")
                else ""
            )
            kit.execute(
                f"CREATE TEMP TABLE want_{name} AS SELECT {keys} FROM temp.n_{name} AS n "
                f"WHERE NOT EXISTS (SELECT 1 FROM main.{name} AS k WHERE {same}){extra}"
            )
            gone = " AND ".join(f"n.{k} = t.{k}" for k in key_list)
            kit.execute(
                f"DELETE FROM main.{name} AS t WHERE NOT EXISTS "
                f"(SELECT 1 FROM temp.n_{name} AS n WHERE {gone})"
            )
            wanted = " AND ".join(f"w.{k} = s.{k}" for k in key_list)
            kit.execute(
                f"INSERT OR REPLACE INTO main.{name} SELECT * FROM (SELECT s.* FROM "
                f"src.{name} AS s JOIN temp.want_{name} AS w ON {wanted} "
                f"EXCEPT SELECT * FROM main.{name})"
            )
        for name in whole:
            info = kit.execute(f"PRAGMA main.table_info({name})").fetchall()
            gone = " AND ".join(f"n.{r[1]} = t.{r[1]}" for r in info if r[5])
            kit.execute(
                f"DELETE FROM main.{name} AS t WHERE NOT EXISTS "
                f"(SELECT 1 FROM src.{name} AS n WHERE {gone})"
            )
            kit.execute(
                f"INSERT OR REPLACE INTO main.{name} SELECT * FROM "
                f"(SELECT * FROM src.{name} EXCEPT SELECT * FROM main.{name})"
            )
        kit.execute("COMMIT")
        kit.execute("DETACH DATABASE src")
    finally:
        kit.close()
    return time.perf_counter() - started, time.process_time() - cpu
