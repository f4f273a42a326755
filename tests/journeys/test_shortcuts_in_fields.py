"""Every window shortcut works while a line edit of the main window has the keyboard
focus — after a scan the search box keeps it, and QLineEdit's own key bindings (Ctrl+E is
"end of line" on X11) must not eat the procedure shortcuts (new-user finding 3).

Which keys a line edit claims depends on the platform's keyboard scheme: "offscreen" uses
the Windows scheme (no Ctrl+E binding), so the last test runs this file again on Qt's
xcb platform under Xvfb, where the X11 scheme is in force (skipped without Xvfb unless
ASSETDESK_REQUIRE_XVFB=1).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner, scan_selects
from tests.journeys.test_real_x_scan import display
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.dialog import ProcedureDialog

__all__ = ["display"]


def press(qtbot: QtBot, widget: QLineEdit, shortcut: str) -> None:
    """The key combination as real key events (QTest sends the shortcut override first)."""
    combination = QKeySequence(shortcut)[0]  # type: ignore[index]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


def opened_form(qtbot: QtBot, window: MainWindow, before: int) -> ProcedureDialog:
    qtbot.waitUntil(lambda: len(window.open_dialogs) > before, timeout=5000)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ProcedureDialog)
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    return dialog


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (ProcedureKind.CHANGE, "search"),
        (ProcedureKind.CHANGE, "scan"),
        (ProcedureKind.INSTALL, "search"),
        (ProcedureKind.DECOMMISSION, "search"),
        (ProcedureKind.RECEIVE, "scan"),
    ],
)
def test_a_procedure_shortcut_after_a_scan_opens_its_form(
    qtbot: QtBot,
    journey_window: WindowFactory,
    scanner: HidScanner,
    kind: ProcedureKind,
    field: str,
) -> None:
    window = journey_window()
    box = window.view.filter_bar.search if field == "search" else window.view.scan_field
    trigger(window.find_action if field == "search" else window.scan_action)
    qtbot.waitUntil(box.hasFocus)
    scan_selects(qtbot, window, scanner, "LAP-00011")
    assert box.hasFocus()  # the scan left the focus where it was
    action = window.procedure_actions[kind]
    assert action.isEnabled(), action.toolTip()
    before = len(window.open_dialogs)
    press(qtbot, box, action.shortcut().toString())
    dialog = opened_form(qtbot, window, before)
    assert dialog.view is not None and dialog.view.context.kind is kind
    dialog.close()


def test_every_window_shortcut_wins_over_the_search_box(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """No line-edit binding hides a shortcut: each one reaches its action from the box."""
    window = journey_window()
    search = window.view.filter_bar.search
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    if os.environ.get("QT_QPA_PLATFORM") == "xcb":  # the binding that ate Ctrl+E is there
        bindings = QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)
        assert QKeySequence("Ctrl+E") in bindings
    shortcuts = [a for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(shortcuts) >= 10
    for action in shortcuts:
        fired: list[bool] = []
        action.triggered.disconnect()
        action.triggered.connect(lambda _c=False, f=fired: f.append(True))
        action.setEnabled(True)
        search.setFocus()
        press(qtbot, search, action.shortcut().toString())
        assert fired, f"{action.text()} ({action.shortcut().toString()}) was eaten by the box"


def test_the_search_box_still_takes_its_own_editing_keys(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    window = journey_window()
    search = window.view.filter_bar.search
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "abc")
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert search.selectedText() == "abc"


@pytest.mark.skipif(os.environ.get("QT_QPA_PLATFORM") == "xcb", reason="already on X11")
def test_the_shortcuts_win_under_x11s_keyboard_scheme(display: str, tmp_path: Path) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            __file__,
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-k",
            "not x11s_keyboard_scheme",
            f"--basetemp={tmp_path / 'x11'}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "7 passed" in done.stdout, done.stdout[-2000:]
