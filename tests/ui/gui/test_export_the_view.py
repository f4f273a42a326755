"""File › Export the view writes what the table shows: its search and its sort."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt, QUrl

from tests.ui.gui.conftest import Register, open_window, press
from ui.gui.main_window import MainWindow
from ui.gui.models.columns import COLUMN_INDEX


def _click_header(qtbot: QtBot, window: MainWindow, key: str) -> None:
    header = window.view.table.horizontalHeader()
    section = COLUMN_INDEX[key]
    point = QPoint(header.sectionViewportPosition(section) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _tags_on_screen(qtbot: QtBot, window: MainWindow) -> list[str]:
    """Every row of the view, as scrolling down it shows them (pages read by the view)."""
    model = window.model
    qtbot.waitUntil(lambda: not model.is_loading and model.matching_assets is not None)
    count = model.matching_assets
    assert count is not None
    rows = [model.row_at(number) for number in range(count)]
    return [row.tag for row in rows if row is not None]


def _export(qtbot: QtBot, window: MainWindow, path: Path) -> Any:
    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    assert type(dialog).__name__ == "ExportDialog"
    dialog.path.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    return dialog


def _exported_tags(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["Asset tag"] for row in csv.DictReader(handle)]


def test_export_writes_the_views_search_in_its_sort(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path)
    qtbot.keyClicks(window.view.filter_bar.search, "ThinkPad")
    qtbot.waitUntil(lambda: window.model.filter.search == "ThinkPad", timeout=5000)
    _click_header(qtbot, window, "name")
    qtbot.waitUntil(lambda: window.model.sort_key == "name", timeout=5000)
    _click_header(qtbot, window, "name")  # again: descending
    qtbot.waitUntil(lambda: window.model.sort_descending, timeout=5000)
    qtbot.waitUntil(lambda: not window.model.is_loading, timeout=10_000)
    shown = _tags_on_screen(qtbot, window)
    assert len(shown) == register.size // 2  # the ThinkPads
    assert shown != sorted(shown)  # "#99" before "#97" … "#249": not the tags' order

    dialog = _export(qtbot, window, tmp_path / "view.csv")
    assert dialog.order.text() == "As the view is sorted: by Name, descending"
    assert _exported_tags(tmp_path / "view.csv") == shown


def test_export_of_a_view_sorted_by_location_follows_the_view(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A looked-up name (rooms A2 and B…): the view's groups, then tags, in the file."""
    window = open_window(qtbot, register, tmp_path)
    _click_header(qtbot, window, "location")
    qtbot.waitUntil(lambda: window.model.sort_key == "location", timeout=5000)
    _click_header(qtbot, window, "location")
    qtbot.waitUntil(lambda: window.model.sort_descending, timeout=5000)
    qtbot.waitUntil(lambda: not window.model.is_loading, timeout=10_000)
    shown = _tags_on_screen(qtbot, window)
    assert len(shown) == register.size and shown != sorted(shown)

    _export(qtbot, window, tmp_path / "all.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "all.xlsx", read_only=True)
    exported = [row[0] for row in workbook["Assets"].iter_rows(min_row=2, values_only=True)]
    workbook.close()
    assert exported == shown


def test_a_typed_name_of_an_existing_file_is_replaced_only_when_asked_twice(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """The save dialog asks before replacing a file; a name typed in the field did not:
    Return overwrote last month's export without a word (found by the new user)."""
    window = open_window(qtbot, register, tmp_path)
    kept = tmp_path / "last month.csv"
    kept.write_text("Asset tag\nKEEP-1\n", encoding="utf-8")
    qtbot.keyClick(
        window.view.table,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog: Any = window.open_dialogs[-1]
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(kept))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # the default button: Export
    assert dialog.worker is None and dialog.isVisible()
    assert "exists already" in dialog.message.text() and str(kept) in dialog.message.text()
    assert kept.read_text(encoding="utf-8") == "Asset tag\nKEEP-1\n"

    other = tmp_path / "other.csv"
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(other))  # another name is written at once
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert len(_exported_tags(other)) == register.size

    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(kept))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # asks again for the kept file
    assert kept.read_text(encoding="utf-8") == "Asset tag\nKEEP-1\n"
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # pressed again: replaced
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert len(_exported_tags(kept)) == register.size
    assert "Exported" in dialog.message.text()


def test_a_second_export_to_the_file_just_written_asks_first(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """Export, edit the file in a spreadsheet program, come back to the dialog still open
    and press Return: the edited file was replaced without a word (the export had marked
    its own file as "the user's"; found by newuser16)."""
    window = open_window(qtbot, register, tmp_path)
    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    path = tmp_path / "register.csv"
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(path))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    edited = "Asset tag,Name\nLAP-1,Edited in a spreadsheet program\n"
    path.write_text(edited, encoding="utf-8")

    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # Export again: asked first
    assert dialog.worker is None
    assert "exists already" in dialog.message.text() and str(path) in dialog.message.text()
    assert path.read_text(encoding="utf-8") == edited
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # pressed again: replaced
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert len(_exported_tags(path)) == register.size


def test_after_an_export_open_folder_opens_the_folder_it_went_to(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: Any
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("ui.gui.open_folder.QDesktopServices.openUrl", open_url)
    window = open_window(qtbot, register, tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    dialog = _export(qtbot, window, folder / "register.csv")
    assert "Exported" in dialog.message.text()
    button = dialog.open_folder
    assert button.isVisible() and button.isEnabled()
    assert button.text().replace("&", "") == "Open folder"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(folder)]


def test_the_export_dialog_says_the_view_in_the_words_of_the_filter_bar(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A procurement clerk filtered by status and category and read "The current view
    (search 'macbook air'; status in_service; 1 categories)"; the workbook's About sheet
    said the same. Both now say what the filter bar shows."""
    window = open_window(qtbot, register, tmp_path)
    bar = window.view.filter_bar
    qtbot.waitUntil(lambda: bar.category.count() > 1, timeout=10_000)
    bar.status.setFocus()
    qtbot.keyClick(bar.status, Qt.Key.Key_Down)
    qtbot.keyClick(bar.status, Qt.Key.Key_Down)
    assert bar.status.currentText() == "In service"
    bar.category.setFocus()
    wanted = bar.category.findText("Laptop")
    assert wanted > 0
    for _ in range(wanted - bar.category.currentIndex()):  # by key, as a user steps down
        qtbot.keyClick(bar.category, Qt.Key.Key_Down)
    assert bar.category.currentText() == "Laptop"
    qtbot.waitUntil(lambda: bool(window.model.filter.category_ids), timeout=5000)

    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    said = "status In service; category Laptop"
    assert dialog.current.text() == f"The &current view ({said})"
    # Alt+F reaches the file name, as in a save box.
    file_label = next(
        label for label in dialog.findChildren(type(dialog.order)) if label.text() == "&File:"
    )
    assert file_label.buddy() is dialog.path
    path = tmp_path / "in-service-laptops.xlsx"
    dialog.path.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    about = openpyxl.load_workbook(path)["About"]
    rows = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert rows["Filter"] == said
