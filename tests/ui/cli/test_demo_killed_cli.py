"""``assetdesk demo`` killed halfway (``kill -9``, a laptop's power cut short of the disk):
the file is as before the demo, its worker process ends with it, and the next demo runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not Path("/dev/shm").is_dir(),
    reason="the demo forks its worker and spools to /dev/shm on Linux only",
)


def _command(database: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli.main", "--database", str(database), *argv]


def _run(database: Path, *argv: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ASSETDESK_DATABASE"}
    done = subprocess.run(
        _command(database, *argv), capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done.stdout


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # ended, waiting to be reaped by whoever adopted it


def test_a_demo_killed_halfway_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    _run(database, "db", "info")  # created and migrated, empty
    env = {k: v for k, v in os.environ.items() if k != "ASSETDESK_DATABASE"}
    demo = subprocess.Popen(
        _command(database, "demo", "--assets", "60000"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    spools = Path("/dev/shm")
    mine = f"assetdesk-demo-{demo.pid}-"
    try:
        # Its worker runs and rows are being inserted once a chunk was spooled.
        _wait_for(
            lambda: any(any(p.iterdir()) for p in spools.glob(f"{mine}*")),
            "the demo's first spooled chunk",
        )
        children = Path(f"/proc/{demo.pid}/task/{demo.pid}/children").read_text().split()
        assert children, "the demo runs no worker process"
        demo.send_signal(signal.SIGKILL)
        demo.wait(timeout=30)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    _wait_for(lambda: all(_gone(int(pid)) for pid in children), "the worker to end", 10)
    assert list(spools.glob(f"{mine}*")), "the killed demo could not clean up its spool"

    info = json.loads(_run(database, "db", "info", "--json"))
    assert info["counts"]["assets"] == 0 and info["counts"]["procedures"] == 0

    out = _run(database, "demo", "--assets", "2500")
    assert "Done in" in out
    assert not list(spools.glob(f"{mine}*")), "the next demo leaves the dead one's spool"
    assert json.loads(_run(database, "db", "info", "--json"))["counts"]["assets"] == 2500
