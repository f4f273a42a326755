"""An import's commit keeps the search index in tag order: paused and rebuilt once when
the import is a good share of the register, kept row by row (and still ranked) when not."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.services import register_pages
from desktop.services.plain_reads import sqlite_search_page
from desktop.services.queries import AssetFilter, list_assets
from desktop.services.register_pages import RegisterPager
from desktop.services.search import sqlite_unranked
from desktop.services.search_query import sqlite_in_tag_order
from desktop.spreadsheets import commit
from desktop.spreadsheets.bulk_index import (
    BULK_CACHE_KIB,
    BULK_CACHE_MAX_KIB,
    bulk_cache_kib,
    pays_to_pause,
)
from desktop.spreadsheets.model import ImportOptions
from desktop.spreadsheets.plan import dry_run
from desktop.storage.database import Database
from desktop.storage.migrate import upgrade
from tests.cli_run import run_cli
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import seed_world


def _interleaved_csv(path: Path, rows: int, start: int = 1) -> Path:
    """Laptops and monitors listed alternately, each series ascending (a supplier's
    delivery note): the order that used up the rank gaps before revision 0008."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Asset tag", "Name", "Category", "Serial number", "Location"])
        for n in range(start, start + rows):
            writer.writerow([f"LAP-{n:05d}", f"Laptop {n}", "Laptop", f"SL{n:06d}", "Store"])
            writer.writerow([f"MON-{n:05d}", f"Monitor {n}", "Monitor", f"SM{n:06d}", "Store"])
    return path


def _indexes(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
        return [(name, sql or "") for name, sql in rows]


def _search_config(db: Database) -> list[tuple[str, object]]:
    with db.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT k, v FROM asset_search_config ORDER BY k"
        )
        return [(k, v) for k, v in rows]


def _cli(database: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=database)


def _search_reads_the_index_in_tag_order(
    db: Database, text_: str, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """A page of a search in the register, asserting that it was read in rank order (a
    search alone, as typed in the box, by the index's prepared statement in tag order)."""
    used: list[str] = []

    def in_tag_order(*args: Any, **kwargs: Any) -> Any:
        used.append(text_)
        return sqlite_in_tag_order(*args, **kwargs)

    def search_page(*args: Any, **kwargs: Any) -> Any:
        used.append(text_)
        return sqlite_search_page(*args, **kwargs)

    monkeypatch.setattr(register_pages, "sqlite_in_tag_order", in_tag_order)
    monkeypatch.setattr(register_pages, "sqlite_search_page", search_page)
    flt = AssetFilter(search=text_)
    with db.read() as session:
        page = [r.tag for r in RegisterPager(flt, descending=False).page(session, 0, 50)]
        expected = [r.tag for r in list_assets(session, flt, descending=False, limit=50)]
    assert used == [text_]
    assert page == expected
    return page


@pytest.mark.parametrize("rows", [300, 2])
def test_an_import_from_the_command_line_leaves_every_asset_in_tag_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """300 rows into an empty register (index paused, rebuilt once), then 2 more rows into
    it (too few to pause: the triggers rank them): ``db info`` reports none out of order,
    and a search's first page is read from the index in tag order."""
    path = tmp_path / "register.sqlite3"
    # ``db info`` only reports on a file that is not there yet; ``db upgrade`` creates it
    assert _cli(path, "db", "upgrade").returncode == 0
    db = Database(f"sqlite:///{path}")
    seed_world(db)
    indexes_before = _indexes(db)
    config_before = _search_config(db)
    db.dispose()
    first = _cli(
        path, "import", str(_interleaved_csv(tmp_path / "first.csv", 300)), "--as", "admin"
    )
    assert first.returncode == 0, first.stderr
    if rows == 2:
        more = _interleaved_csv(tmp_path / "more.csv", 2, start=150_000)
        assert not pays_to_pause(4, 604)
        second = _cli(path, "import", str(more), "--as", "admin")
        assert second.returncode == 0, second.stderr
    info = _cli(path, "db", "info", "--json")
    assert info.returncode == 0, info.stderr
    figures = json.loads(info.stdout)
    assert figures["counts"]["assets"] == 600 + (4 if rows == 2 else 0)
    assert figures["search_index_out_of_order"] == 0
    db = Database(f"sqlite:///{path}")
    assert _indexes(db) == indexes_before  # dropped for the bulk writes, built again
    # FTS5's pending-data size was raised for the rebuild only
    assert _search_config(db) == config_before
    with db.read() as session:
        ids = [
            uuid.UUID(hex=i)
            for (i,) in session.connection().exec_driver_sql("SELECT id FROM assets ORDER BY rowid")
        ]
    # New rows' ids are time-ordered (version 7): in the order they were written
    assert {i.version for i in ids} == {7}
    assert ids == sorted(ids)
    with db.read() as session:
        assert sqlite_unranked(session.connection()) == 0
    page = _search_reads_the_index_in_tag_order(db, "mon-0", monkeypatch)
    assert page[:3] == ["MON-00001", "MON-00002", "MON-00003"]
    assert _search_reads_the_index_in_tag_order(db, "sl00001", monkeypatch)[0] == "LAP-00010"
    db.dispose()


def test_the_index_is_paused_for_a_large_share_of_the_register_only() -> None:
    assert pays_to_pause(600, 600)
    assert pays_to_pause(10_000, 80_000)
    assert not pays_to_pause(100, 80_000)
    assert not pays_to_pause(0, 0)


def test_a_bulk_import_takes_a_page_cache_by_the_memory_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A quarter of the free memory, at least 256 MB and at most 1 GB; 256 MB where the
    free memory cannot be read (not Linux)."""
    page = 4096
    free_pages = {"SC_PAGE_SIZE": page}

    def sysconf(name: str) -> int:
        if name not in free_pages:
            raise ValueError(name)
        return free_pages[name]

    monkeypatch.setattr(os, "sysconf", sysconf)  # the module the import reads it from
    assert bulk_cache_kib() == BULK_CACHE_KIB  # SC_AVPHYS_PAGES unknown
    for free, expected in (
        (512 * 1024**2, BULK_CACHE_KIB),  # a quarter is 128 MB: 256
        (2 * 1024**3, 512 * 1024),
        (64 * 1024**3, BULK_CACHE_MAX_KIB),
    ):
        free_pages["SC_AVPHYS_PAGES"] = free // page
        assert bulk_cache_kib() == expected
    assert BULK_CACHE_KIB == 256 * 1024 and BULK_CACHE_MAX_KIB == 1024 * 1024


def _new_register(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'register.sqlite3'}")
    upgrade(db.engine)
    seed_world(db)
    return db


def _thirty_laptops(tmp_path: Path) -> Path:
    """30 new laptops, every third one handed to Una (a receive, then an install)."""
    return write_workbook(
        tmp_path / "laptops.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Assigned to"],
            *[
                [f"LAP-{n:03d}", f"Laptop {n}", "Laptop", "Room A1", "user" if n % 3 else None]
                for n in range(30)
            ],
        ],
    )


def test_a_bulk_imports_procedures_are_made_while_the_indexes_are_built_and_kept_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite builds the assets' indexes without the interpreter's lock: the first new
    assets' procedures are made meanwhile in a second thread (whole batches, up to
    PROCEDURES_AHEAD rows), the rest after it as before. Every asset gets its receive
    (and its install), written in the order of the rows, the ids time-ordered."""
    monkeypatch.setattr(commit, "PROCEDURE_BATCH", 4)
    monkeypatch.setattr(commit, "PROCEDURES_AHEAD", 8)
    made_in: list[str] = []
    make = commit._Writer._new_procedures

    def recorded(self: commit._Writer, *args: Any) -> None:
        made_in.append(threading.current_thread().name)
        make(self, *args)

    monkeypatch.setattr(commit._Writer, "_new_procedures", recorded)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.4, 0.4))  # a quiet machine
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    db = _new_register(tmp_path)
    plan = dry_run(db, _thirty_laptops(tmp_path), ImportOptions())
    result = commit.commit_import(db, plan, performed_by="tech")
    assert result.procedures == 30 + 20
    here = threading.current_thread().name
    # Ahead, two batches of at least 4 procedures: LAP-000 (a receive), 001, 002 (a receive
    # and an install each); then LAP-003, 004 and 005 (5 again).
    assert made_in[:6] == ["assetdesk-import-rows"] * 6
    assert made_in[6:] == [here] * 24
    assert sys.getswitchinterval() == pytest.approx(0.005)
    with db.read() as session:
        written = session.connection().exec_driver_sql(
            "SELECT a.tag, p.kind FROM procedures p JOIN assets a ON a.id = p.asset_id "
            "ORDER BY p.id"
        )
        assert [tuple(r) for r in written] == [
            step
            for n in range(30)
            for step in (
                (f"LAP-{n:03d}", "receive"),
                *([(f"LAP-{n:03d}", "install")] * (n % 3 > 0)),
            )
        ]
    db.dispose()


def test_on_a_busy_machine_the_procedures_are_made_after_the_index_builds_in_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no core free (the load average at the cores) a second thread would only take
    the first one's share: every row is made in the commit's own thread, after the
    index builds, a batch at a time as before (none held ahead), and written the same."""
    made_in: list[str] = []
    make = commit._Writer._new_procedures

    def recorded(self: commit._Writer, *args: Any) -> None:
        made_in.append(threading.current_thread().name)
        make(self, *args)

    monkeypatch.setattr(commit._Writer, "_new_procedures", recorded)

    def not_ahead(self: commit._Writer, *args: Any) -> int:
        raise AssertionError("rows made ahead on a busy machine")

    monkeypatch.setattr(commit._Writer, "_procedures_ahead", not_ahead)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.4, 0.4))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    db = _new_register(tmp_path)
    plan = dry_run(db, _thirty_laptops(tmp_path), ImportOptions())
    assert commit.commit_import(db, plan, performed_by="tech").procedures == 50
    assert made_in == [threading.current_thread().name] * 30
    assert counts(db)[1] >= 50
    db.dispose()


@pytest.mark.parametrize("load", [0.4, 1.6])
def test_an_error_making_the_procedures_beside_the_index_builds_leaves_the_register_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: float
) -> None:
    """What goes wrong making the rows (in the second thread, or after the builds on a
    busy machine) is raised by the commit, and nothing is written (the assets written
    before it are rolled back)."""
    make = commit._Writer._new_procedures
    calls: list[int] = []

    def failing(self: commit._Writer, *args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the third asset's procedures")
        make(self, *args)

    monkeypatch.setattr(commit._Writer, "_new_procedures", failing)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    db = _new_register(tmp_path)
    plan = dry_run(db, _thirty_laptops(tmp_path), ImportOptions())
    before = counts(db)
    with pytest.raises(RuntimeError, match="the third asset's procedures"):
        commit.commit_import(db, plan, performed_by="tech")
    assert counts(db) == before
    assert len(calls) == 3
    db.dispose()
