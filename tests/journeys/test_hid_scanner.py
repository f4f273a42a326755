"""The simulated scanner sends what a USB HID scanner sends."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from tests.journeys.hid_scanner import HidScanner, ScannerProfile


class _Recorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, int, str]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            assert isinstance(event, QKeyEvent)
            kind = "press" if event.type() == QEvent.Type.KeyPress else "release"
            self.events.append((kind, event.key(), event.text()))
        return False


def test_shift_is_pressed_around_capitals_and_the_text_arrives(qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    recorder = _Recorder()
    field.installEventFilter(recorder)
    HidScanner(qtbot, ScannerProfile(terminator="tab")).scan("Ab-1/c.D")
    shift = Qt.Key.Key_Shift.value
    presses = [(key, text) for kind, key, text in recorder.events if kind == "press"]
    assert presses[:3] == [(shift, ""), (Qt.Key.Key_A.value, "A"), (Qt.Key.Key_B.value, "b")]
    assert presses.count((shift, "")) == 2
    assert presses[-1] == (Qt.Key.Key_Tab.value, "\t")
    assert field.text() == "Ab-1/c.D"
