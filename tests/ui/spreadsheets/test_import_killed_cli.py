"""``assetdesk import`` killed while its bulk commit writes (``kill -9``, a power cut short
of the disk): it writes with a rollback journal (desktop.storage.bulk_journal), and the
next command plays the journal back — the register is as it was, every row, and in WAL
again; the same import then goes through."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from desktop.storage.database import Database
from tests.factories import seed_world


def _command(database: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli.main", "--database", str(database), *argv]


def _run(database: Path, *argv: str) -> str:
    done = subprocess.run(
        _command(database, *argv), capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done.stdout


def _laptops(path: Path, rows: int, start: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Asset tag", "Name", "Category", "Serial number", "Location", "Notes"])
        for n in range(start, start + rows):
            writer.writerow(
                [f"LAP-{n:06d}", f"Laptop {n}", "Laptop", f"SL{n:07d}", "Store", "x" * 200]
            )
    return path


def _contents(database: Path) -> list[str]:
    """Every table's rows (the search index's too), as SQL text, in a stable order."""
    connection = sqlite3.connect(database)
    try:
        return sorted(connection.iterdump())
    finally:
        connection.close()


def _kill_while_writing(database: Path, source: Path) -> bool:
    """Start the import, ``kill -9`` it once it writes the file itself (grown past its
    size, its rollback journal beside it); True if it was killed then, False if it ended
    first."""
    size = database.stat().st_size
    journal = database.with_name(database.name + "-journal")
    importing = subprocess.Popen(
        _command(database, "import", str(source), "--as", "admin"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 600
        while importing.poll() is None and time.monotonic() < deadline:
            if journal.exists() and database.stat().st_size > size:
                importing.send_signal(signal.SIGKILL)
                importing.wait(timeout=30)
                return importing.returncode == -signal.SIGKILL and journal.exists()
            time.sleep(0.001)
        return False
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait()


def test_an_import_killed_while_writing_leaves_the_register_as_it_was(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    _run(database, "db", "upgrade")
    db = Database(f"sqlite:///{database}")
    seed_world(db)
    db.dispose()
    _run(database, "import", str(_laptops(tmp_path / "first.csv", 50, start=1)), "--as", "admin")
    before = _contents(database)
    pristine = tmp_path / "pristine.sqlite3"
    source = _laptops(tmp_path / "delivery.csv", 5_000, start=1000)
    _copy(database, pristine)

    # The commit's write into the file lasts a moment: tried again if the import ended first.
    for _attempt in range(3):
        if _kill_while_writing(database, source):
            break
        _copy(pristine, database)
    else:
        raise AssertionError("the import was never caught writing the file")

    info = json.loads(_run(database, "db", "info", "--json"))  # plays the journal back
    assert info["counts"]["assets"] == 50
    assert not database.with_name(database.name + "-journal").exists()
    assert _contents(database) == before
    check = sqlite3.connect(database)
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        check.close()

    _run(database, "import", str(source), "--as", "admin")
    info = json.loads(_run(database, "db", "info", "--json"))
    assert info["counts"]["assets"] == 5_050
    assert info["search_index_out_of_order"] == 0


def _copy(source: Path, target: Path) -> None:
    """``source``'s file alone (closed cleanly: no journal or log beside it)."""
    for suffix in ("-journal", "-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
