"""Every symbol the window writes can be drawn with the fonts installed.

A character no installed font holds is painted as an empty box ("tofu"): seen by a new
user in the detail panel's "Checked out by …" line (U+29C9 on Debian's DejaVu fonts).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

GUI = Path(__file__).resolve().parents[3] / "ui" / "gui"


def _symbols() -> dict[str, str]:
    """Each non-Latin character in the GUI's string literals, with a file that uses it."""
    found: dict[str, str] = {}
    for path in sorted(GUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for char in node.value:
                    # Letters with accents come with every text font; symbols may not.
                    if ord(char) >= 0x2000:
                        found.setdefault(char, str(path.relative_to(GUI)))
    return found


def test_every_symbol_in_the_window_has_a_font(qapp: QApplication) -> None:
    symbols = _symbols()
    assert "…" in symbols  # the scan found the literals
    families = QFontDatabase.families()
    if not families:
        pytest.skip("no fonts installed")
    metrics = [QFontMetrics(QFont(family)) for family in families]
    missing = {
        f"U+{ord(char):04X} {char} ({where})"
        for char, where in symbols.items()
        if not any(m.inFontUcs4(ord(char)) for m in metrics)
    }
    assert not missing, f"no installed font draws: {sorted(missing)}"
