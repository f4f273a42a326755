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
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, insert, select, text
from sqlalchemy.engine import URL

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
