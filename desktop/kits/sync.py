"""Syncing a kit: replay its journal on the server through the services, then refresh."""

from __future__ import annotations

from desktop.kits.model import Cancel, Progress, SyncReport
from desktop.storage.database import Database


def sync(
    kit: Database,
    server: Database,
    by_user: str,
    *,
    dry_run: bool = False,
    refresh: bool = True,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> SyncReport:
    """Replay the kit's offline records on ``server`` in the order they were made.

    Each record is one server transaction keyed by its laptop-made id (a record already
    there is "already applied"); records that cannot be applied as made go to the
    server's conflict queue. ``dry_run`` changes nothing on either side and reports
    what each record would become. With ``refresh`` the kit is then brought to the
    server's current state for its scope (its journal emptied) and can go out again.
    """
    raise NotImplementedError
