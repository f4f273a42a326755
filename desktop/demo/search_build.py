"""The demo's search index built in a child process while this one builds the other indexes.

The search index's rebuild at the end of a demo (:func:`desktop.services.search.rebuild_search_index`)
ranks the assets in tag order, reads each one's folded fields through the view
``asset_search_source`` and feeds them to FTS5 in rank order. Feeding FTS5 — tokenizing
into trigrams and writing its b-trees — is most of it (10,000 assets: ~0.2 of ~0.3 s
CPU; 100,000: ~2 s), and it is work no later step needs until the commit. So where the
demo forks its worker (:func:`desktop.demo.parallel.fork_is_safe`: Linux, the command
line), a child is started at the start (:meth:`SearchBuild.prepare`) — a new Python
process that imports the standard library only (:mod:`desktop.demo.child`) — and waits;
the life writers make the index's rows as they write each asset, and they are ranked and
handed to the child through a file (:mod:`marshal`, :meth:`SearchBuild.hand_over`) when
the last chunk is made, or :meth:`SearchBuild.start` reads them through the view here
(they exist only in this connection's transaction). The child feeds the same rows in the
same order to an FTS5 table of the same definition in a file of its own while this
process builds the secondary indexes. :meth:`SearchBuild.finish` waits for the child, drops and
creates the index table again (a new FTS5 object: the one this connection may hold keeps
the index's structure cached, invalidated only by other connections' commits) and copies
the child's shadow tables into it. The index holds the same rows under the same ranks as
the rebuild in this process would leave; where there is no child or it fails, it is
rebuilt here as before.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import resources
from typing import Any

from sqlalchemy import Connection

from desktop.demo.child import GO
from desktop.demo.parallel import _SPOOL, _spool_parent
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
    """The search index of a demo, built in a child process (:meth:`start`) or here."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.path = ""
        #: The write end of the pipe the child waits on; -1 once closed.
        self.pipe = -1
        self.started = False
        #: How many rows :meth:`hand_over` handed to the child.
        self.handed: int | None = None

    def prepare(self, assets: int) -> None:
        """Start the child now, while this process has the reference data to write (the
        other core is idle until the worker starts): a new Python process of the
        standard library only (:mod:`desktop.demo.child`), which shares no memory with
        this one. It waits for :meth:`start`."""
        if not sys.executable or getattr(sys, "frozen", False):
            # An embedding program, or the bundle (its executable is assetdesk itself,
            # which runs no ``-c``): the index is rebuilt here.
            return
        self.path = _file_path(assets)
        rows_path = os.path.join(os.path.dirname(self.path), _ROWS_FILE)
        read, self.pipe = os.pipe()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-I",  # isolated: no environment, no user site, no current folder
                    "-S",  # no site: the standard library only
                    "-c",
                    _child_source(),
                    str(read),
                    rows_path,
                    self.path,
                    str(os.getpid()),
                    _SQLITE_TABLE,
                    _INSERT,
                ],
                pass_fds=(read,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            os.close(read)

    @property
    def has_child(self) -> bool:
        """Whether a child waits for :meth:`start`."""
        return self.process is not None

    def hand_over(self, made: list[tuple[Any, ...]]) -> None:
        """Rank ``made`` and hand it to the child at once, before the last assets are
        written: every asset's index row as its writer made it, less the rank (tag key
        first, then the six fields: :attr:`desktop.demo.procedure_rows.Rows.search`), ranked in tag
        order as :func:`rank_assets_anew` will rank the assets — for a demo into an empty
        database, where they are all the assets (:meth:`start` checks it). Without it,
        :meth:`start` reads them through the view ``asset_search_source`` after the
        last asset, in this process (its folding and look-ups: 10,000 assets 0.05 s CPU,
        0.17 in a new process; 100,000 0.8 s)."""
        if self.process is None:
            return
        self._go(ranked_rows(made))
        self.handed = len(made)

    def start(self, connection: Connection) -> None:
        """Rank every asset and, unless :meth:`hand_over` did, read the index's rows and
        hand them to the child, which feeds them to FTS5 in a file of its own. Call it
        after the last asset is written."""
        if self.process is None:
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
        try:
            os.write(self.pipe, GO)
        except BrokenPipeError:  # the child is gone: the index is rebuilt here (finish)
            self.discard()
            return
        self._close_pipe()
        self.started = True

    def finish(self, connection: Connection) -> int:
        """The index in place: the child's copied in, or rebuilt here if none was started
        or it failed. The number of rows it holds."""
        if not self.started:
            self.discard()
            return rebuild_search_index(connection)
        self.started = False
        assert self.process is not None
        code = self.process.wait()
        self.process = None
        if code != 0:
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
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            self.process.wait()
            self.process = None
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


def _child_source() -> str:
    """The text of :mod:`desktop.demo.child`, which the child runs."""
    return resources.files("desktop.demo").joinpath("child.py").read_text(encoding="utf-8")


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
