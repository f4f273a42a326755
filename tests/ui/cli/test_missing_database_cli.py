"""``--database`` naming a file that is not there: a command that only reads refuses
with one line naming the path and how to make a register there, exits non-zero and
creates nothing; a command that writes still creates the file on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import run_cli

#: Commands that only read the database (each as a user would type it).
READS = [
    ["asset", "show", "LAP-1"],
    ["export", "{out}/register.xlsx"],
    ["export", "{out}/register.csv", "--search", "laptop"],
    ["approvals", "list", "--as", "jdoe"],
    ["audit", "list"],
    ["audit", "due"],
    ["audit", "report", "Zurich", "-o", "{out}/audit.xlsx"],
    ["incidents", "list"],
    ["incidents", "show", "1"],
    ["incidents", "report"],
    ["kit", "status"],
    ["kit", "conflicts"],
    ["kit", "checkout", "--scope", "Zurich", "-o", "{out}/field.adkit"],
    ["labels", "--all", "-o", "{out}/labels.pdf"],
    ["labels", "--list-templates"],
    ["templates", "list"],
    ["users", "list"],
    ["users", "log"],
    ["db", "backup", "{out}/copy.sqlite3"],
    ["db", "reindex"],
]


def assetdesk(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*map(str, argv), timeout=120)


@pytest.mark.parametrize("argv", READS, ids=lambda argv: " ".join(argv[:2]))
def test_a_read_command_refuses_a_missing_file_and_creates_nothing(
    argv: list[str], tmp_path: Path
) -> None:
    typo = tmp_path / "registr.sqlite3"
    out = tmp_path / "out"
    out.mkdir()
    done = assetdesk("--database", typo, *[a.format(out=out) for a in argv])
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr == (
        f"assetdesk: there is no database at {typo}: no such file (nothing was created). "
        f"Check the path, or create a new register there with: assetdesk --database {typo} "
        "db upgrade\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no file, no -wal
    assert list(out.iterdir()) == []


def test_a_relative_path_is_named_in_full(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database", "typo.db", "templates", "list"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
        env=_env_with_project(),
    )
    assert done.returncode == 2
    assert f"there is no database at {tmp_path / 'typo.db'}: no such file" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_commands_that_write_still_create_the_file(tmp_path: Path) -> None:
    sheet = tmp_path / "new.csv"
    sheet.write_text("Asset tag,Name,Category,Location\nLAP-1,Laptop,Laptop,Desk 1\n")
    made = tmp_path / "made.sqlite3"
    done = assetdesk("--database", made, "import", str(sheet))
    assert done.returncode == 0, done.stdout + done.stderr
    assert made.exists()
    # ...and once it is there, the same read commands read it.
    shown = assetdesk("--database", made, "asset", "show", "LAP-1")
    assert shown.returncode == 0, shown.stderr
    assert "LAP-1" in shown.stdout
    upgraded = tmp_path / "upgraded.sqlite3"
    assert assetdesk("--database", upgraded, "db", "upgrade").returncode == 0
    listed = assetdesk("--database", upgraded, "templates", "list")
    assert listed.returncode == 0, listed.stderr


def _env_with_project() -> dict[str, str]:
    """The environment with this checkout importable from another working folder."""
    root = str(Path(__file__).parents[3])
    return dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
