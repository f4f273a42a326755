"""The search index during an import's commit: paused and rebuilt once when that pays.

With the index's triggers in place every inserted or updated asset costs an FTS5 update
and a ranking (SQLite); paused, the whole index is rebuilt once at the end, in the same
transaction (:func:`desktop.services.search.search_index_paused`, as demo data does). A
rebuild reads every asset, so it pays when the import touches a good share of the
register: about :data:`PAUSE_SHARE` of it or more (measured: a rebuild costs ~1/10 of
an insert's index upkeep per asset). A rebuilt index also ranks every asset in tag order,
so a register imported in bulk searches as fast as one made by ``demo``.
"""

from __future__ import annotations

import contextlib
import operator
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop.services.search import search_index_paused
from desktop.spreadsheets.model import ImportPlan, RowAction
from desktop.storage.models import Asset

#: Pause the index when the import touches at least this share of the assets there will be.
PAUSE_SHARE = 0.125
#: Also drop the secondary indexes of the tables written and build them again at the end
#: when the import is at least this share (SQLite): building an index once from all rows
#: beats inserting into it row by row at random places (UUID keys) once most rows are new.
REBUILD_SHARE = 0.5
#: SQLite's page cache (KiB) while a bulk import writes, at least: building indexes
#: from 100,000s of rows thrashes the default 2 MB (measured at 100,000 rows: inserts 3.6
#: → 2.6 s CPU). Restored afterwards; memory is taken only as pages are read.
BULK_CACHE_KIB = 256 * 1024
#: ... and at most, where the machine has the memory free (see :func:`bulk_cache_kib`).
BULK_CACHE_MAX_KIB = 1024 * 1024
#: FTS5's pending data (bytes) while the search index is rebuilt: every time it has
#: gathered this much (its default: 1 MB) it writes a segment and merges segments, work
#: that grows faster than the assets (measured, the rebuild's insert in rank order:
#: 100,000 → 300,000 assets 1.19 → 4.14 s CPU, k = 1.13; with 64 MB 0.94 → 2.89 s,
#: k = 1.02). Set for the rebuild only, in its transaction; the default is put back.
REBUILD_HASH_BYTES = 64 * 1024 * 1024
#: FTS5's default of the same (its ``hashsize`` option).
_DEFAULT_HASH_BYTES = 1024 * 1024
#: Secondary indexes kept while an import writes (not dropped and built again): every
#: procedure an import records has the same performer, and nearly all the same state, so
#: each new entry (value, rowid) goes at the end of its value's run — cheaper than reading
#: the whole procedures table (~2 KB a row) again to build the index (measured at 100,000
#: rows: the two rebuilds took 0.25 s CPU). The same for (asset, performed at): a new
#: asset's id is time-ordered (greater than any made before it), so its procedures'
#: entries go at the index's end too (imp14, 2026-12-06: at 1,000,000 rows its build read
#: the ~4.5 GB procedures table back from the write-ahead log, 6.6 s CPU at load 9).
KEPT_INDEXES = frozenset(
    {"ix_procedures_asset_id_performed_at", "ix_procedures_performed_by_id", "ix_procedures_state"}
)
#: The interpreter's switch interval (s) while work runs beside the index builds (see
#: :func:`_beside`): after each build the connection's thread waits at most this long for
#: the interpreter's lock (the default, 5 ms, made 15 builds wait up to 75 ms).
BESIDE_SWITCH_S = 0.0005


def bulk_cache_kib() -> int:
    """The page cache (KiB) a bulk import takes: a quarter of the memory free now, between
    :data:`BULK_CACHE_KIB` and :data:`BULK_CACHE_MAX_KIB`. A million rows write ~4.5 GB,
    of which the assets' table (~370 MB) is read again by each of its 15 index builds and
    by the search index's rebuild (in tag order: several passes over its pages when they
    do not stay in the cache). Where free memory cannot be read, the smaller size."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not Linux: no such figures
        return BULK_CACHE_KIB
    return max(BULK_CACHE_KIB, min(BULK_CACHE_MAX_KIB, free // 4 // 1024))


def pays_to_pause(touched: int, assets_after: int) -> bool:
    """Whether rebuilding the index once beats keeping it row by row."""
    return touched > 0 and touched >= PAUSE_SHARE * assets_after


_ACTION = operator.attrgetter("action")


def _touched(session: Session, plan: ImportPlan) -> tuple[int, int]:
    """The assets ``plan`` creates or updates, and the assets there will be."""
    actions = list(map(_ACTION, plan.rows))  # (counted in C: a pass in Python took ~1 ms)
    creates, updates = actions.count(RowAction.CREATE), actions.count(RowAction.UPDATE)
    existing = session.execute(select(func.count()).select_from(Asset)).scalar_one()
    return creates + updates, int(existing) + creates


def writes_in_bulk(session: Session, plan: ImportPlan) -> bool:
    """Whether ``plan`` is a bulk write of the register (the index paused, and — on the
    command line — a rollback journal: :mod:`desktop.storage.bulk_journal`)."""
    return pays_to_pause(*_touched(session, plan))


class IndexUpkeep:
    """What an import's writes do with the indexes (see :func:`index_upkeep_for`)."""

    def __init__(
        self, stack: contextlib.ExitStack | None = None, beside: _Work | None = None
    ) -> None:
        self._stack = stack
        self._beside = beside

    @property
    def paused(self) -> bool:
        """Whether the search index (and perhaps the assets' indexes) waits for the end."""
        return self._stack is not None

    def assets_written(self, meanwhile: Callable[[], None] | None = None) -> None:
        """The assets are written (their procedures are not, yet): rebuild the search
        index and build the assets' indexes now, while the assets' pages are still in the
        page cache — not after the procedures (~10× the assets' size) have pushed them
        out of it (measured at 1,000,000 rows: each of the 15 index builds and the
        search index's read the assets from the write-ahead log again). Once only.

        ``meanwhile``: Python work that neither reads nor writes the database (the
        procedures' rows made ready), run in a second thread while SQLite builds the
        assets' indexes without the interpreter's lock (see :func:`_beside`); not run
        at all when no index is built or no core is free (the caller then does that work
        itself, afterwards, holding no more rows than before)."""
        if self._beside is not None:
            self._beside.work = meanwhile
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()
        if self._beside is not None:
            self._beside.take()


class _Work:
    """The work :meth:`IndexUpkeep.assets_written` gives the index builds to run beside
    them; taken once."""

    work: Callable[[], None] | None = None

    def take(self) -> Callable[[], None] | None:
        work, self.work = self.work, None
        return work


def core_free() -> bool:
    """Whether a second core is likely idle: the 1-minute load average (this process
    counts about 1) at most the cores less a half. On a busy machine a second thread
    only competes with the first for the same share of the processors: measured (imp21,
    2026-12-07, load 11-12, 10,000 rows) the index builds and the rows made beside them
    took 0.80-1.37 s where one after the other took 0.40-0.96. Where the load cannot be
    read (Windows), a core is taken to be free."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return True
    return load <= (os.cpu_count() or 1) - 0.5


@contextmanager
def _beside(work: Callable[[], None] | None) -> Iterator[None]:
    """Run ``work`` in a second thread while the block runs: SQLite builds an index
    without the interpreter's lock (the stdlib driver lets go of it in each statement's
    step), so on a second core the procedures' rows are made meanwhile. Only beside the
    index builds: the search index's rebuild calls into Python (folding a non-ASCII
    text), and each call would wait for the lock. The block's end waits for ``work``;
    its error, if any, is raised there (the block's own error comes first). Without a
    free core (:func:`core_free`) ``work`` is not run."""
    if work is None or not core_free():
        yield
        return
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - raised again in the connection's thread
            failed.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(BESIDE_SWITCH_S)
    thread = threading.Thread(target=run, name="assetdesk-import-rows", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
        sys.setswitchinterval(interval)
    if failed:
        raise failed[0]


@contextmanager
def index_upkeep_for(session: Session, plan: ImportPlan) -> Iterator[IndexUpkeep]:
    """Run an import's writes with the search index paused if that pays (SQLite); yields
    an :class:`IndexUpkeep` whose :meth:`~IndexUpkeep.assets_written` the writer calls
    once the assets are written (or the block's end does)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield IndexUpkeep()
        return
    touched, after = _touched(session, plan)
    if not pays_to_pause(touched, after):
        yield IndexUpkeep()
        return
    with _bigger_page_cache(connection), _roomy_index_rebuild(connection):
        # The search index and the assets' indexes are finished by assets_written (or at
        # the block's end): in the caller's transaction, so an error rolls them back.
        beside = _Work()
        with contextlib.ExitStack() as stack:
            stack.enter_context(search_index_paused(connection))
            rebuild = touched >= REBUILD_SHARE * after
            stack.enter_context(_indexes_rebuilt(connection, rebuild, beside))
            upkeep = IndexUpkeep(stack.pop_all(), beside)
        try:
            yield upkeep
        except BaseException:
            upkeep._stack = None  # rolled back: nothing to finish
            raise
        upkeep.assets_written()


@contextmanager
def _bigger_page_cache(connection: Connection) -> Iterator[None]:
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{bulk_cache_kib()}")
    try:
        yield
    finally:
        # After a database error the connection may refuse statements until the rollback:
        # the error the import reports must stay the one that happened. A pooled
        # connection that keeps the larger cache costs nothing until pages are read.
        with contextlib.suppress(SQLAlchemyError):
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def _roomy_index_rebuild(connection: Connection) -> Iterator[None]:
    """The search index's ``hashsize`` at :data:`REBUILD_HASH_BYTES` for the block (whose
    end rebuilds it), then as it was."""
    before = connection.exec_driver_sql(
        "SELECT v FROM asset_search_config WHERE k = 'hashsize'"
    ).scalar_one_or_none()
    set_hash = "INSERT INTO asset_search(asset_search, rank) VALUES ('hashsize', ?)"
    connection.exec_driver_sql(set_hash, (REBUILD_HASH_BYTES,))
    yield
    connection.exec_driver_sql(set_hash, (int(before or _DEFAULT_HASH_BYTES),))
    if before is None:  # as it was: no setting of its own (the row above set the default)
        connection.exec_driver_sql("DELETE FROM asset_search_config WHERE k = 'hashsize'")


@contextmanager
def _indexes_rebuilt(
    connection: Connection, rebuild: bool, beside: _Work | None = None
) -> Iterator[None]:
    """Drop the secondary indexes of the assets and procedures (not the ones behind unique
    and primary keys, which the writes rely on, nor :data:`KEPT_INDEXES`), run the block,
    create them again — in the caller's transaction, so a rollback restores them.
    Statistics the planner had for the tables of those indexes are taken again (sampled),
    as it trusts old statistics over none. (All the procedures' indexes are kept, so only
    the assets' are dropped: see :meth:`IndexUpkeep.assets_written` for when they are
    built again, and for ``beside``'s work, run while they are.)"""
    if not rebuild:
        yield
        return
    found = connection.exec_driver_sql(
        "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
        "AND sql IS NOT NULL AND tbl_name IN ('assets', 'procedures') ORDER BY name"
    ).all()
    indexes = [(name, sql) for name, sql, _table in found if name not in KEPT_INDEXES]
    tables = sorted({table for name, _sql, table in found if name not in KEPT_INDEXES})
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    with _beside(beside.take() if beside is not None and indexes else None):
        for _name, sql in indexes:
            connection.exec_driver_sql(sql)
    statistics = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first()
    if statistics is not None:
        connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table}")
