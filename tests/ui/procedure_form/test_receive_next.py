"""Receive & next (Ctrl+Shift+Enter): a box of laptops received one after the other, the
form keeping what the delivery shares and clearing what is each asset's own."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.services.queries import asset_detail
from desktop.storage.models import Category
from tests.factories import World
from tests.journeys.hid_scanner import HidScanner, type_as_a_person, typing_reached_its_field
from tests.ui.procedure_form.conftest import OpenForm, pick
from tests.ui.procedure_form.test_empty_register import PERSON_MS
from tests.ui.windows import closed
from ui.gui.procedure_form.dialog import ProcedureDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_two_laptops_of_one_delivery_on_one_form(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None and dialog.next_button is not None
    editors = view.asset_editors
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-Ab01")  # into the empty tag; the category follows its prefix
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Ab01")
    assert editors["category"].value() == sqlite_world.laptop_category
    editors["name"].widget.setFocus()
    type_as_a_person(qtbot, editors["name"].widget, "ThinkPad T14")
    pick(editors["location"], "Room A2")
    editors["serial_number"].widget.setFocus()
    scanner.scan("PF0001")
    qtbot.waitUntil(lambda: editors["serial_number"].value() == "PF0001")
    for key in ("inspected", "contents_match"):
        view.checklist[key].setFocus()
        qtbot.keyClick(view.checklist[key], Qt.Key.Key_Space)
        typing_reached_its_field(qtbot)
    assert dialog.next_button.isEnabled(), dialog.problems()

    focused = QApplication.focusWidget()
    assert focused is not None
    with qtbot.waitSignal(dialog.recorded, timeout=20_000):
        qtbot.keyClick(focused, Qt.Key.Key_Return, CTRL_SHIFT)
    qtbot.waitUntil(lambda: dialog.scan_label.isVisible(), timeout=10_000)
    assert dialog.isVisible()  # kept for the next laptop
    assert dialog.scan_label.text() == "Recorded LAP-Ab01. Scan or type the next asset's tag."
    assert editors["tag"].value() == "" and editors["serial_number"].value() == ""
    assert editors["name"].value() == "ThinkPad T14"
    assert editors["category"].value() == sqlite_world.laptop_category
    assert editors["location"].value() == sqlite_world.room_b
    assert not any(check.isChecked() for check in view.checklist.values())  # each anew
    assert QApplication.focusWidget() is editors["tag"].widget
    assert not dialog.ok_button.isEnabled()  # the checklist is this device's to tick

    scanner.scan("LAP-Ab02")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Ab02")
    for key in ("inspected", "contents_match"):
        view.checklist[key].setFocus()
        qtbot.keyClick(view.checklist[key], Qt.Key.Key_Space)
        typing_reached_its_field(qtbot)
    focused = QApplication.focusWidget()
    assert focused is not None
    with qtbot.waitSignal(dialog.finished, timeout=20_000):  # Ctrl+Enter: the last one
        qtbot.keyClick(focused, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with sqlite_world.db.read() as session:
        first = asset_detail(session, tag="LAP-Ab01")
        second = asset_detail(session, tag="LAP-Ab02")
    assert first.row.serial_number == "PF0001" and second.row.serial_number in ("", None)
    assert first.location_id == second.location_id == sqlite_world.room_b


def test_escape_after_receive_and_next_says_what_is_already_recorded(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """The discard question said 'Nothing has been recorded yet.' with two laptops of the
    delivery recorded from this very form: it names them, and only the shown entries go."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editors = view.asset_editors
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-Cd01")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Cd01")
    editors["name"].widget.setFocus()
    type_as_a_person(qtbot, editors["name"].widget, "ThinkPad T14")
    pick(editors["location"], "Room A2")
    for key in ("inspected", "contents_match"):
        view.checklist[key].setFocus()
        qtbot.keyClick(view.checklist[key], Qt.Key.Key_Space)
        typing_reached_its_field(qtbot)
    focused = QApplication.focusWidget()
    assert focused is not None
    with qtbot.waitSignal(dialog.recorded, timeout=20_000):
        qtbot.keyClick(focused, Qt.Key.Key_Return, CTRL_SHIFT)
    qtbot.waitUntil(lambda: dialog.scan_label.isVisible(), timeout=10_000)
    scanner.scan("LAP-Cd02")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Cd02")
    editors["name"].widget.setFocus()
    type_as_a_person(qtbot, editors["name"].widget, "s")
    qtbot.keyClick(editors["name"].widget, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.informativeText() == (
        "Already recorded, and kept: LAP-Cd01. Only the entries shown are lost."
    )
    box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: closed(dialog))
    with sqlite_world.db.read() as session:
        assert asset_detail(session, tag="LAP-Cd01").row.name == "ThinkPad T14"


def _tick_checklist_and(
    qtbot: QtBot, dialog: ProcedureDialog, modifiers: Qt.KeyboardModifier
) -> None:
    view = dialog.view
    assert view is not None
    for key in ("inspected", "contents_match"):
        view.checklist[key].setFocus()
        qtbot.keyClick(view.checklist[key], Qt.Key.Key_Space)
        typing_reached_its_field(qtbot)
    focused = QApplication.focusWidget()
    assert focused is not None
    assert dialog.ok_button.isEnabled(), dialog.problems()
    with qtbot.waitSignal(dialog.recorded, timeout=20_000):
        qtbot.keyClick(focused, Qt.Key.Key_Return, modifiers)


def test_the_next_asset_of_another_category_does_not_keep_the_name_and_model(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """A delivery of laptops and monitors: after a ThinkPad, the monitor scanned next kept
    the name 'ThinkPad T14' (and would have been recorded as one). The name and model of
    another kind are emptied, what the delivery shares stays, and a tag corrected back to
    the kept category brings them back."""
    with sqlite_world.db.write() as session:
        lenovo = reference.create_manufacturer(session, name="Lenovo")
        laptops = session.get(Category, sqlite_world.laptop_category)
        reference.create_model(session, manufacturer=lenovo, name="T14 Gen 3", category=laptops)
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editors = view.asset_editors
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-Ef01")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Ef01")
    editors["name"].widget.setFocus()
    type_as_a_person(qtbot, editors["name"].widget, "ThinkPad T14")
    pick(editors["model"], "Lenovo T14 Gen 3")
    model = editors["model"].value()
    assert model is not None
    pick(editors["location"], "Room A2")
    _tick_checklist_and(qtbot, dialog, CTRL_SHIFT)
    qtbot.waitUntil(lambda: dialog.scan_label.isVisible(), timeout=10_000)

    scanner.scan("MON-Ef02")  # a monitor of the same delivery
    qtbot.waitUntil(lambda: editors["tag"].value() == "MON-Ef02")
    assert editors["category"].value() == sqlite_world.monitor_category
    assert editors["name"].value() == "" and editors["model"].value() is None
    assert editors["name"].widget.property("placeholderText") == "empty: named after its model"
    assert editors["location"].value() == sqlite_world.room_b  # the delivery's, kept

    tag = editors["tag"].widget  # a mistyped tag corrected: LAP-Ef02 after all
    tag.setFocus()
    qtbot.keyClick(tag, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_as_a_person(qtbot, tag, "LAP-Ef02")
    assert editors["category"].value() == sqlite_world.laptop_category
    assert editors["name"].value() == "ThinkPad T14" and editors["model"].value() == model

    qtbot.keyClick(tag, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_as_a_person(qtbot, tag, "MON-Ef02")
    assert editors["name"].value() == ""
    editors["name"].widget.setFocus()
    type_as_a_person(qtbot, editors["name"].widget, "Dell P2422H")
    _tick_checklist_and(qtbot, dialog, CTRL_SHIFT)
    qtbot.waitUntil(lambda: dialog.scan_label.isVisible(), timeout=10_000)
    scanner.scan("MON-Ef03")  # the same kind again: its name is kept
    qtbot.waitUntil(lambda: editors["tag"].value() == "MON-Ef03")
    assert editors["name"].value() == "Dell P2422H"
    with sqlite_world.db.read() as session:
        monitor = asset_detail(session, tag="MON-Ef02")
    assert monitor.row.name == "Dell P2422H"
    assert monitor.category_id == sqlite_world.monitor_category
    assert monitor.location_id == sqlite_world.room_b


def test_the_serial_scanned_after_the_tag_goes_into_the_serial_number(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """A technician receiving laptops scanned each one's tag label, then its serial number
    barcode: the focus had moved from the tag to Name, so the serial went into Name as
    typed ("only a field marked type or scan takes a scan") and the laptop was named
    PF9ABC13. After a tag scanned into its field, the focus moves on to the next empty
    field that takes a scan."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editors = view.asset_editors
    assert QApplication.focusWidget() is editors["tag"].widget
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-Ab01")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Ab01")
    scanner.scan("PF9ABC13")
    qtbot.waitUntil(lambda: editors["serial_number"].value() == "PF9ABC13")
    assert editors["name"].value() == ""
    assert dialog.scan_label.text() == "Scanned PF9ABC13 into Serial number."


def test_alt_k_after_receive_and_next_goes_to_the_first_item_again(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """The checklist's Alt+K went back to the item ticked last on the asset before (Qt's
    group box keeps its last focused child), so Space ticked the second item of the next
    laptop, not the first (newuser27, under Xvfb)."""
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None and dialog.next_button is not None
    editors = view.asset_editors
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-Kb01")
    qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Kb01")
    editors["name"].widget.setFocus()
    type_as_a_person(qtbot, editors["name"].widget, "ThinkPad T14")
    pick(editors["location"], "Room A2")
    first, second = list(view.checklist.values())[:2]
    for _ in range(2):  # Alt+K, Space, Tab, Space: both ticked, the second focused last
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
        for key in (Qt.Key.Key_Space, Qt.Key.Key_Tab, Qt.Key.Key_Space):  # a person's pace
            qtbot.keyClick(QApplication.focusWidget() or dialog, key, delay=PERSON_MS)
        assert first.isChecked() and second.isChecked(), (_, dialog.problems())
        assert second.hasFocus()
        if _ == 1:
            break
        with qtbot.waitSignal(dialog.recorded, timeout=20_000):
            qtbot.keyClick(second, Qt.Key.Key_Return, CTRL_SHIFT)
        qtbot.waitUntil(lambda: editors["tag"].value() == "", timeout=10_000)
        assert not first.isChecked() and not second.isChecked()
        scanner.scan("LAP-Kb02")
        qtbot.waitUntil(lambda: editors["tag"].value() == "LAP-Kb02")
