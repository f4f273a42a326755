"""``assetdesk db info`` on a computer where Assetdesk has never run: no database yet."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli_run import run_cli


def _assetdesk(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, home=home, env={"HOME": str(home)}, timeout=120)


def test_db_info_on_a_fresh_machine_says_there_is_no_database_yet(tmp_path: Path) -> None:
    home = tmp_path / "New User"
    home.mkdir()
    database = home / "data" / "Assetdesk" / "assetdesk.sqlite3"

    result = _assetdesk(home, "db", "info")
    assert (result.returncode, result.stderr) == (0, "")
    assert f"local file {database}" in result.stdout
    assert "there is no database here yet" in result.stdout
    assert "Traceback" not in result.stdout
    assert not database.exists()  # a question creates nothing
    assert not database.parent.exists()

    as_json = _assetdesk(home, "db", "info", "--json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["exists"] is False

    # "db upgrade" then makes it, folder and all; "db info" describes it.
    upgrade = _assetdesk(home, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert database.exists()
    info = _assetdesk(home, "db", "info")
    assert info.returncode == 0
    assert "assets: 0" in " ".join(info.stdout.split())
