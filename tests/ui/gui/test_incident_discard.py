"""Log incident asks before what was typed is thrown away, as a procedure form does:
Esc, Cancel and Quit closed it at once, the title and description with it. Cancel is the
default (a scanner's Enter keeps the incident). Keys are sent as a person presses them."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.journeys.windows import message_box, shown
from tests.ui.gui.conftest import Register, open_window
from tests.ui.gui.test_quit import CTRL_SHIFT, _ctrl_q, _in_front
from tests.ui.windows import closed
from ui.gui.incidents.incident_dialog import IncidentDialog
from ui.gui.main_window import MainWindow

QUESTION = "Discard the incident you were writing?"
ALT = Qt.KeyboardModifier.AltModifier


def _incident_form(qtbot: QtBot, window: MainWindow, tag: str) -> IncidentDialog:
    """Log an incident… (Ctrl+Shift+N) for the asset selected in the register."""
    window.handle_scan(tag)
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == [tag], timeout=10_000)
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = shown(qtbot, IncidentDialog, timeout=10_000)
    qtbot.waitUntil(dialog.log_button.isEnabled, timeout=10_000)  # its lists read
    _in_front(qtbot, dialog)
    return dialog


def _type_title(qtbot: QtBot, dialog: IncidentDialog, text: str) -> QLineEdit:
    title = dialog.inputs["title"]
    assert isinstance(title, QLineEdit)
    title.setFocus()
    qtbot.keyClicks(title, text, delay=70)  # a person typing, not a scan
    qtbot.waitUntil(lambda: title.text() == text, timeout=5000)
    return title


def _answer(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = ALT) -> None:
    question = message_box(qtbot, containing="Discard")
    assert question.text() == QUESTION
    _in_front(qtbot, question)
    qtbot.keyClick(question, key, modifier)
    qtbot.waitUntil(lambda: closed(question), timeout=5000)


def test_escape_asks_before_the_incident_is_discarded(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    dialog = _incident_form(qtbot, window, "LAP-00001")
    title = _type_title(qtbot, dialog, "Screen flickers")

    qtbot.keyClick(title, Qt.Key.Key_Escape)
    _answer(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)  # Enter: Cancel
    qtbot.wait(200)
    assert dialog.isVisible() and title.text() == "Screen flickers"

    _in_front(qtbot, dialog)
    qtbot.keyClick(title, Qt.Key.Key_Escape)
    _answer(qtbot, Qt.Key.Key_D)  # Alt+D: Discard
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    assert window.isVisible()


def test_escape_closes_an_untouched_incident_at_once(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """The asset chosen in the register and the signed-in reporter are not entries."""
    window = open_window(qtbot, register, tmp_path, "tech")
    dialog = _incident_form(qtbot, window, "LAP-00001")
    focused = dialog.focusWidget()
    qtbot.keyClick(focused if focused is not None else dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    assert window.quit.question is None and dialog.discard_box is None


def test_quit_asks_about_the_incident_being_written(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    dialog = _incident_form(qtbot, window, "LAP-00001")
    title = _type_title(qtbot, dialog, "No power")

    _ctrl_q(qtbot, dialog)
    _answer(qtbot, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)  # Esc: Cancel
    qtbot.wait(200)
    assert dialog.isVisible() and window.isVisible() and title.text() == "No power"

    _ctrl_q(qtbot, dialog)
    _answer(qtbot, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert closed(dialog)
