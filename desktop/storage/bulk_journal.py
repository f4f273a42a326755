"""A bulk write's rollback journal on SQLite, when nothing else has the file open.

Every connection of ours opens a file in WAL mode, where a transaction's pages go to the
log (``-wal``) and are copied into the file by the checkpoint after the commit: a bulk
import of a million rows (a ~6 GB register) writes ~6 GB to the log and copies it again.
And within one transaction each page the page cache spills, or reads back after
spilling it, is first looked up in the log's index — one hash block per 4,096 frames of
the transaction, newest to oldest — so that look-up costs more the larger the log grows.
A rollback journal (``journal_mode=DELETE``) writes a new page once, into the file; the
journal keeps only the old content of pages the transaction changes (pages past the
file's old end are not journaled at all). Measured (imp15, 2026-12-06, load 6–13, one
run each): the benchmark's import of 100,000 rows 17.0–19.6 s CPU in WAL, 15.0–15.2
with a rollback journal; 300,000 rows 54.2 against 41.0 s CPU, the process reading
3.59 GB against 0.09 GB and writing 3.51 against 1.75 GB
(tests/benchmarks/bench_spreadsheets.py).

So a bulk writer that has the file to itself switches to a rollback journal before its
``BEGIN`` and back to WAL after its end, as ``assetdesk demo`` does
(:mod:`desktop.demo.sqlite_fill`). It is as safe:

* Only when no other connection has the file open: the writer's own process closes its
  idle pooled connections first (:meth:`desktop.storage.database.Database.bulk_write`),
  and SQLite refuses the switch at once ("database is locked") while any other
  connection — a window elsewhere, another program — holds the file open in WAL; the
  write then goes on in WAL, as before.
* A cancel or an error rolls back. A crash or a killed process leaves a hot journal that
  the next connection plays back (the file cut back to its old size): the file is as
  before the write, and that connection sets WAL again.
* ``synchronous`` stays as the connection has it (FULL: durable on return).

The cost: while such a write runs, a program of ours that opens the file is refused at
once ("database is locked": its new connection cannot set WAL while the writer holds the
file), where in WAL it would read the register as it was — as during a demo. One that
had the file open before keeps it in WAL (above) and reads on.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

log = logging.getLogger(__name__)
#: The journal mode while a bulk writer has the file to itself.
BULK_JOURNAL_MODE = "DELETE"


def use_rollback_journal(raw: Any) -> str | None:
    """Switch ``raw`` (a stdlib ``sqlite3`` connection outside a transaction) to a
    rollback journal if no other connection has the file open; returns the journal mode
    to put back afterwards, or ``None`` when the file stays as it is."""
    before = str(raw.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if before != "wal":  # a file in memory, or not ours to change
        return None
    try:
        mode = str(raw.execute(f"PRAGMA journal_mode={BULK_JOURNAL_MODE}").fetchone()[0])
    except sqlite3.OperationalError as exc:  # "database is locked", at once: not alone
        log.info("bulk write: another connection has the file open, it stays in WAL (%s)", exc)
        return None
    return before if mode.lower() != before else None


def restore_journal(raw: Any, mode: str | None) -> bool:
    """Put back the journal mode :func:`use_rollback_journal` returned (after the
    transaction's end). False if it could not (another connection came meanwhile): the
    caller closes ``raw``, and the next connection of ours sets WAL again."""
    if mode is None:
        return True
    try:
        raw.execute(f"PRAGMA journal_mode={mode}")
    except sqlite3.Error as exc:
        log.warning("bulk write: the journal stays %s until the next connection: %s",
                    BULK_JOURNAL_MODE, exc)  # fmt: skip
        return False
    return True
