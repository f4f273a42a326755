"""The import wizard's column mapping has room for a 26-column Snipe-IT export: columns
sized to what they hold and resizable, the table most of the page, a size remembered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from tests.ui.gui.conftest import Register, open_window, press
from tests.ui.windows import closed
from ui.gui.main_window import MainWindow

SNIPE_IT = Path(__file__).parents[2] / "data/spreadsheets/migration/snipeit_asset_list.csv"


def _open_wizard(qtbot: QtBot, window: MainWindow) -> Any:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.import_action.isEnabled()
    press(qtbot, window, Qt.Key.Key_I, shift=True)
    wizard: Any = window.open_dialogs[-1]
    assert type(wizard).__name__ == "ImportWizard"
    qtbot.waitExposed(wizard)
    return wizard


def _to_mapping(qtbot: QtBot, wizard: Any) -> None:
    from ui.gui.spreadsheets.import_wizard import MAPPING

    wizard.file_page.path.setText(str(SNIPE_IT))
    for _ in range(3):
        if wizard.pages.currentIndex() == MAPPING:
            break
        qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.worker is None, timeout=15_000)
    assert wizard.pages.currentIndex() == MAPPING


def test_the_mapping_of_26_columns_is_readable_and_the_size_is_kept(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path)
    qtbot.waitUntil(lambda: window.import_action.isEnabled() and not window._workers)

    wizard = _open_wizard(qtbot, window)
    _to_mapping(qtbot, wizard)
    page = wizard.mapping_page
    table = page.table
    assert table.rowCount() == 26
    header = table.horizontalHeader()
    qtbot.waitUntil(
        lambda: abs(sum(header.sectionSize(c) for c in range(3)) - table.viewport().width()) <= 2
    )
    for column in range(3):  # each can be dragged; headers and choices are whole
        assert header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column
    assert header.sectionSize(0) >= table.sizeHintForColumn(0)
    assert header.sectionSize(2) >= table.sizeHintForColumn(2)  # "Add to the notes"
    # The first values fill the width the other two leave (waited for above): no
    # sideways scroll, no blank strip.
    assert header.sectionSize(1) >= 200
    # The table has most of the page: more of it than the settings below it.
    lower = page.splitter.widget(1)
    assert table.height() > lower.height()
    rows_shown = table.viewport().height() // table.rowHeight(0)
    assert rows_shown >= 8, rows_shown
    row = 20  # a row below the fold is reached by scrolling
    table.scrollToItem(table.item(row, 0))
    assert table.visualItemRect(table.item(row, 0)).intersects(table.viewport().rect())

    # A column dragged by the user keeps its width when the wizard is resized.
    header.resizeSection(1, 300)
    wizard.resize(wizard.width() - 10, wizard.height() - 10)
    qtbot.wait(50)
    assert header.sectionSize(1) == 300
    kept = wizard.size()
    qtbot.mouseClick(wizard.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(wizard))

    again = _open_wizard(qtbot, window)
    assert again is not wizard
    assert again.size() == kept
    assert again.minimumSize().width() >= 700 or again.minimumSize() == again.screen().size()
    again.close()
