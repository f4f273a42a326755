"""The demo's transaction on SQLite: foreign keys checked once, a rollback journal.

Two settings SQLite accepts only outside a transaction, so they are made on the
connection before the demo's ``BEGIN IMMEDIATE`` and undone after its end:

* ``PRAGMA foreign_keys=OFF``, and one ``PRAGMA foreign_key_check`` of the other tables
  before the commit instead of a look-up per inserted row (the generated assets,
  procedures and approvals are checked as they are made,
  :func:`desktop.demo.stored.check_references`); a dangling reference is a bug in the
  generator and fails loudly (the transaction is rolled back, nothing is written).
* ``PRAGMA journal_mode=DELETE`` while the demo fills the file, WAL again afterwards. A
  bulk write into an empty register is cheaper with a rollback journal: the new pages
  are written once, into the file, where WAL writes them to the log and copies them
  again at the checkpoint (10,000 assets: commit 0.06 against 0.17 s CPU). It is as safe:
  cancel or an error rolls back; a crash or a killed process leaves a journal that the
  next connection plays back, so the file is as before the demo (and its next connection
  sets WAL again). ``synchronous`` stays as the connection has it (FULL: durable on
  return). If another connection holds the file open in WAL (a window's reads), SQLite
  keeps WAL and the demo runs as before.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from desktop.demo.stored import COLUMNS, SPOOL_SCHEMA, DanglingReferenceError
from desktop.storage.database import Database

log = logging.getLogger(__name__)
#: The journal mode while the demo fills a file (WAL again afterwards).
FILL_JOURNAL_MODE = "DELETE"


@contextlib.contextmanager
def demo_write(db: Database) -> Iterator[Session]:
    """``db.write()``; on SQLite on a connection with foreign keys checked once at the end
    and a rollback journal during the fill (see the module's docstring)."""
    if not db.is_sqlite:
        with db.write() as session:
            yield session
        return
    with db.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        before = _prepare(raw)
        try:
            with db.write() as session:
                session.bind = connection  # the session begins on this connection
                yield session
                check_foreign_keys(session.connection())
        finally:
            _restore(raw, before)


def _prepare(raw: Any) -> str:
    """Foreign keys off and a rollback journal, before ``BEGIN``; the journal mode before."""
    raw.execute("PRAGMA foreign_keys=OFF")
    before = str(raw.execute("PRAGMA journal_mode").fetchone()[0])
    try:
        raw.execute(f"PRAGMA journal_mode={FILL_JOURNAL_MODE}")
    except sqlite3.OperationalError:  # "database is locked", at once: another connection
        log.info("demo: another connection has the file open, the journal stays %s", before)
    return before


def _restore(raw: Any, journal_mode: str) -> None:
    for _seq, name, _file in raw.execute("PRAGMA database_list").fetchall():
        if name.startswith(SPOOL_SCHEMA):  # the workers' rows, copied (and deleted)
            raw.execute(f"DETACH DATABASE {name}")
    raw.execute("PRAGMA foreign_keys=ON")
    if journal_mode.lower() == "wal":
        try:
            raw.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:  # the next connection sets WAL again
            log.warning("demo: the journal mode stays DELETE until the next connection: %s", exc)


def check_foreign_keys(connection: Connection) -> None:
    """Raise :class:`DanglingReferenceError` if any row refers to a missing row — in the
    tables other than the assets, procedures and approvals, whose generated rows are
    checked as they are made (:func:`desktop.demo.stored.check_references`)."""
    checked = {table.name for table in COLUMNS}
    tables = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).scalars()
    found = [
        row
        for table in tables
        if table not in checked
        for row in connection.exec_driver_sql(f'PRAGMA foreign_key_check("{table}")').fetchmany(5)
    ]
    if found:
        described = "; ".join(
            f"{table} row {rowid} → {parent} (foreign key {index})"
            for table, rowid, parent, index in found[:5]
        )
        raise DanglingReferenceError(f"demo rows refer to missing rows: {described}")
