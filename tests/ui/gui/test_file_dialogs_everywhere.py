"""Every file dialog of ours is ``ui.gui.file_dialogs``'s, which never opens what it lists.

A stock ``QFileDialog`` (or its static ``get…FileName``) in the window's process opened and
closed the open database's files to tell their type, dropping SQLite's locks on them
(tests/journeys/test_file_dialog_locks.py shows it through Settings › Browse…).
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

STOCK = re.compile(r"QFileDialog\s*\(|QFileDialog\.get\w+")


def test_no_window_builds_a_stock_file_dialog() -> None:
    root = Path(str(files("ui")))
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "file_dialogs.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STOCK.search(line)
    ]
    assert found == []
