"""Finding what a person sees on screen: the windows and dialogs an action opened.

A person does not hold references to the windows an action opens; they see them. These
helpers find them among the application's visible windows, and stand in for the one
thing a journey cannot drive through widgets: the desktop's native file dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget

W = TypeVar("W", bound=QWidget)


def shown(qtbot: QtBot, kind: type[W], *, timeout: int = 5000) -> W:
    """The one visible window or dialog of ``kind`` (waits until it is on screen)."""
    found: list[W] = []

    def visible() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()
        ]
        return len(found) == 1

    qtbot.waitUntil(visible, timeout=timeout)
    return found[0]


def message_box(qtbot: QtBot, *, containing: str, timeout: int = 5000) -> QMessageBox:
    """The visible message box whose text contains ``containing``."""
    found: list[QMessageBox] = []

    def visible() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and containing in w.text()
        ]
        return len(found) == 1

    qtbot.waitUntil(visible, timeout=timeout)
    return found[0]


def button(box: QMessageBox, text: str) -> QPushButton:
    """The box's button labelled ``text`` (the mnemonic '&' ignored)."""
    for candidate in box.buttons():
        if isinstance(candidate, QPushButton) and candidate.text().replace("&", "") == text:
            return candidate
    labels = [b.text() for b in box.buttons()]
    raise AssertionError(f"no button {text!r} in the message box: {labels}")


class SaveDialogAnswering(QObject):
    """Replaces ``QFileDialog`` where a module builds one: the "user" picks ``path``.

    ``monkeypatch.setattr(module, "QFileDialog", SaveDialogAnswering.choosing(path))``.
    """

    fileSelected = Signal(str)
    AcceptMode = QFileDialog.AcceptMode
    answer: ClassVar[Path] = Path()
    opened: ClassVar[list[str]] = []

    def __init__(self, parent: QWidget | None = None, caption: str = "", *args: object) -> None:
        super().__init__(parent)
        self.caption = caption

    @classmethod
    def choosing(cls, path: Path) -> type[SaveDialogAnswering]:
        return type("SaveDialogChoosing", (cls,), {"answer": path, "opened": []})

    def setAcceptMode(self, mode: object) -> None:
        pass

    def setDefaultSuffix(self, suffix: str) -> None:
        pass

    def open(self) -> None:
        type(self).opened.append(self.caption)
        self.fileSelected.emit(str(self.answer))
