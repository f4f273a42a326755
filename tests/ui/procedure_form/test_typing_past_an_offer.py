"""Typing on past an offer to add a category (``procedure_form.add_reference``).

A technician on a new register typed the category "Laptop", pressed Tab and typed on the
model "ThinkPad T14 Gen 4" without looking up (newuser21). Tab had put the focus on the
"Add the category 'Laptop'…" button under the field: its letters were lost, each space
pressed the button, and question after question opened, the second after 'Laptop' was
added already. The model's field stayed empty. A key a button does not take (a letter, a
digit) now goes on to the next field, as the person meant it; Space and Enter still press
the button.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QPushButton, QWidget

from desktop.services import reference
from desktop.services.reference_queries import list_categories
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.ui.gui.conftest import show_window
from tests.ui.keys import where_keys_go
from ui.gui.procedure_form.dialog import ProcedureDialog

#: A person's pause between keys: longer than a scanner's longest (50 ms by default).
PERSON_MS = 70


def _keyboard() -> QWidget:
    """Where a person's next key goes: a question's, once one opens (offscreen, it does not
    take the focus window from the form), else the popup or the focused widget."""
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QMessageBox) and modal.isVisible():
        return modal.focusWidget() or modal
    if QApplication.focusWidget() is None and modal is not None:  # a question just closed
        return modal.focusWidget() or modal
    return where_keys_go()


def _type(qtbot: QtBot, text: str) -> None:
    for char in text:
        qtbot.keyClicks(_keyboard(), char, delay=PERSON_MS)


def _laptop_typed_and_tab(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> tuple[ProcedureDialog, QComboBox, QPushButton]:
    """A Receive form on a register without categories: "Laptop" typed, then Tab onto
    the offer to add it. The form, its Model field and the offer's button."""
    with sqlite_db.write() as session:
        reference.create_person(session, name="Solo", username="solo", roles=["administrator"])
        reference.create_location(session, name="Room 101", kind="room")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "l.ini")
    qtbot.keyClick(window.view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.open_dialogs), timeout=10_000)
    form = window.open_dialogs[-1]
    assert isinstance(form, ProcedureDialog)
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    view, offer = form.view, form.add_category
    assert view is not None and offer is not None
    combo = view.asset_editors["category"].widget
    combo.setFocus()
    qtbot.wait(120)
    _type(qtbot, "Laptop")
    qtbot.keyClick(where_keys_go(), Qt.Key.Key_Tab, delay=PERSON_MS)
    qtbot.waitUntil(offer.button.hasFocus, timeout=5000)
    model = view.asset_editors["model"].widget
    assert isinstance(model, QComboBox)
    return form, model, offer.button


def _no_question_and_no_category(qtbot: QtBot, sqlite_db: Database) -> None:
    qtbot.wait(300)
    questions = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert not [q for q in questions if q.isVisible()]
    with sqlite_db.read() as session:
        assert list_categories(session) == []


def test_a_model_typed_after_tab_past_the_category_offer_reaches_the_model_field(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    form, model, _ = _laptop_typed_and_tab(qtbot, sqlite_db, tmp_path)
    _type(qtbot, "ThinkPad T14 Gen 4")
    assert model.currentText() == "ThinkPad T14 Gen 4"
    _no_question_and_no_category(qtbot, sqlite_db)
    form.discard()


def test_keys_still_sent_to_the_offer_after_the_first_follow_it_spaces_too(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """The scan detector hands a held burst to the widget it was sent to: under X11 the
    rest of "iPad Air 5" reached the button after its "i" had moved on, and the spaces
    pressed it ("iPadAir5" in Model, the question open; newuser21 under Xvfb)."""
    form, model, button = _laptop_typed_and_tab(qtbot, sqlite_db, tmp_path)
    qtbot.keyClicks(button, "iPad Air 5")  # every key to the button, as replayed
    qtbot.waitUntil(lambda: model.currentText() == "iPad Air 5", timeout=3000)
    _no_question_and_no_category(qtbot, sqlite_db)
    form.discard()


def test_space_on_the_offer_after_a_pause_still_asks(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    form, model, button = _laptop_typed_and_tab(qtbot, sqlite_db, tmp_path)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    offer = form.add_category
    assert offer is not None
    qtbot.waitUntil(lambda: offer.question is not None and offer.question.isVisible())
    assert model.currentText() == ""
    question = offer.question
    assert question is not None
    question.reject()
    form.discard()
