"""Tab from a field reaches its "Add the … '…'…" offer also after the form rebuilt its
custom fields (a category with custom fields chosen).

Seen under Xvfb with xdotool on a demo register: Category "Laptop" (custom fields: RAM…)
rebuilt the tab order field to field, and Tab from Model went straight to the serial
number, past "Add the model 'Lenovo ThinkPad X13'…": the offer was out of reach of the
keyboard, and Shift+Tab back to Model selected the text the next key replaced."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.hid_scanner import type_as_a_person, typing_reached_its_field
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.procedure_form.test_keyboard import focused, owns_focus, tab_to


def test_tab_from_model_reaches_its_offer_after_a_category_with_custom_fields(
    qtbot: QtBot, open_form: OpenForm
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editors = view.asset_editors
    tab_to(qtbot, editors["category"].widget)
    type_as_a_person(qtbot, focused(), "Laptop")
    tab_to(qtbot, editors["model"].widget)
    assert "custom.ram_gb" in view.custom_editors  # the category rebuilt the custom fields
    type_as_a_person(qtbot, focused(), "Lenovo ThinkPad X13")
    typing_reached_its_field(qtbot)
    offer = dialog.add_offers["model"]
    qtbot.waitUntil(offer.button.isVisible, timeout=5000)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: owns_focus(offer.button), timeout=5000)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # and on to the serial number
    qtbot.waitUntil(lambda: owns_focus(editors["serial_number"].widget), timeout=5000)
