"""A bulk import writes with a rollback journal only when its process has the file to
itself (the command line, ``alone``) and no other connection has it open; a window's
import, or one while another program reads the file, writes in WAL. Either way the file
is in WAL afterwards (see desktop.storage.bulk_journal)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.model import ImportOptions
from desktop.spreadsheets.plan import dry_run
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts
from tests.factories import seed_world


def _laptops(path: Path, rows: int, start: int = 1) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Asset tag", "Name", "Category", "Serial number", "Location"])
        for n in range(start, start + rows):
            writer.writerow([f"LAP-{n:05d}", f"Laptop {n}", "Laptop", f"SL{n:06d}", "Store"])
    return path


def _journals_seen(db: Database, source: Path, *, alone: bool) -> set[str]:
    """Import ``source``; the files beside the database seen while the commit wrote."""
    path = db.sqlite_path
    assert path is not None
    seen: set[str] = set()

    def progress(done: int, total: int) -> None:
        for suffix in ("-journal", "-wal"):
            if path.with_name(path.name + suffix).exists():
                seen.add(suffix)

    plan = dry_run(db, source, ImportOptions())
    commit_import(db, plan, performed_by="admin", progress=progress, alone=alone)
    return seen


def _journal_mode(path: Path) -> str:
    other = sqlite3.connect(path)  # a program of its own
    try:
        return str(other.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        other.close()


@pytest.mark.parametrize("alone", [True, False])
def test_a_bulk_import_uses_a_rollback_journal_only_alone(
    sqlite_db: Database, tmp_path: Path, alone: bool
) -> None:
    seed_world(sqlite_db)
    source = _laptops(tmp_path / "laptops.csv", 3000)

    seen = _journals_seen(sqlite_db, source, alone=alone)

    assert seen == ({"-journal"} if alone else {"-wal"})
    assert counts(sqlite_db)[0] == 3000
    path = sqlite_db.sqlite_path
    assert path is not None
    assert not path.with_name(path.name + "-journal").exists()
    assert _journal_mode(path) == "wal"
    with sqlite_db.engine.connect() as connection:  # the pooled connection: as it was
        raw = connection.connection.driver_connection
        assert raw is not None
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_bulk_import_stays_in_wal_while_another_program_reads_the_file(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    path = sqlite_db.sqlite_path
    assert path is not None
    reader = sqlite3.connect(path)  # a window elsewhere: holds the file open in WAL
    try:
        assert reader.execute("SELECT count(*) FROM assets").fetchone()[0] == 0
        seen = _journals_seen(sqlite_db, _laptops(tmp_path / "l.csv", 3000), alone=True)
        assert seen == {"-wal"}
        assert reader.execute("SELECT count(*) FROM assets").fetchone()[0] == 3000
    finally:
        reader.close()
    assert _journal_mode(path) == "wal"


def test_a_small_import_into_a_large_register_stays_in_wal(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Not a bulk write (the index is kept row by row): the journal stays as it is."""
    seed_world(sqlite_db)
    _journals_seen(sqlite_db, _laptops(tmp_path / "many.csv", 3000), alone=True)

    seen = _journals_seen(sqlite_db, _laptops(tmp_path / "few.csv", 5, start=9000), alone=True)

    assert seen == {"-wal"}
    assert counts(sqlite_db)[0] == 3005
