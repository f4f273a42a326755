"""Journey tests: the real main window, driven only through what a person can do.

Rules for every test in this folder (see STYLE.md habit 22):

- actions are reached by their shortcut, menu or toolbar button, and only while enabled
  (use :func:`trigger`, which asserts it);
- text is typed with key events, scans are sent by :class:`HidScanner` (Shift around
  capitals, 2-30 ms between events, Enter at the end);
- dialogs are filled through their widgets;
- no private method or service call stands in for a user's step; assertions read what the
  window shows and what the database holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QAction

from desktop.settings import CURRENT_USER, Settings
from tests.journeys.hid_scanner import HidScanner, scan_selects
from tests.ui.gui.conftest import Register, _register_template, register
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

__all__ = ["_register_template", "register"]

WindowFactory = Callable[..., MainWindow]


def trigger(action: QAction) -> None:
    """Do what a click on the action's menu item or toolbar button does, if a person can."""
    assert action.isEnabled(), f"{action.text()!r} is disabled: {action.toolTip()!r}"
    assert action.isVisible(), f"{action.text()!r} is hidden"
    action.trigger()


def scan_in_register(qtbot: QtBot, window: MainWindow, scanner: HidScanner, tag: str) -> None:
    """``tag`` scanned into the register's scan field after Ctrl+L (File › Scan), as a
    technician does: the field has the focus, then the register selects the tag's row."""
    trigger(window.scan_action)
    qtbot.waitUntil(window.view.scan_field.hasFocus)
    scan_selects(qtbot, window, scanner, tag)


@pytest.fixture
def scanner(qtbot: QtBot) -> HidScanner:
    return HidScanner(qtbot)


@pytest.fixture
def journey_window(qtbot: QtBot, register: Register, tmp_path: Path) -> Iterator[WindowFactory]:
    """Opens the main window over the 250-asset register, signed in as ``user``."""
    made: list[MainWindow] = []

    def make(user: str = "tech") -> MainWindow:
        settings = Settings(tmp_path / f"settings-{user}.ini")
        settings.set(CURRENT_USER, user)
        window = MainWindow(
            register.db, settings, layout_state=LayoutState(tmp_path / f"layout-{user}.ini")
        )
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
        made.append(window)
        return window

    yield make
    for window in made:
        if window.isVisible():
            window.close()
