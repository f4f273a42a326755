"""Rules that keep the architecture simple, enforced rather than advised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "source",
    [
        "from PySide6.QtCore import QObject\n",
        "import PySide6\n",
        "from ui.gui.app import run_gui\n",
        "import ui.cli\n",
    ],
)
def test_lint_refuses_qt_or_ui_imports_in_the_core(source: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--stdin-filename",
            "desktop/example.py",
            "--select",
            "TID251",
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout


def test_lint_allows_qt_in_the_ui() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--stdin-filename",
            "ui/gui/example.py",
            "--select",
            "TID251",
            "-",
        ],
        input="from PySide6.QtCore import QObject\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_no_core_module_imports_qt_at_run_time() -> None:
    code = (
        "import importlib, pkgutil, sys, desktop\n"
        "for m in pkgutil.walk_packages(desktop.__path__, 'desktop.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'ui'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
