"""The demo's search index built in a forked process while this one builds the other indexes.

The search index's rebuild at the end of a demo (:func:`desktop.services.search.rebuild_search_index`)
ranks the assets in tag order, reads each one's folded fields through the view
``asset_search_source`` and feeds them to FTS5 in rank order. Feeding FTS5 — tokenizing
into trigrams and writing its b-trees — is most of it (10,000 assets: ~0.2 of ~0.3 s
CPU; 100,000: ~2 s), and it is work no later step needs until the commit. So where a
process may be forked (:func:`desktop.demo.parallel.fork_is_safe`), a child is forked
at the start (:meth:`SearchBuild.prepare`, while this process is small) and waits;
:meth:`SearchBuild.start` ranks the assets and reads the view's rows here (they exist
only in this connection's transaction) and hands them to the child through a file
(:mod:`marshal`), and the child feeds the same rows in the same order to an FTS5 table of the same
definition in a file of its own while this process builds the secondary indexes. :meth:`SearchBuild.finish` waits for the child, drops and
creates the index table again (a new FTS5 object: the one this connection may hold keeps
the index's structure cached, invalidated only by other connections' commits) and copies
the child's shadow tables into it. The index holds the same rows under the same ranks as
the rebuild in this process would leave; where forking is not safe (a GUI's threads) or
the child fails, it is rebuilt here as before.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import signal
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from desktop.demo.parallel import _SPOOL, _die_with, _spool_parent
from desktop.demo.stored import SPOOL_SCHEMA, attach_mapped
from desktop.services.search import (
    _SQLITE_TABLE,
    SEARCH_TABLE,
    rank_assets_anew,
    rank_spacing,
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
        #: The write end of the pipe the child waits on; -1 once closed.
        self.pipe = -1
        self.started = False
        #: How many rows :meth:`hand_over` handed to the child.
        self.handed: int | None = None

    def prepare(self, assets: int) -> None:
        """Fork the child now, while this process is small: forked at the end, every
        page this process then wrote (the index builds) was first copied for the child
        (measured at 10,000 assets: the secondary index builds 0.13 → 0.28 s CPU). It
        waits for :meth:`start`."""
        self.path = _file_path(assets)
        rows_path = os.path.join(os.path.dirname(self.path), _ROWS_FILE)
        parent = os.getpid()
        read, self.pipe = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (its work is checked by finish)
            code = 1
            try:
                os.close(self.pipe)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _die_with(parent)
                code = _child(read, rows_path, self.path)
            finally:
                os._exit(code)
        os.close(read)
        self.pid = pid

    @property
    def forked(self) -> bool:
        """Whether a child waits for :meth:`start`."""
        return self.pid != 0

    def hand_over(self, made: list[tuple[Any, ...]]) -> None:
        """Rank ``made`` and hand it to the child at once, before the last assets are
        written: every asset's index row as its writer made it, less the rank (tag key
        first, then the six fields: :attr:`desktop.demo.procedure_rows.Rows.search`), ranked in tag
        order as :func:`rank_assets_anew` will rank the assets — for a demo into an empty
        database, where they are all the assets (:meth:`start` checks it). Without it,
        :meth:`start` reads them through the view ``asset_search_source`` after the
        last asset, in this process (its folding and look-ups: 10,000 assets 0.05 s CPU,
        0.17 in a new process; 100,000 0.8 s)."""
        if not self.pid:
            return
        self._go(ranked_rows(made))
        self.handed = len(made)

    def start(self, connection: Connection) -> None:
        """Rank every asset and, unless :meth:`hand_over` did, read the index's rows and
        hand them to the child, which feeds them to FTS5 in a file of its own. Call it
        after the last asset is written."""
        if not self.pid:
            return
        assets = rank_assets_anew(connection)
        if self.handed is not None:
            if assets != self.handed:  # not all of them: rebuilt here (finish)
                self.discard()
            return
        self._go(
            [
                tuple(row)
                for row in connection.exec_driver_sql(
                    f"SELECT search_rank, {_COLUMNS} FROM asset_search_source "  # noqa: S608
                    "ORDER BY search_rank"
                )
            ]
        )

    def _go(self, rows: list[tuple[Any, ...]]) -> None:
        # marshal, not pickle: the rows are tuples of texts and numbers, which it writes
        # ~5 times faster (100,000 rows: 0.012 against 0.065 s CPU), in this process's
        # tail, while the child waits for them
        with open(os.path.join(os.path.dirname(self.path), _ROWS_FILE), "wb") as file:
            marshal.dump(rows, file)
        os.write(self.pipe, _GO)
        self._close_pipe()
        self.started = True

    def finish(self, connection: Connection) -> int:
        """The index in place: the child's copied in, or rebuilt here if none was started
        or it failed. The number of rows it holds."""
        if not self.started:
            self.discard()
            return rebuild_search_index(connection)
        self.started = False
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            self.discard()
            return rebuild_search_index(connection)
        attach_mapped(connection, self.path, _SCHEMA)
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
        self._close_pipe()
        self.started = False
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.path:
            _remove(self.path)
            self.path = ""

    def _close_pipe(self) -> None:
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1


def ranked_rows(made: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``made`` (tag key, then the six fields of an asset's index row) turned, in place,
    into the index's rows: the rank first, in tag order and as far apart as :func:`rank_assets_anew`
    ranks that many assets — the rows the view ``asset_search_source`` reads once they
    are all the assets and ranked."""
    made.sort()
    spacing = rank_spacing(len(made))
    for n, row in enumerate(made):  # in place: a million rows are ~0.5 GB
        made[n] = (spacing * (n + 1), *row[1:])
    return made


def _remove(path: str) -> None:
    """Remove the child's file and its folder."""
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


#: The file the rows are handed over in, beside the child's database (:mod:`marshal`).
_ROWS_FILE = "rows.marshal"
#: What :meth:`SearchBuild.start` writes to the child's pipe: the rows are ready.
_GO = b"go"


def _child(pipe: int, rows_path: str, path: str) -> int:
    """The child's work: wait until the rows are ready (or the pipe closes: no work),
    then write the index. Its exit code. (Not read to the end: a worker forked later
    holds the pipe's write end too.)"""
    said = b""
    while len(said) < len(_GO) and (chunk := os.read(pipe, len(_GO) - len(said))):
        said += chunk
    if said != _GO:
        return 2
    with open(rows_path, "rb") as file:
        rows = marshal.loads(file.read())  # written by the parent just now (the same Python)
    write_index(path, rows)
    return 0


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
