"""Every dialog and window the main window's menus open: no two visible buttons or labels
in one of them share an Alt letter (two controls with one letter only move the focus
between them: Alt+Y and Alt+P of the Settings dialog each reached two). Each menu item is
triggered as a click on it does, while enabled; what it opens is read once its content
has loaded, then closed. The Settings dialog is read in both of its modes (the server
mode shows the TLS rows)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QWidget

from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, open_window
from tests.ui.mnemonics import mnemonics
from tests.ui.windows import closed
from ui.gui.main_window import MainWindow

#: Menu items that open nothing (they move the focus, read again, or end the program).
_OPEN_NOTHING = {"&Quit", "&Find…", "&Scan a tag", "&Refresh"}


def _shown(window: MainWindow) -> set[QWidget]:
    return {
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and w is not window and w.isWindow() and not w.inherits("QMenu")
    }


def _clashes(widget: QWidget) -> dict[str, list[str]]:
    return {letter: texts for letter, texts in mnemonics(widget).items() if len(texts) > 1}


def _not(busy: Callable[[], object]) -> Callable[[], bool]:
    return lambda: not busy()


def _new_window(window: MainWindow, before: set[QWidget]) -> Callable[[], bool]:
    return lambda: bool(_shown(window) - before)


def _settle(qtbot: QtBot, widget: QWidget) -> None:
    """Until the widget's reads on workers are done (its rows and choices shown)."""
    for name in ("is_busy", "busy"):
        busy = getattr(widget, name, None)
        if callable(busy):
            qtbot.waitUntil(_not(busy), timeout=20_000)
    ready = getattr(widget, "is_ready", None)
    if callable(ready):
        qtbot.waitUntil(ready, timeout=20_000)
    qtbot.wait(300)


def _close(qtbot: QtBot, widget: QWidget) -> None:
    if isinstance(widget, QDialog):
        discard = getattr(widget, "discard", None)
        if callable(discard):
            discard()
        else:
            widget.reject()
    widget.close()
    qtbot.waitUntil(lambda: closed(widget), timeout=10_000)


def _items(window: MainWindow) -> list[tuple[str, QAction]]:
    found = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        assert isinstance(menu, QMenu)
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            if action.text() in _OPEN_NOTHING:
                continue
            found.append((f"{top.text()} › {action.text()}", action))
    return found


def test_no_two_controls_of_a_dialog_opened_from_the_menus_share_an_alt_letter(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    window.handle_scan("LAP-00005")  # an asset in service selected: its procedures offered
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    clashes: dict[str, dict[str, list[str]]] = {}
    boxes: list[QMessageBox] = []

    def read_boxes() -> None:  # a message box a menu item opens is read, then closed
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible() and box not in boxes:
                boxes.append(box)
                found = _clashes(box)
                if found:
                    clashes[f"message {box.text()[:40]}"] = found
                box.reject()

    timer = QTimer(window)
    timer.timeout.connect(read_boxes)
    timer.start(50)
    visited: list[str] = []
    items = _items(window)
    assert len(items) > 20
    for title, action in items:
        if not action.isEnabled():
            continue
        window.activateWindow()
        before = _shown(window)
        trigger(action)
        try:
            qtbot.waitUntil(_new_window(window, before), timeout=3000)
        except AssertionError:
            continue  # a message box, read and closed above, or nothing to open
        for widget in _shown(window) - before:
            visited.append(title)
            _settle(qtbot, widget)
            found = _clashes(widget)
            if found:
                clashes[f"{title} ({widget.windowTitle()})"] = found
            server = getattr(widget, "server_radio", None)
            if server is not None:  # Settings: the server's rows too
                server.click()
                qtbot.wait(100)
                found = _clashes(widget)
                if found:
                    clashes[f"{title} ({widget.windowTitle()}, server)"] = found
            _close(qtbot, widget)
    timer.stop()
    assert len(visited) >= 20, visited  # (Install and Dispose: not for an asset in service)
    for title in (
        "&File › &Settings…",
        "&File › &Import a spreadsheet…",
        "&Help › &About Assetdesk",
    ):
        assert title in visited
    assert clashes == {}
