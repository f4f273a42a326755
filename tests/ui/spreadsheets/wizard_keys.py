"""The import wizard driven by its keys, for tests that go through it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from ui.gui.spreadsheets.import_wizard import ImportWizard


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
