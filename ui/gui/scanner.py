"""Keyboard-wedge barcode scanners: tell a scan from typing, anywhere in a window.

A USB scanner "types" the tag a few milliseconds per character and presses Enter. The
:class:`ScanDetector` is an application-level event filter for one window: it holds back
each printable key press for a moment; if more keys follow fast enough and the burst ends
with Enter, the burst was a scan and is reported with ``scanned`` — the focused field never
sees it. If the burst ends otherwise (a person typing), the held keys are delivered to
the widget they were meant for, in order, as if nothing happened.

Signals:
    scanned(str): the text of one scan (without the Enter).
    holding(object, str): a key press (its widget and text) is held back as the first of
        what may be a scan. Most such keys are a person typing and reach their widget
        ~30 ms later: a search box can start searching at once (see FilterBar.expect_key).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

#: Longest pause between two characters of a scan (USB scanners: 1–15 ms; people: 60+ ms).
MAX_GAP_SECONDS = 0.025
#: Shortest text that counts as a scan.
MIN_SCAN_LENGTH = 4
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _HeldKey:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    scanned = Signal(str)
    holding = Signal(object, str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._held: list[_HeldKey] = []
        self._last = 0.0
        self._replaying = False
        self._release = QTimer(self)
        self._release.setSingleShot(True)
        self._release.setInterval(round(MAX_GAP_SECONDS * 1000) + 5)
        self._release.timeout.connect(self.release)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        fast = bool(self._held) and now - self._last <= MAX_GAP_SECONDS
        if event.key() in _ENTER_KEYS:
            if fast and len(self._held) >= MIN_SCAN_LENGTH:
                text = "".join(k.text for k in self._held)
                self._held.clear()
                self._release.stop()
                self.scanned.emit(text)
                return True
            self.release()
            return False
        if not _is_printable(event):
            self.release()
            return False
        if self._held and not fast:
            self.release()
        self._held.append(_HeldKey(watched, event.key(), event.modifiers(), event.text()))
        self._last = now
        self._release.start()
        if len(self._held) == 1:
            self.holding.emit(watched, event.text())
        return True

    def release(self) -> None:
        """Deliver held keys to their widgets: they were typed by a person."""
        self._release.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for key in held:
                if not isValid(key.receiver):
                    continue
                event = QKeyEvent(QEvent.Type.KeyPress, key.key, key.modifiers, key.text)
                QApplication.sendEvent(key.receiver, event)
                release = QKeyEvent(QEvent.Type.KeyRelease, key.key, key.modifiers, key.text)
                QApplication.sendEvent(key.receiver, release)
        finally:
            self._replaying = False


def _is_printable(event: QKeyEvent) -> bool:
    if event.modifiers() & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    ):
        return False
    text = event.text()
    return len(text) == 1 and text.isprintable()
