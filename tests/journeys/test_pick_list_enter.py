"""Enter under a suggestion list that shows one choice takes it (new-user finding, newuser6):
"stor" + Enter under a list offering only "Storage  ·  STO" left "stor" in Category ("'stor'
is not a known category", and a button offering to add a category of that name); "bo" +
Enter in Settings › Signed-in person, then OK, signed in a person "bo" who does not exist,
and every procedure of the window was disabled."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QWidget
from shiboken6 import isValid

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import type_as_a_person
from tests.journeys.test_technician_journey import click_into, press, the_form
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from tests.ui.procedure_form.test_keyboard import focused
from ui.gui.settings_dialog import SettingsDialog


def _shown(widget: QWidget) -> str:
    assert isinstance(widget, QComboBox)
    return widget.currentText()


def _enter_under_the_list(qtbot: QtBot) -> None:
    """Enter as the keyboard sends it: to the open list, which has the keyboard."""
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def test_enter_takes_the_one_category_the_list_offers(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    window = journey_window()
    press(qtbot, window, ProcedureKind.RECEIVE, "Ctrl+N")
    form = the_form(qtbot, window, ProcedureKind.RECEIVE)
    assert form.view is not None
    category = form.view.asset_editors["category"]
    click_into(qtbot, category.widget)
    type_as_a_person(qtbot, focused(), "lapt")
    _enter_under_the_list(qtbot)
    assert category.value() == register.world.laptop_category
    assert _shown(category.widget) == "Laptop  ·  LAP"
    assert form.view.error_text("category") == ""


def test_enter_under_the_list_of_several_takes_the_highlighted_one(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """Two suggestions ("o" is in Laptop and in Monitor): the form's list opens with its
    first suggestion highlighted (first_suggestion), and Enter takes what the highlight
    shows, never the typed part."""
    window = journey_window()
    press(qtbot, window, ProcedureKind.RECEIVE, "Ctrl+N")
    form = the_form(qtbot, window, ProcedureKind.RECEIVE)
    assert form.view is not None
    category = form.view.asset_editors["category"]
    click_into(qtbot, category.widget)
    type_as_a_person(qtbot, focused(), "o")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    assert isinstance(popup, QAbstractItemView)
    assert popup.model().rowCount() >= 2
    highlighted = str(popup.currentIndex().data())
    _enter_under_the_list(qtbot)
    assert category.value() is not None
    assert _shown(category.widget) == highlighted != "o"


def test_settings_enter_takes_the_one_person_the_list_offers(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    window = journey_window("tech")
    trigger(window.settings_action)
    dialog = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.user_combo.count() > 1, timeout=20_000)
    click_into(qtbot, dialog.user_combo)
    type_as_a_person(qtbot, focused(), "ivy")
    _enter_under_the_list(qtbot)
    assert dialog.user_combo.currentText().startswith("Ivy Infra")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as infra")
    assert window.procedure_actions[ProcedureKind.RECEIVE].isEnabled()


def test_settings_refuses_a_user_name_nobody_has(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """ "ivy" (part of Ivy Infra's name), the list closed with Escape, OK: nobody has that
    user name, so the dialog says so and stays; the window keeps its person."""
    window = journey_window("tech")
    trigger(window.settings_action)
    dialog = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.user_combo.count() > 1, timeout=20_000)
    click_into(qtbot, dialog.user_combo)
    type_as_a_person(qtbot, focused(), "ivy")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isValid(dialog) or dialog.error_label.isVisible())
    assert isValid(dialog), "the dialog saved 'ivy' and closed"
    assert "nobody in this database has the user name 'ivy'" in dialog.error_label.text()
    assert dialog.isVisible()
    assert window.view.user_label.text() == "Signed in as tech"
    # Picking the person from the list then saves.
    click_into(qtbot, dialog.user_combo)
    type_as_a_person(qtbot, focused(), "ivy")
    _enter_under_the_list(qtbot)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as infra")
