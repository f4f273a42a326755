"""The window's shortcuts come before the key bindings of its text fields.

A QLineEdit claims some Ctrl combinations for editing, and which ones depends on the
platform's keyboard scheme: on X11 Ctrl+E is "end of line" and Ctrl+K "delete to the end
of line". It claims them with a ShortcutOverride event, so while the search box or the
scan field has the focus — as it does after every scan — Ctrl+E (Change) did nothing.
:class:`WindowShortcutsFirst` refuses that claim for every combination that is the
shortcut of one of the window's enabled actions; other keys (Ctrl+A, Ctrl+C, Home…)
stay with the field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget


class WindowShortcutsFirst(QObject):
    """Application event filter that lets ``window``'s action shortcuts win in its fields."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        assert isinstance(event, QKeyEvent)
        if not self.is_window_shortcut(QKeySequence(event.keyCombination())):
            return False
        event.ignore()  # not claimed by the field: the shortcut map triggers the action
        return True

    def is_window_shortcut(self, pressed: QKeySequence) -> bool:
        for action in self._window.actions():
            if not action.isEnabled():
                continue
            for shortcut in action.shortcuts():
                if shortcut.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                    return True
        return False
