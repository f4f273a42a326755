"""Scans with capitals, digits, '-', '/', '.' and lower case reach the window as scans,
sent the way a USB HID scanner sends them (Shift around capitals, 2-30 ms between key
events, Enter or Tab) — and a person typing still reaches the field (issue 13)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner, ScannerProfile
from ui.gui.main_window import MainWindow
from ui.gui.models.asset_table_model import TagRole
from ui.gui.settings_dialog import SettingsDialog


def selected_tags(window: MainWindow) -> list[str]:
    return [i.data(TagRole) for i in window.view.table.selectionModel().selectedRows()]


def offered_tag(qtbot: QtBot, window: MainWindow) -> str:
    qtbot.waitUntil(lambda: window.unknown_tag_prompt is not None, timeout=5000)
    prompt = window.unknown_tag_prompt
    assert prompt is not None and prompt.isVisible()
    (receive,) = [b for b in prompt.buttons() if b.text().startswith("Receive")]
    tag = receive.text().removeprefix("Receive a new asset with tag ")
    cancel = prompt.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    window.unknown_tag_prompt = None
    window.activateWindow()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    return tag


def test_a_capitalised_scan_in_the_search_box_selects_the_asset(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    search = window.view.filter_bar.search
    trigger(window.find_action)
    qtbot.waitUntil(search.hasFocus)
    scanner.scan("LAP-00231")
    qtbot.waitUntil(lambda: selected_tags(window) == ["LAP-00231"], timeout=5000)
    assert search.text() == ""  # no stray "LAP" in the box
    assert window.view.detail.detail is not None
    assert window.view.detail.detail.row.tag == "LAP-00231"
    scanner.scan("MON-00042")  # again, the focus still in the search box
    qtbot.waitUntil(lambda: selected_tags(window) == ["MON-00042"], timeout=5000)
    assert search.text() == ""
    assert window.view.scan_field.text() == ""


def test_unknown_tags_of_every_shape_are_offered_whole(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    for tag in ("DCK-000019", "ab/CD.9-x", "Rm.2/B-7", "dck-000020"):
        scanner.scan(tag)
        assert offered_tag(qtbot, window) == tag
        assert window.view.filter_bar.search.text() == ""


def test_a_fast_search_ending_in_enter_stays_in_the_search_box(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    """A person typing a search as fast as a scanner, one key after the other, then Enter:
    it looks like a scan of an unknown tag. What was typed stays in the search box and is
    searched for (it vanished); a text that could be a tag is offered for receiving as a
    scan's is, one that cannot (a space) is not."""
    window = journey_window()
    search = window.view.filter_bar.search
    trigger(window.find_action)
    qtbot.waitUntil(search.hasFocus)
    scanner.scan("latitude")
    assert offered_tag(qtbot, window) == "latitude"
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    search.clear()
    scanner.scan("Dell lat")
    qtbot.waitUntil(lambda: search.text() == "Dell lat", timeout=5000)
    qtbot.waitUntil(lambda: window.model.filter.search == "Dell lat", timeout=5000)
    assert window.unknown_tag_prompt is None
    assert "searched for it" in window.statusBar().currentMessage()


def _cancel_the_offer(qtbot: QtBot, window: MainWindow) -> None:
    """Cancel on the offer to receive, and the window active again (as the window manager
    makes it once the prompt is gone); the focus left where it was."""
    qtbot.waitUntil(lambda: window.unknown_tag_prompt is not None, timeout=5000)
    prompt = window.unknown_tag_prompt
    assert prompt is not None
    qtbot.waitUntil(prompt.isVisible)
    cancel = prompt.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    window.unknown_tag_prompt = None
    window.activateWindow()


def test_an_unknown_tag_scanned_into_the_search_box_is_replaced_by_the_next_scan(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    """A tag no asset has, scanned with the focus in the search box: offered for
    receiving; Cancel, and the status bar says the tag is not known and the next scan
    replaces it in the box (the next unknown one was added to it: "LAP-77777LAP-77778")."""
    window = journey_window()
    search = window.view.filter_bar.search
    trigger(window.find_action)
    qtbot.waitUntil(search.hasFocus)
    for tag in ("LAP-77777", "LAP-77778"):
        scanner.scan(tag)
        _cancel_the_offer(qtbot, window)
        qtbot.waitUntil(search.hasFocus)
        qtbot.waitUntil(lambda: search.selectedText() == tag, timeout=5000)  # noqa: B023
        assert search.text() == tag
        said = window.statusBar().currentMessage()
        assert said == f"No asset has the tag {tag}: the next scan replaces it"
    scanner.scan("MON-00042")  # a known one: its asset, the box emptied
    qtbot.waitUntil(lambda: selected_tags(window) == ["MON-00042"], timeout=5000)
    assert search.text() == ""


def test_a_scanned_code_no_asset_can_carry_is_not_offered_for_receiving(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """A tag with a space, typed into the scan field (Ctrl+L): the window says no asset
    can have it, instead of offering a Receive form the tag would be refused on."""
    window = journey_window()
    trigger(window.scan_action)
    qtbot.waitUntil(window.view.scan_field.hasFocus)
    qtbot.keyClicks(window.view.scan_field, "Dell lat")
    qtbot.keyClick(window.view.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.untaggable_notice is not None, timeout=5000)
    notice = window.untaggable_notice
    assert notice is not None and notice.isVisible()
    assert notice.text() == (
        "No asset has the tag Dell lat, and no asset can: a tag may hold only letters, "
        "digits and printable symbols, no spaces."
    )
    assert window.unknown_tag_prompt is None
    qtbot.mouseClick(notice.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not notice.isVisible())


def test_the_scan_field_takes_capitalised_scans(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    trigger(window.scan_action)  # Ctrl+L
    qtbot.waitUntil(window.view.scan_field.hasFocus)
    scanner.scan("MON-00010")
    qtbot.waitUntil(lambda: selected_tags(window) == ["MON-00010"], timeout=5000)
    assert window.view.scan_field.text() == ""


def test_tab_terminated_and_altgr_scans(qtbot: QtBot, journey_window: WindowFactory) -> None:
    window = journey_window()
    window.view.table.setFocus()
    HidScanner(qtbot, ScannerProfile(terminator="tab")).scan("LAP-00011")
    qtbot.waitUntil(lambda: selected_tags(window) == ["LAP-00011"], timeout=5000)
    # A layout where '/' needs AltGr (level-3 shift): its press and release are part of
    # the scan too.
    window.view.table.setFocus()
    for kind, key, modifiers, text in [
        *_keys("AB", shift=True),
        (QEvent.Type.KeyPress, Qt.Key.Key_AltGr, Qt.KeyboardModifier.GroupSwitchModifier, ""),
        (QEvent.Type.KeyPress, Qt.Key.Key_Slash, Qt.KeyboardModifier.GroupSwitchModifier, "/"),
        (QEvent.Type.KeyRelease, Qt.Key.Key_Slash, Qt.KeyboardModifier.GroupSwitchModifier, "/"),
        (QEvent.Type.KeyRelease, Qt.Key.Key_AltGr, Qt.KeyboardModifier.NoModifier, ""),
        *_keys("12"),
        (QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"),
        (QEvent.Type.KeyRelease, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"),
    ]:
        receiver = QApplication.focusWidget()
        assert receiver is not None
        QApplication.sendEvent(receiver, QKeyEvent(kind, key, modifiers, text))
        qtbot.wait(8)
    assert offered_tag(qtbot, window) == "AB/12"


def _keys(
    text: str, *, shift: bool = False
) -> list[tuple[QEvent.Type, Qt.Key, Qt.KeyboardModifier, str]]:
    events: list[tuple[QEvent.Type, Qt.Key, Qt.KeyboardModifier, str]] = []
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    for char in text:
        if shift:
            events.append((QEvent.Type.KeyPress, Qt.Key.Key_Shift, modifier, ""))
        key = Qt.Key(ord(char.upper()))
        events.append((QEvent.Type.KeyPress, key, modifier, char))
        events.append((QEvent.Type.KeyRelease, key, modifier, char))
        if shift:
            events.append(
                (QEvent.Type.KeyRelease, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier, "")
            )
    return events


def test_a_person_typing_capitals_reaches_the_search_box(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    window = journey_window()
    search = window.view.filter_bar.search
    trigger(window.find_action)
    qtbot.waitUntil(search.hasFocus)
    slow = HidScanner(qtbot, ScannerProfile(min_gap_ms=60, max_gap_ms=90))  # a person's pace
    slow.scan("LAP-0023")
    qtbot.waitUntil(lambda: search.text() == "LAP-0023", timeout=5000)
    assert window.unknown_tag_prompt is None
    assert selected_tags(window) == []


def test_prefix_suffix_and_timing_are_settings(qtbot: QtBot, journey_window: WindowFactory) -> None:
    window = journey_window()
    trigger(window.settings_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SettingsDialog)
    box = dialog.scanner_box
    box.prefix_edit.setFocus()
    qtbot.keyClicks(box.prefix_edit, "]C1")
    qtbot.keyClicks(box.suffix_edit, "#")
    box.gap_spin.selectAll()
    qtbot.keyClicks(box.gap_spin.lineEdit(), "80")
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog not in window.open_dialogs, timeout=5000)
    assert window.scanner.config.prefix == "]C1"
    assert window.scanner.config.suffix == "#"
    assert window.scanner.config.max_gap_ms == 80
    window.activateWindow()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    # A slower (wireless) scanner, 40-70 ms between events, with a prefix and suffix.
    HidScanner(qtbot, ScannerProfile(min_gap_ms=40, max_gap_ms=70, prefix="]C1", suffix="#")).scan(
        "LAP-00013"
    )
    qtbot.waitUntil(lambda: selected_tags(window) == ["LAP-00013"], timeout=5000)
    assert window.view.filter_bar.search.text() == ""
