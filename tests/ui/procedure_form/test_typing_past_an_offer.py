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
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget

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


def test_a_model_typed_after_tab_past_the_category_offer_reaches_the_model_field(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
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
    _type(qtbot, "ThinkPad T14 Gen 4")
    qtbot.wait(300)
    questions = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert not [q for q in questions if q.isVisible()]
    model = view.asset_editors["model"].widget
    assert isinstance(model, QComboBox)
    assert model.currentText() == "ThinkPad T14 Gen 4"
    with sqlite_db.read() as session:
        assert list_categories(session) == []
    form.discard()
