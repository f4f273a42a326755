"""The command line as a person runs it: ``assetdesk ARGV`` in a process of its own.

Forty test modules each wrote out the same ``subprocess.run`` with their own small
differences (the developer's ``ASSETDESK_DATABASE`` left out or not, folders of their own,
a keyring backend). They differ in what they set; the running is one thing, here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The checkout: the process imports our sources from here, wherever it runs.
ROOT = Path(__file__).resolve().parents[1]


def run_cli(
    *argv: str,
    database: Any = None,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    input: str | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """``assetdesk [--database URL] ARGV``, its output as text, never raising on failure.

    Args:
        database: a :class:`~desktop.storage.database.Database` (its URL, password
            included, as a person types it) or the URL/path as typed; None: none given.
        home: the person's own folders (data, settings, logs, cache) under this folder, so
            nothing of the developer's is read or written.
        env: variables set for this run (over the developer's environment, from which
            ``ASSETDESK_DATABASE`` is left out unless set here).
        cwd: the folder the command runs in (default: the checkout).
        input: what is typed on standard input (default: nothing, as from a script).

    A traceback on standard error is never what a person should see: it fails the test.
    """
    variables = dict(os.environ)
    variables.pop("ASSETDESK_DATABASE", None)
    variables["PYTHONPATH"] = str(ROOT)
    if home is not None:
        for name, folder in (
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ):
            variables[name] = str(home / folder)
    variables.update(env or {})
    command = [sys.executable, "-m", "ui.cli.main"]
    if database is not None:
        url = getattr(database, "url", None)
        typed = url.render_as_string(hide_password=False) if url is not None else str(database)
        command += ["--database", typed]
    result = subprocess.run(
        [*command, *argv],
        capture_output=True,
        text=True,
        env=variables,
        cwd=cwd or ROOT,
        input=input if input is not None else "",
        check=False,
        timeout=timeout,
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result
