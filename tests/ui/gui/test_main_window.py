"""The main window as a technician uses it: scans, search, status bar, remembered layout."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QStyleOptionFrame

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.settings import CURRENT_USER, Settings
from tests.ui.gui.conftest import Register, detail_read, scan_answered
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.models import asset_table_model
from ui.gui.models.asset_table_model import PAGE_SIZE, PLACEHOLDER, RowRole, TagRole
from ui.gui.models.columns import COLUMN_INDEX

WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def new_window(qtbot: QtBot, register: Register, tmp_path: Path) -> Iterator[WindowFactory]:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    made: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(register.db, settings, layout_state=LayoutState(tmp_path / "l.ini"))
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
        return window

    yield make
    for window in made:
        if window.isVisible():
            window.close()


def _selected_tags(window: MainWindow) -> list[str]:
    return [i.data(TagRole) for i in window.view.table.selectionModel().selectedRows()]


def test_status_bar_names_database_person_and_count(
    qtbot: QtBot, new_window: WindowFactory, register: Register
) -> None:
    window = new_window()
    view = window.view
    assert view.database_label.text().startswith("Local file ")
    assert str(register.db.sqlite_path) in view.database_label.text()
    assert view.user_label.text() == "Signed in as tech"
    assert view.count_label.text() == "250 of 250 assets"
    window.view.filter_bar.status.setCurrentIndex(
        window.view.filter_bar.status.findData("in_service")
    )
    qtbot.waitUntil(lambda: view.count_label.text() == "50 of 250 assets", timeout=5000)
    assert window.model.rowCount() == 50


def test_scan_while_a_field_has_focus_selects_the_asset_and_leaves_the_field(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    window = new_window()
    search = window.view.filter_bar.search
    search.setText("ThinkPad")
    qtbot.waitUntil(lambda: window.model.filter.search == "ThinkPad")
    search.setFocus()
    emitted: list[str] = []
    window.view.filter_bar.filter_changed.connect(lambda flt: emitted.append(flt.search))
    qtbot.keyClicks(search, "LAP-00231")  # a scanner: no pause between keys
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert search.text() == "ThinkPad"
    # The first key was held as a person's might be, and its search started; the scan
    # took it, so the register is back to the search in the box.
    assert emitted == ["ThinkPadL", "ThinkPad"]
    assert window.model.filter.search == "ThinkPad"
    # On the third page: found in the database (on a worker).
    qtbot.waitUntil(lambda: _selected_tags(window) == ["LAP-00231"], timeout=10_000)
    assert not window.model.is_loading
    detail_read(qtbot, window)
    assert window.view.detail.detail is not None
    assert window.view.detail.detail.row.tag == "LAP-00231"
    assert "LAP-00231" in window.view.detail.heading.text()


def test_typing_by_a_person_reaches_the_field(qtbot: QtBot, new_window: WindowFactory) -> None:
    window = new_window()
    search = window.view.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "MON-0004", delay=70)  # people pause between keys
    qtbot.keyClick(search, Qt.Key.Key_Return, delay=70)
    assert search.text() == "MON-0004"
    assert window.view.detail.detail is None


def test_a_whole_tag_typed_into_the_search_box_and_enter_selects_its_asset(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    window = new_window()
    search = window.view.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "MON-00004", delay=70)  # a person's pace: not a scan
    qtbot.waitUntil(lambda: window.model.filter.search == "MON-00004", timeout=5000)
    assert window.view.detail.detail is None
    qtbot.keyClick(search, Qt.Key.Key_Return, delay=70)
    qtbot.waitUntil(lambda: _selected_tags(window) == ["MON-00004"], timeout=5000)
    detail_read(qtbot, window)
    assert window.view.detail.detail is not None
    assert window.view.detail.detail.row.tag == "MON-00004"
    assert search.text() == "MON-00004"  # the search stays as typed
    # A text that is not a whole tag is only searched for: no selection, no offer.
    search.clear()
    qtbot.keyClicks(search, "MON-0000", delay=70)
    qtbot.waitUntil(lambda: window.model.filter.search == "MON-0000", timeout=5000)
    qtbot.waitUntil(lambda: not window.model.is_loading, timeout=5000)
    before = _selected_tags(window)
    qtbot.keyClick(search, Qt.Key.Key_Return, delay=70)
    assert _selected_tags(window) == before
    assert getattr(window, "unknown_tag_prompt", None) is None
    assert search.text() == "MON-0000"


def test_a_key_held_by_the_scanner_detector_starts_its_search_at_once(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    """The detector holds each key ~30 ms to see whether a scan follows; the search that
    key will ask for is read meanwhile, and asked for once."""
    window = new_window()
    search = window.view.filter_bar.search
    search.setText("MON-004")
    qtbot.waitUntil(lambda: window.model.filter.search == "MON-004")
    search.setFocus()
    search.setCursorPosition(4)
    emitted: list[str] = []
    window.view.filter_bar.filter_changed.connect(lambda flt: emitted.append(flt.search))
    qtbot.keyClick(search, "0")
    assert search.text() == "MON-004"  # still held back
    assert emitted == ["MON-0004"]  # its search already asked for
    qtbot.waitUntil(lambda: search.text() == "MON-0004")
    qtbot.waitUntil(lambda: window.view.count_label.text() == "5 of 250 assets", timeout=5000)
    assert emitted == ["MON-0004"]
    assert window.model.index(0, COLUMN_INDEX["tag"]).data() == "MON-00040"


def test_search_as_you_type_shows_matching_rows(qtbot: QtBot, new_window: WindowFactory) -> None:
    window = new_window()
    window.view.filter_bar.search.setFocus()
    qtbot.keyClicks(window.view.filter_bar.search, "00042")
    qtbot.waitUntil(lambda: window.model.filter.search == "00042", timeout=3000)
    qtbot.waitUntil(lambda: window.view.count_label.text() == "1 of 250 assets", timeout=5000)
    assert window.model.rowCount() == 1
    assert window.model.index(0, COLUMN_INDEX["tag"]).data() == "MON-00042"


def test_typing_a_place_without_its_accents_finds_it(
    qtbot: QtBot, new_window: WindowFactory, register: Register
) -> None:
    """Typed "zurich" in the search box finds the asset in "Zürich" (and only it)."""
    with register.db.write() as session:
        zurich = reference.create_location(session, name="Zürich", kind="site").id
    register.world.receive(tag="ZRH-00001", name="Drucker", values={"location": zurich})
    window = new_window()
    window.view.filter_bar.search.setFocus()
    qtbot.keyClicks(window.view.filter_bar.search, "zurich", delay=30)
    qtbot.waitUntil(lambda: window.model.filter.search == "zurich", timeout=3000)
    qtbot.waitUntil(lambda: window.view.count_label.text() == "1 of 251 assets", timeout=5000)
    assert window.model.rowCount() == 1
    assert window.model.index(0, COLUMN_INDEX["tag"]).data() == "ZRH-00001"
    assert window.model.index(0, COLUMN_INDEX["location"]).data() == "Zürich"


def test_a_search_with_no_hits_says_so_over_the_empty_table(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    """A new user saw only an empty table (and "0 of …" far away in the status bar)."""
    window = new_window()
    assert not window.view.no_match.isVisible()
    window.view.filter_bar.search.setFocus()
    qtbot.keyClicks(window.view.filter_bar.search, "zzzz")
    qtbot.waitUntil(lambda: window.view.count_label.text() == "0 of 250 assets", timeout=5000)
    assert window.view.no_match.isVisible()
    assert "No asset matches" in window.view.no_match.text()
    window.view.filter_bar.search.clear()
    qtbot.waitUntil(lambda: window.view.count_label.text() == "250 of 250 assets", timeout=5000)
    assert not window.view.no_match.isVisible()


def test_unknown_tag_offers_to_receive_it(qtbot: QtBot, new_window: WindowFactory) -> None:
    window = new_window()
    window.view.scan_field.setFocus()
    qtbot.keyClicks(window.view.scan_field, "NEW-777")
    qtbot.keyClick(window.view.scan_field, Qt.Key.Key_Return)
    scan_answered(qtbot, window)
    prompt = window.unknown_tag_prompt
    assert prompt is not None and prompt.isVisible()
    texts = [b.text() for b in prompt.buttons()]
    assert "Receive a new asset with tag NEW-777" in texts
    button = next(b for b in prompt.buttons() if b.text().startswith("Receive"))
    button.click()
    dialog = window.open_dialogs[-1]
    assert type(dialog).__name__ == "ProcedureDialog"
    dialog.close()


def test_procedures_disabled_with_the_reason(qtbot: QtBot, new_window: WindowFactory) -> None:
    window = new_window()
    window.handle_scan("MON-00000")  # installed (every fifth asset)
    scan_answered(qtbot, window)
    install = window.procedure_actions[ProcedureKind.INSTALL]
    change = window.procedure_actions[ProcedureKind.CHANGE]
    assert not install.isEnabled()
    assert install.toolTip() == "Install: MON-00000: the asset is already in service"
    assert change.isEnabled()
    assert window.procedure_actions[ProcedureKind.RECEIVE].isEnabled()


def test_a_recorded_procedure_refreshes_row_and_history(
    qtbot: QtBot, new_window: WindowFactory, register: Register
) -> None:
    window = new_window()
    window.handle_scan("LAP-00001")
    detail_read(qtbot, window)
    assert window.view.detail.detail is not None
    before = len(window.view.detail.detail.history)
    outcome = record_procedure(
        register.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-00001",
            values={"name": "ThinkPad T14 (renamed)"},
            answers={"change_type": "Record correction"},
            ticket_ref="CHG-9",
            reason="typo",
        ),
    )
    window.procedure_actions[ProcedureKind.CHANGE].trigger()  # Ctrl+E: the form opens
    dialog: Any = window.open_dialogs[-1]
    assert type(dialog).__name__ == "ProcedureDialog"
    dialog.recorded.emit([outcome])  # what the form says after recording
    detail_read(qtbot, window)
    row = window.view.table.selectionModel().selectedRows()[0].data(RowRole)
    assert row.name == "ThinkPad T14 (renamed)"
    detail = window.view.detail.detail
    assert detail is not None and len(detail.history) == before + 1
    text = window.view.detail.body.toPlainText()
    assert "ticket CHG-9" in text
    assert "Name: ThinkPad T14 #1 → ThinkPad T14 (renamed)" in text


def test_column_layout_and_sort_are_remembered(qtbot: QtBot, new_window: WindowFactory) -> None:
    window = new_window()
    header = window.view.table.horizontalHeader()
    window.set_column_shown(COLUMN_INDEX["category"], False)
    window.set_column_shown(COLUMN_INDEX["owning_group"], True)
    header.resizeSection(COLUMN_INDEX["name"], 333)
    header.moveSection(header.visualIndex(COLUMN_INDEX["serial_number"]), 0)
    header.setSortIndicator(COLUMN_INDEX["name"], Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: window.model.sort_key == "name", timeout=5000)
    window.close()

    again = new_window()
    header = again.view.table.horizontalHeader()
    assert header.isSectionHidden(COLUMN_INDEX["category"])
    assert not header.isSectionHidden(COLUMN_INDEX["owning_group"])
    assert header.sectionSize(COLUMN_INDEX["name"]) == 333
    assert header.logicalIndex(0) == COLUMN_INDEX["serial_number"]
    assert (again.model.sort_key, again.model.sort_descending) == ("name", True)
    names = [again.model.index(r, COLUMN_INDEX["name"]).data() for r in range(5)]
    assert names == sorted(names, reverse=True)


def test_scrolling_to_the_end_reads_only_the_pages_in_view(
    qtbot: QtBot, new_window: WindowFactory, register: Register
) -> None:
    window = new_window()
    assert window.model.rowCount() == register.size
    window.view.table.scrollToBottom()
    last_index = window.model.index(register.size - 1, COLUMN_INDEX["tag"])
    qtbot.waitUntil(lambda: last_index.data() != PLACEHOLDER, timeout=5000)  # read on a worker
    last = last_index.data()
    assert last == "MON-00248" or last.startswith("MON-")
    assert window.model.cached_row_count() < register.size


def test_keyboard_shortcuts_reach_search_and_scan_field(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    window = new_window()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.view.scan_field.hasFocus()
    qtbot.keyClick(window.view.scan_field, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.view.filter_bar.search.hasFocus()


def test_f5_keeps_the_place_of_a_user_who_scrolled_away_from_the_selected_asset(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    """The selected asset stays selected after F5; the view follows it only if it was in
    sight (it jumped back to it, centred, even when the user had scrolled far below)."""
    window = new_window()
    table = window.view.table
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=5000)
    first = table.visualRect(window.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.waitUntil(lambda: len(window.selected_rows()) == 1, timeout=5000)
    selected = window.selected_rows()[0].id
    table.scrollToBottom()
    place = table.verticalScrollBar().value()
    assert place > 0
    with qtbot.waitSignal(window.model.reloaded, timeout=5000):
        qtbot.keyClick(table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: [r.id for r in window.selected_rows()] == [selected], timeout=5000)
    assert table.verticalScrollBar().value() == place
    # In sight, it is followed without being centred: nothing moves.
    table.scrollToTop()
    with qtbot.waitSignal(window.model.reloaded, timeout=5000):
        qtbot.keyClick(table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: [r.id for r in window.selected_rows()] == [selected], timeout=5000)
    assert table.verticalScrollBar().value() == 0


def test_header_menu_chooses_columns(new_window: WindowFactory) -> None:
    window = new_window()
    menu = QMenu()
    window._fill_columns_menu(menu)
    supplier = next(a for a in menu.actions() if a.text().replace("&", "") == "Supplier")
    assert not supplier.isChecked()
    supplier.trigger()
    header = window.view.table.horizontalHeader()
    assert not header.isSectionHidden(COLUMN_INDEX["supplier"])
    assert window.model.index(0, COLUMN_INDEX["supplier"]).data() == ""


def test_import_and_export_open_from_the_window(qtbot: QtBot, new_window: WindowFactory) -> None:
    window = new_window()
    window.open_import()
    assert type(window.open_dialogs[-1]).__name__ == "ImportWizard"
    window.open_dialogs[-1].close()
    window.open_export()
    assert type(window.open_dialogs[-1]).__name__ == "ExportDialog"
    window.open_dialogs[-1].close()


def test_a_new_search_starts_at_its_first_row_and_a_refresh_keeps_the_place(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    window = new_window()
    table = window.view.table
    # Counted first: the whole register's length is known and the bottom is past the
    # first page (a refresh used to cut the table back to its first page, and the user
    # scrolled below it was thrown up — whether the count came first was up to the load).
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=5000)
    assert window.model.rowCount() > PAGE_SIZE
    table.scrollToBottom()
    qtbot.waitUntil(lambda: table.verticalScrollBar().value() > 0, timeout=5000)
    place = table.verticalScrollBar().value()
    with qtbot.waitSignal(window.model.reloaded, timeout=5000):
        window.refresh()  # e.g. after a procedure: the same rows, the user stays where he was
    assert table.verticalScrollBar().value() == place
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=5000)
    assert table.verticalScrollBar().value() == place
    last = window.model.rowCount() - 1
    qtbot.waitUntil(
        lambda: window.model.index(last, COLUMN_INDEX["tag"]).data() != PLACEHOLDER, timeout=5000
    )
    window.view.filter_bar.search.setText("LAP")
    qtbot.waitUntil(lambda: window.model.filter.search == "LAP", timeout=5000)
    assert table.verticalScrollBar().value() == 0
    assert table.model().index(0, COLUMN_INDEX["tag"]).data() == "LAP-00001"


def test_a_slow_search_says_so_and_the_old_rows_stay_until_it_ends(
    qtbot: QtBot, new_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = new_window()
    read_first_page = asset_table_model._Reader.first_page

    def slow_first_page(reader: Any, database: Any, cancel: Any) -> Any:
        time.sleep(0.6)  # a busy shared server
        return read_first_page(reader, database, cancel)

    monkeypatch.setattr(asset_table_model._Reader, "first_page", slow_first_page)
    window.view.filter_bar.search.setText("MON")
    qtbot.waitUntil(lambda: window.view.count_label.text() == "Reading the register…", timeout=5000)
    assert window.model.filter.search == ""  # the old rows stay meanwhile
    assert window.model.rowCount() == 250
    qtbot.waitUntil(lambda: window.model.filter.search == "MON", timeout=10_000)
    qtbot.waitUntil(lambda: window.view.count_label.text() == "125 of 250 assets", timeout=5000)


def test_the_search_box_shows_its_whole_placeholder_at_1280_by_720(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    """A new user read "Search tag, serial, name, model, person or location (…": the
    Ctrl+F hint was cut off on a 1280 × 720 screen."""
    window = new_window()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    search = window.view.filter_bar.search
    qtbot.wait(20)
    option = QStyleOptionFrame()
    search.initStyleOption(option)
    contents = search.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, search)
    margins = search.textMargins()
    clear_button = search.fontMetrics().height() + 8  # reserved on the right
    room = contents.width() - margins.left() - margins.right() - clear_button
    text = search.placeholderText()
    assert text.endswith("(Ctrl+F)")
    assert search.fontMetrics().horizontalAdvance(text) <= room, (text, room)
    assert "model, assigned person or location" in search.toolTip()


def test_tab_from_the_search_box_selects_the_first_row_and_down_the_second(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    """Tab reached the table with a current cell on row 1 and nothing selected; Down then
    selected row 2 as the first row selected."""
    window = new_window()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table = window.view.table
    table.clearSelection()
    search = window.view.filter_bar.search
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.hasFocus()
    for _ in range(12):  # Tab on until the table has the focus
        if table.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert table.hasFocus()
    first, second = (window.model.index(r, 0).data(TagRole) for r in (0, 1))
    qtbot.waitUntil(lambda: _selected_tags(window) == [first])
    # Its detail shows beside the table (read on a worker).
    qtbot.waitUntil(lambda: window.windowTitle().startswith(first), timeout=10_000)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert _selected_tags(window) == [second]


def test_down_from_the_search_box_goes_to_the_results_first_row(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    """A new user searched for a serial number, pressed Down to reach the one result, and
    nothing happened (Tab went on to the status filter; the table was eight Tabs away).
    Down in the search box now moves to the table with the first result selected, as in a
    mail client's or a file manager's search."""
    window = new_window()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table = window.view.table
    search = window.view.filter_bar.search
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.hasFocus()
    serial = window.model.index(3, COLUMN_INDEX["serial_number"]).data()
    tag = window.model.index(3, 0).data(TagRole)
    qtbot.keyClicks(search, serial.lower())
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.model.is_loading)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert table.hasFocus()
    qtbot.waitUntil(lambda: _selected_tags(window) == [tag])
    detail_read(qtbot, window)
    assert window.windowTitle().startswith(tag)  # its detail shows beside the table
    assert search.text() == serial.lower()  # the search stays as typed


def test_down_in_a_search_that_matches_nothing_stays_in_the_search_box(
    qtbot: QtBot, new_window: WindowFactory
) -> None:
    window = new_window()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    search = window.view.filter_bar.search
    qtbot.keyClick(window.view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "zzqqxx")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.model.is_loading)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert search.hasFocus()
