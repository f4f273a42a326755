"""Keys typed while a procedure form is still loading, kept for the field it opens on.

A keyboard-first technician presses Ctrl+I and types at once; the form reads its template,
asset and pick lists on a worker first (~0.2 s on a quiet machine, ~2 s under load). Until
it is built, the dialog's focus is on its Cancel button: the keys went there and were lost
(a new user's "Dell" arrived as "ll"). :class:`TypeAhead` keeps every key press and release
sent to the dialog until the form is ready, then sends them, in order and with their times,
to the field the form opened on. They pass the form's :class:`ScanDetector` as they came: a
scanner's burst with its Enter is still a scan (the form's scan rules decide where it
goes), a person's keys are typed into the field.

Keys sent to the window the form opened from count too: until the window manager hands
the form the keyboard, the window system sends keys there. Once the modal form shows,
Qt drops them before any event filter sees them (the main window is blocked); the keys
typed while the shortcut built the form were queued, and dropped so ("Dell" arrived as
"ell" two times in three under Xvfb). :meth:`TypeAhead.take_queued` takes those before
the form is shown. A key typed in the moment between the form showing and the window
manager activating it (5-200 ms, X11) is dropped by Qt before any filter: those are taken
from the X server's events and sent again to the form once it is active
(:class:`~ui.gui.procedure_form.x11_keys.HeldX11Keys`), and held here with the others.

A key without a window-system time (a synthetic key) is given the time it arrived, so the
detector measures the gaps it was typed with, not the replay's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from ui.gui.procedure_form.x11_keys import HeldX11Keys

_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
#: Keys that act on the dialog itself while it loads: Escape still closes it.
_PASSED = frozenset({Qt.Key.Key_Escape})
#: Longest a built form waits for X11 to activate it and hand back the keys typed before.
X11_PATIENCE_MS = 1500


@dataclass(frozen=True)
class _Key:
    type: QEvent.Type
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    auto_repeat: bool
    stamp: int  # ms


class TypeAhead(QObject):
    """Holds the keys sent to ``dialog`` until :meth:`replay` (or :meth:`drop`)."""

    def __init__(self, dialog: QWidget) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self._keys: list[_Key] = []
        self._holding = True
        self._start = time.monotonic()
        self._synthetic = False  # a key without a window-system time was held
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)  # after the form's ScanDetector: asked before it
        # Until the form is active (not only until it is built: the window manager may be
        # slower than the form), the keys X11 sends to the blocked window behind it.
        self._x11 = HeldX11Keys.install(dialog)
        self._target: QWidget | None = None  # ready: where the keys go once X11's are back
        if self._x11 is not None:
            self._x11.on_settled = self._x11_settled

    #: True while :meth:`take_queued` handles queued events: a shortcut among them (the
    #: same Ctrl+N again, an auto-repeat) must not open a second form meanwhile.
    taking = False

    def take_queued(self) -> None:
        """Before the form is shown: the keys the window system has queued meanwhile are
        handled now, while the window they were sent to still takes them (see above)."""
        TypeAhead.taking = True
        try:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        finally:
            TypeAhead.taking = False

    def held_text(self) -> str:
        """What the held key presses type (for tests and the status line)."""
        return "".join(k.text for k in self._keys if k.type == QEvent.Type.KeyPress)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._holding or event.type() not in _KEY_EVENTS:
            return False
        if not self._for_dialog(watched):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in _PASSED and self._in_form(watched):
            return False  # Escape closes the loading form
        stamp = event.timestamp() or self._now_ms()
        self._synthetic = self._synthetic or not event.timestamp()
        self._keys.append(
            _Key(
                event.type(),
                event.key(),
                event.modifiers(),
                event.text(),
                event.isAutoRepeat(),
                stamp,
            )
        )
        if self._x11 is not None:
            self._x11.saw(event.timestamp())
        return True

    def _for_dialog(self, watched: QObject) -> bool:
        """Whether a key to ``watched`` was meant for the form: sent to the form, or to
        the window it opened from (which has the keyboard until the form is activated)."""
        windows = [self._dialog]
        parent = self._dialog.parentWidget()
        if parent is not None:
            windows.append(parent.window())
        if isinstance(watched, QWindow):
            return any(watched is w.windowHandle() for w in windows)
        return isinstance(watched, QWidget) and any(watched.window() is w for w in windows)

    def _in_form(self, watched: QObject) -> bool:
        if isinstance(watched, QWindow):
            return watched is self._dialog.windowHandle()
        return isinstance(watched, QWidget) and watched.window() is self._dialog

    def _now_ms(self) -> int:
        # Not 0: a zero time means "none" to the ScanDetector.
        return 1 + int((time.monotonic() - self._start) * 1000)

    def replay(self, target: QWidget) -> None:
        """The form is ready: the held keys go to ``target`` (its first field), in order
        (on X11 once the keys typed before the form was active are back: see x11_keys)."""
        if self._x11 is not None and not self._x11.settled:
            self._target = target
            # A form the window manager does not activate (a click elsewhere meanwhile):
            # what is held is typed after a while, the rest where the focus is then.
            QTimer.singleShot(X11_PATIENCE_MS, self, self._x11.give_up)
            return
        self._replay(target)

    def _x11_settled(self) -> None:
        if self._target is not None and self._holding:
            self._replay(self._target)

    def _replay(self, target: QWidget) -> None:
        self._stop()
        keys, self._keys = self._keys, []
        if not self._synthetic:
            # In the order they were typed (by window-system time), as sent.
            keys.sort(key=lambda k: k.stamp)
        for key in keys:
            event = QKeyEvent(key.type, key.key, key.modifiers, key.text, key.auto_repeat)
            event.setTimestamp(key.stamp)
            # Through the application's filters (the form's ScanDetector) as typed; a key
            # that moved the focus (Tab) sends the next ones where the focus went.
            receiver = self._dialog.focusWidget() or target
            QApplication.sendEvent(receiver, event)

    def drop(self) -> None:
        """The form could not be built, or is closing: nothing to type into."""
        self._stop()
        self._keys = []
        if self._x11 is not None:
            self._x11.uninstall()

    def _stop(self) -> None:
        if self._holding:
            self._holding = False
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
