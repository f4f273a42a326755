"""``incidents list`` and ``incidents show`` say the time zone of their times, as ``asset
show``, ``kit status`` and the audit report do: "2026-12-06 09:48" read by a colleague in
another office, or in a log later, could not be placed. Through the command line as a
subprocess, in New York."""

from __future__ import annotations

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world

NEW_YORK = {"TZ": "America/New_York"}


def test_incident_times_name_their_zone(sqlite_db: Database) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    logged = run_cli(
        "incidents", "log", "--asset", "LAP-1", "--title", "Fan noise", "--description",
        "Loud fan under load", "--severity",
        "medium", "--group", "Infrastructure", "--as", "tech", database=sqlite_db,
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr

    listing = run_cli("incidents", "list", database=sqlite_db, env=NEW_YORK)
    assert listing.returncode == 0, listing.stderr
    header, row = listing.stdout.splitlines()
    assert header in ("Times in EST (UTC−05:00).", "Times in EDT (UTC−04:00)."), header
    assert "Fan noise" in row

    shown = run_cli("incidents", "show", "1", database=sqlite_db, env=NEW_YORK)
    assert shown.returncode == 0, shown.stderr
    assert "  times in EST (UTC−05:00)" in shown.stdout.splitlines() or (
        "  times in EDT (UTC−04:00)" in shown.stdout.splitlines()
    ), shown.stdout
