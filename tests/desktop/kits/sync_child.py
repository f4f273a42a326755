"""A sync in a process of its own, for the kill -9 test: ``python -m
tests.desktop.kits.sync_child SERVER_URL KIT_PATH``. Prints ``ready`` once both databases
are open, then syncs (the parent kills it at a random moment)."""

from __future__ import annotations

import sys

from desktop import kits
from desktop.storage.database import Database, open_database


def main(server_url: str, kit_path: str) -> None:
    server = Database(server_url)
    kit = open_database(f"sqlite:///{kit_path}")
    server.check_connection()
    print("ready", flush=True)
    report = kits.sync(kit, server, "tech")
    print(f"done {len(report.results)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
