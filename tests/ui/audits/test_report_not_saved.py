"""A refused audit report does not leave "Writing …" under the reconciliation.

An auditor (newuser21, under Xvfb) pressed Ctrl+E in the reconciliation and typed
``report.csv``: the message said the report is an .xlsx workbook, and once it was closed
the line above the buttons still said "Writing /…/report.csv…" as if it were being
written. It now says the report was not saved; a saved one still says where.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.factories import World, seed_world
from ui.gui.audits import AuditWindow
from ui.gui.audits.reconciliation_view import ReconciliationView


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def _save_as(qtbot: QtBot, view: ReconciliationView, folder: Path, name: str) -> None:
    """Ctrl+E, then the file name given in the save dialog."""
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.keyClick(view.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.findChild(QFileDialog) is not None, timeout=5000)
    dialog = view.findChild(QFileDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.setDirectory(str(folder))
    dialog.selectFile(name)
    dialog.accept()
    dialog.deleteLater()


def test_a_report_refused_for_its_name_says_it_was_not_saved(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: "HQ" in view.header.text())
    _save_as(qtbot, view, tmp_path, "report.csv")
    qtbot.waitUntil(lambda: view.findChild(QMessageBox) is not None, timeout=10_000)
    box = view.findChild(QMessageBox)
    assert box is not None
    assert "the audit report is an .xlsx workbook" in box.text()
    qtbot.waitUntil(lambda: not view.jobs.busy(), timeout=10_000)
    assert view.status.text() == f"Report not saved: {tmp_path / 'report.csv'}"
    assert not (tmp_path / "report.csv").exists()
    box.close()
    box.deleteLater()
    _save_as(qtbot, view, tmp_path, "HQ.xlsx")
    path = tmp_path / "HQ.xlsx"
    qtbot.waitUntil(lambda: view.status.text() == f"Report saved: {path}", timeout=10_000)


def test_the_audits_windows_save_report_says_so_too(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    window.table.selectRow(0)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QFileDialog) is not None, timeout=5000)
    dialog = window.findChild(QFileDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile("report.csv")
    dialog.accept()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=10_000)
    path = tmp_path / "report.csv"
    assert window.statusBar().currentMessage() == f"Report not saved: {path}"
