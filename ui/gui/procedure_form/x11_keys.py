"""Keys an X server sends in the moment between a modal form showing and being activated.

On X11 the window manager hands the keyboard to a newly shown form some 5-200 ms after
it is mapped. Meanwhile the X server sends keys to the window the form opened from; Qt's
xcb platform delivers them to that window, which the (window-modal) form already blocks,
and Qt drops them before any event filter sees them: "Dell" typed right after Ctrl+I
arrived as "Dll", "ll" or nothing under Xvfb + openbox (polish21, 4 runs in 9).

:class:`HeldX11Keys` takes those key events as the X server sent them, before Qt reads
them (a native event filter), and once the form is the focus window sends them again to
the form (``xcb_send_event``, the original time and modifier state kept: Qt reads a sent
key's modifiers from the event, so Shift+d stays "D"). They then reach the form as any
key does, and :class:`~ui.gui.procedure_form.type_ahead.TypeAhead` holds them with the
others, in the order they were typed (by their X time). It holds every key until they are
back (:attr:`HeldX11Keys.settled`): the form may be built before the window manager
activates it, and the keys typed after that moment reach the form before the ones sent
again ("Dell" arrived as "llDe" once in 10 runs before it waited).

Only on the xcb platform; elsewhere nothing is installed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray
from PySide6.QtGui import QGuiApplication, QNativeInterface, QWindow
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)
QX11Application = QNativeInterface.QX11Application

_XCB_KEY_PRESS = 2
_XCB_KEY_RELEASE = 3
_SENT = 0x80  # response_type bit: the event came from a client's SendEvent
_EVENT_SIZE = 32  # every X event is 32 bytes
_WINDOW_AT = 12  # xcb_key_press_event_t.event (the window it is reported to)
_CHILD_AT = 16  # xcb_key_press_event_t.child


def _libxcb() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("xcb")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.xcb_send_event.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint8,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_char_p,
    ]
    lib.xcb_send_event.restype = ctypes.c_uint
    lib.xcb_flush.argtypes = [ctypes.c_void_p]
    lib.xcb_flush.restype = ctypes.c_int
    return lib


class HeldX11Keys(QAbstractNativeEventFilter):
    """Keeps the X key events sent to ``behind`` while ``form`` is shown and not yet the
    focus window; sends them to ``form`` once it is. :meth:`install` returns None where
    there is nothing to do (not X11, no libxcb).

    ``settled`` is called once the form is the focus window and every key sent again has
    come back (:meth:`saw`), or once it is uninstalled.
    """

    def __init__(self, form: QWidget, behind: QWidget, lib: ctypes.CDLL, connection: int) -> None:
        super().__init__()
        self._form = form
        self._behind = behind
        self._lib = lib
        self._connection = connection
        self._held: list[bytearray] = []
        self._installed = False
        self._returning: list[int] = []  # the X times of the keys sent again, not yet back
        self.settled = False
        self.on_settled: Callable[[], None] | None = None

    @classmethod
    def install(cls, form: QWidget) -> HeldX11Keys | None:
        app = QGuiApplication.instance()
        parent = form.parentWidget()
        if not isinstance(app, QGuiApplication) or app.platformName() != "xcb" or parent is None:
            return None
        native = app.nativeInterface()
        connection = int(native.connection()) if isinstance(native, QX11Application) else 0
        lib = _libxcb() if connection else None
        if lib is None:
            return None
        held = cls(form, parent.window(), lib, connection)
        app.installNativeEventFilter(held)
        app.focusWindowChanged.connect(held._focus_moved)
        held._installed = True
        return held

    def uninstall(self) -> None:
        """The form is closing (or active): no key can fall between any more."""
        if self._installed:
            self._installed = False
            app = QGuiApplication.instance()
            if isinstance(app, QGuiApplication):
                app.removeNativeEventFilter(self)
                app.focusWindowChanged.disconnect(self._focus_moved)
            self._held = []
        if not self._returning:
            self._settle()

    def saw(self, stamp: int) -> None:
        """A key reached the form (its time ``stamp``): one sent again is back, perhaps."""
        if stamp in self._returning:
            self._returning.remove(stamp)
            if not self._returning and not self._installed:
                self._settle()

    def _settle(self) -> None:
        if not self.settled:
            self.settled = True
            if self.on_settled is not None:
                self.on_settled()

    def nativeEventFilter(self, event_type: QByteArray | bytes, message: int) -> tuple[bool, int]:  # type: ignore[override]
        if bytes(event_type.data() if isinstance(event_type, QByteArray) else event_type) != (
            b"xcb_generic_event_t"
        ):
            return False, 0
        address = int(message)
        kind = ctypes.c_uint8.from_address(address).value
        if kind not in (_XCB_KEY_PRESS, _XCB_KEY_RELEASE):  # (a sent one has _SENT set)
            return False, 0
        window = ctypes.c_uint32.from_address(address + _WINDOW_AT).value
        if not self._between(window):
            return False, 0
        self._held.append(bytearray(ctypes.string_at(address, _EVENT_SIZE)))
        return True, 0  # Qt would drop it: the window it was sent to is blocked

    def _between(self, window: int) -> bool:
        """Whether the form is shown, not yet the focus window, and the key was sent to the
        window behind it (which it blocks)."""
        form_window = self._form.windowHandle()
        if form_window is None or not self._form.isVisible():
            return False
        if QGuiApplication.focusWindow() is form_window:
            return False
        behind = self._behind.windowHandle()
        return behind is not None and window == int(behind.winId())

    def _focus_moved(self, focused: QWindow | None) -> None:
        form_window = self._form.windowHandle()
        if focused is None or form_window is None or focused is not form_window:
            return
        held, self._held = self._held, []
        self._returning = [_time(event) for event in held]
        if held:
            self._send(held, int(form_window.winId()))
        self.uninstall()

    def give_up(self) -> None:
        """Waited long enough (the form not active yet, or keys sent again not back): the
        keys not yet back are typed where the focus is when they come."""
        self._returning = []
        self._settle()

    def _send(self, events: list[bytearray], window: int) -> None:
        """Each held key again, to ``window`` (it reaches the form as a typed key does)."""
        for event in events:
            event[_WINDOW_AT : _WINDOW_AT + 4] = window.to_bytes(
                4, sys.byteorder
            )  # the client's order
            event[_CHILD_AT : _CHILD_AT + 4] = bytes(4)
            # Event mask 0: to the client that made the window, this application.
            self._lib.xcb_send_event(self._connection, 0, window, 0, bytes(event))
        self._lib.xcb_flush(self._connection)
        log.debug("%d key events sent again to the form that took the keyboard", len(events))


def _time(event: bytearray) -> int:
    """The X time of a key event, in ms (what Qt gives its key event as timestamp)."""
    return int.from_bytes(event[4:8], sys.byteorder)
