"""A sync in a process of its own, for the kill -9 test: ``python -m
tests.desktop.kits.sync_child SERVER_URL KIT_PATH BATCH KILL_AT``.

Syncs with ``BATCH`` records per server transaction and sends itself SIGKILL just after
its ``KILL_AT``-th SQL statement (on the server or on the kit), wherever that falls:
inside a server transaction, between the server's commit and the kit's mark, in the
kit's refresh. SIGKILL cannot be caught: nothing is cleaned up, nothing rolled back by
us; a number past the sync's last statement lets it finish.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from typing import Any

from sqlalchemy import event

from desktop import kits
from desktop.storage.database import Database, open_database


def main(server_url: str, kit_path: str, batch: int, kill_at: int) -> None:
    # The module (``desktop.kits.sync`` the attribute is the function of that name).
    module: Any = importlib.import_module("desktop.kits.sync")
    module.BATCH = batch
    # Runs of two scans or more go set-wise here (a day's are thousands long), so that
    # kills land around the set-wise statements too (bulk_scans; on a SQLite server).
    bulk: Any = importlib.import_module("desktop.kits.bulk_replay")
    bulk.MIN_RUN = 2
    server = Database(server_url)
    kit = open_database(f"sqlite:///{kit_path}")
    server.check_connection()
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1
        if statements == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    for engine in (server.engine, kit.engine, kit.read_engine):
        event.listen(engine, "after_cursor_execute", count)
    report = kits.sync(kit, server, "tech")
    print(f"done {len(report.results)} in {statements} statements", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
