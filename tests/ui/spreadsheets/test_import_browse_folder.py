"""Where the import wizard's file box opens (Browse…, Alt+W, or Ctrl+O).

Seen under Xvfb (newuser26): an IT manager pressed Browse… and got the program's working
folder (the folder it was started from: here the source tree), where Print labels'
and Export's boxes open in the home folder. It now opens in the folder of the file
typed, else where the last file was chosen, else at home.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from tests.factories import seed_world
from ui.gui import file_dialogs
from ui.gui.spreadsheets.import_wizard import ImportWizard


def _opened_in(qtbot: QtBot, database: Database, typed: str, chosen: Path | None) -> str:
    """The folder the file box opens in when Ctrl+O is pressed in a new wizard with
    ``typed`` in its file field; the box answers ``chosen``."""
    asked: list[str] = []

    def box(_parent: Any, _caption: str, directory: str, _filter: str) -> tuple[str, str]:
        asked.append(directory)
        return (str(chosen), "") if chosen else ("", "")

    wizard = ImportWizard(database, "admin")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(file_dialogs, "get_open_file_name", box)
        if typed:
            qtbot.keyClicks(wizard.file_page.path, typed)
        qtbot.keyClick(wizard.file_page.path, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1
    if chosen:
        assert wizard.file_page.path.text() == str(chosen)
    return asked[0]


def test_the_file_box_opens_at_home_then_where_the_last_file_was(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = seed_world(sqlite_db)
    home, started, files, other = (tmp_path / n for n in ("home", "src", "files", "other"))
    for folder in (home, started, files, other):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(started)  # the program started from its own folder
    monkeypatch.setattr(ImportWizard, "last_folder", None)

    assert _opened_in(qtbot, world.db, "", files / "register.xlsx") == str(home)
    assert _opened_in(qtbot, world.db, "", None) == str(files)  # the next wizard
    typed = str(other / "supplier.csv")
    assert _opened_in(qtbot, world.db, typed, None) == str(other)
