"""The field a procedure form opens on shows that it has the keyboard.

Ctrl+E opened Change in "Type of change", a drop-down list, and Ctrl+Shift+D opened
Decommission in "Data sanitisation method": each had the focus but was drawn like every
other field, since Qt draws a focus frame only once the keyboard has moved the focus in a
window (newuser21 under Xvfb typed "Q" into a form and could not see where it went). The
form now counts as moved to by the keyboard (it is opened by a shortcut or a scan), so
the field it opens on is drawn focused.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QComboBox

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory, scan_in_register
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_shortcuts_in_fields import opened_form, press


def _drawn(combo: QComboBox) -> QImage:
    return combo.grab().toImage()


def test_the_drop_down_list_a_change_opens_on_is_drawn_focused(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    scan_in_register(qtbot, window, scanner, "LAP-00011")
    action = window.procedure_actions[ProcedureKind.CHANGE]
    assert action.isEnabled(), action.toolTip()
    before = len(window.open_dialogs)
    press(qtbot, window.view.scan_field, action.shortcut().toString())
    dialog = opened_form(qtbot, window, before)
    assert dialog.view is not None
    wanted = dialog.view.answer_editors["change_type"].widget
    assert isinstance(wanted, QComboBox)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wanted, timeout=5000)
    focused = _drawn(wanted)
    dialog.view.ticket.widget.setFocus()  # elsewhere: the same list, not focused
    qtbot.waitUntil(lambda: not wanted.hasFocus(), timeout=5000)
    assert _drawn(wanted) != focused, "the field with the focus is drawn as any other"
    dialog.close()
