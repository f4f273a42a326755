"""How the scan screen answers: a colour, a headline and a sound cue per classification.

PySide6-Essentials has no QtMultimedia, so the only sound available everywhere is the
system bell (``QApplication.beep()``). The cues are told apart by *how many* beeps follow
a scan, spaced 150 ms apart:

==========================================  =====
answer                                      beeps
==========================================  =====
found here, room set, room re-opened        1
already scanned (duplicate), undo           2
misplaced, retired, room outside the audit  3
unknown tag, refused scan                   4
==========================================  =====

On a desktop with the bell muted the colour and text still say everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from desktop.services.audit_scans import ScanClass

BEEP_SPACING_MS = 150


@dataclass(frozen=True)
class Feedback:
    headline: str
    background: str
    beeps: int


FEEDBACK: dict[ScanClass, Feedback] = {
    ScanClass.FOUND: Feedback("FOUND", "#2e7d32", 1),
    ScanClass.ROOM: Feedback("ROOM", "#1565c0", 1),
    ScanClass.ROOM_REOPENED: Feedback("ROOM RE-OPENED", "#1565c0", 1),
    ScanClass.ROOM_CLOSED: Feedback("ROOM FINISHED", "#37474f", 1),
    ScanClass.DUPLICATE: Feedback("ALREADY SCANNED", "#546e7a", 2),
    ScanClass.UNDO: Feedback("UNDONE", "#616161", 2),
    ScanClass.MISPLACED: Feedback("MISPLACED", "#e65100", 3),
    ScanClass.RETIRED: Feedback("RETIRED", "#6a1b9a", 3),
    ScanClass.ROOM_OUT_OF_SCOPE: Feedback("NOT IN THIS AUDIT", "#e65100", 3),
    ScanClass.UNKNOWN: Feedback("UNKNOWN TAG", "#c62828", 4),
}
REFUSED = Feedback("REFUSED", "#b71c1c", 4)


def feedback_for(classification: ScanClass | None) -> Feedback:
    return REFUSED if classification is None else FEEDBACK[classification]


def row_colour(classification: str) -> QColor | None:
    """A light tint of the answer colour, for lists of scans and reconciliation rows."""
    try:
        colour = QColor(FEEDBACK[ScanClass(classification)].background)
    except ValueError:
        return None
    return colour.lighter(180)


class SoundCue(QObject):
    """Plays a cue as a number of beeps; ``beep`` is replaceable (tests count the calls)."""

    def __init__(self, parent: QObject | None = None, beep: Callable[[], None] | None = None):
        super().__init__(parent)
        self._beep = beep or QApplication.beep
        self._timers: list[QTimer] = []

    def play(self, feedback: Feedback) -> None:
        for timer in self._timers:
            timer.stop()
        self._timers = []
        self._beep()
        for n in range(1, feedback.beeps):
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(self._beep)
            timer.start(n * BEEP_SPACING_MS)
            self._timers.append(timer)
