"""A new tag names its category by its prefix on the Receive form — with or without a
separator, typed or scanned — and never overrides a category the person chose."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from tests.factories import World
from tests.journeys.hid_scanner import HidScanner, type_as_a_person
from tests.ui.procedure_form.conftest import OpenForm, pick


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_a_scanned_tag_without_a_separator_fills_its_category(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """Ctrl+N, then the label LAP0042 scanned (Shift around each capital, Enter): the tag
    is filled, and so is the category whose prefix it starts with."""
    dialog = open_form(ProcedureKind.RECEIVE)
    assert dialog.view is not None
    editors = dialog.view.asset_editors
    assert editors["category"].value() is None
    HidScanner(qtbot).scan("LAP0042")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP0042")
    assert editors["category"].value() == sqlite_world.laptop_category
    assert dialog.scan_label.text() == "Scanned LAP0042 into Asset tag."


def test_a_typed_tag_fills_its_category_until_the_person_chooses_one(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    assert dialog.view is not None
    editors = dialog.view.asset_editors
    type_as_a_person(qtbot, focused(), "Mon0007")  # typed, lower case after the M
    assert editors["category"].value() == sqlite_world.monitor_category
    editors["tag"].widget.setFocus()
    qtbot.keyClick(
        focused(), "a", Qt.KeyboardModifier.ControlModifier
    )  # select all, type another tag
    type_as_a_person(qtbot, focused(), "LAP-Ab12")
    assert editors["category"].value() == sqlite_world.laptop_category  # follows the tag

    pick(editors["category"], "Monitor")  # the person's own choice
    assert editors["category"].value() == sqlite_world.monitor_category
    editors["tag"].widget.setFocus()
    type_as_a_person(qtbot, focused(), "9")
    assert editors["tag"].value() == "LAP-Ab129"
    assert editors["category"].value() == sqlite_world.monitor_category  # kept


def test_a_prefix_followed_by_letters_names_no_category(qtbot: QtBot, open_form: OpenForm) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    assert dialog.view is not None
    type_as_a_person(qtbot, focused(), "LAPTOP1")
    assert dialog.view.asset_editors["category"].value() is None
