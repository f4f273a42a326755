"""File › Export the view writes the columns the view shows, in its order (finance hid
Manufacturer and Checked out, showed Cost and Order number, and got all 28 columns in the
fixed order, with the custom fields of every category), and such a file comes back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from desktop.services import reference
from desktop.services.queries import asset_detail
from tests.desktop.spreadsheets.conftest import counts
from tests.ui.gui.conftest import Register, open_window, press
from tests.ui.windows import closed
from ui.gui.main_window import MainWindow
from ui.gui.models.columns import COLUMN_INDEX


def _header_point(window: MainWindow, key: str) -> QPoint:
    header = window.view.table.horizontalHeader()
    section = COLUMN_INDEX[key]
    return QPoint(header.sectionViewportPosition(section) + 10, header.height() // 2)


def _toggle_in_header_menu(qtbot: QtBot, window: MainWindow, title: str) -> None:
    """Right-click the header and click the column's entry in the menu that pops up."""
    header = window.view.table.horizontalHeader()
    point = QPoint(header.sectionViewportPosition(header.logicalIndexAt(5)) + 5, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.RightButton, pos=point)
    # QTest's click does not raise the context-menu event a window system sends on a
    # right click: that event, at the same point.
    menu_event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, header.viewport().mapToGlobal(point)
    )
    QApplication.sendEvent(header.viewport(), menu_event)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    action = next(a for a in menu.actions() if a.text().replace("&", "") == title)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def _drag_header(qtbot: QtBot, window: MainWindow, key: str, before: str) -> None:
    """Drag the ``key`` column's header by the mouse onto the ``before`` column's."""
    viewport = window.view.table.horizontalHeader().viewport()
    start, end = _header_point(window, key), _header_point(window, before)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(viewport, start + (end - start) * (step / 10))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def _export(qtbot: QtBot, window: MainWindow, path: Path, dialog: Any = None) -> Any:
    """Ctrl+Shift+E (or the ``dialog`` still open), the file's name typed, Return."""
    if dialog is None:
        press(qtbot, window, Qt.Key.Key_E, shift=True)
        dialog = window.open_dialogs[-1]
    assert type(dialog).__name__ == "ExportDialog"
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(path))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # the default button: Export
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    return dialog


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _add_phones(register: Register) -> None:
    """A category none of the view's rows is in, with custom fields of its own."""
    with register.db.write() as session:
        reference.create_category(
            session,
            name="Phone",
            tag_prefix="PHN",
            custom_fields=[
                {"key": "imei", "label": "IMEI", "type": "text"},
                {"key": "phone_number", "label": "Phone number", "type": "text"},
            ],
        )


def test_export_writes_the_columns_the_view_shows_in_its_order(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    _add_phones(register)
    window = open_window(qtbot, register, tmp_path)
    qtbot.keyClicks(window.view.filter_bar.search, "ThinkPad")  # the laptops only
    qtbot.waitUntil(lambda: window.model.filter.search == "ThinkPad", timeout=5000)
    header = window.view.table.horizontalHeader()
    for title in ("Checked out", "Serial number", "Cost", "Order number"):
        _toggle_in_header_menu(qtbot, window, title)
    assert header.isSectionHidden(COLUMN_INDEX["checked_out"])
    assert not header.isSectionHidden(COLUMN_INDEX["purchase_cost"])
    _drag_header(qtbot, window, "purchase_cost", before="name")
    assert header.visualIndex(COLUMN_INDEX["purchase_cost"]) == 1

    dialog = _export(qtbot, window, tmp_path / "laptops.csv")
    shown = [
        "Asset tag",
        "Purchase cost",
        "Name",
        "Status",
        "Category",
        "Model",
        "Location",
        "Assigned to",
        "Order number",
        "Warranty end",
    ]
    laptop_fields = ["RAM (GB)", "Disk encrypted"]  # not the phones' IMEI, Phone number
    assert _csv_header(tmp_path / "laptops.csv") == shown + laptop_fields + ["Key", "Version"]
    assert dialog.as_shown.isChecked()  # the default, and the dialog says so
    assert dialog.as_shown.text().replace("&", "") == "As the view shows them (the default)"
    assert dialog.shown_list.text().startswith("Asset tag, Cost, Name, Status")
    assert "Checked out" not in dialog.shown_list.text()

    _export(qtbot, window, tmp_path / "laptops.xlsx", dialog)  # the same dialog, again
    workbook = openpyxl.load_workbook(tmp_path / "laptops.xlsx")
    sheet = workbook["Assets"]
    headers = [c.value for c in sheet[1]]
    assert headers == shown + laptop_fields + ["Key", "Version"]
    key, version = (sheet.cell(1, n).column_letter for n in (len(headers) - 1, len(headers)))
    assert sheet.column_dimensions[key].hidden and sheet.column_dimensions[version].hidden
    assert not sheet.column_dimensions["B"].hidden
    assert sheet.cell(2, 1).value.startswith("LAP-")  # the tag, first
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert validations["D2"].startswith('"In stock')  # Status where the view put it
    workbook.close()


def test_the_whole_register_with_all_columns_when_the_user_chooses_so(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    _add_phones(register)
    window = open_window(qtbot, register, tmp_path)
    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    qtbot.mouseClick(dialog.all_columns, Qt.MouseButton.LeftButton)
    dialog.path.setText(str(tmp_path / "all.csv"))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    headers = _csv_header(tmp_path / "all.csv")
    assert headers[:3] == ["Asset tag", "Name", "Category"] and "Manufacturer" in headers
    assert headers[-6:] == ["RAM (GB)", "Disk encrypted", "IMEI", "Phone number", "Key", "Version"]


def _import(qtbot: QtBot, window: MainWindow, path: Path) -> Any:
    from ui.gui.spreadsheets.import_wizard import PREVIEW, RESULT

    window.activateWindow()  # as a click on it does, the export dialog closed
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.import_action.isEnabled() and not window._workers)
    press(qtbot, window, Qt.Key.Key_I, shift=True)
    wizard: Any = window.open_dialogs[-1]
    assert type(wizard).__name__ == "ImportWizard"
    wizard.file_page.path.setText(str(path))
    for _ in range(4):
        if wizard.pages.currentIndex() == PREVIEW:
            break
        assert wizard.next.isEnabled()
        qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.worker is None, timeout=30_000)
    assert wizard.pages.currentIndex() == PREVIEW, wizard.message.text()
    summary = wizard.preview_page.summary.text()
    assert "0 create, 1 update" in summary, summary
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)  # Import
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == RESULT and wizard.worker is None, timeout=30_000
    )
    return wizard


def test_a_file_of_the_shown_columns_edited_and_imported_back_changes_the_same_asset(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path)
    # The tag and the serial number hidden, the order number shown and moved first.
    for title in ("Asset tag", "Serial number", "Order number"):
        _toggle_in_header_menu(qtbot, window, title)
    _drag_header(qtbot, window, "order_number", before="name")
    path = tmp_path / "register.xlsx"
    dialog = _export(qtbot, window, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assets"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Asset tag", "Order number", "Name"]  # the tag, though hidden
    assert "Serial number" not in headers and "Manufacturer" not in headers
    assert "Asset tag comes first" in dialog.shown_list.text()
    assert dialog.cancel.text() == "Close"
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog))

    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "LAP-00007")
    row[headers.index("Order number")].value = "PO-4711"
    workbook.save(path)
    with register.db.read() as session:
        before = asset_detail(session, tag="LAP-00007").row
    assets_before, _ = counts(register.db)

    _import(qtbot, window, path)
    with register.db.read() as session:
        after = asset_detail(session, tag="LAP-00007").row
    assert after.id == before.id and after.order_number == "PO-4711"
    assert after.serial_number == before.serial_number  # not in the file: kept
    assert after.name == before.name and after.version == before.version + 1
    assert counts(register.db)[0] == assets_before  # nothing duplicated


def test_the_column_choice_is_remembered_for_the_next_export(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """All columns chosen once is offered again at the next Ctrl+Shift+E (and in the next
    window, from the settings); the view's columns chosen again are kept the same way."""
    from desktop.settings import EXPORT_COLUMNS, Settings

    window = open_window(qtbot, register, tmp_path)
    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    assert dialog.as_shown.isChecked()  # the first time: the view's columns
    qtbot.mouseClick(dialog.all_columns, Qt.MouseButton.LeftButton)
    _export(qtbot, window, tmp_path / "all.csv", dialog)
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)  # Close
    qtbot.waitUntil(lambda: not window.open_dialogs)
    window.activateWindow()  # as a click on it does, the export dialog closed
    qtbot.waitUntil(window.isActiveWindow)

    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog = window.open_dialogs[-1]
    assert dialog.all_columns.isChecked() and not dialog.as_shown.isChecked()
    assert Settings(window.settings.path).get(EXPORT_COLUMNS) == "all"
    # On its round button: a radio button takes a click on its button or its text.
    button = QPoint(8, dialog.as_shown.height() // 2)
    qtbot.mouseClick(dialog.as_shown, Qt.MouseButton.LeftButton, pos=button)
    assert dialog.as_shown.isChecked()
    _export(qtbot, window, tmp_path / "shown.csv", dialog)
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.open_dialogs)
    window.activateWindow()  # as a click on it does, the export dialog closed
    qtbot.waitUntil(window.isActiveWindow)

    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog = window.open_dialogs[-1]
    assert dialog.as_shown.isChecked() and not dialog.all_columns.isChecked()
    dialog.close()


def test_the_next_export_is_offered_in_the_last_one_s_folder_and_kind(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A finance user exported the register as a .csv into their finance folder; the next
    Ctrl+Shift+E offered ~/assets <today>.xlsx again, every time."""
    import datetime as dt

    window = open_window(qtbot, register, tmp_path)
    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog: Any = window.open_dialogs[-1]
    assert Path(dialog.path.text()).parent == Path.home()  # the first time
    folder = tmp_path / "finance"
    folder.mkdir()
    _export(qtbot, window, folder / "register week 49.csv", dialog)
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)  # Close
    qtbot.waitUntil(lambda: not window.open_dialogs)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    press(qtbot, window, Qt.Key.Key_E, shift=True)
    dialog = window.open_dialogs[-1]
    offered = folder / f"assets {dt.date.today().isoformat()}.csv"
    assert Path(dialog.path.text()) == offered
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # as offered
    assert offered.exists() and _csv_header(offered)[0] == "Asset tag"
    dialog.close()
