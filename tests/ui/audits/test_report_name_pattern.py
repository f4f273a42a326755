"""A pattern typed as the report's name (``*.xlsx``, ``*``) in the Save dialog filters the
listing, as the platforms' dialogs do, and the dialog stays open: Qt's own dialog saved a
file literally named ``*.xlsx`` (and the labels' ``*.pdf``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.errors import DesktopError
from desktop.output_files import check_output_file
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.file_dialogs import FileDialog


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    return world


def _type_name(qtbot: QtBot, dialog: FileDialog, text: str) -> None:
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert edit is not None
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_a_pattern_typed_as_the_reports_name_filters_and_a_name_saves(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "reports"
    tmp_path.mkdir()
    (tmp_path / "last year.xlsx").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"")
    start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, FileDialog)]
    qtbot.waitUntil(lambda: any(d.isVisible() for d in dialogs), timeout=5000)
    (dialog,) = [d for d in dialogs if d.isVisible()]

    _type_name(qtbot, dialog, f"{tmp_path}/*.xlsx")
    assert dialog.isVisible()  # a pattern is not a name: nothing was saved
    assert Path(dialog.directory().absolutePath()) == tmp_path
    assert dialog.selectedNameFilter() == "Names matching *.xlsx (*.xlsx)"
    _type_name(qtbot, dialog, "*")
    assert dialog.isVisible() and dialog.selectedNameFilter() == "Names matching * (*)"
    assert "Excel workbook (*.xlsx)" in dialog.nameFilters()  # the dialog's own stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last year.xlsx", "notes.txt"]

    _type_name(qtbot, dialog, "HQ report")
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    qtbot.waitUntil(lambda: (tmp_path / "HQ report.xlsx").is_file(), timeout=20_000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Report saved"))
    window.close()


def test_a_pattern_given_as_an_output_file_is_refused_naming_it(tmp_path: Path) -> None:
    """The export dialog's path field and the command line take typed paths too."""
    with pytest.raises(DesktopError, match=r"cannot write the export to .*\*\.xlsx: '\*' and"):
        check_output_file(tmp_path / "*.xlsx", "the export")
    with pytest.raises(DesktopError, match=r"give a file name"):
        check_output_file(tmp_path / "report?.xlsx", "the export")
    check_output_file(tmp_path / "report [draft].xlsx", "the export")  # a name
