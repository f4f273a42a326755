"""Log incident asks before what was typed is thrown away, as a procedure form does:
Esc, Cancel and Quit closed it at once, the title and description with it. Cancel is the
default (a scanner's Enter keeps the incident). Keys are sent as a person presses them."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from desktop.storage.models import Incident
from tests.journeys.windows import message_box, shown
from tests.ui.gui.conftest import Register, open_window
from tests.ui.gui.test_quit import CTRL, CTRL_SHIFT, _ctrl_q, _in_front
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


def _fill(qtbot: QtBot, dialog: IncidentDialog, title: str) -> QWidget:
    """A whole incident, ready to log; returns the field with the focus."""
    _type_title(qtbot, dialog, title)
    description = dialog.inputs["description"]
    description.setFocus()
    qtbot.keyClicks(description, "Dead since the move.", delay=70)  # a person, not a scan
    for key, text in (("severity", "Medium"), ("routed_group", "Infra"), ("users_affected", "A")):
        combo = dialog.inputs[key]
        assert isinstance(combo, QComboBox)
        combo.setFocus()
        index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
        assert index >= 0, f"{text!r} not offered in {key}"
        combo.setCurrentIndex(index)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def _incidents_titled(register: Register, title: str) -> int:
    with register.db.read() as session:
        rows = session.execute(select(func.count()).where(Incident.title == title))
        return int(rows.scalar_one())


def test_quit_while_the_incident_is_being_logged_keeps_it_without_asking(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """Ctrl+Q right after Ctrl+Return asked "Discard the incident you were writing?", and
    Discard logged it all the same (polish21): now nothing is asked, the logging ends,
    the incident is kept and the program quits."""
    window = open_window(qtbot, register, tmp_path, "tech")
    dialog = _incident_form(qtbot, window, "LAP-00001")
    focused = _fill(qtbot, dialog, "No power after the move")

    qtbot.keyClick(focused, Qt.Key.Key_Return, CTRL)  # Log incident
    assert not dialog.log_button.isEnabled()  # on its way to the database
    qtbot.keyClick(focused, Qt.Key.Key_Q, CTRL)  # at once: Quit
    assert window.quit.question is None, window.quit.question.text()
    qtbot.waitUntil(lambda: closed(window), timeout=10_000)
    assert closed(dialog)
    assert _incidents_titled(register, "No power after the move") == 1


def test_escape_while_the_incident_is_being_logged_asks_nothing_and_says_it_was_logged(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    dialog = _incident_form(qtbot, window, "LAP-00001")
    focused = _fill(qtbot, dialog, "Fan noise")

    qtbot.keyClick(focused, Qt.Key.Key_Return, CTRL)  # Log incident
    qtbot.keyClick(focused, Qt.Key.Key_Escape)  # at once
    assert dialog.discard_box is None  # no "Discard?" of an incident already on its way
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    assert _incidents_titled(register, "Fan noise") == 1
    qtbot.waitUntil(lambda: "Fan noise" in window.statusBar().currentMessage(), timeout=5000)
    assert window.statusBar().currentMessage().startswith("Logged incident")
