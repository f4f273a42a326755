"""Bare-work floors shared by the benchmarks: our tables without our extras.

A floor that carries our own overhead hides it (issue 17: the import's floor was
quadratic with our own rank trigger). These helpers make the tables a floor writes into:
the same columns, primary keys only — no secondary or unique indexes, no triggers, no
search index — and build the one index we keep per row (the search index) once.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_UNIQUE = re.compile(r",\s*CONSTRAINT (\w+) UNIQUE (\([^)]*\))")


def bare_tables(template: Path) -> list[tuple[str, str]]:
    """(name, CREATE TABLE without unique constraints) of ``template``'s own tables."""
    source = sqlite3.connect(template)
    try:
        tables = source.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'asset_search%' "
            "AND name != 'alembic_version'"
        ).fetchall()
    finally:
        source.close()
    return [(name, _UNIQUE.sub("", sql)) for name, sql in tables]


def all_rows(database: Path, tables: list[tuple[str, str]]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` in ``database`` (read before a floor's timed part)."""
    connection = sqlite3.connect(database)
    try:
        return {
            name: connection.execute(f"SELECT * FROM {name}").fetchall() for name, _sql in tables
        }
    finally:
        connection.close()


def build_search_index_once(connection: sqlite3.Connection) -> None:
    """The search index over the same six fields as ours, built in one statement."""
    connection.execute(
        "CREATE VIRTUAL TABLE asset_search USING fts5("
        "tag, serial_number, name, model, assignee, location, tokenize='trigram')"
    )
    connection.execute(
        "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)"
        " SELECT a.rowid, a.tag, coalesce(a.serial_number, ''), a.name,"
        " coalesce(f.name || ' ' || m.name, ''), coalesce(p.name, ''), coalesce(l.name, '')"
        " FROM assets a LEFT JOIN asset_models m ON m.id = a.model_id"
        " LEFT JOIN manufacturers f ON f.id = m.manufacturer_id"
        " LEFT JOIN people p ON p.id = a.assigned_to_id"
        " LEFT JOIN locations l ON l.id = a.location_id ORDER BY a.tag_key"
    )


def insert_bare(
    database: Path,
    tables: list[tuple[str, str]],
    rows: dict[str, list[tuple[Any, ...]]],
    *,
    cache_kib: int | None = None,
    indexes: Sequence[str] = (),
    journal: tuple[str, str] = ("WAL", "NORMAL"),
) -> None:
    """Create ``tables`` bare in a new ``database`` and ``executemany`` ``rows`` into them
    in one transaction, then build the search index once (the timed part of a floor).
    ``cache_kib``: the page cache the measured code path gives itself (SQLite's default
    of 2 MiB otherwise), so that the floor does not thrash where ours does not.
    ``indexes``: ``CREATE [UNIQUE] INDEX`` statements run once after the inserts (the
    indexes the finished database keeps, see :func:`kept_indexes`). ``journal``: the
    journal mode and ``synchronous`` setting of the transaction."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute(f"PRAGMA journal_mode={journal[0]}")
        connection.execute(f"PRAGMA synchronous={journal[1]}")
        if cache_kib is not None:
            connection.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        connection.execute("BEGIN IMMEDIATE")
        for name, sql in tables:
            connection.execute(sql)
            found = rows.get(name)
            if found:
                marks = ", ".join("?" * len(found[0]))
                connection.executemany(f"INSERT INTO {name} VALUES ({marks})", found)
        for sql in indexes:
            connection.execute(sql)
        build_search_index_once(connection)
        connection.execute("COMMIT")
    finally:
        connection.close()


def kept_indexes(template: Path, tables: Sequence[tuple[str, str]]) -> list[str]:
    """The ``CREATE INDEX`` statements of ``template``'s secondary indexes on ``tables``,
    and a ``CREATE UNIQUE INDEX`` for each unique constraint :func:`bare_tables` left out:
    the indexes the finished database keeps, for a floor to build once at the end."""
    names = {name for name, _sql in tables}
    source = sqlite3.connect(template)
    try:
        found = source.execute(
            "SELECT tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index') "
            "AND sql IS NOT NULL ORDER BY type DESC, name"
        ).fetchall()
    finally:
        source.close()
    unique = [
        f"CREATE UNIQUE INDEX {match[1]} ON {table} {match[2]}"
        for table, sql in found
        if table in names and sql.startswith("CREATE TABLE")
        for match in _UNIQUE.finditer(sql)
    ]
    return unique + [
        sql for table, sql in found if table in names and sql.startswith("CREATE INDEX")
    ]
