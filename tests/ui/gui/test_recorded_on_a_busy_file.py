"""A procedure recorded, then another program takes the file (a long import from the
command line) before the window reads the changed rows again. That read ran on the GUI
thread: the window froze for up to the busy timeout, and its busy error went past the
connection's watch. It is now read on a worker: the window keeps turning, the busy state
shows in the status bar (no box: the procedure was recorded, nothing failed), and the
rows show their new values once the file is free."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedures
from tests.ui.gui.conftest import Register, hold_the_file, let_go, press, window_with_busy_timeout
from ui.gui.models.asset_table_model import RowRole

#: The longest the event loop may go without turning while the file is busy (seconds).
RESPONSIVE = 0.5


def test_rows_of_a_recorded_procedure_are_read_again_without_freezing_a_busy_file(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, register = window_with_busy_timeout(qtbot, register, tmp_path, monkeypatch, 1000)
    table = window.view.table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.selected_rows()) == 2)
    tags = [row.tag for row in window.selected_rows()]
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_E)  # Ctrl+E: the change form for both
    dialog: Any = window.open_dialogs[-1]
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    outcomes = record_procedures(
        register.db,
        [
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by="tech",
                asset_tag=tag,
                values={"name": f"Renamed {tag}"},
                answers={"change_type": "Record correction"},
                ticket_ref="CHG-9",
                reason="typo",
            )
            for tag in tags
        ],
    )
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    label = window.findChild(QLabel, "connectionLost")
    assert label is not None
    writer = hold_the_file(qtbot, register.db)
    turns: list[float] = []
    boxes: list[QMessageBox] = []

    def tick() -> None:
        turns.append(time.monotonic())
        for widget in QApplication.topLevelWidgets():
            box = widget if isinstance(widget, QMessageBox) else None
            if box is not None and box.isVisible() and box not in boxes:
                boxes.append(box)

    ticker = QTimer(window)
    ticker.timeout.connect(tick)
    ticker.start(20)
    try:
        dialog.recorded.emit(outcomes)  # what the form says once it has recorded them
        assert window.statusBar().currentMessage() == "Recorded 2 procedures."
        qtbot.waitUntil(label.isVisible, timeout=10_000)  # the rows' read was refused
        qtbot.wait(300)
    finally:
        let_go(writer)
        ticker.stop()
    gap = max(b - a for a, b in itertools.pairwise(turns))
    assert gap < RESPONSIVE, f"the window froze for {gap:.2f} s"

    def names() -> list[str]:  # the two rows as the register shows them
        model = window.model
        rows = (model.index(r, 0).data(RowRole) for r in range(model.rowCount()))
        return sorted(row.name for row in rows if row is not None and row.tag in tags)

    qtbot.waitUntil(lambda: names() == [f"Renamed {t}" for t in sorted(tags)], timeout=15_000)
    assert not label.isVisible()
    assert boxes == []  # recorded: nothing to try again, no box
    dialog.close()
    window.close()
    register.db.dispose()
