"""The import wizard driven by its keys, for tests that go through it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.storage.database import Database
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, SHEET, ImportWizard


def next_page(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    """Space on Next; once the wizard's work is done it is on ``page`` (else its message
    says why not)."""
    qtbot.keyClick(wizard.next, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: (
            wizard.worker is None
            and (wizard.pages.currentIndex() == page or bool(wizard.message.text()))
        ),
        timeout=20_000,
    )
    assert wizard.pages.currentIndex() == page, wizard.message.text()


def wizard_on_preview(qtbot: QtBot, db: Database, path: Path, user: str = "admin") -> ImportWizard:
    """The import wizard shown for ``user``, ``path`` typed into its file field and taken
    by Next to the Preview page (through Sheet and Columns as they were guessed)."""
    wizard = ImportWizard(db, user)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    for page in (SHEET, MAPPING, PREVIEW):
        next_page(qtbot, wizard, page)
    return wizard
