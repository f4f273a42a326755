"""The command line as a person runs it: ``assetdesk ARGV`` in a process of its own.

Forty test modules each wrote out the same ``subprocess.run`` with their own small
differences (the developer's ``ASSETDESK_DATABASE`` left out or not, folders of their own,
a keyring backend). They differ in what they set; the running is one thing, here.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
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


def run_on_terminal(
    *argv: str,
    env: Mapping[str, str],
    answer: tuple[bytes, bytes] | None = None,
    stop_at: bytes | None = None,
    timeout: float = 120,
) -> tuple[int | None, str]:
    """``assetdesk ARGV`` in a terminal window: a pseudo-terminal is its standard input and
    output and its controlling terminal (``getpass`` reads ``/dev/tty``). Returns its exit
    status and what it wrote.

    Args:
        env: the process's whole environment.
        answer: (prompt, reply): the reply is typed once, when the prompt shows.
        stop_at: once this shows, the command waits for input nobody gives: it is killed
            and the status is None.
    """
    master, slave = os.openpty()
    # The child becomes a session leader whose controlling terminal is the pty, as in a
    # terminal window, then runs the command.
    trampoline = (
        "import os, sys; os.setsid(); os.close(os.open(os.ttyname(0), os.O_RDWR)); "
        "os.execv(sys.executable, [sys.executable, '-m', 'ui.cli.main', *sys.argv[1:]])"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", trampoline, *argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=dict(env),
        cwd=ROOT,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + timeout
    status: int | None = None
    try:
        while time.monotonic() < deadline and not (stop_at and stop_at in seen):
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if child.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if answer is not None and not answered and answer[0] in seen:
                os.write(master, answer[1])
                answered = True
        if not (stop_at and stop_at in seen):
            status = child.wait(timeout=60)
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    return status, seen.decode(errors="replace")
