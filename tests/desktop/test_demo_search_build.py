"""The demo's search index fed to FTS5 in a child process (:mod:`desktop.demo.search_build`):
the same rows under the same ranks as the rebuild in this process, a sound FTS5 index
that this connection then searches and keeps up, and the rebuild here when the child fails."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

import pytest
from sqlalchemy import Connection

from desktop.demo import fill, fill_demo
from desktop.demo.parallel import make_chunk
from desktop.demo.search_build import SearchBuild, ranked_rows
from desktop.demo.stored import ASSETS as ASSETS_TABLE
from desktop.demo.stored import insert_stored
from desktop.demo.world import build_world
from desktop.services.search import indexed_names, rank_assets_anew
from desktop.storage.database import Database

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the demo forks its child on Linux only"
)
ASSETS = 600


def _index(connection: Connection) -> tuple[list[Any], list[Any], list[Any]]:
    """The index's rows by rank, the ranks in tag order, and a trigram search's hits."""
    connection.exec_driver_sql("INSERT INTO asset_search(asset_search) VALUES('integrity-check')")
    rows = connection.exec_driver_sql("SELECT rowid, * FROM asset_search ORDER BY rowid").all()
    ranks = connection.exec_driver_sql(
        "SELECT r.rank, a.tag FROM asset_search_rank r JOIN assets a ON a.rowid = r.asset_rowid "
        "ORDER BY r.rank"
    ).all()
    hits = connection.exec_driver_sql(
        "SELECT rowid FROM asset_search WHERE asset_search MATCH 'office' ORDER BY rowid"
    ).all()
    return list(rows), list(ranks), list(hits)


@pytest.fixture
def demo(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    with monkeypatch.context() as patched:  # all in this process: the index rebuilt here
        patched.setattr(fill, "_workers", lambda *_: (0, "spawn"))
        fill_demo(sqlite_db, assets=ASSETS, seed=3)
    return sqlite_db


def _handed_to_a_child(connection: Connection) -> SearchBuild:
    """A child started and given the index's rows, as the demo does."""
    build = SearchBuild()
    build.prepare(ASSETS)
    assert build.has_child
    build.start(connection)
    return build


def test_the_child_builds_the_index_the_rebuild_here_builds(demo: Database) -> None:
    with demo.write() as session:
        connection = session.connection()
        rebuilt = _index(connection)
        build = _handed_to_a_child(connection)
        assert build.process is not None and build.process.wait() == 0  # it wrote the index
        assert build.finish(connection) == ASSETS

        assert _index(connection) == rebuilt
        assert len(rebuilt[0]) == ASSETS and rebuilt[2]
        # The connection writes to the adopted index as to its own (no stale structure).
        connection.exec_driver_sql("INSERT INTO asset_search(asset_search) VALUES('optimize')")
        assert _index(connection) == rebuilt
    with demo.write() as session:  # committed and read again
        assert _index(session.connection()) == rebuilt


def test_a_failed_child_leaves_the_rebuild_to_this_process(demo: Database) -> None:
    with demo.write() as session:
        connection = session.connection()
        rebuilt = _index(connection)
        build = SearchBuild()
        build.prepare(ASSETS)
        os.mkdir(build.path)  # where the child's file was to be: it cannot write it
        build.start(connection)
        assert build.finish(connection) == ASSETS
        assert _index(connection) == rebuilt
        assert build.path == ""  # its file removed


def test_a_child_gone_before_its_rows_leaves_the_rebuild_to_this_process(demo: Database) -> None:
    with demo.write() as session:
        connection = session.connection()
        rebuilt = _index(connection)
        build = SearchBuild()
        build.prepare(ASSETS)
        assert build.process is not None
        build.process.kill()  # its pipe's read end gone with it: writing raises EPIPE
        build.process.wait()
        build.start(connection)
        assert build.finish(connection) == ASSETS
        assert _index(connection) == rebuilt
        assert build.path == ""


def test_the_bundle_starts_no_child(demo: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the PyInstaller bundle ``sys.executable`` is assetdesk itself, which runs no
    ``python -c``: the index is rebuilt in the demo's process."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with demo.write() as session:
        connection = session.connection()
        rebuilt = _index(connection)
        build = SearchBuild()
        build.prepare(ASSETS)
        assert not build.has_child
        build.start(connection)
        assert build.finish(connection) == ASSETS
        assert _index(connection) == rebuilt


def test_the_index_rows_the_writers_make_are_the_ones_the_view_reads(sqlite_db: Database) -> None:
    """A demo into an empty database hands its child the rows the life writers made
    (ranked by ranked_rows), not the view's: they must be the same rows, accented names
    folded as the view folds them."""
    with sqlite_db.write() as session:
        connection = session.connection()
        world = build_world(session, assets=1_200)
        world.indexed_names = {None: "", **indexed_names(connection)}
        chunks = fill._plan_chunks(
            world,
            assets=1_200,
            seed=5,
            now_ts=fill.history_end(dt.date(2026, 12, 6)),
            numbers=fill._next_tag_numbers(session, world),
            tags=[],
        )
        made: list[tuple[str, ...]] = []
        for chunk in chunks:
            result = make_chunk(world, chunk)
            insert_stored(connection, ASSETS_TABLE, result.assets)
            made.extend(result.search)
        rank_assets_anew(connection)
        read = connection.exec_driver_sql(
            "SELECT search_rank, tag, serial_number, name, model, assignee, location "
            "FROM asset_search_source ORDER BY search_rank"
        ).all()
        shown = (
            connection.exec_driver_sql(
                "SELECT l.name FROM assets a JOIN locations l ON l.id = a.location_id "
                "UNION ALL SELECT p.name FROM assets a JOIN people p ON p.id = a.assigned_to_id"
            )
            .scalars()
            .all()
        )
        session.rollback()

    assert ranked_rows(made) == [tuple(row) for row in read]
    assert len(read) == 1_200
    assert any(not name.isascii() for name in shown)  # folding was needed somewhere
