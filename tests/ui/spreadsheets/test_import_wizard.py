"""The import wizard and the export dialog, driven by clicks on a worker thread."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QComboBox

from desktop.services.queries import AssetFilter, asset_detail
from desktop.spreadsheets.profiles import load_profile
from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World, seed_world
from ui.gui import file_dialogs
from ui.gui.spreadsheets.export_dialog import ExportDialog
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.spreadsheets.preview_model import APPROVAL, PROBLEMS, PreviewModel

# Screens rendered by the tests, to look at: $ASSETDESK_SHOTS or the temporary folder.
SHOTS = Path(os.environ.get("ASSETDESK_SHOTS") or Path(tempfile.gettempdir()) / "assetdesk-shots")


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Old name")
    return world


def delivery(tmp_path: Path) -> Path:
    return write_workbook(
        tmp_path / "delivery.xlsx",
        [
            ["Delivery from Bechtle, order PO-77"],
            [],
            ["Asset Tag", "Asset Name", "Category", "Location", "Purchase Cost", "Checked Out To: Username", "Status", "Vendor SKU"],
            ["LAP-1", "New name", "Laptop", "Room A1", None, None, None, "x"],
            ["LAP-2", "Dev laptop", "Laptop", "Room A1", "1.099,00", "user", "Deployed", "y"],
            ["LAP-3", "Spare", "Laptop", "Store 7", 899, None, "Ready to Deploy", "z"],
            ["PRN-1", "Printer", "Printer", "Room A1", None, None, None, "w"],
        ],
        sheet="Delivery",
    )  # fmt: skip


def shoot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def click_next(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=15_000
    )


def test_wizard_from_drop_to_labels_and_error_workbook(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    shoot(wizard, "import-1-file.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(delivery(tmp_path)))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, buttons, keys)
    wizard.dragEnterEvent(enter)  # Qt delivers drops only during a real drag: call the handlers
    assert enter.isAccepted()
    wizard.dropEvent(QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, buttons, keys))
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == SHEET and wizard.worker is None, timeout=15_000
    )
    # One sheet holds data: no choice to make, the page says which sheet is read.
    assert not wizard.sheet_page.sheets.isVisible()
    assert wizard.sheet_page.text_file.text().startswith(
        "The workbook has one sheet with data, 'Delivery': it is read.\n\nHeader: row 3, "
    )
    assert wizard.sheet_page.sheets.currentItem().text() == "Delivery"
    shoot(wizard, "import-2-sheet.png")

    click_next(qtbot, wizard, MAPPING)
    assert "The header is in row 3" in wizard.mapping_page.summary.text()
    assert "Added to the notes ('Header: value'): Vendor SKU." in wizard.mapping_page.summary.text()
    shoot(wizard, "import-3-mapping.png")
    assert wizard.mapping_page.create_missing.isChecked()
    qtbot.mouseClick(wizard.mapping_page.create_missing, Qt.MouseButton.LeftButton)
    assert not wizard.mapping_page.create_missing.isChecked()  # unknown categories: errors
    wizard.mapping_page.profile_name.setText("Bechtle")
    qtbot.mouseClick(wizard.mapping_page.save_profile, Qt.MouseButton.LeftButton)
    assert load_profile(world.db, "Bechtle")["columns"]["Asset Tag"] == "tag"

    before = counts(world.db)
    click_next(qtbot, wizard, PREVIEW)
    summary = wizard.preview_page.summary.text()
    assert "1 create, 1 update, 0 unchanged, 0 conflicts, 2 errors" in summary
    assert wizard.preview_page.references.text() == "Added to the notes: Vendor SKU"
    model = wizard.preview_page.model
    texts = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    assert texts[0][:3] == ["4", "Update", "LAP-1"]
    assert texts[0][3].startswith("Name: Old name → New name; Notes: — → Vendor SKU: ")
    assert "row 4 LAP-1: Name: Old name → New name" in wizard.preview_page.values.toPlainText()
    assert wizard.preview_page.values_heading.text().startswith("Refused rows and why; the ")
    assert texts[2][1] == "Error" and "there is no location 'Store 7'" in texts[2][4]
    assert texts[3][1] == "Error" and "there is no category 'Printer'" in texts[3][4]
    assert counts(world.db) == before  # a dry run writes nothing
    wizard.preview_page.valid_only.setChecked(True)
    shoot(wizard, "import-4-dry-run.png")

    click_next(qtbot, wizard, RESULT)
    assert wizard.result_page.print_labels.text() == "&Print the new asset's label"
    shoot(wizard, "import-5-result.png")
    with qtbot.waitSignal(wizard.print_labels_requested) as printed:
        qtbot.mouseClick(wizard.result_page.print_labels, Qt.MouseButton.LeftButton)
    assert printed.args == [["LAP-2"]]
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-2").row.status == "in_service"

    errors = tmp_path / "rejected.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(errors), ""))
    qtbot.mouseClick(wizard.result_page.save_errors, Qt.MouseButton.LeftButton)
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None and [sheet["A2"].value, sheet["A3"].value] == ["LAP-3", "PRN-1"]


def test_mapping_by_hand_changes_the_dry_run(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "odd.xlsx", [["Inv", "Bezeichnung"], ["LAP-1", "Neu"]])
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    for row, target in ((0, "tag"), (1, "name")):
        combo = wizard.mapping_page.table.cellWidget(row, 2)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(target))
    click_next(qtbot, wizard, PREVIEW)
    assert "1 update" in wizard.preview_page.summary.text()
    # Nothing refused: the box below the table does not say "Refused rows and why".
    assert wizard.preview_page.values_heading.text() == (
        "The values the new and changed assets will get (first rows and rows with a warning):"
    )


def test_an_unreadable_file_is_a_message_not_a_crash(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(broken))
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert (
        wizard.message.text() == "broken.xlsx is not a valid .xlsx file (it is not a zip package)"
    )


def test_preview_model_passes_the_model_tester(qtmodeltester, world: World, tmp_path: Path) -> None:
    from desktop.spreadsheets.model import ImportOptions
    from desktop.spreadsheets.plan import dry_run

    model = PreviewModel()
    model.set_plan(dry_run(world.db, delivery(tmp_path), ImportOptions()))
    qtmodeltester.check(model)


def test_export_dialog_writes_the_current_filter(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    world.receive(tag="MON-1", category=world.monitor_category)
    dialog = ExportDialog(world.db, "tech", AssetFilter(category_ids=(world.monitor_category,)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(tmp_path / "monitors.xlsx"))
    assert dialog.current.isChecked()
    shoot(dialog, "export-dialog.png")
    with qtbot.waitSignal(dialog.exported, timeout=15_000) as done:
        qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    assert done.args[0].rows == 1
    qtbot.waitUntil(lambda: dialog.worker is None)
    assert dialog.message.text() == f"Exported 1 asset to {tmp_path / 'monitors.xlsx'}"
    shoot(dialog, "export-dialog-done.png")


def test_cancel_during_the_commit_writes_nothing(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    rows: list[list[object]] = [["Asset tag", "Name", "Category", "Location"]]
    rows += [[f"LAP-{i:05d}", "x", "Laptop", "Room A1"] for i in range(2, 5000)]
    path = write_workbook(tmp_path / "many.xlsx", rows)
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    before = counts(world.db)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)  # Import
    assert wizard.worker is not None and wizard.cancel.text() == "Cancel"
    qtbot.mouseClick(wizard.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.worker is None, timeout=30_000)
    assert wizard.pages.currentIndex() == PREVIEW
    assert wizard.message.text() == "Cancelled: nothing was written."  # a sentence
    assert counts(world.db) == before


def test_an_unknown_column_made_a_custom_field_in_the_mapping_page(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "register.xlsx",
        [
            ["Asset Tag", "Asset Name", "Category", "Location", "EOL Date"],
            ["LAP-9", "Spare", "Laptop", "Room A1", "2027-01-23"],
        ],
    )
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    combo = wizard.mapping_page.table.cellWidget(4, 2)
    assert isinstance(combo, QComboBox) and combo.currentText() == "Add to the notes"
    combo.setCurrentIndex(combo.findText("New custom field 'eol_date'"))
    click_next(qtbot, wizard, PREVIEW)
    assert "EOL Date: 2027-01-23" in wizard.preview_page.values.toPlainText()  # its label
    click_next(qtbot, wizard, RESULT)
    with world.db.read() as s:
        detail = asset_detail(s, tag="LAP-9")
    assert detail.custom_fields == {"eol_date": "2027-01-23"}
    assert detail.custom_field_definitions[-1] == {
        "key": "eol_date",
        "label": "EOL Date",
        "type": "date",
        "required": False,
    }


def test_values_for_all_rows_and_status_words_chosen_in_the_wizard(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from desktop.storage.models import Asset, Category, Location, Procedure

    path = write_workbook(
        tmp_path / "register.xlsx",
        [
            ["Device", "Serial No.", "State"],
            ["Reception PC", "PC-1", "Kaputt"],
            ["Spare PC", "PC-2", "Spare"],
            ["Old PC", "PC-3", "Retired"],
        ],
    )
    wizard = ImportWizard(world.db, "admin")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    page = wizard.mapping_page
    name_combo = page.table.cellWidget(0, 2)
    assert isinstance(name_combo, QComboBox)
    name_combo.setCurrentIndex(name_combo.findData("name"))  # "Device" is the asset's name

    # Only the word that is not ours is listed; it is mapped with the keyboard.
    assert page.status_words.rowCount() == 1
    word = page.status_words.item(0, 0)
    assert word is not None and word.text() == "Kaputt"
    combo = page.status_words.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    for _ in range(3):  # — not a status —, In stock, In service, In repair
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "in_repair"
    qtbot.keyClicks(page.defaults["category"], "Desktop computer")
    qtbot.keyClicks(page.defaults["location"], "Annex/Store")  # QTest types ASCII only
    shoot(wizard, "import-3-values-for-all-rows.png")

    qtbot.keyClicks(page.profile_name, "Register")
    qtbot.mouseClick(page.save_profile, Qt.MouseButton.LeftButton)
    assert load_profile(world.db, "Register")["statuses"] == {"Kaputt": "in_repair"}

    click_next(qtbot, wizard, PREVIEW)
    assert "3 create, 0 update" in wizard.preview_page.summary.text()
    references = wizard.preview_page.references.text()
    assert "category Desktop computer (new; tag prefix DES)" in references
    assert "location Annex › Store (new)" in references
    assert "Category = Desktop computer, Location = Annex/Store" in references
    # "Retired" is a decommission, which waits for two approvers (the shipped template).
    assert "3 create, 0 update, 0 unchanged, 0 conflicts, 0 errors; 1 waits for approval" in (
        wizard.preview_page.summary.text()
    )
    assert "1 row waits for approval" in references
    model = wizard.preview_page.model
    assert [model.index(r, APPROVAL).data() for r in range(model.rowCount())] == [
        "",
        "",
        "pending: the decommission waits for 2 approvals; the asset stays as it is",
    ]
    click_next(qtbot, wizard, RESULT)
    assert "1 row waits for approval" in wizard.result_page.summary.text()

    with world.db.read() as s:
        rows = s.execute(
            select(Asset.id, Asset.name, Asset.status, Location.name)
            .join(Location, Location.id == Asset.location_id)
            .join(Category, Category.id == Asset.category_id)
            .where(Category.name == "Desktop computer")
            .order_by(Asset.tag)
        ).all()
        kinds = {
            r.name: list(
                s.execute(
                    select(Procedure.kind)
                    .where(Procedure.asset_id == r.id)
                    .order_by(Procedure.performed_at)
                ).scalars()
            )
            for r in rows
        }
    assert [(r.name, r.status, r[3]) for r in rows] == [
        ("Reception PC", "in_repair", "Store"),
        ("Spare PC", "in_stock", "Store"),
        ("Old PC", "in_stock", "Store"),
    ]
    assert kinds == {
        "Reception PC": ["receive", "change"],
        "Spare PC": ["receive"],
        "Old PC": ["receive", "decommission"],
    }

    # The next time, the profile brings the status word back.
    second = ImportWizard(world.db, "tech")
    qtbot.addWidget(second)
    second.file_page.path.setText(str(path))
    click_next(qtbot, second, SHEET)
    click_next(qtbot, second, MAPPING)
    second.mapping_page.profile.setCurrentIndex(second.mapping_page.profile.findText("Register"))
    qtbot.mouseClick(second.mapping_page.load_profile, Qt.MouseButton.LeftButton)
    again = second.mapping_page.status_words.cellWidget(0, 1)
    assert isinstance(again, QComboBox) and again.currentData() == "in_repair"


def test_every_problem_of_a_row_is_shown_not_only_the_first(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """A new user saw one problem in the cell and found the next only after fixing it."""
    path = write_workbook(
        tmp_path / "bad.xlsx",
        [
            ["Asset Tag", "Asset Name", "Category", "Location", "Status"],
            ["LAP-9", "Spare", "Plotter", "Store 7", "2"],
        ],
    )
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    if wizard.mapping_page.create_missing.isChecked():
        qtbot.mouseClick(wizard.mapping_page.create_missing, Qt.MouseButton.LeftButton)
    click_next(qtbot, wizard, PREVIEW)
    model = wizard.preview_page.model
    cell = model.index(0, PROBLEMS)
    text, tip = cell.data(), cell.data(Qt.ItemDataRole.ToolTipRole)
    assert text.startswith("3 problems: "), text
    # The cell shows more than "3 problems: C…" (it was ~90 px wide).
    wizard.resize(1100, 720)  # its size on a 1280×720 screen
    qtbot.wait(50)
    view = wizard.preview_page.view
    shown = view.fontMetrics().horizontalAdvance("3 problems: Category: there is no")
    assert view.columnWidth(PROBLEMS) > shown
    shoot(wizard, "import-4-dry-run-problems.png")
    lines = tip.splitlines()
    assert len(lines) == 3, tip
    assert any("Plotter" in line for line in lines) and any("Store 7" in line for line in lines)
    assert any(line.startswith("Status: ") for line in lines), tip
    # Also in full under the table, without hovering (a new user read "Status: the asset
    # is …" in the narrow cell and nothing in the box below it).
    below = wizard.preview_page.values.toPlainText()
    refused = next(line for line in below.splitlines() if line.startswith("row 2 LAP-9: refused"))
    assert all(line in refused for line in lines), below
    # Nothing to write: Import is not offered (it was, and then refused the rejected row).
    assert not wizard.next.isEnabled()
