"""``kit conflicts`` and ``kit resolve`` say as whom they act; ``kit status`` and ``asset
show`` say the time zone of their times (a new user's finding, 2026-12-06).

"made by tech at 2026-12-06 14:48" could not be placed by a colleague in another office,
and the queue was read and settled without saying as whom. The zone is named as the
audit report names it ("CET (UTC+01:00)"). Run as subprocesses, in Berlin's zone, on a
local register file (the server's login is covered in tests/ui/cli/test_users_cli.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.storage.database import Database
from tests.factories import World
from tests.ui.kits.test_kit_cli import _change_location, _checkout, source  # noqa: F401

BERLIN = "CET (UTC+01:00)"  # December: standard time


def berlin(*argv: str | Path) -> str:
    env = dict(os.environ)
    env.pop("ASSETDESK_DATABASE", None)
    env["TZ"] = "Europe/Berlin"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *map(str, argv)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done.stdout


def test_conflicts_and_resolve_say_as_whom_and_times_say_their_zone(
    source: tuple[Path, World],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    path, world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)

    status = berlin("--database", kit, "kit", "status")
    (checked_out,) = [line for line in status.splitlines() if "checked out by" in line]
    assert checked_out.endswith(BERLIN), status
    (as_of,) = [line for line in status.splitlines() if "as of" in line]
    assert f" {BERLIN} (" in as_of, status

    kit_db, server = Database(f"sqlite:///{kit}"), Database(f"sqlite:///{path}")
    try:
        _change_location(kit_db, "LAP-1003", world.room_a)  # offline
        _change_location(server, "LAP-1003", world.other_site_room, by="tech2")  # meanwhile
    finally:
        kit_db.dispose()
        server.dispose()
    berlin("kit", "sync", kit)

    listing = berlin("--database", path, "kit", "conflicts")
    first = listing.splitlines()[0]
    assert first.startswith(f"Conflict queue on local file {path}, read as "), listing
    (made,) = [line for line in listing.splitlines() if "made by" in line]
    assert f" {BERLIN}; record " in made, listing

    (conflict,) = json.loads(berlin("--database", path, "kit", "conflicts", "--json"))
    number = str(conflict["number"])
    settled = berlin(
        "--database", path, "kit", "resolve", number, "--take", "server", "--as", "tech2"
    )
    assert f"Conflict #{number} (LAP-1003) settled by tech2: the server's values kept" in settled
    again = json.loads(berlin("--database", path, "kit", "conflicts", "--all", "--json"))
    assert again[0]["resolved_by"] == "tech2"

    shown = berlin("--database", path, "asset", "show", "LAP-1003")
    assert f"procedures, newest first; times in {BERLIN})" in shown, shown
