"""A pick list says "'ali' is not a known person" only when the person is done typing.

newuser5 typed "ali" into Install's Assigned to: the message showed under the field at
once, behind the suggestion list, and pushed the fields below down a line while typing.
It now waits while a suggestion can still complete the text, and shows when the field is
left with a name no choice has, or as soon as no suggestion holds the text.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from tests.factories import World
from tests.journeys.hid_scanner import type_as_a_person, typing_reached_its_field
from tests.ui.procedure_form.conftest import OpenForm
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.editors import ReferenceEditor
from ui.gui.procedure_form.form_view import FormView


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def in_field(qtbot: QtBot, dialog: ProcedureDialog, key: str) -> tuple[FormView, ReferenceEditor]:
    """The form and its pick list ``key``, the focus in it as after a click."""
    view = dialog.view
    assert view is not None
    editor = view.asset_editors[key]
    assert isinstance(editor, ReferenceEditor)
    editor.combo.setFocus()
    qtbot.waitUntil(editor.combo.hasFocus, timeout=5000)
    return view, editor


def test_the_unknown_name_waits_until_the_field_is_left(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-1")
    view, assigned = in_field(qtbot, open_form(ProcedureKind.INSTALL, ["LAP-1"]), "assigned_to")
    combo = assigned.combo
    below = view.asset_editors["owning_group"].widget
    top = below.y()
    # "Tess Tech" and "Tom Tech" hold "t", "te", "tes": no message while typing.
    for key in "Tes":
        qtbot.keyClicks(QApplication.focusWidget(), key)
        typing_reached_its_field(qtbot)
        assert view.error_text("assigned_to") == "", combo.currentText()
    assert combo.currentText() == "Tes"
    assert assigned.problem() == "'Tes' is not a known person"  # the OK button still knows
    assert below.y() == top  # the fields below stay where they were
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: focused() is not combo and focused() is not combo.lineEdit())
    assert not combo.hasFocus()
    assert view.error_text("assigned_to") == "'Tes' is not a known person"
    # Back in the field, typing on to a known name clears it at once.
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    type_as_a_person(qtbot, focused(), "s Tech")
    assert view.error_text("assigned_to") == ""
    assert assigned.value() is not None


def test_a_name_no_suggestion_holds_is_refused_while_typing(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-2")
    view, assigned = in_field(qtbot, open_form(ProcedureKind.INSTALL, ["LAP-2"]), "assigned_to")
    type_as_a_person(qtbot, focused(), "Zed")
    assert assigned.combo.hasFocus()
    assert view.error_text("assigned_to") == "'Zed' is not a known person"


def test_the_add_category_offer_comes_with_the_message(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """A category typed "Lapt" may still become "Laptop": neither the message nor "Add the
    category 'Lapt'…" while it is typed; both once the field is left with it. ("Lap"
    alone names Laptop by its tag prefix.)"""
    dialog = open_form(ProcedureKind.RECEIVE)
    view, _category = in_field(qtbot, dialog, "category")
    offer = dialog.add_category
    assert offer is not None
    type_as_a_person(qtbot, focused(), "Lapt")
    assert view.error_text("category") == ""
    assert not offer.button.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.waitUntil(offer.button.isVisible, timeout=5000)
    assert offer.button.text() == "Add the category 'Lapt'…"
    assert view.error_text("category") == "'Lapt' is not a known category"
