"""Enter under a suggestion list takes the suggestion it highlights — the one the text
names, else the first — in every pick list (new-user finding, newuser6; one rule, ux10):
"stor" + Enter under a list offering only "Storage  ·  STO" left "stor" in Category ("'stor'
is not a known category", and a button offering to add a category of that name); "bo" +
Enter in Settings › Signed-in person, then OK, signed in a person "bo" who does not exist,
and every procedure of the window was disabled. Then Settings took a suggestion on Enter
only when the list showed one, while the procedure form took the highlighted one.

Keys go where Qt sends them (tests.ui.keys): to the open list while it shows."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QWidget
from shiboken6 import isValid

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import typing_reached_its_field
from tests.journeys.test_technician_journey import click_into, press, the_form
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from tests.ui.keys import press_key, the_open_list, type_keys
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.editors import FieldEditor
from ui.gui.settings_dialog import SettingsDialog


def _shown(widget: QWidget) -> str:
    assert isinstance(widget, QComboBox)
    return widget.currentText()


def type_as_a_person(qtbot: QtBot, text: str) -> None:
    """Type ``text`` where Qt sends each key, then pause as a person does."""
    type_keys(qtbot, text)
    typing_reached_its_field(qtbot)


def _enter_under_the_list(qtbot: QtBot) -> None:
    """Enter as the keyboard sends it: to the open list, which has the keyboard."""
    the_open_list(qtbot)
    press_key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def _highlighted(qtbot: QtBot) -> tuple[int, str]:
    """The open list's number of suggestions and the one it highlights."""
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    return popup.model().rowCount(), str(popup.currentIndex().data())


def _receive_category(qtbot: QtBot, window: MainWindow) -> tuple[ProcedureDialog, FieldEditor]:
    """Receive opened with its shortcut, the focus clicked into its Category."""
    press(qtbot, window, ProcedureKind.RECEIVE, "Ctrl+N")
    form = the_form(qtbot, window, ProcedureKind.RECEIVE)
    assert form.view is not None
    category = form.view.asset_editors["category"]
    click_into(qtbot, category.widget)
    return form, category


def test_enter_takes_the_one_category_the_list_offers(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    form, category = _receive_category(qtbot, journey_window())
    type_as_a_person(qtbot, "lapt")
    _enter_under_the_list(qtbot)
    assert category.value() == register.world.laptop_category
    assert _shown(category.widget) == "Laptop  ·  LAP"
    assert form.view is not None and form.view.error_text("category") == ""


def test_enter_under_the_list_of_several_takes_the_highlighted_one(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """Two suggestions ("o" is in Laptop and in Monitor): the form's list opens with its
    first suggestion highlighted (FoldingCompleter), and Enter takes what the highlight
    shows, never the typed part."""
    _form, category = _receive_category(qtbot, journey_window())
    type_as_a_person(qtbot, "o")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    assert isinstance(popup, QAbstractItemView)
    assert popup.model().rowCount() >= 2
    highlighted = str(popup.currentIndex().data())
    _enter_under_the_list(qtbot)
    assert category.value() is not None
    assert _shown(category.widget) == highlighted != "o"


def _settings_with_ivy_typed(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    """Settings opened from the window, "ivy" typed into Signed-in person (its list open)."""
    trigger(window.settings_action)
    dialog = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.user_combo.count() > 1, timeout=20_000)
    click_into(qtbot, dialog.user_combo)
    type_as_a_person(qtbot, "ivy")
    return dialog


def test_settings_enter_takes_the_one_person_the_list_offers(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    window = journey_window("tech")
    dialog = _settings_with_ivy_typed(qtbot, window)
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
    dialog = _settings_with_ivy_typed(qtbot, window)
    the_open_list(qtbot)
    press_key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isValid(dialog) or dialog.error_label.isVisible())
    assert isValid(dialog), "the dialog saved 'ivy' and closed"
    assert "nobody in this database has the user name 'ivy'" in dialog.error_label.text()
    assert dialog.isVisible()
    assert window.view.user_label.text() == "Signed in as tech"
    # Picking the person from the list then saves.
    click_into(qtbot, dialog.user_combo)
    type_as_a_person(qtbot, "ivy")
    _enter_under_the_list(qtbot)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as infra")


def _settings(qtbot: QtBot, journey_window: WindowFactory) -> tuple[MainWindow, SettingsDialog]:
    window = journey_window("tech")
    trigger(window.settings_action)
    dialog = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.user_combo.count() > 1, timeout=20_000)
    click_into(qtbot, dialog.user_combo)
    return window, dialog


def test_settings_enter_under_several_people_takes_the_highlighted_one(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """ "approver" offers the four approvers: the list opens with the first highlighted and
    Enter takes it, as in the procedure form (it took nothing: "approver" stayed, and OK
    said nobody has that user name)."""
    window, dialog = _settings(qtbot, journey_window)
    type_as_a_person(qtbot, "approver")
    count, highlighted = _highlighted(qtbot)
    assert count >= 2
    assert "approver" in highlighted.lower()
    _enter_under_the_list(qtbot)
    assert dialog.user_combo.currentText() == highlighted
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=10_000)
    view = window.view
    qtbot.waitUntil(lambda: view.user_label.text() != "Signed in as tech", timeout=10_000)


def test_settings_tab_takes_the_one_person_the_list_offers(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """ "ivy" + Tab: the list offered only Ivy Infra, Tab left "ivy" (OK then refused it)."""
    window, dialog = _settings(qtbot, journey_window)
    type_as_a_person(qtbot, "ivy")
    assert _highlighted(qtbot)[0] == 1
    press_key(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    assert dialog.user_combo.currentText().startswith("Ivy Infra")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    view = window.view
    qtbot.waitUntil(lambda: view.user_label.text() == "Signed in as infra", timeout=10_000)


def test_settings_highlights_the_person_whose_user_name_is_typed(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """ "tech" offers Ivy Infra and Tom Tech (technicians) and Tess Tech, whose user name it
    is: the list highlights Tess, though she is not its first suggestion, and Enter takes
    her (a user name typed whole names its person, as a code names a room)."""
    _window, dialog = _settings(qtbot, journey_window)
    type_as_a_person(qtbot, "tech")
    count, highlighted = _highlighted(qtbot)
    assert count >= 3
    assert highlighted.startswith("Tess Tech  ·  tech")
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    assert popup.currentIndex().row() > 0
    _enter_under_the_list(qtbot)
    assert dialog.user_combo.currentText() == highlighted
