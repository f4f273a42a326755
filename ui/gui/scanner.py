"""Keyboard-wedge barcode scanners: tell a scan from typing, anywhere in a window.

A USB scanner "types" the tag a few milliseconds per key event and presses Enter (or
Tab). For a capital letter or a shifted symbol it sends a Shift press before the key and
a Shift release after it (AltGr on layouts that need it), and every key has its release.
The :class:`ScanDetector` is an application-level event filter for one window: it holds
back each printable key press for a moment; while more key events follow fast enough —
characters, their releases, Shift/AltGr presses and releases — the burst goes on; if it
ends with the terminator and is long enough, it was a scan and is reported with
``scanned`` — the focused field never sees it, unless the slot calls
:meth:`ScanDetector.give_back` (a field that takes no scans: the keys reach it as typed,
the terminator after them, so nothing typed is lost). If the burst ends otherwise (a
person typing), the held keys are delivered to the widget they were meant for, in order,
as if nothing happened. Timing, length, prefix, suffix and terminator are settings
(:class:`desktop.scanning.ScannerConfig`).

Speed alone does not make a scan: a fast typist presses the next key before releasing
the last one (rollover), which a scanner never does (it presses and releases each key in
turn, Shift around capitals included). A burst with an overlap is typing to its end: its
keys go straight to their widget and its Enter or Tab is a plain key.

Signals:
    scanned(str): the code of one scan (without prefix, suffix and terminator).
    holding(object, str): a key press (its widget and text) is held back as the first of
        what may be a scan. Most such keys are a person typing and reach their widget
        ~50 ms later: a search box can start searching at once (see FilterBar.expect_key).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import getCppPointer, isValid

from desktop.scanning import ScannerConfig

#: Longest pause between two key events of a scan by default (see ScannerConfig).
MAX_GAP_SECONDS = ScannerConfig().max_gap_ms / 1000
#: Shortest text that counts as a scan by default.
MIN_SCAN_LENGTH = ScannerConfig().min_length
_TERMINATOR_KEYS = {
    Qt.Key.Key_Return: "enter",
    Qt.Key.Key_Enter: "enter",
    Qt.Key.Key_Tab: "tab",
}
#: Keys that only change what the next key types: part of a scan, never its end.
MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Control,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Mode_switch,
        Qt.Key.Key_unknown,  # ISO_Level3_Shift / Level5 on some X11 layouts
    }
)
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


@dataclass
class _HeldKey:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    scanned = Signal(str)
    holding = Signal(object, str)

    def __init__(self, window: QWidget, config: ScannerConfig | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._held: list[_HeldKey] = []
        self._last = 0.0  # when the last key event of the burst (or of a scan) arrived
        self._last_stamp = 0  # and its window-system timestamp (ms; 0 for synthetic keys)
        self._after_scan = False  # a scan just ended: its trailing releases are swallowed
        self._replaying = False
        self._waited = False  # the release was put off once after a busy event loop
        self._seen: tuple[int, QWidget] | None = None  # the last key event and its receiver
        self._down: dict[int, float] = {}  # printable keys pressed, not yet released: when
        self._typing = False  # this burst had an overlap (rollover): a person typing
        self._given_back = False  # a ``scanned`` slot did not take the scan
        self._scan_keys: list[_HeldKey] = []  # the scan being reported, and its terminator
        self._release = QTimer(self)
        self._release.setSingleShot(True)
        self._release.timeout.connect(self._quiet)
        self.config = config or ScannerConfig()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    @property
    def config(self) -> ScannerConfig:
        return self._config

    @config.setter
    def config(self, config: ScannerConfig) -> None:
        self._config = config
        self._gap = config.max_gap_ms / 1000
        self._release.setInterval(config.max_gap_ms + 5)

    def is_holding(self) -> bool:
        """Whether key presses are held back as the possible start of a scan."""
        return bool(self._held)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in _KEY_EVENTS:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        assert isinstance(event, QKeyEvent)
        if self._propagated(watched, event):
            return False  # seen already: a key a widget ignored, passed on to its parent
        if event.isAutoRepeat():
            self.release()
            return False
        now = time.monotonic()
        # The window system's time of the key, when it has one: a busy event loop does not
        # stretch the gaps it measures (synthetic keys have none).
        stamp = event.timestamp()
        gap = (stamp - self._last_stamp) / 1000 if stamp and self._last_stamp else now - self._last
        fast = 0 <= gap <= self._gap
        self._typing = self._typing and fast
        in_burst = (bool(self._held) or self._after_scan) and fast
        self._last_stamp = stamp
        if event.type() == QEvent.Type.KeyRelease:
            self._down.pop(event.key(), None)
        if self._typing:
            self._last = now  # a person typing fast: every key goes where it was sent
            if event.type() == QEvent.Type.KeyPress and _is_printable(event):
                self._down[event.key()] = now
            return False
        if event.type() == QEvent.Type.KeyRelease or event.key() in MODIFIER_KEYS:
            # Releases and Shift/AltGr belong to the burst they arrive in (held keys are
            # replayed with their releases); outside a burst they go where they were sent.
            if in_burst:
                self._last = now
                self._waited = False
                self._release.start()
                return True
            return False
        self._after_scan = False
        terminator = _TERMINATOR_KEYS.get(Qt.Key(event.key()))
        if terminator is not None and not _has_command_modifier(event):
            text = "".join(k.text for k in self._held)
            if in_burst and terminator in self.config.terminators and self.config.is_scan(text):
                held, self._held = self._held, []
                self._given_back = False
                terminator_key = _HeldKey(watched, event.key(), event.modifiers(), event.text())
                self._scan_keys = [*held, terminator_key]
                self.scanned.emit(self.config.code(text))
                self._scan_keys = []
                if self._given_back:
                    self._given_back = False
                    self._release.stop()
                    self._replay(held)
                    return False  # then the terminator, as typed
                self._after_scan = True  # the terminator's release follows
                self._last = now
                self._release.start()
                return True
            self.release()
            return False
        if not _is_printable(event):
            self.release()
            return False
        if self._held and not in_burst:
            self.release()
        if self._overlaps(now):
            # The last key is still down as this one is pressed: fingers, not a scanner.
            self._down[event.key()] = now
            self._typing = True
            self._last = now
            self.release()
            return False
        self._down[event.key()] = now
        self._held.append(_HeldKey(watched, event.key(), event.modifiers(), event.text()))
        self._last = now
        self._waited = False
        self._release.start()
        if len(self._held) == 1:
            self.holding.emit(watched, event.text())
        return True

    def give_back(self) -> None:
        """From a ``scanned`` slot: the scan is not taken. Its keys reach the widgets they
        were typed in, then its Enter or Tab, as if a person had typed them."""
        self._given_back = True

    def give_back_later(self) -> Callable[[], None]:
        """From a ``scanned`` slot that cannot tell yet whether to take the scan (it asks
        the database, on a worker): the scan is taken for now, and the function returned
        gives it back when called — its keys, then its Enter or Tab, reach the widgets
        they were typed in, as :meth:`give_back` would have delivered them."""
        keys = list(self._scan_keys)

        def give_back() -> None:
            if isValid(self):
                self._replay(keys)

        return give_back

    def _overlaps(self, now: float) -> bool:
        """Whether a printable key pressed within the last half second is still down."""
        for key, pressed in list(self._down.items()):
            if now - pressed > 2:
                del self._down[key]  # its release went elsewhere (another window)
        return any(now - pressed <= 0.5 for pressed in self._down.values())

    def _propagated(self, watched: QWidget, event: QKeyEvent) -> bool:
        """Whether ``event`` is the one seen last, now sent to an ancestor of its first
        receiver (Qt passes an ignored key to the parent; the filter sees it again)."""
        pointer = getCppPointer(event)[0]
        previous, self._seen = self._seen, (pointer, watched)
        if previous is None or previous[0] != pointer or not isValid(previous[1]):
            return False
        return watched is not previous[1] and watched.isAncestorOf(previous[1])

    def _quiet(self) -> None:
        """No key event for longer than a scan's gap: the burst was typing."""
        self._after_scan = False
        quiet_for = time.monotonic() - self._last
        if self._held and quiet_for < self._gap:
            self._release.start()  # the burst is still going on
            return
        if self._held and quiet_for > 2 * self._gap + 0.03 and not self._waited:
            # The event loop was busy (a search, a paint): keys the scanner sent meanwhile
            # may still be queued. Wait one more gap with the loop free before deciding.
            self._waited = True
            self._release.start()
            return
        # Events the window system has queued meanwhile are handled first: a busy event
        # loop must not cut a scan in two. With this detector as the context: a form
        # closed meanwhile (its detector deleted) cancels it ("QTimer already deleted"
        # was raised from release() once, test_scans_in_dialogs under load).
        QTimer.singleShot(0, self, self._release_if_quiet)

    def _release_if_quiet(self) -> None:
        if self._held and time.monotonic() - self._last > self._gap:
            self.release()

    def release(self) -> None:
        """Deliver held keys to their widgets: they were typed by a person."""
        self._release.stop()
        self._after_scan = False
        self._waited = False
        held, self._held = self._held, []
        self._replay(held)

    def _replay(self, held: list[_HeldKey]) -> None:
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


def _has_command_modifier(event: QKeyEvent) -> bool:
    """Ctrl, Alt or Meta held for a shortcut (Ctrl+Alt together is AltGr on Windows)."""
    modifiers = event.modifiers()
    control = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    if modifiers & Qt.KeyboardModifier.MetaModifier:
        return True
    return control != alt


def _is_printable(event: QKeyEvent) -> bool:
    if _has_command_modifier(event):
        return False
    text = event.text()
    return len(text) == 1 and text.isprintable()
