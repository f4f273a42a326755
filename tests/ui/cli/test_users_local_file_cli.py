"""A technician on a local file follows the README's "Adding people" and types
``assetdesk users add tess --role technician`` in a terminal: it asked for a password
twice, then refused ("a local file is single-user") without saying where a local file's
people are. Now it refuses at once, asking nothing, and names Data › People and --as
(found by a new user, newuser13).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_run import ROOT, run_cli, run_on_terminal


def _on_a_terminal(home: Path, *argv: str) -> tuple[int | None, str]:
    """``assetdesk ARGV`` with a terminal for standard input and output; what it wrote,
    and its exit status (None when it asked for a password)."""
    env = dict(os.environ)
    env.pop("ASSETDESK_DATABASE", None)
    env["PYTHONPATH"] = str(ROOT)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    return run_on_terminal(*argv, env=env, stop_at=b"Password")


@pytest.mark.parametrize(
    "argv",
    [
        ("users", "add", "tess", "--role", "technician", "--name", "Tess Tech"),
        ("users", "set-password", "tess"),
    ],
)
def test_a_local_file_refuses_logins_at_once_and_says_where_its_people_are(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    database = tmp_path / "a.db"
    assert run_cli("db", "upgrade", database=database, home=tmp_path).returncode == 0
    status, text = _on_a_terminal(tmp_path, "--database", str(database), *argv)
    assert "Password" not in text, text
    assert status == 2, text
    assert "Data › People" in text and "--as USER" in text, text
    assert "Traceback" not in text
