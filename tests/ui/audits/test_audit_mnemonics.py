"""The audits window's toolbar buttons show their Alt letter and shortcut, each letter
once; the Start-an-audit form's labels end in a colon as every other form's do (a new
user found "Name", "Scope", "Categories" and toolbar buttons with neither)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QToolButton

from desktop.storage.database import Database
from tests.factories import seed_world
from tests.ui.mnemonics import mnemonics
from ui.gui.audits import AuditWindow
from ui.gui.audits.start_audit_dialog import StartAuditDialog


def test_toolbar_letters_and_shortcuts_and_the_start_form(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    seed_world(sqlite_db)
    window = AuditWindow(sqlite_db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    buttons = {b.text() for b in window.findChildren(QToolButton) if b.isVisible() and b.text()}
    assert {
        "&Start audit… (Ctrl+N)",
        "S&can (Ctrl+S)",
        "&Reconcile (Ctrl+K)",
        "Save re&port… (Ctrl+E)",
        "Room &labels… (Ctrl+P)",
        "Re&fresh (F5)",
    } <= buttons
    letters = mnemonics(window)
    assert {"s", "c", "r", "p", "l", "f"} <= set(letters)
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.start_action.isEnabled()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(StartAuditDialog)))
    dialog = window.findChildren(StartAuditDialog)[0]
    qtbot.waitUntil(dialog.isVisible)
    form = dialog.findChild(QFormLayout)
    assert form is not None
    labels = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            labels.append(label.text())
    assert labels == ["&Name:", "S&cope:", "C&ategories:"]
    assert {k: v for k, v in mnemonics(dialog).items() if len(v) > 1} == {}
    dialog.reject()
