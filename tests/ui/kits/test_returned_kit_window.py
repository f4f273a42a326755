"""A returned (checked-in) field kit opened in the main window: it takes no more work, so
every action that would record something is disabled and says why, while reading stays
possible — the register, the audits (their reconciliation, read-only), the incidents, the
approvals, labels. On the command line every write is refused in one sentence.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import kits
from desktop.services.audits import start_audit
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

__all__ = ["_register_template", "register"]

RETURNED = "checked in (returned)"


@pytest.fixture
def returned_kit(register: Register, tmp_path: Path) -> Path:
    """A kit of Room A2 with an audit started offline, then checked in."""
    world = register.world
    path = tmp_path / "returned.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(world.room_b,)), "tech", path)
    kit_db = Database(f"sqlite:///{path}")
    try:
        start_audit(
            kit_db, scope_location_id=world.room_b, started_by="auditor", name="Room B count"
        )
        report = kits.sync(kit_db, register.db, "tech", check_in=True)
        assert report.returned
    finally:
        kit_db.dispose()
    return path


def _visible(kind: str) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if type(w).__name__ == kind and w.isVisible()]


def test_every_writing_action_of_a_returned_kit_is_disabled_and_says_why(
    qtbot: QtBot, returned_kit: Path, tmp_path: Path
) -> None:
    kit_db = Database(f"sqlite:///{returned_kit}")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "auditor")
    window = MainWindow(kit_db, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    errors: list[object] = []
    window.show_error = errors.append  # type: ignore[method-assign,assignment]  # no modal box
    try:
        qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
        qtbot.waitUntil(lambda: window.kit.info is not None, timeout=10_000)
        window.view.table.setFocus()
        qtbot.keyClick(window.view.table, Qt.Key.Key_Down)  # an asset selected
        qtbot.waitUntil(lambda: bool(window.selected_rows()), timeout=5000)
        writing = [
            *window.procedure_actions.values(),
            window.features.incident_action,
            window.import_action,
            window.kit.sync_action,
            window.kit.check_in_action,
        ]
        for action in writing:
            assert not action.isEnabled(), action.text()
            assert RETURNED in action.toolTip(), (action.text(), action.toolTip())
            assert action.statusTip() == action.toolTip()
        # The keys do nothing either: Ctrl+Shift+I opens no import wizard.
        qtbot.keyClick(
            window.view.table,
            Qt.Key.Key_I,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert not window.open_dialogs

        # Reading stays: the audits open, to read; nothing in them records.
        audits_action = window.features.audits_action
        assert "read-only" in audits_action.toolTip() and RETURNED in audits_action.toolTip()
        trigger(audits_action)
        qtbot.waitUntil(lambda: bool(_visible("AuditWindow")), timeout=5000)
        audits = _visible("AuditWindow")[0]
        assert audits.model.rowCount() == 1  # "Room B count", still open
        for action in (audits.start_action, audits.scan_action):
            assert not action.isEnabled()
            assert "This field kit was returned" in action.toolTip()
        qtbot.keyClick(audits.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert not _visible("StartAuditDialog")
        assert audits.reconcile_action.isEnabled() and audits.report_action.isEnabled()
        trigger(audits.reconcile_action)
        qtbot.waitUntil(lambda: bool(_visible("ReconciliationView")), timeout=5000)
        view = _visible("ReconciliationView")[0]
        qtbot.waitUntil(lambda: view._result is not None, timeout=10_000)
        for button in (
            view.close_button,
            view.moves_button,
            view.missing_button,
            view.audited_button,
            view.receive_button,
        ):
            assert not button.isEnabled()
            assert "This field kit was returned" in button.toolTip()
        assert view.report_button.isEnabled()
        assert "Read-only: This field kit was returned" in view.status.text()
        view.close()
        audits.close()

        # The incidents open too; none is moved on.
        trigger(window.features.incidents_action)
        qtbot.waitUntil(lambda: bool(_visible("IncidentReportView")), timeout=5000)
        report = _visible("IncidentReportView")[0]
        panel = report.move_panel
        panel.show_incident(None)
        assert not panel.move_button.isEnabled()
        assert "This field kit was returned" in panel.message.text()
        report.close()
        # The approvals list reads; nothing in it is decided or withdrawn.
        trigger(window.features.approvals_action)
        qtbot.waitUntil(lambda: bool(_visible("ApprovalsInbox")), timeout=5000)
        inbox = _visible("ApprovalsInbox")[0]
        qtbot.waitUntil(lambda: inbox.refresh_button.isEnabled(), timeout=10_000)
        assert not inbox.approve_button.isEnabled() and not inbox.withdraw_button.isEnabled()
        inbox.close()
        # Labels print (reading): the action is there.
        assert window.features.print_labels_action.isEnabled()
        # Opening the kit and reading in it raised no error (the approvals badge read too).
        assert errors == []
    finally:
        window.close()
        kit_db.dispose()


def test_the_command_line_refuses_every_write_in_a_returned_kit_in_one_sentence(
    returned_kit: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(returned_kit) as c:
        (tag,) = c.execute("SELECT tag FROM assets ORDER BY tag LIMIT 1").fetchone()
    sheet = tmp_path / "names.csv"
    sheet.write_text(f"Asset tag,Name\n{tag},Renamed after the return\n")
    before = _counts(returned_kit)
    for argv in (
        ("procedure", "change", tag, "--set", "name=Renamed", "--answer", "change_type=Repair",
         "--as", "tech"),
        ("audit", "start", "--scope", "ROOM-A2", "--name", "Late", "--as", "auditor"),
        ("audit", "scan", "Room B count", tag, "--as", "auditor"),
        ("import", sheet, "--as", "admin"),
    ):  # fmt: skip
        done = _assetdesk("--database", returned_kit, *argv)
        assert done.returncode != 0, (argv, done.stdout)
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("assetdesk: "), (argv, done.stderr)
        assert "This field kit was returned" in lines[0], (argv, lines[0])
        assert "check out a new kit" in lines[0]
    assert _counts(returned_kit) == before
    # Reading still answers.
    listing = _assetdesk("--database", returned_kit, "kit", "status")
    assert listing.returncode == 0 and "checked in (returned)" in listing.stdout


def _counts(kit: Path) -> tuple[int, ...]:
    with sqlite3.connect(kit) as c:
        counts = [
            c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("procedures", "audits", "audit_scans", "assets", "kit_journal")
        ]
        renamed = c.execute("SELECT count(*) FROM assets WHERE name LIKE 'Renamed%'")
        return (*counts, renamed.fetchone()[0])


def _assetdesk(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    env.pop("ASSETDESK_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *map(str, argv)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )
