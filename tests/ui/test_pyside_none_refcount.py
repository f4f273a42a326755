"""Regression guard: PySide6 6.12.0 on CPython 3.11 drops a reference to None on every
void Qt call and aborts with "none_dealloc" (pyproject.toml pins below 6.12 there)."""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    image = QImage(20, 20, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    pen = QPen()
    before = sys.getrefcount(None)
    for i in range(5_000):
        label.setText(str(i))
        painter.setPen(pen)
        painter.drawRect(QRectF(1, 1, 5, 5))
        pen.setWidth(1)
    painter.end()
    after = sys.getrefcount(None)
    assert after >= before - 100, f"{before - after} references to None lost over 20,000 void calls"
