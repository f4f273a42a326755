"""File › Quit (Ctrl+Q), from any of the application's windows.

Quit was the main window's own (a window shortcut): Ctrl+Q did nothing in the audits,
scanning, reconciliation and incidents windows, and on the offscreen and Windows key
schemes it had no key at all. It closed the main window at once, and the program with it,
whatever a procedure form held that had not been recorded.

One Quit now: an application shortcut, so Ctrl+Q works in every window that is not behind
a form; a form (window-modal: the windows behind it take no keys) is given the action as
it opens (:meth:`AppQuit.reach`), and so is any other dialog of the application as it
comes in front (the audits window's Start audit…, Receive unknown tags…, a message box).
Each form that holds entries is asked about first, one
at a time, as it stands in front ("Discard the changes in the Install form for
LAP-0042?" — a form records a procedure, it cannot be kept half-filled, so the choice is
Discard or Cancel). Cancel stops the quit: every window stays open, the form with its
entries. Once every form is answered, the forms close, then the main window, which
closes its feature windows and saves its layout.

Ctrl+Q in a message box (a form's "Discard what you entered?", a warning, a "Dispose 3
assets?" confirmation) did nothing. It now answers the box as Esc does — its safe answer:
Cancel, No, Keep editing, OK on a warning; never the irreversible one — and quits as
from the window behind: a form with entries is still asked about, and Cancel there keeps
everything (the form with its entries; only the confirmation has to be asked for again).
Quitting through a box's "Yes" would do what the box asks for as the program ends; doing
nothing left Ctrl+Q dead wherever a question stood. A box Esc does not close (no safe
answer) is answered first, as before.

A form says what quitting would lose with ``unsaved_input()`` (its name for the question,
or "" when nothing would be lost) and is closed without asking by ``discard()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from shiboken6 import isValid

from ui.gui.discard_question import discard_question

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow


@runtime_checkable
class UnsavedForm(Protocol):
    """A form that can tell what quitting would lose, and be closed without asking."""

    def unsaved_input(self) -> str:
        """What quitting would lose ("the Install form for LAP-0042": asked as "Discard
        the changes in …?"), or a whole question ending in "?", or "" (nothing)."""
        ...

    def discard(self) -> None: ...


def _descends_from(widget: QWidget, ancestor: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parentWidget()
    return False


def _answer_as_escape(box: QMessageBox) -> bool:
    """Answer ``box`` as the Esc key does (its escape button: Cancel, No, Keep…); whether
    it closed (a box without one stays, to be answered first)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            box, QKeyEvent(kind, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
        )
    return not isValid(box) or not box.isVisible()


def quit_keys() -> list[QKeySequence]:
    """Ctrl+Q, and the platform's own Quit keys where it has some (none on Windows)."""
    keys = [QKeySequence("Ctrl+Q")]
    for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Quit):
        if key not in keys:
            keys.append(key)
    return keys


class AppQuit(QObject):
    """The application's Quit: asks about each form with entries, then closes every window.

    ``question`` is the "Discard the changes in …?" box while it is open.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.question: QMessageBox | None = None
        self._waiting: list[QWidget] = []  # the forms still to be asked about
        self.action = QAction("&Quit", window)
        self.action.setShortcuts(quit_keys())
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setMenuRole(QAction.MenuRole.QuitRole)
        self.action.setToolTip("Close every window of Assetdesk (forms with entries ask first)")
        self.action.triggered.connect(self.request)
        window.addAction(self.action)
        # The dialogs the other windows open (Start audit…, Receive unknown…) are given
        # it as they come in front: a window-modal dialog blocks this window's shortcut.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._reach_focused)

    def _reach_focused(self, focused: QWindow | None) -> None:
        """Ctrl+Q in a dialog or message box of this window's family that has come in
        front (a message box is answered as Esc would first: see :meth:`request`)."""
        if focused is None:
            return
        for widget in QApplication.topLevelWidgets():
            if widget.windowHandle() == focused:
                if isinstance(widget, QDialog) and _descends_from(widget, self._window):
                    self.reach(widget)
                return

    def reach(self, form: QWidget) -> None:
        """Ctrl+Q in ``form`` too: a window-modal form keeps the keys from the windows
        behind it, the main window's shortcut with them."""
        form.addAction(self.action)

    def request(self) -> None:
        """Quit: ask about each form with entries (the one in front first), then close."""
        if self.question is not None:
            return  # already asking (the question is in front)
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            if _answer_as_escape(box):
                # Once its answer has been acted on (a form's "Keep editing"): quit as
                # from the window behind it, which may hold a box of its own.
                QTimer.singleShot(0, self.request)
            return
        active = QApplication.activeWindow()
        forms = [w for w in QApplication.topLevelWidgets() if isinstance(w, UnsavedForm)]
        forms.sort(key=lambda w: w is not active)
        self._waiting = forms  # type: ignore[assignment]  # (UnsavedForm widgets)
        self._ask_next()

    def _ask_next(self) -> None:
        while self._waiting:
            form = self._waiting.pop(0)
            if not isValid(form) or not form.isVisible():
                continue
            assert isinstance(form, UnsavedForm)
            what = form.unsaved_input()
            if what:
                self._ask(form, what)
                return
        self._close_all()

    def _ask(self, form: QWidget, what: str) -> None:
        form.raise_()
        form.activateWindow()
        box, discard = discard_question(
            form,
            "Quit Assetdesk",
            what if what.endswith("?") else f"Discard the changes in {what}?",
            "They have not been recorded. Cancel keeps Assetdesk open, the form as it is.",
        )

        def answered() -> None:
            self.question = None
            if box.clickedButton() is discard and isValid(form):
                assert isinstance(form, UnsavedForm)
                form.discard()
                self._ask_next()
            else:
                self._waiting = []  # Cancel: nothing closes

        box.finished.connect(answered)
        self.question = box
        box.open()

    def _close_all(self) -> None:
        """The forms and dialogs (nothing left in them to lose), then the main window: it
        closes its feature windows and saves its layout; the program ends with it."""
        window = self._window
        for dialog in list(window.open_dialogs):
            if isValid(dialog):
                dialog.close()
        window.close()
