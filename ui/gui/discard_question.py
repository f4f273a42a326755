"""The "Discard …?" question asked before entries are thrown away (Quit, a form's Esc).

Discard or Cancel, Cancel the default and the Esc button: a scanner's Enter, or a
person's Enter out of habit, keeps the entries."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget


def discard_question(
    parent: QWidget, title: str, text: str, informative: str, *, keep: str = "&Cancel"
) -> tuple[QMessageBox, QAbstractButton]:
    """The question (not yet shown; deleted once closed) and its Discard button."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText(informative)
    discard = box.button(QMessageBox.StandardButton.Discard)
    discard.setText("&Discard")
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    cancel.setText(keep)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(cancel)
    # Deleted after the callers' finished handlers have read clickedButton(). Not
    # WA_DeleteOnClose: with it the import wizard's question crashed its tests (segfault).
    box.finished.connect(box.deleteLater)
    return box, discard


def ask_then_discard(
    form: QWidget, text: str, informative: str, discard: Callable[[], None]
) -> QMessageBox:
    """The question over ``form`` (titled as it is), open; Discard calls ``discard``.

    The caller keeps the box until its ``finished`` so that a second Esc meanwhile does not
    ask twice."""
    box, discard_button = discard_question(form, form.windowTitle(), text, informative)

    def answered() -> None:
        if box.clickedButton() is discard_button:
            discard()

    box.finished.connect(answered)
    box.open()
    return box
