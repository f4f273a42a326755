"""On a real 1280 × 720 or 1024 × 700 screen, the form opened with the Receive shortcut
opens inside the screen with Record, Cancel and "still needed" in view.

The screen size is set for Qt's offscreen platform (its ``configfile``), so the test runs
the main window in a subprocess of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import World
from ui.gui.offscreen_screen import offscreen_platform


def _inside(outer: list[int], inner: list[int]) -> bool:
    x, y, w, h = outer
    ix, iy, iw, ih = inner
    return x <= ix and y <= iy and ix + iw <= x + w and iy + ih <= y + h


def _probe(world: World, tmp_path: Path, size: tuple[int, int]) -> dict[str, Any]:
    """The main window opened on a screen of ``size`` in a subprocess, Receive's form
    opened with its shortcut: what ``small_screen_probe`` measured of them."""
    database = world.db.sqlite_path
    assert database is not None
    world.db.dispose()
    platform = offscreen_platform(tmp_path / "screen.json", *size)
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.procedure_form.small_screen_probe", str(database),
         str(tmp_path / "settings.ini")],
        capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": platform},
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    probe: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["enabled"] is True
    return probe


@pytest.mark.parametrize("size", [(1280, 720), (1024, 700)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_form_opens_inside_a_small_screen(
    sqlite_world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    probe = _probe(sqlite_world, tmp_path, size)
    assert probe["screen"] == [0, 0, *size]
    assert probe["window_min_width"] <= size[0]  # the main window itself fits (its filter bar)
    # The whole dialog, its buttons and what is still needed are on the screen.
    assert _inside(probe["screen"], probe["dialog"]), probe
    for key in ("ok", "cancel", "status"):
        assert _inside(probe["dialog"], probe[key]), (key, probe)
    assert probe["status_text"].startswith("⚠ Still needed")
    assert probe["horizontal_scrollbar"] is False
    assert probe["form_min_width"] <= probe["viewport_width"]


@pytest.mark.parametrize(
    "size", [(1600, 1000), (1280, 720), (1024, 700)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_the_receive_checklist_is_in_view_as_the_form_opens(
    sqlite_world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A mouse user ticks the checklist of every asset received: opened with Ctrl+N, its
    items are inside the form's viewport without scrolling — on a 1280 × 720 screen too,
    where it began some 500 pixels below the fold (it stands beside the fields now)."""
    probe = _probe(sqlite_world, tmp_path, size)
    assert _inside(probe["screen"], probe["dialog"]), probe
    viewport = [0, 0, probe["viewport_width"], probe["viewport_height"]]
    assert _inside(viewport, probe["checklist_first"]), json.dumps(probe)
    assert _inside(viewport, probe["checklist_last"]), json.dumps(probe)
    assert probe["horizontal_scrollbar"] is False
    assert probe["form_min_width"] <= probe["viewport_width"]
