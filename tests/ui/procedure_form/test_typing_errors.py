"""A pick list says "'ali' is not a known person" only when the person is done typing.

newuser5 typed "ali" into Install's Assigned to: the message showed under the field at
once, behind the suggestion list, and pushed the fields below down a line while typing.
It now waits while a suggestion can still complete the text, and shows when the field is
left with a name no choice has, or as soon as no suggestion holds the text.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.storage.models import Category
from tests.factories import World
from tests.journeys.hid_scanner import type_as_a_person, typing_reached_its_field
from tests.ui.keys import where_keys_go
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.windows import closed
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.editors import ReferenceEditor
from ui.gui.procedure_form.form_view import FormView


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def keyboard() -> QWidget:
    """Where Qt delivers a key: an open suggestion list (a popup takes the keyboard; its
    completer passes typing on to the field), else the focused widget (tests.ui.keys)."""
    return where_keys_go()


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
    # Escape closes the suggestions and keeps the text (Tab would take "Tess Tech", the
    # only one), Tab then leaves the field.
    qtbot.keyClick(keyboard(), Qt.Key.Key_Escape)
    qtbot.keyClick(keyboard(), Qt.Key.Key_Tab)
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


def suggestions(editor: ReferenceEditor) -> tuple[list[str], str]:
    """The suggestion list's rows and its highlighted row ("" for none)."""
    completer = editor.combo.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None and popup.isVisible()
    model = popup.model()
    rows = [str(model.index(row, 0).data()) for row in range(model.rowCount())]
    return rows, str(popup.currentIndex().data() or "")


def test_enter_takes_the_existing_category_lapt_is_part_of(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """ "Lapt" typed, "Laptop" offered and highlighted, and Enter takes it. Enter closed
    the list and kept "Lapt" (nothing was highlighted), and leaving the field then offered
    "Add the category 'Lapt'…"."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view, category = in_field(qtbot, dialog, "category")
    offer = dialog.add_category
    assert offer is not None
    type_as_a_person(qtbot, focused(), "Lapt")
    assert suggestions(category) == (["Laptop  ·  LAP"], "Laptop  ·  LAP")
    assert category.combo.currentText() == "Lapt"  # the text stays as typed meanwhile
    assert view.error_text("category") == "" and not offer.button.isVisible()
    qtbot.keyClick(keyboard(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: category.value() == sqlite_world.laptop_category, timeout=5000)
    assert category.combo.currentText() == "Laptop  ·  LAP"
    assert category.combo.hasFocus()  # Enter chose; the person goes on from here
    assert view.error_text("category") == "" and not offer.button.isVisible()


def test_tab_takes_an_only_suggestion_and_moves_on(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """Tab with "Laptop" the only suggestion for "Lapt" takes it and goes to the next
    field. It left "'Lapt' is not a known category" and the Add button behind."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view, category = in_field(qtbot, dialog, "category")
    offer = dialog.add_category
    assert offer is not None
    type_as_a_person(qtbot, focused(), "Lapt")
    qtbot.keyClick(keyboard(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not category.combo.hasFocus(), timeout=5000)
    assert category.value() == sqlite_world.laptop_category
    assert view.error_text("category") == "" and not offer.button.isVisible()


def test_tab_leaves_a_text_several_suggestions_hold(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """ "to" is in Laptop and Monitor: Tab chooses neither (Enter would take the highlighted
    first); the field is left with the text, and it is said to be unknown."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view, category = in_field(qtbot, dialog, "category")
    type_as_a_person(qtbot, focused(), "to")
    assert suggestions(category) == (["Laptop  ·  LAP", "Monitor  ·  MON"], "Laptop  ·  LAP")
    qtbot.keyClick(keyboard(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not category.combo.hasFocus(), timeout=5000)
    assert category.value() is None
    assert view.error_text("category") == "'to' is not a known category"


def test_a_near_duplicate_is_added_only_on_purpose(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """Escape keeps "Lapt" as typed; leaving the field then says it is unknown, under the
    field and above the buttons, and offers to add it (none of it while it is typed). The
    question names Laptop, and its default is Cancel: Enter adds nothing (it was Add it)."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view, category = in_field(qtbot, dialog, "category")
    offer = dialog.add_category
    assert offer is not None
    type_as_a_person(qtbot, focused(), "Lapt")
    qtbot.keyClick(keyboard(), Qt.Key.Key_Escape)
    assert category.combo.currentText() == "Lapt" and category.combo.hasFocus()
    assert view.error_text("category") == "" and not offer.button.isVisible()
    # Nor does the line above the buttons say it while it is typed (it did).
    assert "Lapt" not in dialog.status_label.text()
    assert "Name is required" in dialog.status_label.text()
    assert "Category: 'Lapt' is not a known category" in dialog.ok_button.toolTip()
    qtbot.keyClick(keyboard(), Qt.Key.Key_Tab)
    qtbot.waitUntil(offer.button.isVisible, timeout=5000)
    assert offer.button.text() == "Add the category 'Lapt'…"
    assert view.error_text("category") == "'Lapt' is not a known category"
    assert "Category: 'Lapt' is not a known category" in dialog.status_label.text()

    qtbot.mouseClick(offer.button, Qt.MouseButton.LeftButton)
    box = offer.question
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert "There is a category 'Laptop' already" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(box), timeout=5000)
    assert not dialog.is_busy()
    with sqlite_world.db.read() as session:
        names = session.execute(select(Category.name).order_by(Category.name)).scalars().all()
    assert names == ["Laptop", "Monitor"]
