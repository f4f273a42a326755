"""``kit sync`` says in one line when ASSETDESK_DATABASE names another database than the kit's.

A new user's finding (2026-12-06): with ``ASSETDESK_DATABASE`` set to the register they
meant, ``assetdesk kit sync site.adkit`` synced with the kit's own server and said
nothing about the variable (``--database`` naming another server is refused already).
Run as subprocesses with a local register file as the kit's source.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.storage.urls import ENV_VAR
from tests.factories import World
from tests.ui.kits.test_kit_cli import _checkout, ok, source  # noqa: F401 - a fixture


def sync(kit: Path, database: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    if database is not None:
        env[ENV_VAR] = database
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "kit", "sync", str(kit), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )


def test_an_environment_database_other_than_the_kits_is_said(
    source: tuple[Path, World],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    path, _world = source
    kit = tmp_path / "site.adkit"
    _checkout(path, kit)
    ok("--database", kit, "procedure", "change", "LAP-1001", "--set", "location=Room A1",
       "--answer", "change_type=Move", "--as", "tech")  # fmt: skip
    other = tmp_path / "another register.sqlite3"

    done = sync(kit, f"sqlite:///{other}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"assetdesk: note: {ENV_VAR} names sqlite:///{other}, but ")
    assert f"syncs only with sqlite:///{path}" in line or str(path) in line
    assert line.endswith(f"{ENV_VAR} is not used by kit sync")
    assert done.stdout.startswith("Syncing ")
    assert not other.exists()  # the variable's database was not touched (nor created)

    bare_path = sync(kit, str(other))  # a path, as --database takes one
    (line,) = bare_path.stderr.strip().splitlines()
    assert f"{ENV_VAR} names sqlite:///{other}" in line

    for same in (f"sqlite:///{path}", str(path), str(kit)):  # the kit's own: nothing said
        quiet = sync(kit, same)
        assert quiet.returncode == 0, quiet.stderr
        assert quiet.stderr.strip() == "", quiet.stderr
    assert sync(kit, None).stderr.strip() == ""
