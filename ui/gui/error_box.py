"""The main window's error messages: one box a message, and none of them blocks.

A failure of a read the window started itself (the register's page, the selected asset's
detail, a database switch) is said in a window-modal box opened with ``open()``, not the
blocking ``QMessageBox.warning``: while it shows, the window's event loop goes on — the
connection watch keeps trying, a late answer still arrives — and two reads failing for
the same reason (a database whose schema was changed under the window fails the page and
the detail alike) show one box, not a stack of identical boxes nested one inside the
other's event loop, each to be dismissed in turn.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class ErrorBoxes:
    """The error boxes open over ``parent``, by their text."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self._open: dict[str, QMessageBox] = {}

    def show(self, text: str) -> QMessageBox:
        """``text`` in a warning box over the window; the one already open with that text
        is raised instead of opening a second."""
        box = self._open.get(text)
        if box is not None:
            box.raise_()
            box.activateWindow()
            return box
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Assetdesk",
            text,
            QMessageBox.StandardButton.Ok,
            self._parent,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._open[text] = box
        box.finished.connect(lambda _result, t=text: self._open.pop(t, None))
        box.open()
        return box

    def shown(self) -> list[str]:
        """The texts of the boxes open now, oldest first."""
        return list(self._open)
