"""What the demo's other processes run that needs the standard library only.

The search index's child (:class:`desktop.demo.search_build.SearchBuild`) is a new Python
process running this file (``python -I -S -c <this file's text>``): it imports nothing
of ours, so it starts in ~20 ms of CPU on the other core and shares no memory with the
demo's process. (It was forked at the start: every page of the demo's process that was
written afterwards — the reference data's objects, SQLAlchemy's caches, the page cache's
first pages — was then copied for the child first, ~6,400 page faults at 10,000 assets.)
"""

from __future__ import annotations

import marshal
import os
import signal
import sqlite3
import sys

#: prctl(2): the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1
#: What the demo writes to the child's pipe: the rows are ready.
GO = b"go"


def die_with(parent: int) -> None:
    """End this process when its parent dies, however it dies (Linux). A child holding
    (or waiting on) a pipe whose other end a forked sibling holds too would otherwise
    never see it close: killed with ``kill -9``, the parent left it waiting for ever."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before this
        os._exit(1)


def search_index(argv: list[str]) -> int:
    """The search index child's work: wait until the rows are ready (or the pipe closes:
    no work), then write the index into a new file. Its exit code (0: written).

    ``argv``: the pipe's read end, the rows' :mod:`marshal` file, the index's file, the
    demo's process id, the index table's ``CREATE`` statement and its ``INSERT``."""
    pipe, rows_path, path, parent, table, insert = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the demo decides; Ctrl+C reaches it
    die_with(int(parent))
    said = b""
    while len(said) < len(GO) and (chunk := os.read(int(pipe), len(GO) - len(said))):
        said += chunk
    if said != GO:
        return 2
    with open(rows_path, "rb") as file:
        rows = marshal.loads(file.read())  # written by the demo just now (the same Python)
    write_index(path, rows, table, insert)
    return 0


def write_index(path: str, rows: list[tuple[object, ...]], table: str, insert: str) -> None:
    """A new SQLite file ``path`` holding the index table (``table``: its ``CREATE``),
    fed ``rows`` by ``insert`` in their order."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        connection.execute(table)
        connection.executemany(insert, rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


if __name__ == "__main__":  # (an error exits with 1: the demo then rebuilds the index itself)
    sys.exit(search_index(sys.argv[1:]))
