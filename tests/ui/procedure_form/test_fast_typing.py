"""A person typing fast never loses what they typed to the scan detector (new-user
finding: a name typed < 50 ms a key and ended by Tab was taken as a scan and vanished),
while a USB scanner's burst — Shift pressed and released around every capital — stays a
scan whether it ends with Tab or Enter."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from tests.factories import World
from tests.journeys.hid_scanner import HidScanner, ScannerProfile
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.procedure_form.test_keyboard import owns_focus


def _click_into(qtbot: QtBot, widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: owns_focus(widget))


def test_a_scanner_burst_with_shift_around_capitals_is_a_scan_ended_by_tab_or_enter(
    qtbot: QtBot, open_form: OpenForm
) -> None:
    for terminator in ("tab", "enter"):
        dialog = open_form(ProcedureKind.RECEIVE)
        assert dialog.view is not None
        tag, name = dialog.view.asset_editors["tag"], dialog.view.asset_editors["name"]
        _click_into(qtbot, name.widget)
        HidScanner(qtbot, ScannerProfile(terminator=terminator)).scan("LAP-Ab12")
        qtbot.waitUntil(lambda: tag.value() == "LAP-Ab12")  # noqa: B023
        assert name.value() in ("", None)  # nothing typed into the focused field
        assert dialog.scan_label.text() == f"Scanned LAP-Ab12 into {tag.label}."
        dialog.discard()


def test_fast_typing_in_a_text_field_ended_by_tab_keeps_the_text_and_moves_on(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """Typed faster than a scan's gap (all keys at once) and Tab at once after: the text
    is in the field, and Tab moved the focus to the next field."""
    sqlite_world.receive(tag="LAP-F1")
    dialog = open_form(ProcedureKind.CHANGE, ["LAP-F1"])
    assert dialog.view is not None
    name = dialog.view.asset_editors["name"]
    _click_into(qtbot, name.widget)
    widget = QApplication.focusWidget()
    assert widget is not None
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, "Dell Latitude 7440")
    QTest.keyClick(widget, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not owns_focus(name.widget))
    assert name.value() == "Dell Latitude 7440"
    assert not dialog.scanner.is_holding()
    dialog.discard()


def _rollover(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type as fast fingers do: each key is pressed before the last one is released."""
    previous: tuple[Qt.Key, str] | None = None
    for char in text:
        key = Qt.Key(ord(char.upper()))
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, char)
        )
        if previous is not None:
            QApplication.sendEvent(
                widget,
                QKeyEvent(
                    QEvent.Type.KeyRelease, previous[0], Qt.KeyboardModifier.NoModifier, previous[1]
                ),
            )
        previous = (key, char)
        qtbot.wait(3)
    assert previous is not None
    QApplication.sendEvent(
        widget,
        QKeyEvent(QEvent.Type.KeyRelease, previous[0], Qt.KeyboardModifier.NoModifier, previous[1]),
    )


def test_fast_typing_with_overlapping_keys_is_typing_even_on_an_empty_receive_form(
    qtbot: QtBot, open_form: OpenForm
) -> None:
    """On a Receive form an empty Asset tag takes a scan from any field; keys pressed
    before the last one is released are fingers, so the name stays the name and the tag
    stays empty."""
    dialog = open_form(ProcedureKind.RECEIVE)
    assert dialog.view is not None
    tag, name = dialog.view.asset_editors["tag"], dialog.view.asset_editors["name"]
    _click_into(qtbot, name.widget)
    widget = QApplication.focusWidget()
    assert widget is not None
    _rollover(qtbot, widget, "dock station")
    QTest.keyClick(widget, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not owns_focus(name.widget))
    assert name.value() == "dock station"
    assert tag.value() in ("", None)
    assert not dialog.scan_label.isVisible()
    dialog.discard()
