"""A question asked before something that cannot be taken back: window-modal, opened
without blocking, Cancel the default and the Esc button (an Enter out of habit changes
nothing), the named button — with its own Alt letter — the one that goes ahead."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_before(
    parent: QWidget,
    *,
    title: str,
    question: str,
    details: str,
    verb: str,
    on_confirmed: Callable[[], None],
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """Open the question; ``on_confirmed`` runs only if the person chooses ``verb``. The
    box is deleted once answered: keep it only until its ``finished`` signal."""
    box = QMessageBox(icon, title, question, QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(details)
    confirm = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_confirmed() if button is confirm else None)
    box.open()
    return box
