"""A person without the role a procedure needs is told so when the form opens (Ctrl+E)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.settings import CURRENT_USER, Settings
from tests.ui.gui.conftest import Register
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow


def _procedures(register: Register) -> int:
    with register.db.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM procedures")).scalar_one())


def _window(qtbot: QtBot, register: Register, tmp_path: Path, user: str) -> MainWindow:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, user)
    window = MainWindow(register.db, settings, layout_state=LayoutState(tmp_path / "l.ini"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
    return window


@pytest.mark.parametrize(
    ("user", "refusal"),
    [
        (
            "approver",
            "The form cannot be opened: Abe Approver (approver) may not record a change "
            "procedure: that needs the technician or administrator role; they hold approver",
        ),
        ("tech", None),
    ],
)
def test_the_change_form_refuses_a_person_without_the_technician_role(
    qtbot: QtBot, register: Register, tmp_path: Path, user: str, refusal: str | None
) -> None:
    window = _window(qtbot, register, tmp_path, user)
    window.handle_scan("LAP-00001")
    before = _procedures(register)
    action = window.procedure_actions[ProcedureKind.CHANGE]
    assert action.isEnabled()
    qtbot.keyClick(window.view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog: Any = window.open_dialogs[-1]
    assert type(dialog).__name__ == "ProcedureDialog"
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    if refusal is None:
        assert dialog.is_ready()
    else:
        assert dialog.loading.text() == refusal
        assert not dialog.is_ready()
        assert not dialog.ok_button.isEnabled()
    dialog.close()
    assert _procedures(register) == before
