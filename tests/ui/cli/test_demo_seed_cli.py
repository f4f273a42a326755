"""``assetdesk demo --seed S --today D`` makes the same register every time: the same
assets, procedures (kinds, states, answers, times), approvals and incidents, whichever
process made which chunk and whatever the hash seed; only the random ids differ, and the
reference data's creation times. Another seed makes another register."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from desktop.demo import fill, fill_demo
from desktop.storage.database import Database
from tests.cli_run import run_cli

#: The tables the demo generates itself: their times come from the seeded histories.
GENERATED = {"assets", "procedures", "approvals", "incidents", "incident_assets", "incident_events"}
#: The environment of a demo that forks its worker whatever else runs on the machine
#: (desktop.demo.fill._workers: under load it makes everything in its own process).
WORKER = {"ASSETDESK_DEMO_WORKERS": "on"}
#: Columns the reference services and migrations fill from the wall clock.
WALL_CLOCK = {"created_at", "updated_at"}
#: An id as SQLite stores it, or as JSON documents (changes, approvers' groups) spell it.
_ID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _run(database: Path, seed: int, assets: int, hash_seed: str) -> str:
    argv = ["demo", "--assets", str(assets), "--seed", str(seed), "--today", "2026-11-30"]
    done = run_cli(
        *argv, database=database, env={"PYTHONHASHSEED": hash_seed, **WORKER}, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done.stdout


def canonical(path: Path, only: Mapping[str, Sequence[str]] | None = None) -> dict[str, list[str]]:
    """Every table's rows, sorted, each id replaced by a label made from the contents of
    the row it names (refined a few rounds, so that a procedure's label holds its asset's,
    whose label holds its model's …), wall-clock columns of reference data left out.
    ``only``: only these tables, and of each only these columns (``id`` among them
    where the table has one)."""
    with sqlite3.connect(path) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if not name.startswith(("asset_search", "alembic_version", "sqlite_"))
        ]
        if only is not None:
            names = sorted(only)
        tables: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
        for name in names:
            listed = "*" if only is None else ", ".join(f'"{c}"' for c in only[name])
            cursor = connection.execute(f'SELECT {listed} FROM "{name}"')
            tables[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    labels: dict[str, str] = {}
    for name, (columns, rows) in tables.items():
        if "id" in columns:
            at = columns.index("id")
            labels.update((str(row[at]), name) for row in rows)

    def content(name: str, columns: list[str], row: tuple[object, ...]) -> str:
        kept = [
            _ID.sub(lambda m: labels.get(m[0].replace("-", ""), "unknown id"), value)
            if isinstance(value, str)
            else value
            for column, value in zip(columns, row, strict=True)
            if column != "id" and (name in GENERATED or column not in WALL_CLOCK)
        ]
        return repr(kept)

    for _round in range(6):
        refined: dict[str, str] = {}
        for name, (columns, rows) in tables.items():
            if "id" in columns:
                at = columns.index("id")
                for row in rows:
                    digest = hashlib.sha1(content(name, columns, row).encode()).hexdigest()
                    refined[str(row[at])] = f"{name}:{digest[:16]}"
        labels = refined
    return {
        name: sorted(content(name, columns, row) for row in rows)
        for name, (columns, rows) in tables.items()
    }


def _differences(a: dict[str, list[str]], b: dict[str, list[str]]) -> list[str]:
    found = []
    for name in sorted(a):
        if a[name] != b[name]:
            only_a = sorted(set(a[name]) - set(b[name]))
            found.append(f"{name}: {len(a[name])} vs {len(b[name])} rows, e.g. {only_a[:1]}")
    return found


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the demo forks its worker on Linux only"
)
@pytest.mark.parametrize(
    "assets",
    [
        # Large enough that the command line forks a worker (more than one chunk,
        # fill._workers): chunks are made in both processes, in whichever order.
        2 * fill.BATCH + 500,
        # One chunk: all made in this process.
        300,
    ],
)
def test_the_same_seed_and_day_make_the_same_register(tmp_path: Path, assets: int) -> None:
    assert (assets > fill.BATCH) == (assets > 300)  # the large one is the forked one
    first = _run(tmp_path / "first.sqlite3", 7, assets, hash_seed="1")
    second = _run(tmp_path / "second.sqlite3", 7, assets, hash_seed="2")
    _run(tmp_path / "other.sqlite3", 8, assets, hash_seed="1")
    assert f"--assets {assets} --seed 7 --today 2026-11-30" in first

    a, b = canonical(tmp_path / "first.sqlite3"), canonical(tmp_path / "second.sqlite3")
    assert len(a["assets"]) == assets and len(a["procedures"]) > 2 * assets
    assert a["approvals"] and a["incidents"] and a["incident_events"]
    assert _differences(a, b) == []
    # The summary says so too, count by count.
    assert first.splitlines()[1:6] == second.splitlines()[1:6]

    c = canonical(tmp_path / "other.sqlite3")
    changed = {name for name in a if a[name] != c[name]}
    assert {"assets", "procedures", "approvals", "incidents"} <= changed
    # … but the reference data is the catalog's, whatever the seed.
    assert a["locations"] == c["locations"] and a["people"] == c["people"]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the demo forks its worker on Linux only"
)
def test_the_forked_worker_and_this_process_alone_make_the_same_register(
    tmp_path: Path, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assets = 2 * fill.BATCH + 500
    _run(tmp_path / "forked.sqlite3", 7, assets, hash_seed="3")
    monkeypatch.setattr(fill, "_workers", lambda *_: (0, "spawn"))
    fill_demo(sqlite_db, assets=assets, seed=7, today=dt.date(2026, 11, 30))
    assert sqlite_db.sqlite_path is not None
    alone = canonical(sqlite_db.sqlite_path)
    assert len(alone["assets"]) == assets
    assert _differences(canonical(tmp_path / "forked.sqlite3"), alone) == []


def test_a_wrong_day_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    command = [sys.executable, "-m", "ui.cli.main", "--database", str(database), "demo"]
    for day, message in (
        ("30.11.2026", "'30.11.2026' is not a date like 2026-12-05"),
        ("2999-01-01", "the history would be dated in the future"),
        ("1999-12-31", "too early"),
    ):
        done = subprocess.run(
            [*command, "--assets", "20", "--today", day],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr
    assert not database.exists() or "assets" not in _tables(database)


def _tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {n for (n,) in connection.execute("SELECT name FROM sqlite_master")}
