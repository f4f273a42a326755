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


def _kill_a_demo_halfway(database: Path) -> str:
    """Start a demo into ``database``, ``kill -9`` it once rows are being inserted (its
    worker has spooled a chunk into /dev/shm) and wait for its worker to end; returns
    the prefix of its spool folder, left behind."""
    env = {k: v for k, v in os.environ.items() if k != "ASSETDESK_DATABASE"}
    env["ASSETDESK_DEMO_WORKERS"] = "on"  # a worker whatever else runs on the machine
    demo = subprocess.Popen(
        _command(database, "demo", "--assets", "60000"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    mine = f"assetdesk-demo-{demo.pid}-"
    try:
        # Its worker runs and rows are being inserted once a chunk was spooled.
        _wait_for(
            lambda: any(any(p.iterdir()) for p in SPOOLS.glob(f"{mine}*")),
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
    assert list(SPOOLS.glob(f"{mine}*")), "the killed demo could not clean up its spool"
    return mine


SPOOLS = Path("/dev/shm")


def test_a_demo_killed_halfway_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    _run(database, "db", "info")  # created and migrated, empty
    mine = _kill_a_demo_halfway(database)

    info = json.loads(_run(database, "db", "info", "--json"))
    assert info["counts"]["assets"] == 0 and info["counts"]["procedures"] == 0

    out = _run(database, "demo", "--assets", "2500")
    assert "Done in" in out
    assert not list(SPOOLS.glob(f"{mine}*")), "the next demo leaves the dead one's spool"
    assert json.loads(_run(database, "db", "info", "--json"))["counts"]["assets"] == 2500


def test_a_small_demo_removes_a_killed_demos_spool_too(tmp_path: Path) -> None:
    """A demo too small for a worker (made in its own process, no spool) left a dead
    demo's folder in /dev/shm, in memory, until a larger demo ran; every demo removes
    them as it starts, into any file. A living demo's folder stays."""
    _run(tmp_path / "first.sqlite3", "db", "info")
    mine = _kill_a_demo_halfway(tmp_path / "first.sqlite3")
    living = SPOOLS / f"assetdesk-demo-{os.getpid()}-test"  # this process lives
    living.mkdir()
    try:
        # (Any other demo on this machine removes it too: it must be there still.)
        assert list(SPOOLS.glob(f"{mine}*"))
        out = _run(tmp_path / "other.sqlite3", "demo", "--assets", "30")
        assert "Done in" in out
        assert not list(SPOOLS.glob(f"{mine}*")), "the small demo left the dead one's spool"
        assert living.is_dir()
    finally:
        living.rmdir()
