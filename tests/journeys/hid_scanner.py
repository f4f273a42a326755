"""A USB barcode scanner as the application sees it: a keyboard that types very fast.

A real HID scanner (and X11 typing through ``xdotool``) sends, for every capital letter
and every shifted symbol, a Shift *press* (a key event with no text) before the
character and a Shift *release* after it, each a few milliseconds apart, then Enter (or
Tab). Scanners can also be set up to send a prefix and a suffix around the code. Every
event carries the device's timestamp, as key events from X11 or Windows do. Journey
tests send scans through :func:`scan` so that the window sees exactly what a person's
scanner would send — never ``handle_scan(text)`` or ``keyClicks`` without modifiers.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.gui.models.asset_table_model import TagRole

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: Characters a US keyboard layout types with Shift held.
SHIFTED_SYMBOLS = frozenset('~!@#$%^&*()_+{}|:"<>?')
_NAMED_KEYS = {"\t": Qt.Key.Key_Tab, "\n": Qt.Key.Key_Return, "\r": Qt.Key.Key_Return}


@dataclass(frozen=True)
class ScannerProfile:
    """How one scanner is configured: its timing and what it sends around the code.

    Attributes:
        min_gap_ms: shortest pause between two key events.
        max_gap_ms: longest pause between two key events (real scanners: 1-30 ms).
        prefix: text sent before the code (some scanners are set up with one).
        suffix: text sent after the code, before the terminator.
        terminator: "enter", "tab" or "" (none).
    """

    min_gap_ms: int = 2
    max_gap_ms: int = 30
    prefix: str = ""
    suffix: str = ""
    terminator: str = "enter"


def _key_for(char: str) -> Qt.Key:
    if char in _NAMED_KEYS:
        return _NAMED_KEYS[char]
    # Qt's key codes for Latin-1 characters are the upper-case code points.
    return Qt.Key(ord(char.upper()))


def needs_shift(char: str) -> bool:
    return (char.isalpha() and char.isupper()) or char in SHIFTED_SYMBOLS


class HidScanner:
    """Sends scans as key events where Qt sends a keyboard's: the open popup, else the
    widget with the keyboard focus."""

    def __init__(
        self, qtbot: QtBot, profile: ScannerProfile | None = None, *, seed: int = 7
    ) -> None:
        self.qtbot = qtbot
        self.profile = profile or ScannerProfile()
        self._random = random.Random(seed)
        #: The device's clock (ms): every event carries the time the scanner sent it, as
        #: events from a window system do, however busy the application's event loop is.
        self._clock = 0

    def scan(self, code: str, *, target: QWidget | None = None) -> None:
        """Type ``prefix + code + suffix`` and the terminator as a scanner would."""
        profile = self.profile
        self._clock = max(self._clock + 1000, int(time.monotonic() * 1000))
        for char in profile.prefix + code + profile.suffix:
            self._type(char, target)
        if profile.terminator == "enter":
            self._key(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r", target)
        elif profile.terminator == "tab":
            self._key(Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, "\t", target)
        self.qtbot.wait(5)

    def _type(self, char: str, target: QWidget | None) -> None:
        if needs_shift(char):
            shift = Qt.KeyboardModifier.ShiftModifier
            self._send(QEvent.Type.KeyPress, Qt.Key.Key_Shift, shift, "", target)
            self._pause()
            self._key(_key_for(char), shift, char, target)
            self._send(
                QEvent.Type.KeyRelease, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier, "", target
            )
            self._pause()
        else:
            self._key(_key_for(char), Qt.KeyboardModifier.NoModifier, char, target)

    def _key(
        self, key: Qt.Key, modifiers: Qt.KeyboardModifier, text: str, target: QWidget | None
    ) -> None:
        self._send(QEvent.Type.KeyPress, key, modifiers, text, target)
        self._pause()
        self._send(QEvent.Type.KeyRelease, key, modifiers, text, target)
        self._pause()

    def _send(
        self,
        kind: QEvent.Type,
        key: Qt.Key,
        modifiers: Qt.KeyboardModifier,
        text: str,
        target: QWidget | None,
    ) -> None:
        # Where Qt sends a keyboard's keys: an open popup (a pick list's suggestions) has
        # the keyboard; its completer passes typing on to the field and handles Enter.
        receiver = (
            target
            or QApplication.activePopupWidget()
            or QApplication.focusWidget()
            or QApplication.activeWindow()
        )
        assert receiver is not None, "a scan needs a focused widget, as a keyboard does"
        event = QKeyEvent(kind, key, modifiers, text)
        event.setTimestamp(self._clock)
        QApplication.sendEvent(receiver, event)

    def _pause(self) -> None:
        """Wait between two key events, as the scanner does (the event loop runs meanwhile)."""
        profile = self.profile
        gap = self._random.randint(profile.min_gap_ms, profile.max_gap_ms)
        self._clock += gap
        self.qtbot.wait(gap)


def typing_reached_its_field(qtbot: QtBot, *, timeout: int = 5000) -> None:
    """A person pauses after typing: wait until no window's scan detector holds back keys
    (fast test keystrokes look like the start of a scan until the burst goes quiet; then
    they reach the focused field as typed). Press Enter or Tab only after this."""
    from ui.gui.scanner import ScanDetector

    def delivered() -> bool:
        return not any(
            detector.is_holding()
            for window in QApplication.topLevelWidgets()
            for detector in window.findChildren(ScanDetector)
        )

    qtbot.waitUntil(delivered, timeout=timeout)


def type_as_a_person(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` and pause, as a person does before the next key."""
    qtbot.keyClicks(widget, text)
    typing_reached_its_field(qtbot)


def scan_selects(qtbot: QtBot, window: MainWindow, scanner: HidScanner, tag: str) -> None:
    """``tag`` scanned into the main window: the register selects its row, and only it."""
    scanner.scan(tag)

    def selected() -> list[str]:
        rows = window.view.table.selectionModel().selectedRows()
        return [i.data(TagRole) for i in rows]

    qtbot.waitUntil(lambda: selected() == [tag], timeout=5000)
