"""The "Discard …?" question asked before entries are thrown away (Quit, a form's Esc).

Discard or Cancel, Cancel the default and the Esc button: a scanner's Enter, or a
person's Enter out of habit, keeps the entries."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget
from shiboken6 import isValid


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
    box.finished.connect(lambda: _give_back_the_keys(parent, box.clickedButton() is discard))
    return box, discard


def _give_back_the_keys(form: QWidget, discarded: bool) -> None:
    """Once a Discard has closed ``form``, activate the window under it.

    Under openbox a Receive form discarded with Alt+D left no active window at all: the
    question and the form went away in one go, the window manager gave the focus to
    neither the register nor anything else, and Ctrl+N, the scanner and every key did
    nothing until the person clicked the register (newuser23, Xvfb + xdotool)."""
    under = form.parentWidget() if discarded else None
    if under is None:
        return  # kept editing (the box gives the focus back to the form), or a main window
    window = under.window()

    def activate() -> None:
        if isValid(form) and form.isVisible():
            return  # the caller kept the form open after all
        window.activateWindow()
        window.raise_()

    QTimer.singleShot(0, window, activate)  # after the callers' handlers closed the form


class DiscardAsker:
    """A form's "Discard …?": one question at a time over ``form``; Discard calls
    ``discard``. :attr:`box` is the question while it is open (a second Esc meanwhile
    does not ask twice)."""

    def __init__(self, form: QWidget, discard: Callable[[], None]) -> None:
        self._form = form
        self._discard = discard
        self.box: QMessageBox | None = None

    def ask(self, question: str, informative: str, *, keep: str = "&Cancel") -> None:
        """Ask ``question`` (titled as the form is); no question: nothing was entered,
        so discard at once."""
        if self.box is not None:
            return
        if not question:
            self._discard()
            return
        box, discard_button = discard_question(
            self._form, self._form.windowTitle(), question, informative, keep=keep
        )

        def answered() -> None:
            self.box = None
            if box.clickedButton() is discard_button:
                self._discard()

        box.finished.connect(answered)
        self.box = box
        box.open()
