"""Demo data has accented names to try the search on: ``assetdesk demo`` then
``assetdesk export --search`` as subprocesses, typed without accents and in any case."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.services.search import rebuild_search_index
from desktop.storage.database import open_database
from tests.cli_run import run_cli
from tests.desktop.test_demo_search_build import _index
from tests.ui.cli.test_search_cli import _assetdesk

#: More than one chunk of the demo (desktop.demo.fill.BATCH): generated in a worker.
ASSETS = 2_500


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("demo-search") / "demo.sqlite3"
    # its worker and search child whatever else runs on the machine (under load the demo
    # makes everything in its own process, desktop.demo.fill._workers)
    done = run_cli(
        "demo",
        "--assets",
        str(ASSETS),
        "--seed",
        "1",
        database=database,
        env={"ASSETDESK_DEMO_WORKERS": "on"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return database


def _found(demo: Path, typed: str, out: Path) -> set[str]:
    _assetdesk("--database", demo, "export", "--search", typed, out)
    with out.open(encoding="utf-8-sig", newline="") as file:
        return {row["Asset tag"] for row in csv.DictReader(file)}


def _tags_where(demo: Path, sql: str, written: str) -> set[str]:
    connection = sqlite3.connect(demo)
    try:
        return {tag for (tag,) in connection.execute(sql, (f"%{written}%",))}
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("typed", "written"), [("zurich", "Zürich"), ("SAO PAULO", "São Paulo"), ("krakow", "Kraków")]
)
def test_a_meeting_room_named_after_a_place_is_found_without_its_accents(
    demo: Path, tmp_path: Path, typed: str, written: str
) -> None:
    placed = _tags_where(
        demo,
        "SELECT a.tag FROM assets a JOIN locations l ON l.id = a.location_id WHERE l.name LIKE ?",
        written,
    )

    found = _found(demo, typed, tmp_path / "found.csv")

    assert placed, f"no demo asset stands in a room named {written}"
    assert found == placed


def test_people_with_accented_names_are_found_by_a_plain_query(demo: Path, tmp_path: Path) -> None:
    theirs = _tags_where(
        demo,
        "SELECT a.tag FROM assets a JOIN people p ON p.id = a.assigned_to_id WHERE p.name LIKE ?",
        "Müller",
    )

    found = _found(demo, "muller", tmp_path / "found.csv")

    assert theirs, "no demo asset is assigned to a Müller"
    assert found == theirs
    users = sqlite3.connect(demo)
    try:
        names = dict(users.execute("SELECT name, username FROM people WHERE name LIKE '%ü%'"))
    finally:
        users.close()
    assert names and all(username.isascii() for username in names.values())


def test_the_index_the_demo_built_in_its_child_is_the_one_a_rebuild_makes(
    demo: Path, tmp_path: Path
) -> None:
    """The command forks (more than one chunk, one thread): its search index was fed to
    FTS5 in a child process (desktop.demo.search_build) and copied in."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(demo, copy)
    db = open_database(f"sqlite:///{copy}")
    try:
        with db.write() as session:
            connection = session.connection()
            built = _index(connection)
            assert rebuild_search_index(connection) == ASSETS
            assert _index(connection) == built
    finally:
        db.dispose()
