"""A scanned asset's panel shows its newest procedures, and all of them on request."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve, reject
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import HISTORY_SHOWN
from tests.ui.gui.conftest import Register, open_window
from ui.gui.main_window import MainWindow

CHANGES = HISTORY_SHOWN + 4


def _scanned(qtbot: QtBot, register: Register, tmp_path: Path, tag: str) -> MainWindow:
    """The window open, the tag scanned (typed and Enter in a burst), its panel shown."""
    window = open_window(qtbot, register, tmp_path)
    scan = window.view.scan_field
    scan.setFocus()
    qtbot.keyClicks(scan, tag)
    qtbot.keyClick(scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.detail.detail is not None, timeout=5000)
    return window


def test_scan_shows_the_newest_procedures_and_a_link_shows_all(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    for n in range(CHANGES):
        record_procedure(
            register.db,
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by="tech",
                asset_tag="LAP-00003",
                values={"name": f"Renamed {n:02d}"},
                answers={"change_type": "Record correction"},
                reason=f"change number {n:02d}",
            ),
        )
    total = CHANGES + 1  # and its receipt
    window = open_window(qtbot, register, tmp_path)

    scan = window.view.scan_field
    scan.setFocus()
    qtbot.keyClicks(scan, "LAP-00003")  # a scanner: the tag and Enter in a burst
    qtbot.keyClick(scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.detail.detail is not None, timeout=5000)
    body = window.view.detail.body
    text = body.toPlainText()
    assert f"History ({HISTORY_SHOWN} of {total})" in text
    assert f"change number {CHANGES - 1:02d}" in text  # the newest
    assert "change number 00" not in text  # older than the newest HISTORY_SHOWN
    assert f"Show all {total} procedures ({total - HISTORY_SHOWN} older)" in text

    # The person clicks the link under the history.
    found = body.document().find("Show all")
    assert not found.isNull()
    body.setTextCursor(found)
    body.ensureCursorVisible()
    where = body.cursorRect(found).center()
    where.setX(where.x() - 10)  # inside the link's words, not after them
    qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(
        lambda: (
            window.view.detail.detail is not None
            and len(window.view.detail.detail.history) == total
        ),
        timeout=5000,
    )
    text = body.toPlainText()
    assert f"History ({total})" in text
    assert "change number 00" in text and "Receive" in text
    assert "Show all" not in text
    window.close()


def test_notes_keep_their_lines_in_the_panel(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """A new user's notes of several lines were run together into one paragraph."""
    record_procedure(
        register.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-00003",
            values={"notes": "Battery replaced 2023-01-29\nScreen <cracked> & taped"},
            answers={"change_type": "Record correction"},
        ),
    )
    window = _scanned(qtbot, register, tmp_path, "LAP-00003")
    text = window.view.detail.body.toPlainText().replace("\u2028", "\n")
    assert "Battery replaced 2023-01-29\nScreen <cracked> & taped" in text


def test_the_history_says_who_approved_and_who_rejected(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """Each decision under a procedure read "Approve by Abe Approver", the stored verb
    (newuser4); it says what was done."""
    waiting = register.decommission_waiting_for_approval("LAP-00003")
    assert waiting.procedure_id is not None
    approve(register.db, procedure_id=waiting.procedure_id, approver="approver")
    reject(
        register.db,
        procedure_id=waiting.procedure_id,
        approver="approver2",
        comment="still under warranty",
    )
    window = _scanned(qtbot, register, tmp_path, "LAP-00003")
    text = window.view.detail.body.toPlainText()
    assert "Approved by Abe Approver" in text
    assert "Rejected by Ada Approver — still under warranty" in text
    assert "Approve by" not in text and "Reject by" not in text
    window.close()
