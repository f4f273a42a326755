"""The demo's search index built in a forked process while this one builds the other indexes.

The search index's rebuild at the end of a demo (:func:`desktop.services.search.rebuild_search_index`)
ranks the assets in tag order, reads each one's folded fields through the view
``asset_search_source`` and feeds them to FTS5 in rank order. Feeding FTS5 — tokenizing
into trigrams and writing its b-trees — is most of it (10,000 assets: ~0.2 of ~0.3 s
CPU; 100,000: ~2 s), and it is work no later step needs until the commit. So where a
process may be forked (:func:`desktop.demo.parallel.fork_is_safe`), :meth:`SearchBuild.start`
ranks the assets and reads the view's rows here (the rows exist only in this
connection's transaction), then forks a child that feeds the same rows in the same order
to an FTS5 table of the same definition in a file of its own; this process builds the
secondary indexes meanwhile. :meth:`SearchBuild.finish` waits for the child, drops and
creates the index table again (a new FTS5 object: the one this connection may hold keeps
the index's structure cached, invalidated only by other connections' commits) and copies
the child's shadow tables into it. The index holds the same rows under the same ranks as
the rebuild in this process would leave; where forking is not safe (a GUI's threads) or
the child fails, it is rebuilt here as before.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from desktop.demo.parallel import _SPOOL, _die_with, _spool_parent
from desktop.demo.stored import SPOOL_SCHEMA
from desktop.services.search import (
    _SQLITE_TABLE,
    RANK_STEP,
    SEARCH_TABLE,
    UNRANKED,
    rebuild_search_index,
)

#: The FTS5 table's shadow tables (its default options: content and sizes kept).
SHADOW_TABLES = ("data", "idx", "content", "docsize", "config")
_COLUMNS = "tag, serial_number, name, model, assignee, location"
_INSERT = f"INSERT INTO {SEARCH_TABLE}(rowid, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
#: The name the child's file is attached under (detached with the spool files at the end).
_SCHEMA = f"{SPOOL_SCHEMA}search"
#: Bytes of free space wanted per asset to put the child's file in the spool folder
#: (measured: 690 per asset at 10,000), else it goes to the temporary folder.
_BYTES_PER_ASSET = 2_000


class SearchBuild:
    """The search index of a demo, built in a forked child (:meth:`start`) or here."""

    def __init__(self) -> None:
        self.pid = 0
        self.path = ""

    def start(self, connection: Connection, assets: int) -> None:
        """Rank every asset, read the index's rows and fork a child that feeds them to
        FTS5 in a file of its own. Call it after the last asset is written."""
        connection.exec_driver_sql(f"DELETE FROM {SEARCH_TABLE}")  # noqa: S608
        connection.exec_driver_sql("DELETE FROM asset_search_rank")
        total = int(connection.exec_driver_sql("SELECT count(*) FROM assets").scalar_one())
        spacing = min(RANK_STEP, max(UNRANKED // (total + 1), 1))
        connection.exec_driver_sql(
            "INSERT INTO asset_search_rank(rank, asset_rowid, tag_key) "
            "SELECT row_number() OVER (ORDER BY tag_key) * ?, rowid, tag_key FROM assets",
            (spacing,),
        )
        rows = connection.exec_driver_sql(
            f"SELECT search_rank, {_COLUMNS} FROM asset_search_source ORDER BY search_rank"  # noqa: S608
        ).fetchall()
        self.path = _file_path(assets)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (its work is checked by finish)
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _die_with(parent)
                write_index(self.path, rows)
                code = 0
            finally:
                os._exit(code)
        self.pid = pid

    def finish(self, connection: Connection) -> int:
        """The index in place: the child's copied in, or rebuilt here if none was started
        or it failed. The number of rows it holds."""
        if not self.pid:
            return rebuild_search_index(connection)
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            self.discard()
            return rebuild_search_index(connection)
        connection.exec_driver_sql(f"ATTACH DATABASE ? AS {_SCHEMA}", (self.path,))
        _remove(self.path)  # gone once the demo's connection lets go of it
        self.path = ""
        connection.exec_driver_sql(f"DROP TABLE main.{SEARCH_TABLE}")
        connection.exec_driver_sql(_SQLITE_TABLE)
        for shadow in SHADOW_TABLES:
            name = f"{SEARCH_TABLE}_{shadow}"
            connection.exec_driver_sql(f"DELETE FROM main.{name}")  # noqa: S608
            connection.exec_driver_sql(
                f"INSERT INTO main.{name} SELECT * FROM {_SCHEMA}.{name}"  # noqa: S608
            )
        return int(
            connection.exec_driver_sql(
                f"SELECT count(*) FROM main.{SEARCH_TABLE}_docsize"  # noqa: S608
            ).scalar_one()
        )

    def discard(self) -> None:
        """Stop a child still running and remove its file (cancel, an error)."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.path:
            _remove(self.path)
            self.path = ""


def _remove(path: str) -> None:
    """Remove the child's file and its folder."""
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def write_index(path: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """A new SQLite file ``path`` holding the search index table, fed ``rows`` (rank and
    the six folded fields) in their order, as :func:`rebuild_search_index` feeds it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        connection.execute(_SQLITE_TABLE)
        connection.executemany(_INSERT, rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


def _file_path(assets: int) -> str:
    """A path in a new folder of the spool folder (in memory where it has room), named
    like the workers' so that a killed demo's is removed by the next one."""
    parent = _spool_parent()
    if parent is not None and _free_bytes(parent) < assets * _BYTES_PER_ASSET:
        parent = None
    folder = tempfile.mkdtemp(prefix=f"{_SPOOL}{os.getpid()}-", dir=parent)
    return os.path.join(folder, "search.sqlite3")


def _free_bytes(folder: str) -> int:
    try:
        found = os.statvfs(folder)
    except OSError:
        return 0
    return found.f_bavail * found.f_frsize


@contextlib.contextmanager
def search_build() -> Iterator[SearchBuild]:
    """A :class:`SearchBuild` whose child and file are gone when the block ends."""
    build = SearchBuild()
    try:
        yield build
    finally:
        build.discard()
