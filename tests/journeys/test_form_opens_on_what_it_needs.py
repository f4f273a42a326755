"""A procedure form opens on the first field it still needs, not on an optional one.

Ctrl+E on an asset brought in from GLPI (no owning group) opened the Change form with the
cursor in Owning group, an optional field, while "Type of change *" - the one thing the
form said it still needed - waited below. The form opens on the first required field
left empty; with none, on the first empty field as before.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory, scan_in_register
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_shortcuts_in_fields import opened_form, press


def test_change_opens_on_its_type_of_change_not_on_an_empty_optional_field(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    box = window.view.scan_field
    scan_in_register(qtbot, window, scanner, "LAP-00011")
    action = window.procedure_actions[ProcedureKind.CHANGE]
    assert action.isEnabled(), action.toolTip()
    before = len(window.open_dialogs)
    press(qtbot, box, action.shortcut().toString())
    dialog = opened_form(qtbot, window, before)
    assert dialog.view is not None
    empty = [k for k, e in dialog.view.asset_editors.items() if e.is_empty()]
    assert empty, "the asset has every field filled: the test shows nothing"
    wanted = dialog.view.answer_editors["change_type"].widget
    focused = QApplication.focusWidget()
    assert focused is not None and (focused is wanted or wanted.isAncestorOf(focused)), (
        f"the form opened in {focused!r}; empty asset fields: {empty}"
    )
    dialog.close()
