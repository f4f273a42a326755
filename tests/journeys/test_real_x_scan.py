"""A scan in the real application under a real X server (issue 13, point 2).

Xvfb on a display it picks itself, the real app (``python -m ui.cli.main``) on Qt's xcb
platform over a temporary database, and ``xdotool`` typing a capitalised tag and Enter
as a USB scanner does (Shift around the capitals, 10 ms between keys) — once with the
register focused and once while the search box has the focus. What the window shows is
read from outside: its title (``xdotool getwindowname``), a screenshot kept in the
test's folder, and the state the window writes when it closes (ASSETDESK_STATE_FILE).

Skipped when Xvfb or xdotool are missing, unless ASSETDESK_REQUIRE_XVFB=1 (CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.settings import CURRENT_USER, DATABASE_URL, Settings
from desktop.storage.database import Database
from tests.factories import seed_world

TOOLS = ("Xvfb", "xdotool")
XVFB = ("Xvfb", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
TAGS = ("DCK-000019", "LAP-000007", "MON-000003")


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"a real X server test needs {' and '.join(missing)} (apt: xvfb xdotool)"
    if os.environ.get("ASSETDESK_REQUIRE_XVFB") == "1":
        pytest.fail(reason + "; ASSETDESK_REQUIRE_XVFB=1 makes it mandatory")
    pytest.skip(reason)


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    _require_tools()
    read_end, write_end = os.pipe()
    with (tmp_path / "xvfb.log").open("w") as log:
        server = subprocess.Popen(
            [*XVFB, "-displayfd", str(write_end)],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        assert number, f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()}"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _xdotool(display: str, *args: str, timeout: float = 30) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout.strip()


def _wait_for_title(display: str, window: str, expected: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    title = ""
    while time.monotonic() < deadline:
        title = _xdotool(display, "getwindowname", window)
        if expected in title:
            return title
        time.sleep(0.2)
    return title


def _scan(display: str, tag: str) -> None:
    """What a USB scanner sends: the tag typed fast (xdotool adds Shift for capitals), Enter."""
    _xdotool(display, "type", "--delay", "10", tag)
    _xdotool(display, "key", "Return")


def _screenshot(display: str, path: Path) -> None:
    time.sleep(0.5)  # the register's rows and the detail panel catch up with the title
    if shutil.which("import"):
        subprocess.run(
            ["import", "-display", display, "-window", "root", str(path)],
            timeout=30,
            check=False,
            capture_output=True,
        )


def app_environment(
    display: str, database: Database, tmp_path: Path, **extra: str
) -> dict[str, str]:
    """The environment of the real application on ``display``, on ``database``'s file
    (disposed here: the application opens it) as "tech", with settings of its own;
    ``extra`` variables added (ASSETDESK_STATE_FILE …)."""
    path = database.sqlite_path
    assert path is not None
    database.dispose()
    settings_file = tmp_path / "settings.ini"
    settings = Settings(settings_file)
    settings.set(DATABASE_URL, f"sqlite:///{path}")
    settings.set(CURRENT_USER, "tech")
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "ASSETDESK_SETTINGS": str(settings_file),
        **extra,
    }
    env.pop("ASSETDESK_DATABASE", None)
    return env


def test_a_scanner_typing_into_the_real_window_selects_the_asset(
    display: str, sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    for tag in TAGS:
        world.receive(tag=tag, name=f"Asset {tag}")
    state_file = tmp_path / "state.json"
    env = app_environment(display, sqlite_db, tmp_path, ASSETDESK_STATE_FILE=str(state_file))
    with (tmp_path / "app.log").open("w") as log:
        app = subprocess.Popen(
            [sys.executable, "-m", "ui.cli.main"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        window = _xdotool(
            display, "search", "--sync", "--onlyvisible", "--name", "Assetdesk", timeout=60
        ).splitlines()[0]
        _xdotool(display, "windowfocus", "--sync", window)
        time.sleep(1.0)  # the register's first page and the lazily loaded pick lists

        _scan(display, "DCK-000019")  # the register has the focus
        title = _wait_for_title(display, window, "DCK-000019")
        _screenshot(display, tmp_path / "after-first-scan.png")
        assert title.startswith("DCK-000019 · Asset DCK-000019"), title

        _xdotool(display, "key", "ctrl+f")  # the search box takes the focus
        time.sleep(0.3)
        _scan(display, "LAP-000007")
        title = _wait_for_title(display, window, "LAP-000007")
        _screenshot(display, tmp_path / "after-scan-in-search-box.png")
        assert title.startswith("LAP-000007 · Asset LAP-000007"), title

        _xdotool(display, "key", "ctrl+q")
        app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=10)
    assert app.returncode == 0, (tmp_path / "app.log").read_text()
    state = json.loads(state_file.read_text(encoding="utf-8"))
    assert state["selected"] == ["LAP-000007"], state
    assert state["detail"] == "LAP-000007"
    assert state["search"] == "" and state["scan_field"] == "", state
    assert not [text for text in state["fields"].values() if text], state  # no stray text
    assert state["unknown_tag_prompt"] is None, state
    assert "DCK" not in json.dumps(state["choices"]), state  # nothing typed into a pick list
    if shutil.which("import"):
        assert (tmp_path / "after-scan-in-search-box.png").stat().st_size > 0
