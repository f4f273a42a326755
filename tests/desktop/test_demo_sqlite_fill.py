"""The demo's SQLite transaction: foreign keys checked once at the end, a rollback journal
while filling, and the connection as it was afterwards."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from desktop.demo import fill, fill_demo, parallel, sqlite_fill
from desktop.demo.life import LifeWriter
from desktop.demo.sqlite_fill import check_foreign_keys
from desktop.demo.stored import DanglingReferenceError, insert_spooled, referenced_ids
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure


def _pragmas(db: Database) -> tuple[int, str]:
    with db.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        keys = raw.execute("PRAGMA foreign_keys").fetchone()[0]
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    return keys, mode


def test_the_demo_leaves_foreign_keys_on_and_the_file_in_wal(sqlite_db: Database) -> None:
    fill_demo(sqlite_db, assets=50)

    assert _pragmas(sqlite_db) == (1, "wal")
    path = sqlite_db.sqlite_path
    assert path is not None
    assert not path.with_name(path.name + "-journal").exists()
    other = sqlite3.connect(path)  # a program of its own sees a WAL file
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        other.close()


def test_a_dangling_reference_rolls_the_demo_back_loudly(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(LifeWriter):  # one procedure of an asset that does not exist
        def live(self, *args: Any, **kwargs: Any) -> None:
            super().live(*args, **kwargs)
            first = self.rows.procedures[0]
            self.rows.procedures[0] = (first[0], "0" * 32, *first[2:])

    monkeypatch.setattr(parallel, "LifeWriter", Broken)

    with pytest.raises(DanglingReferenceError, match=r"procedures row .* → assets \(asset_id 0+\)"):
        fill_demo(sqlite_db, assets=50)

    with sqlite_db.read() as s:
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Procedure)).scalar_one() == 0
    assert _pragmas(sqlite_db) == (1, "wal")


def test_a_dangling_reference_outside_the_generated_rows_rolls_the_demo_back_loudly(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(connection: Connection) -> None:  # an incident about an asset that is not
        connection.exec_driver_sql(
            "INSERT INTO incident_assets (incident_id, asset_id) "
            "SELECT id, ? FROM incidents LIMIT 1",
            ("0" * 32,),
        )
        check_foreign_keys(connection)

    monkeypatch.setattr(sqlite_fill, "check_foreign_keys", broken)

    with pytest.raises(DanglingReferenceError, match=r"incident_assets row .* → assets"):
        fill_demo(sqlite_db, assets=50)

    with sqlite_db.read() as s:
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 0


def test_a_window_reading_the_file_keeps_it_in_wal_and_the_demo_still_fills_it(
    sqlite_db: Database,
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    reader = sqlite3.connect(path)  # another connection holds the file open in WAL
    try:
        reader.execute("SELECT count(*) FROM assets").fetchone()
        summary = fill_demo(sqlite_db, assets=50)
        assert reader.execute("SELECT count(*) FROM assets").fetchone()[0] == summary.assets
    finally:
        reader.close()
    assert _pragmas(sqlite_db) == (1, "wal")


def test_the_referenced_ids_read_as_stored_are_those_the_models_read(sqlite_db: Database) -> None:
    fill_demo(sqlite_db, assets=50)

    with sqlite_db.engine.connect() as connection:
        found = referenced_ids(connection)
        tables = Asset.metadata.tables
        assert found == {
            name: frozenset(
                value.hex for value in connection.execute(select(tables[name].c.id)).scalars()
            )
            for name in found
        }
    assert {"people", "locations", "asset_models", "procedure_templates"} <= set(found)
    assert len(found["people"]) > 10


def test_a_conflicting_spooled_row_rolls_the_whole_demo_back(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's rows are copied with INSERT OR ROLLBACK (no statement journal): a
    constraint failure ends the transaction at once, and nothing of the rows copied or
    inserted before it stays."""
    if not parallel.fork_is_safe():
        pytest.skip("this test process runs threads (or is not on Linux): no fork")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setenv(fill.WORKERS_VARIABLE, "on")  # whatever else runs on the machine
    monkeypatch.setattr(fill, "BATCH", 30)
    copied: list[int] = []

    def twice(connection: Connection, path: str, number: int) -> None:
        insert_spooled(connection, path, number)
        copied.append(connection.exec_driver_sql("SELECT count(*) FROM assets").scalar_one())
        insert_spooled(connection, path, number + 100)  # the same ids again

    monkeypatch.setattr(fill, "insert_spooled", twice)

    with pytest.raises(IntegrityError, match="UNIQUE constraint failed"):
        fill_demo(sqlite_db, assets=120, seed=3)

    assert copied and copied[0] > 30  # this process's chunk and the worker's were in
    with sqlite_db.read() as s:
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Procedure)).scalar_one() == 0
    assert _pragmas(sqlite_db) == (1, "wal")
    monkeypatch.undo()
    assert fill_demo(sqlite_db, assets=50).assets == 50  # the file is as it was


def _schema(db: Database) -> list[tuple[str, str, str]]:
    with db.engine.connect() as connection:
        return [
            (kind, name, sql)
            for kind, name, sql in connection.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "ORDER BY type, name"
            )
        ]


@pytest.mark.parametrize("keep_from", [fill.KEEP_FROM, 1])
def test_the_demo_leaves_every_index_and_trigger_a_new_database_has(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, keep_from: int
) -> None:
    """Whichever indexes are kept while the demo writes and which are built at its end
    (fill.KEEP_FROM: below it, all of them built at the end), the file has afterwards
    the indexes and triggers, with the same definitions, that the migrations made —
    and a search uses them (one procedure looked up by performer and state)."""
    monkeypatch.setattr(fill, "KEEP_FROM", keep_from)
    made = _schema(sqlite_db)

    fill_demo(sqlite_db, assets=120, seed=2)

    assert _schema(sqlite_db) == made
    with sqlite_db.engine.connect() as connection:
        plan = " ".join(
            row[3]
            for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM procedures WHERE state = 'pending_approval'"
            )
        )
        assert "ix_procedures_state" in plan
        pending = connection.exec_driver_sql(
            "SELECT count(*) FROM procedures WHERE state = 'pending_approval'"
        ).scalar_one()
        scanned = connection.exec_driver_sql(
            "SELECT count(*) FROM procedures NOT INDEXED WHERE state = 'pending_approval'"
        ).scalar_one()
        assert pending == scanned
