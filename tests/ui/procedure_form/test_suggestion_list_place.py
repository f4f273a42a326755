"""A pick list's suggestions open under the field, and the typed text stays in sight.

"lap" typed into Receive's Category: the list covered the field, the typed text hidden
behind its first suggestion (seen in a grab under Xvfb). Typing "lap" chose Laptop (its
code), the form rebuilt the category's fields and Qt placed the list while the layout had
the rows squeezed; the rows took their height back and the list stayed over the field.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from tests.factories import World
from tests.journeys.hid_scanner import typing_reached_its_field
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.procedure_form.test_typing_errors import in_field, keyboard
from ui.gui.procedure_form.editors import ReferenceEditor


def on_screen(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


def type_keys(qtbot: QtBot, text: str) -> None:
    """Type ``text`` a key at a time where Qt delivers each (the open list, once it shows)."""
    for key in text:
        qtbot.keyClicks(keyboard(), key)
        typing_reached_its_field(qtbot)


def list_and_field(qtbot: QtBot, editor: ReferenceEditor) -> tuple[QRect, QRect]:
    """The open suggestion list's and the field's text box's places on the screen, once
    the form's layout has given the field its height again (a chosen category's fields
    are laid out after the key)."""
    combo = editor.combo
    qtbot.waitUntil(lambda: combo.height() >= combo.sizeHint().height(), timeout=5000)
    completer = editor.combo.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None and popup.isVisible()
    assert QApplication.activePopupWidget() is popup
    line = editor.combo.lineEdit()
    assert line is not None
    return popup.geometry(), on_screen(line)


def test_the_list_opens_under_the_category_typed_into(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """The list covered the field (its top 6 px under the text box's top)."""
    dialog = open_form(ProcedureKind.RECEIVE)
    _, category = in_field(qtbot, dialog, "category")
    type_keys(qtbot, "lap")
    assert category.value() == sqlite_world.laptop_category  # its code: the form rebuilt
    assert category.combo.currentText() == "lap"
    suggestions, text_box = list_and_field(qtbot, category)
    assert not suggestions.intersects(text_box), (suggestions, text_box)
    assert suggestions.top() > text_box.bottom()  # under it, not above
    assert suggestions.left() == on_screen(category.combo).left()
    # Another pick list of the form, the category chosen.
    qtbot.keyClick(keyboard(), Qt.Key.Key_Escape)
    _, location = in_field(qtbot, dialog, "location")
    type_keys(qtbot, "room")
    suggestions, text_box = list_and_field(qtbot, location)
    assert not suggestions.intersects(text_box), (suggestions, text_box)
    assert suggestions.top() > text_box.bottom()
