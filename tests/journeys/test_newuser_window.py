"""What a new user met in the window (newuser.md L1, L7, L5): each step through the
window's own door (scans from :class:`HidScanner`, keys typed, buttons clicked)."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.register_rows import AssetRow
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import the_form, tick, type_into
from tests.ui.gui.conftest import Register
from ui.gui.main_window import MainWindow
from ui.gui.models.asset_table_model import RowRole, TagRole
from ui.gui.models.columns import COLUMN_INDEX


def selected_rows(window: MainWindow) -> list[AssetRow]:
    return [i.data(RowRole) for i in window.view.table.selectionModel().selectedRows()]


def rename_elsewhere(register: Register, tag: str, name: str) -> None:
    """A change recorded by someone else (the CLI, another computer) on the same register."""
    record_procedure(
        register.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag=tag,
            values={"name": name},
            answers={"change_type": "Record correction"},
            ticket_ref="CHG-1",
            reason="typo",
        ),
    )


def test_a_scan_of_an_asset_changed_elsewhere_refreshes_its_register_row(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, scanner: HidScanner
) -> None:
    """L1: the detail said the new name, the row beside it still the old one until F5."""
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan("LAP-00003")
    qtbot.waitUntil(lambda: [r.tag for r in selected_rows(window)] == ["LAP-00003"], timeout=5000)
    (row,) = selected_rows(window)
    assert row.name == "ThinkPad T14 #3"
    other = window.model.index(0, 0).data(RowRole)  # another row: not read again
    rename_elsewhere(register, "LAP-00003", "ThinkPad T14 (renamed elsewhere)")

    scanner.scan("LAP-00003")  # the same asset again: the detail and the row agree
    qtbot.waitUntil(
        lambda: selected_rows(window)[0].name == "ThinkPad T14 (renamed elsewhere)", timeout=5000
    )
    detail = window.view.detail.detail
    assert detail is not None and detail.row.name == "ThinkPad T14 (renamed elsewhere)"
    assert detail.row.version == selected_rows(window)[0].version
    assert window.model.index(0, 0).data(RowRole) is other

    rename_elsewhere(register, "LAP-00003", "ThinkPad T14 (again)")
    scanner.scan("MON-00004")  # another asset, then back: a selection re-reads it too
    qtbot.waitUntil(lambda: [r.tag for r in selected_rows(window)] == ["MON-00004"], timeout=5000)
    scanner.scan("LAP-00003")
    qtbot.waitUntil(lambda: selected_rows(window)[0].name == "ThinkPad T14 (again)", timeout=5000)
    index = window.view.table.selectionModel().selectedRows()[0]
    assert index.data(TagRole) == "LAP-00003"
    assert window.model.index(index.row(), COLUMN_INDEX["name"]).data() == "ThinkPad T14 (again)"


def test_a_search_or_filter_with_no_match_says_what_matched_nothing(
    qtbot: QtBot, journey_window: WindowFactory
) -> None:
    """L7: "zurich" gave a blank table with no word; the line names the search, and goes
    when there are rows again."""
    window = journey_window()
    view, bar = window.view, window.view.filter_bar
    trigger(window.find_action)  # Ctrl+F
    qtbot.waitUntil(bar.search.hasFocus)
    qtbot.keyClicks(bar.search, "zurich", delay=40)  # a person typing
    qtbot.waitUntil(lambda: window.model.filter.search == "zurich", timeout=5000)
    qtbot.waitUntil(lambda: view.count_label.text() == "0 of 250 assets", timeout=5000)
    assert view.no_match.isVisible()
    assert view.no_match.text().splitlines()[0] == "No asset matches 'zurich'."

    qtbot.mouseClick(bar.clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.count_label.text() == "250 of 250 assets", timeout=5000)
    assert not view.no_match.isVisible()

    bar.status.setFocus()  # a status nobody has: Disposed, chosen with the arrow keys
    while bar.status.currentData() != "disposed":
        qtbot.keyClick(bar.status, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: view.count_label.text() == "0 of 250 assets", timeout=5000)
    assert view.no_match.isVisible()
    assert view.no_match.text().splitlines()[0] == "No asset matches the filters chosen."

    bar.search.setFocus()
    qtbot.keyClicks(bar.search, "thinkpad", delay=40)
    qtbot.waitUntil(lambda: window.model.filter.search == "thinkpad", timeout=5000)
    qtbot.waitUntil(lambda: "'thinkpad'" in view.no_match.text(), timeout=5000)
    assert view.no_match.text().splitlines()[0] == (
        "No asset matches 'thinkpad' with the filters chosen."
    )
    bar.status.setFocus()
    qtbot.keyClick(bar.status, Qt.Key.Key_Home)  # All statuses: the ThinkPads show
    qtbot.waitUntil(lambda: view.count_label.text() == "125 of 250 assets", timeout=5000)
    assert not view.no_match.isVisible()


def receive_form_for(qtbot: QtBot, window: MainWindow, scanner: HidScanner, tag: str) -> Any:
    """Scan an unknown tag, click "Receive a new asset with tag …": the form, ready."""
    window.activateWindow()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan(tag)
    qtbot.waitUntil(lambda: window.unknown_tag_prompt is not None, timeout=5000)
    prompt = window.unknown_tag_prompt
    assert prompt is not None
    (offer,) = [b for b in prompt.buttons() if b.text() == f"Receive a new asset with tag {tag}"]
    qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    window.unknown_tag_prompt = None
    dialog = the_form(qtbot, window, ProcedureKind.RECEIVE)
    assert dialog.view is not None and dialog.view.asset_editors["tag"].value() == tag
    return dialog


def test_receiving_a_scanned_unknown_tag_guesses_its_category_from_the_prefix(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, scanner: HidScanner
) -> None:
    """L5: LAP-009001 opened Receive with the tag but no category, though LAP is the
    Laptop category's prefix. A prefix no category has leaves the choice to the user."""
    window = journey_window()
    dialog = receive_form_for(qtbot, window, scanner, "LAP-009001")
    view = dialog.view
    assert view.asset_editors["category"].value() == register.world.laptop_category
    assert view.asset_editors["category"].widget.currentText().startswith("Laptop")
    assert view.custom_box.title() == "Laptop fields"  # the category's fields follow
    dialog.reject()
    qtbot.waitUntil(lambda: not window.open_dialogs, timeout=5000)

    dialog = receive_form_for(qtbot, window, scanner, "DCK-000019")
    assert dialog.view.asset_editors["category"].value() is None
    dialog.reject()


def test_the_receive_form_stays_still_while_its_still_needed_line_shrinks(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    """L4: the "⚠ Still needed" line went from two lines to one as the form filled, the
    form moved up under the mouse and the next click ticked the wrong box."""
    window = journey_window()
    dialog = receive_form_for(qtbot, window, scanner, "LAP-009002")
    view = dialog.view
    status = dialog.status_label
    assert status.text().startswith("⚠ Still needed")
    where = dialog.scroll_area.geometry()
    heights = {status.height()}
    type_into(qtbot, view.asset_editors["name"].widget, "ThinkPad X1")
    type_into(qtbot, view.asset_editors["location"].widget, "Room A1")
    for key in view.checklist:
        tick(qtbot, dialog, key)
        qtbot.wait(20)  # the layout settles as it would between two clicks
        heights.add(status.height())
        assert dialog.scroll_area.geometry() == where, f"the form moved after ticking {key}"
    qtbot.waitUntil(lambda: status.text().startswith("Ready"), timeout=5000)
    qtbot.wait(20)
    assert dialog.scroll_area.geometry() == where
    assert len(heights) == 1  # the line kept its height: one line of text in two lines' room
    dialog.reject()
