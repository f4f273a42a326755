"""Output read by a command that stops early (``assetdesk asset show TAG | head``) is not
a bug: found by a new user (newuser6), the command said "an internal error stopped this
command (BrokenPipeError …); its unfinished changes were not saved … please send that
file with a bug report". Now it stops quietly with the shell's status for it (141)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_reader_that_stops_reading_is_no_internal_error(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    created = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database", str(database), "db", "upgrade"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    reader, writer = os.pipe()
    os.close(reader)  # `| head` that has read its lines and gone
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "ui.cli.main", "--database", str(database), "templates", "list"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert listed.stderr == ""
    assert listed.returncode == 141
