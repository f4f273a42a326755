"""The demo's histories read right where a person reads them: ``assetdesk asset show``.

A demo is made as a person makes one (``assetdesk demo`` in a process of its own), then
assets of every kind of life are shown as a person would look at them — each one's
history oldest to newest tells how it came to be what the register says: every change
starts where the one before it left the field, the times run forward, a repair's notes
line carries the day the repair was recorded, and the rows are names, not ids. And the
register is varied: many models, people and rooms, and lives of many shapes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.cli_run import run_cli

ASSETS = 400
#: An id as a change's text would show it, were it not a name.
_ID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The asset's fields as ``asset show --json`` gives them, by the field a change names.
_SHOWN = {"location": "location", "assigned_to": "assigned_to", "notes": "notes"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-history") / "demo.sqlite3"
    made = run_cli(
        "demo", "--assets", str(ASSETS), "--seed", "3", "--today", "2026-11-30",
        database=path, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    return path


def _show(path: Path, tag: str, *extra: str) -> str:
    shown = run_cli("asset", "show", tag, *extra, database=path, timeout=120)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert "Traceback" not in shown.stderr
    return shown.stdout


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def _samples(path: Path) -> list[str]:
    """An asset of each final status with the longest history, and the assets with the
    most repairs and the most reassignments."""
    tags = [
        str(tag)
        for (tag,) in _query(
            path,
            "SELECT (SELECT a.tag FROM assets a JOIN procedures p ON p.asset_id = a.id "
            "        WHERE a.status = s.status GROUP BY a.id ORDER BY count(*) DESC, a.tag "
            "        LIMIT 1) FROM (SELECT DISTINCT status FROM assets) s",
        )
    ]
    for reason in ("Repaired: %", "Reissued%"):
        ((tag,),) = _query(
            path,
            "SELECT a.tag FROM assets a JOIN procedures p ON p.asset_id = a.id "
            f"WHERE p.reason LIKE '{reason}' GROUP BY a.id ORDER BY count(*) DESC, a.tag LIMIT 1",
        )
        tags.append(str(tag))
    return sorted(set(tags))


def test_each_kind_of_life_reads_right_in_asset_show(demo: Path) -> None:
    samples = _samples(demo)
    assert len(samples) >= 6  # the six statuses at least (a repair's may be one of them)
    repairs = 0
    for tag in samples:
        shown = json.loads(_show(demo, tag, "--json"))
        asset, history = shown["asset"], shown["history"][::-1]  # oldest first
        assert history[0]["kind"] == "receive", tag
        times = [dt.datetime.fromisoformat(p["performed_at"]) for p in history]
        assert times == sorted(times) and len(set(times)) == len(times), tag
        latest: dict[str, str] = {}
        completed = 0
        for procedure, at in zip(history, times, strict=True):
            assert procedure["performed_by"] and procedure["origin"] == "demo", tag
            if procedure["state"] != "completed":
                continue  # waits for approval: changes nothing yet
            completed += 1
            for change in procedure["changes"]:
                field = change["field"]
                assert not _ID.search(change["before_text"] + change["after_text"]), change
                assert change["before_text"] == latest.get(field, ""), (tag, change)
                assert change["after_text"] != change["before_text"], (tag, change)
                latest[field] = change["after_text"]
            if procedure["reason"].startswith("Repaired: "):
                repairs += 1
                fix = procedure["reason"].removeprefix("Repaired: ")
                # the day the repair was recorded, as the history shows it
                assert latest["notes"].splitlines()[-1] == f"{at.date()}: {fix}", tag
            if procedure["kind"] in ("decommission", "dispose"):
                assert len(procedure["approvals"]) == 2, tag
        assert asset["version"] == completed, tag
        for field, key in _SHOWN.items():
            assert asset[key] == latest.get(field, ""), (tag, field)
        assert asset["status"] == latest["status"].lower().replace(" ", "_"), tag
    assert repairs >= 2
    # as a person reads it: names, not ids
    text = _show(demo, samples[0], "--history", "all")
    assert "History (" in text and "procedures, newest first;" in text
    assert "Status: — → In stock" in text and not _ID.search(text.split("History")[1])


def test_the_register_is_varied(demo: Path) -> None:
    def count(sql: str) -> int:
        ((found,),) = _query(demo, sql)
        assert isinstance(found, int)
        return found

    assert count("SELECT count(DISTINCT model_id) FROM assets") >= 25
    assert count("SELECT count(DISTINCT assigned_to_id) FROM assets") >= 40
    assert count("SELECT count(DISTINCT location_id) FROM assets") >= 40
    assert count("SELECT count(DISTINCT performed_by_id) FROM procedures") >= 10
    # lives of many shapes: the sequence of each asset's procedures' kinds and reasons
    shapes = count(
        "SELECT count(DISTINCT shape) FROM (SELECT group_concat(kind || ':' || reason, '|') "
        "AS shape FROM (SELECT * FROM procedures ORDER BY performed_at) GROUP BY asset_id)"
    )
    assert shapes >= ASSETS // 2
