"""A screen of a chosen size for Qt's offscreen platform (its ``configfile``): the README
screenshots render on a desk-sized one, the small-screen tests on a laptop's."""

from __future__ import annotations

import json
from pathlib import Path


def offscreen_platform(config: Path, width: int, height: int, *, name: str = "desk") -> str:
    """Writes the screen's description to ``config`` and returns the ``QT_QPA_PLATFORM``
    value that opens windows on it (set it before the QApplication is made)."""
    screen = {"name": name, "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return f"offscreen:configfile={config}"
