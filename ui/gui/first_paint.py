"""What a new window does once the register's first page is on the screen.

The pick lists, the approvals badge, the kit banner and the role refusals are read on
workers, which import the ORM there: started before the rows were painted, those imports
raced the first page's read (under load the table painted empty, then waited for them).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: The latest the background reads of a new window start (pick lists, approvals badge,
#: kit banner) when no paint with the register's rows came first.
LOAD_LATER_MS = 3000


class AfterFirstPaint(QObject):
    """Calls ``callback`` once, from the event loop, after ``widget`` has first painted
    while ``ready()`` holds (or after ``LOAD_LATER_MS`` at the latest: a first read that
    failed may bring no paint).

    One turn of the event loop later than the paint: what the paint queued (the rest of
    the window painting, listeners of that paint) goes first.
    """

    def __init__(
        self,
        widget: QWidget,
        callback: Callable[[], None],
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        self._ready = ready
        self._widget = widget
        self._others: list[QWidget] = []
        widget.installEventFilter(self)
        QTimer.singleShot(LOAD_LATER_MS, self, self._call)

    def watch(self, widget: QWidget) -> None:
        """Also call back after ``widget`` has painted: a page shown instead of ``widget``
        (the welcome page of an empty register, where the table never paints: the person
        acting on a local file was looked up only after ``LOAD_LATER_MS``, and an import
        chosen at once was refused with "Nobody is signed in")."""
        if self._callback is not None:
            self._others.append(widget)
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._ready():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._next_turn)
        return False

    def _next_turn(self) -> None:
        QTimer.singleShot(0, self, self._call)

    def _call(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            for widget in (self._widget, *self._others):
                widget.removeEventFilter(self)
            callback()
