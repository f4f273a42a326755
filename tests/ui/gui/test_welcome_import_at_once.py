"""A new user's first import, chosen on the welcome page as soon as it shows.

Seen under Xvfb (newuser24): on a new local file the window said "Signed in as root";
the user chose Import a spreadsheet at once, went through the wizard with a Snipe-IT
export, and Import said "Nobody is signed in: choose the signed-in person in File ›
Settings". The person acting on a local file (the operating-system user) is looked up
after the register's first page is painted — and on an empty register the welcome page
is shown instead, so the table never painted: it was looked up only by the 3-second
fallback, after the wizard had been given nobody. The welcome page's paint counts now.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.services.queries import AssetFilter, list_assets
from desktop.settings import Settings
from desktop.storage.database import Database
from tests.ui.spreadsheets.wizard_keys import next_page
from ui.gui import first_paint
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.welcome_view import WelcomeView

EXPORT = (
    "Asset Tag,Asset Name,Serial,Model,Category,Manufacturer,Status,Location\n"
    "ACME-00102,Spare laptop,PF3XK2LN,ThinkPad T14 Gen 4,Laptops,Lenovo,Ready to Deploy,"
    "Berlin HQ\n"
)


def test_import_chosen_as_the_welcome_page_shows_is_done_by_the_local_user(
    qtbot: QtBot,
    sqlite_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fallback out of the way: a slow machine must not make this pass or fail.
    monkeypatch.setattr(first_paint, "LOAD_LATER_MS", 120_000)
    export = tmp_path / "snipeit-assets.csv"
    export.write_text(EXPORT, encoding="utf-8")
    window = MainWindow(
        sqlite_db, Settings(tmp_path / "s.ini"), layout_state=LayoutState(tmp_path / "l.ini")
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: isinstance(window._welcome, WelcomeView), timeout=10_000)
    welcome = window._welcome
    assert isinstance(welcome, WelcomeView)
    qtbot.waitExposed(welcome)
    qtbot.wait(200)  # the page on the screen, as the user sees it
    welcome.import_button.setFocus()
    qtbot.keyClick(welcome.import_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.open_dialogs), timeout=5000)
    wizard = window.open_dialogs[-1]
    assert isinstance(wizard, ImportWizard)
    qtbot.keyClicks(wizard.file_page.path, str(export))
    next_page(qtbot, wizard, SHEET)
    next_page(qtbot, wizard, MAPPING)
    next_page(qtbot, wizard, PREVIEW)
    assert "1 create" in wizard.preview_page.summary.text()
    next_page(qtbot, wizard, RESULT)
    with sqlite_db.read() as session:
        rows = list_assets(session, AssetFilter())
    assert [row.tag for row in rows] == ["ACME-00102"]
