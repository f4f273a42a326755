"""A person without the role a procedure needs is told so when the form opens (Ctrl+E)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from tests.ui.gui.conftest import Register, open_window, press, scan_answered


def _procedures(register: Register) -> int:
    with register.db.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM procedures")).scalar_one())


def test_the_change_form_opens_for_a_technician_by_its_shortcut(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    window.handle_scan("LAP-00001")
    action = window.procedure_actions[ProcedureKind.CHANGE]
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)  # the roles are read
    assert window.action_states.role_refusals == {}
    assert action.isEnabled()
    assert action.toolTip() == "Change the selected assets"
    press(qtbot, window, Qt.Key.Key_E)
    dialog: Any = window.open_dialogs[-1]
    assert type(dialog).__name__ == "ProcedureDialog"
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    assert dialog.is_ready()
    dialog.close()


@pytest.mark.parametrize(
    ("user", "who"),
    [("approver", "Abe Approver (approver)"), ("auditor", "Aud Itor (auditor)")],
)
def test_procedures_a_role_cannot_do_are_greyed_with_the_reason(
    qtbot: QtBot, register: Register, tmp_path: Path, user: str, who: str
) -> None:
    """A viewer's toolbar does not offer what the form would refuse: the actions are greyed
    and say why; their shortcuts open nothing."""
    window = open_window(qtbot, register, tmp_path, user)
    window.handle_scan("LAP-00001")
    scan_answered(qtbot, window)
    change = window.procedure_actions[ProcedureKind.CHANGE]
    qtbot.waitUntil(lambda: not change.isEnabled(), timeout=10_000)
    held = user
    words = {kind: f"a {kind.value}" for kind in window.procedure_actions}
    words[ProcedureKind.INSTALL] = "an install"
    for kind, action in window.procedure_actions.items():
        assert not action.isEnabled(), kind
        assert action.toolTip() == (
            f"{kind.label}: {who} may not record {words[kind]} procedure: that needs the "
            f"technician or administrator role; they hold {held}"
        )
        assert action.statusTip() == action.toolTip()
        button = window.view.toolbar.widgetForAction(action)  # the toolbar's button
        assert button is not None
        assert not button.isEnabled()
    assert not window.import_action.isEnabled()
    assert window.import_action.toolTip() == (
        f"Import a spreadsheet: {who} may not import assets from a spreadsheet: that needs "
        f"the technician or administrator role; they hold {held}"
    )
    before = _procedures(register)
    press(qtbot, window, Qt.Key.Key_E)  # Change
    press(qtbot, window, Qt.Key.Key_N)  # Receive
    press(qtbot, window, Qt.Key.Key_D, shift=True)  # Decommission
    press(qtbot, window, Qt.Key.Key_I, shift=True)  # Import
    assert window.open_dialogs == []
    assert _procedures(register) == before


def test_roles_given_meanwhile_show_after_a_refresh(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """An administrator gives the approver the technician role: F5 offers the procedures."""
    from sqlalchemy import select

    from desktop.services.reference import update_person
    from desktop.storage.models import Person

    window = open_window(qtbot, register, tmp_path, "approver")
    window.handle_scan("LAP-00001")
    scan_answered(qtbot, window)
    change = window.procedure_actions[ProcedureKind.CHANGE]
    qtbot.waitUntil(lambda: not change.isEnabled(), timeout=10_000)
    with register.db.write() as session:
        abe = session.execute(select(Person).where(Person.username == "approver")).scalar_one()
        update_person(
            session,
            person_id=abe.id,
            expected_version=None,
            name=abe.name,
            username=abe.username,
            email=abe.email,
            active=True,
            roles=["approver", "technician"],
        )
    qtbot.keyClick(window.view.table, Qt.Key.Key_F5)
    qtbot.waitUntil(change.isEnabled, timeout=10_000)
    assert change.toolTip() == "Change the selected assets"
    assert window.import_action.isEnabled()
