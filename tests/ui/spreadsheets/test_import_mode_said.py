"""After Import refused a dry run with rejected rows ("Nothing was imported: fix them, or
import the valid rows only"), choosing the valid rows left that red line up until Import
was pressed again (newuser21): it now says what Import will do in the mode chosen."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from tests.desktop.spreadsheets.conftest import counts
from tests.factories import World
from tests.ui.spreadsheets.test_import_wizard import delivery, world  # noqa: F401 (fixture)
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard


def _press(qtbot: QtBot, wizard: ImportWizard, key: Qt.Key, alt: bool = False) -> None:
    focused = wizard.focusWidget() or wizard
    modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(focused, key, modifier)


def _until(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=30_000
    )


def test_choosing_the_valid_rows_after_a_refusal_says_what_import_will_do(
    qtbot: QtBot,
    world: World,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    wizard = ImportWizard(world.db, "tech")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    wizard.file_page.path.setFocus()
    qtbot.keyClicks(wizard.file_page.path, str(delivery(tmp_path)))
    _press(qtbot, wizard, Qt.Key.Key_Return)
    _until(qtbot, wizard, SHEET)
    _press(qtbot, wizard, Qt.Key.Key_N, alt=True)
    _until(qtbot, wizard, MAPPING)
    wizard.mapping_page.create_missing.setFocus()  # untick "Create missing …": errors
    _press(qtbot, wizard, Qt.Key.Key_Space)
    assert not wizard.mapping_page.create_missing.isChecked()
    _press(qtbot, wizard, Qt.Key.Key_R, alt=True)  # Dry run
    _until(qtbot, wizard, PREVIEW)
    assert "0 conflicts, 2 errors" in wizard.preview_page.summary.text()
    before = counts(world.db)

    _press(qtbot, wizard, Qt.Key.Key_I, alt=True)  # Import, all or nothing: refused
    qtbot.waitUntil(lambda: "Nothing was imported" in wizard.message.text(), timeout=30_000)
    assert wizard.message.text().endswith("fix them, or import the valid rows only")
    assert wizard.pages.currentIndex() == PREVIEW

    _press(qtbot, wizard, Qt.Key.Key_V, alt=True)  # import the valid rows
    qtbot.waitUntil(wizard.preview_page.valid_only.isChecked)  # (a mnemonic's click waits)
    assert wizard.message.text() == (
        "Import will write the valid rows only (1 create, 1 update) and leave out the 2 "
        "rejected rows; the result page saves them in an error workbook."
    )
    _press(qtbot, wizard, Qt.Key.Key_N, alt=True)  # back to all or nothing
    qtbot.waitUntil(wizard.preview_page.all_or_nothing.isChecked)
    assert wizard.message.text() == (
        "Import will import nothing while the dry run has 2 rejected rows: fix them, or "
        "import the valid rows only."
    )
    assert counts(world.db) == before
    _press(qtbot, wizard, Qt.Key.Key_V, alt=True)
    qtbot.waitUntil(wizard.preview_page.valid_only.isChecked)
    _press(qtbot, wizard, Qt.Key.Key_I, alt=True)
    _until(qtbot, wizard, RESULT)
    assert wizard.message.text() == ""
