"""Ctrl+Q while a message box is in front (polish21): it did nothing — the box took the
keys, and Quit was not given to it. Now the box is answered as Esc answers it (its safe
answer: Keep editing, Cancel, No; never the one that does something) and Quit goes on
as from the window behind: a form with entries is asked about, Cancel keeps everything.
Keys are sent as a person presses them, in the window in front."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from tests.journeys.windows import message_box
from tests.ui.gui.conftest import Register, open_window
from tests.ui.gui.test_quit import _ctrl_q, _in_front, _install_form
from tests.ui.keys import where_keys_go
from tests.ui.windows import closed

ALT = Qt.KeyboardModifier.AltModifier
FORM_QUESTION = "Discard what you entered on this form?"
QUIT_QUESTION = "Discard the changes in the Install form for LAP-00001?"


def _the_forms_question(qtbot: QtBot, field: QLineEdit) -> QMessageBox:
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # the form asks before losing the entries
    box = message_box(qtbot, containing="Discard what you entered")
    assert box.text() == FORM_QUESTION
    _in_front(qtbot, box)
    return box


def test_ctrl_q_on_a_forms_question_keeps_the_entries_and_asks_quits_question(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    form = _install_form(qtbot, window, "LAP-00001")
    assert form.view is not None
    ticket = form.view.ticket.widget
    assert isinstance(ticket, QLineEdit)
    ticket.setFocus()
    qtbot.keyClicks(where_keys_go(), "INC-7", delay=70)  # a person typing
    qtbot.waitUntil(lambda: ticket.text() == "INC-7", timeout=5000)

    box = _the_forms_question(qtbot, ticket)
    _ctrl_q(qtbot, box)
    qtbot.waitUntil(lambda: closed(box), timeout=5000)  # answered as Esc: Keep editing
    question = message_box(qtbot, containing="Discard the changes")
    assert question.text() == QUIT_QUESTION
    _in_front(qtbot, question)
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Cancel: everything stays
    qtbot.waitUntil(lambda: closed(question), timeout=5000)
    qtbot.wait(200)
    assert form.isVisible() and window.isVisible() and ticket.text() == "INC-7"

    _in_front(qtbot, form)
    box = _the_forms_question(qtbot, ticket)
    _ctrl_q(qtbot, box)
    question = message_box(qtbot, containing="Discard the changes")
    _in_front(qtbot, question)
    qtbot.keyClick(question, Qt.Key.Key_D, ALT)  # Discard: the program ends
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert closed(form)


def test_ctrl_q_on_a_question_over_an_untouched_window_quits(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A box with one answer (a notice): Ctrl+Q closes it, and with nothing to lose the
    program ends, as Ctrl+Q does anywhere else."""
    window = open_window(qtbot, register, tmp_path, "tech")
    notice = QMessageBox(
        QMessageBox.Icon.Warning, "Assetdesk", "The label printer is out of paper."
    )
    notice.setParent(window, notice.windowFlags())
    notice.setWindowModality(Qt.WindowModality.WindowModal)
    notice.open()
    _in_front(qtbot, notice)
    _ctrl_q(qtbot, notice)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert closed(notice)
