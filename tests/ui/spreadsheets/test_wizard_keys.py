"""The import wizard by keyboard: Return goes on, as in every wizard."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import seed_world
from tests.ui.windows import closed
from ui.gui import file_dialogs
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard


def test_return_in_the_path_field_goes_on_and_never_opens_the_file_browser(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch
) -> None:
    seed_world(sqlite_db)
    path = write_workbook(
        tmp_path / "register.xlsx",
        [["Asset Tag", "Asset Name", "Category", "Location"], ["LAP-7", "Spare", "Laptop", "Room A1"]],
    )  # fmt: skip
    browsed: list[object] = []

    def browse(*args: object, **kwargs: object) -> tuple[str, str]:
        browsed.append(args)
        return "", ""

    monkeypatch.setattr(file_dialogs, "get_open_file_name", browse)
    wizard = ImportWizard(sqlite_db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setFocus()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    qtbot.keyClick(wizard.file_page.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == SHEET and wizard.worker is None)
    assert browsed == []
    wizard.cancel.setFocus()  # a button that had the focus does not take Return over
    page = wizard.pages.currentWidget()
    assert page is not None
    page.setFocus()
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == MAPPING and wizard.worker is None)
    assert wizard.isVisible()


def test_return_on_the_done_page_closes_the_wizard(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """After an import, Return did nothing: Next is hidden there and no button took it."""
    seed_world(sqlite_db)
    path = write_workbook(
        tmp_path / "register.xlsx",
        [["Asset Tag", "Asset Name", "Category", "Location"], ["LAP-7", "Spare", "Laptop", "Room A1"]],
    )  # fmt: skip
    wizard = ImportWizard(sqlite_db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setFocus()
    qtbot.keyClicks(wizard.file_page.path, str(path))

    def reached(page: int) -> bool:
        return wizard.pages.currentIndex() == page and wizard.worker is None

    for page in (SHEET, MAPPING, PREVIEW, RESULT):
        qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
        qtbot.waitUntil(partial(reached, page), timeout=15_000)
    assert wizard.result_page.summary.text().startswith("1 asset")
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(wizard))
