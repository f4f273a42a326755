"""Keys sent where Qt sends a person's keys: to the open popup (a pick list's suggestions)
when one is open, else to the focused widget.

A popup takes the keyboard while it shows; its completer passes typing on to the field
but handles Enter, Tab, Escape and the arrows itself. A test that sends Enter to the field
(``QApplication.focusWidget()``) while the list is open skips the completer and passes on
behaviour a user never gets.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


def where_keys_go() -> QWidget:
    """The open popup, else the focused widget."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard"
    return widget


def type_keys(qtbot: QtBot, text: str) -> None:
    """Type ``text`` a key at a time, each where Qt delivers it (the list, once it opens)."""
    for char in text:
        qtbot.keyClicks(where_keys_go(), char)


def press_key(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press ``key`` where Qt delivers it."""
    qtbot.keyClick(where_keys_go(), key, modifier)


def the_open_list(qtbot: QtBot) -> QWidget:
    """Wait for a suggestion list to open and return it."""
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=5000)
    popup = QApplication.activePopupWidget()
    assert popup is not None
    return popup
