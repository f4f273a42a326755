"""The kit checkout benchmark's server side: the same register on PostgreSQL and
MariaDB, and the floor read with the server's own driver.

The register (the SQLite benchmark register's rows, copied table by table) is kept in a
database of our own, ``assetdesk_bench_kits_<assets>_<schema head>``, made on first use
and reused (it is recognised by its asset count).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, insert, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from desktop.storage import migrate
from desktop.storage.database import Database
from desktop.storage.models import Base
from desktop.storage.urls import parse_url
from tests.benchmarks.floors import insert_bare

SERVER_ENV = {
    "postgresql": "ASSETDESK_TEST_POSTGRESQL_URL",
    "mariadb": "ASSETDESK_TEST_MARIADB_URL",
}
COPY_BATCH = 5_000


def server_admin_urls() -> dict[str, str]:
    """The servers named by the test environment (a backend without one is skipped)."""
    return {backend: url for backend, env in SERVER_ENV.items() if (url := os.environ.get(env))}


def server_register(admin_url: str, sqlite_register: Path, assets: int) -> URL:
    """The URL of a server database holding ``sqlite_register``'s rows (made once)."""
    admin = parse_url(admin_url)
    name = f"assetdesk_bench_kits_{assets}_{migrate.head_revision()}"
    url = admin.set(database=name)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if admin.get_backend_name() == "postgresql":
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).first()
                if not exists:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                connection.execute(
                    text(
                        f"CREATE DATABASE IF NOT EXISTS `{name}` "
                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    )
                )
    finally:
        engine.dispose()
    database = Database(url)
    try:
        migrate.upgrade(database.engine)
        with database.read() as session:
            have = int(session.execute(text("SELECT count(*) FROM assets")).scalar_one())
        if have != assets:
            _copy_register(sqlite_register, database)
    finally:
        database.dispose()
    return url


def _copy_register(sqlite_register: Path, database: Database) -> None:
    started = time.perf_counter()
    source = Database(f"sqlite:///{sqlite_register}")
    tables = Base.metadata.sorted_tables
    try:
        with database.write() as session:
            connection = session.connection()
            for table in reversed(tables):  # the migrations' seeded rows go
                connection.execute(delete(table))
            for table in tables:
                with source.connect() as reader:
                    result = reader.execution_options(stream_results=True).execute(select(table))
                    while rows := result.fetchmany(COPY_BATCH):
                        connection.execute(insert(table), [dict(row._mapping) for row in rows])
    finally:
        source.dispose()
    print(
        f"copied {sqlite_register.name} to {database.display_url} in "
        f"{time.perf_counter() - started:.0f} s"
    )


def _kit_value(value: Any) -> Any:
    """A server driver's value as SQLite stores it (the bare conversion a copy needs)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value)
    return value


def floor_checkout_server(
    url: URL,
    target: Path,
    tables: list[tuple[str, str]],
    whole: set[str],
    building_codes: Sequence[str],
) -> None:
    """The server floor: the server's driver reads the reference tables, the scope's
    assets (by their rooms) and their procedures (a join) with plain cursors, each value
    becomes what SQLite stores, and stdlib ``sqlite3`` ``executemany``-s them into bare
    tables of a new file (:func:`insert_bare`)."""
    engine = create_engine(url)
    raw: Any = engine.raw_connection()
    try:
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        cursor = raw.cursor()

        def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            cursor.execute(sql, tuple(params))
            return [tuple(_kit_value(v) for v in row) for row in cursor.fetchall()]

        def ids(sql: str, params: Sequence[Any]) -> list[Any]:
            cursor.execute(sql, tuple(params))
            return [row[0] for row in cursor.fetchall()]

        columns = {name: _columns(sql) for name, sql in tables}
        found: dict[str, list[tuple[Any, ...]]] = {}
        for name, _sql in tables:
            if name in whole:
                found[name] = rows(f"SELECT {columns[name]} FROM {name}")
        marks = ", ".join([mark] * len(building_codes))
        buildings = ids(f"SELECT id FROM locations WHERE code IN ({marks})", building_codes)
        marks = ", ".join([mark] * len(buildings))
        places = buildings + ids(
            f"SELECT id FROM locations WHERE parent_id IN ({marks})", buildings
        )
        marks = ", ".join([mark] * len(places))
        found["assets"] = rows(
            f"SELECT {columns['assets']} FROM assets WHERE location_id IN ({marks})", places
        )
        prefixed = ", ".join(f"p.{c}" for c in columns["procedures"].split(", "))
        found["procedures"] = rows(
            f"SELECT {prefixed} FROM procedures p JOIN assets a ON a.id = p.asset_id "
            f"WHERE a.location_id IN ({marks})",
            places,
        )
        raw.rollback()
    finally:
        raw.close()
        engine.dispose()
    insert_bare(target, [(n, sql) for n, sql in tables if n in found], found)


def _columns(create_table: str) -> str:
    """The column names of a SQLite ``CREATE TABLE`` (in order)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(create_table)
        name = create_table.split()[2]
        return ", ".join(row[1] for row in connection.execute(f"PRAGMA table_info({name})"))
    finally:
        connection.close()


# -- the sync on PostgreSQL and MariaDB -----------------------------------------------------------------


def server_copy(admin_url: str, template: URL, name: str) -> URL:
    """A new database ``name`` copied from ``template``, one left by an earlier run
    replaced: on PostgreSQL ``CREATE DATABASE … TEMPLATE``; on MariaDB ``mariadb-dump``
    (tables, rows, triggers, routines) piped into ``mariadb``."""
    admin = parse_url(admin_url)
    drop_server_copy(admin_url, name)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if admin.get_backend_name() == "postgresql":
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
                return admin.set(database=name)
            connection.execute(
                text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            )
    finally:
        engine.dispose()
    login = [f"--host={admin.host or '127.0.0.1'}", f"--port={admin.port or 3306}"]
    login.append(f"--user={admin.username or 'root'}")
    secret = {"MYSQL_PWD": admin.password} if admin.password else {}
    environment = {**os.environ, **secret}
    dump = subprocess.run(
        ["mariadb-dump", *login, "--single-transaction", "--routines", "--triggers",
         str(template.database)],
        check=True, capture_output=True, env=environment,
    )  # fmt: skip
    subprocess.run(
        ["mariadb", *login, name], input=dump.stdout, check=True, env=environment
    )  # fmt: skip
    return admin.set(database=name)


def drop_server_copy(admin_url: str, name: str) -> None:
    admin = parse_url(admin_url)
    quoted = f'"{name}"' if admin.get_backend_name() == "postgresql" else f"`{name}`"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
    finally:
        engine.dispose()


def bare_server_postgresql(url: URL, audit_id: uuid.UUID) -> None:
    """The sync floor's PostgreSQL server (set-up, not timed): every trigger dropped, and
    every index that backs no constraint (the primary keys and unique constraints stay),
    as ``bench_kits.bare_server`` does on SQLite; and the open audit the kit's scans join
    (the same id, its row written directly)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            triggers = connection.execute(
                text(
                    "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = "
                    "t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE NOT t.tgisinternal AND n.nspname = 'public'"
                )
            ).all()
            for trigger, table in triggers:
                connection.execute(text(f'DROP TRIGGER "{trigger}" ON "{table}"'))
            indexes = connection.execute(
                text(
                    "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                    "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = "
                    "t.relnamespace WHERE n.nspname = 'public' AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)"
                )
            ).scalars()
            for index in list(indexes):
                connection.execute(text(f'DROP INDEX "{index}"'))
            connection.execute(
                text(
                    "INSERT INTO audits (id, name, scope_location_id, category_ids, status, "
                    "started_by_id, started_at, version, created_at, updated_at) "
                    "SELECT :id, 'floor', id, '[]', 'open', (SELECT id FROM people "
                    "WHERE username = 'tech'), now(), 1, now(), now() FROM locations "
                    "WHERE code_key = 'campus'"
                ),
                {"id": audit_id},
            )
    finally:
        engine.dispose()


def floor_sync_postgresql(url: URL, kit: Path) -> tuple[float, float]:
    """The sync floor on PostgreSQL, wall and CPU seconds (this process's): the kit's
    offline rows read with stdlib ``sqlite3`` (as on SQLite), then psycopg's
    ``executemany`` inserts them and updates the 1,000 assets on the bare server
    (:func:`bare_server_postgresql`) in one transaction, each value cast by the server
    from the text SQLite stores; the updated assets' search trigrams (the one index the
    floor keeps, as it keeps SQLite's) replaced together, deleted before and inserted
    after."""
    engine = create_engine(url)
    raw: Any = engine.raw_connection()  # connected before the clock, as ours is
    try:
        cursor = raw.cursor()
        cursor.execute("SET TIME ZONE 'UTC'")
        types: dict[str, list[tuple[str, str]]] = {}
        for table in ("procedures", "audit_scans"):
            cursor.execute(
                "SELECT column_name, udt_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                (table,),
            )
            types[table] = [(name, kind) for name, kind in cursor.fetchall()]
        raw.commit()
        started, cpu = time.perf_counter(), time.process_time()
        source = sqlite3.connect(kit)
        journal = "SELECT row_id FROM kit_journal WHERE record = '{}'"
        rows = {
            table: source.execute(
                f"SELECT {', '.join(n for n, _k in types[table])} FROM {table} "
                f"WHERE id IN ({journal.format(record)})"
            ).fetchall()
            for table, record in (("procedures", "procedure"), ("audit_scans", "scan"))
        }
        updates = source.execute(
            "SELECT serial_number, version, id FROM assets WHERE id IN "
            f"(SELECT asset_id FROM procedures WHERE id IN ({journal.format('procedure')}))"
        ).fetchall()
        source.close()
        for table, found in rows.items():
            names = ", ".join(n for n, _k in types[table])
            marks = ", ".join(f"%s::{kind}" for _n, kind in types[table])
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", found)
        ids = [row[2] for row in updates]
        cursor.execute(
            "DELETE FROM asset_search_trigrams WHERE tag_key IN "
            "(SELECT tag_key FROM assets WHERE id = ANY(%s::uuid[]))",
            (ids,),
        )
        cursor.executemany(
            "UPDATE assets SET serial_number = %s, version = %s WHERE id = %s::uuid", updates
        )
        cursor.execute(
            "INSERT INTO asset_search_trigrams (trigram, tag_key) SELECT DISTINCT g, a.tag_key "
            "FROM assets a, asset_search_trigrams_of(a.tag, a.serial_number, a.name) AS g "
            "WHERE a.id = ANY(%s::uuid[]) ON CONFLICT DO NOTHING",
            (ids,),
        )
        raw.commit()
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        raw.close()
        engine.dispose()


def bare_server_mariadb(url: URL, audit_id: uuid.UUID) -> None:
    """The sync floor's MariaDB server (set-up, not timed), as
    :func:`bare_server_postgresql`: every trigger dropped, and every index that backs no
    constraint (MariaDB keeps those a foreign key needs: it refuses to drop them); and
    the open audit the kit's scans join."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for (trigger,) in connection.execute(
                text(
                    "SELECT trigger_name FROM information_schema.triggers "
                    "WHERE trigger_schema = DATABASE()"
                )
            ).all():
                connection.execute(text(f"DROP TRIGGER `{trigger}`"))
            for table, index in connection.execute(
                text(
                    "SELECT DISTINCT table_name, index_name FROM information_schema.statistics "
                    "WHERE table_schema = DATABASE() AND non_unique = 1"
                )
            ).all():
                try:
                    connection.execute(text(f"DROP INDEX `{index}` ON `{table}`"))
                except OperationalError as error:  # needed in a foreign key constraint
                    code = None if error.orig is None else error.orig.args[0]
                    if code != MARIADB_NEEDED_BY_FOREIGN_KEY:
                        raise
            connection.execute(
                text(
                    "INSERT INTO audits (id, name, scope_location_id, category_ids, status, "
                    "started_by_id, started_at, version, created_at, updated_at) "
                    "SELECT :id, 'floor', id, '[]', 'open', (SELECT id FROM people "
                    "WHERE username = 'tech'), UTC_TIMESTAMP(6), 1, UTC_TIMESTAMP(6), "
                    "UTC_TIMESTAMP(6) FROM locations WHERE code_key = 'campus'"
                ),
                {"id": audit_id.hex},
            )
    finally:
        engine.dispose()


#: MariaDB's error "Cannot drop index …: needed in a foreign key constraint".
MARIADB_NEEDED_BY_FOREIGN_KEY = 1553


def floor_sync_mariadb(url: URL, kit: Path) -> tuple[float, float]:
    """The sync floor on MariaDB, wall and CPU seconds (this process's): the kit's offline
    rows read with stdlib ``sqlite3`` (as on SQLite), then PyMySQL's ``executemany``
    inserts them (one multi-row ``INSERT`` per batch: its bulk path) and the 1,000
    assets are updated on the bare server (:func:`bare_server_mariadb`) by one
    ``UPDATE`` joined to the rows per 500 (since sync9: ours does so; PyMySQL's
    ``executemany`` of an ``UPDATE`` is a round trip per row), in one transaction;
    SQLite's text (hex ids, times, JSON) is what MariaDB stores. The updated assets'
    search trigrams (the one index the floor keeps, as on the other servers) replaced
    together: deleted before (found by key, since sync9: a ``tag_key IN`` delete read
    the whole trigram table), inserted after."""
    engine = create_engine(url)
    raw: Any = engine.raw_connection()  # connected before the clock, as ours is
    try:
        cursor = raw.cursor()
        names: dict[str, list[str]] = {}
        for table in ("procedures", "audit_scans"):
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "DATABASE() AND table_name = %s ORDER BY ordinal_position",
                (table,),
            )
            names[table] = [name for (name,) in cursor.fetchall()]
        raw.commit()
        started, cpu = time.perf_counter(), time.process_time()
        source = sqlite3.connect(kit)
        journal = "SELECT row_id FROM kit_journal WHERE record = '{}'"
        rows = {
            table: source.execute(
                f"SELECT {', '.join(names[table])} FROM {table} "
                f"WHERE id IN ({journal.format(record)})"
            ).fetchall()
            for table, record in (("procedures", "procedure"), ("audit_scans", "scan"))
        }
        updates = source.execute(
            "SELECT serial_number, version, id FROM assets WHERE id IN "
            f"(SELECT asset_id FROM procedures WHERE id IN ({journal.format('procedure')}))"
        ).fetchall()
        source.close()
        for table, found in rows.items():
            marks = ", ".join(["%s"] * len(names[table]))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names[table])}) VALUES ({marks})", found
            )
        ids = [row[2] for row in updates]
        within = f"IN ({', '.join(['%s'] * len(ids))})"
        trigrams = (
            "SELECT DISTINCT lower(substring(f.v, p.n, 3)) AS trigram, f.tag_key FROM "
            f"(SELECT tag_key, tag AS v FROM assets WHERE id {within} "
            f"UNION ALL SELECT tag_key, serial_number FROM assets WHERE id {within} "
            f"UNION ALL SELECT tag_key, name FROM assets WHERE id {within}) AS f "
            "JOIN asset_search_positions p ON p.n <= char_length(f.v) - 2 "
            "WHERE f.v IS NOT NULL"
        )
        # Found by key (``DELETE … WHERE tag_key IN (…)`` reads every trigram: the
        # second column of the key).
        cursor.execute(
            f"DELETE g FROM asset_search_trigrams g JOIN ({trigrams}) AS t "
            "ON g.trigram = t.trigram AND g.tag_key = t.tag_key",
            ids * 3,
        )
        # One statement per 500 rows (PyMySQL's executemany sends an UPDATE per row).
        for start in range(0, len(updates), 500):
            part = updates[start : start + 500]
            derived = " UNION ALL ".join(
                ["SELECT %s AS s, %s AS v, %s AS i"] + ["SELECT %s, %s, %s"] * (len(part) - 1)
            )
            cursor.execute(
                f"UPDATE assets a JOIN ({derived}) AS r ON a.id = r.i "
                "SET a.serial_number = r.s, a.version = r.v",
                [value for row in part for value in row],
            )
        cursor.execute(
            "INSERT IGNORE INTO asset_search_trigrams (trigram, tag_key) "
            f"SELECT t.trigram, t.tag_key FROM ({trigrams}) AS t",
            ids * 3,
        )
        raw.commit()
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        raw.close()
        engine.dispose()
