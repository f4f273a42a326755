"""The selection's re-read (on activation and every 30 s) answers late: it must never
undo what happened meanwhile — a scan that selected another asset, a newer read of the
same asset (flaky real-X scan: "the second scan left the first asset selected")."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.services import approvals, register_checkouts
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import Register, open_window
from ui.gui.models.asset_table_model import RowRole


def test_a_late_answer_for_the_old_selection_neither_shows_it_nor_writes_its_old_row(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    window.view.table.setFocus()
    scanner = HidScanner(qtbot)
    scanner.scan("LAP-00003")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00003"])
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    old_version = window.selected_rows()[0].version

    # The re-read starts for LAP-00003 and reads it; its answer is held back.
    read, answer = threading.Event(), threading.Event()
    real = register_checkouts.with_marks

    def held_back(*args: Any, **kwargs: Any) -> Any:
        rows = list(real(*args, **kwargs))
        if threading.current_thread() is not threading.main_thread() and not read.is_set():
            read.set()
            answer.wait(20)
        return rows

    monkeypatch.setattr(register_checkouts, "with_marks", held_back)
    window.freshness.refresh()
    qtbot.waitUntil(read.is_set, timeout=10_000)

    # Meanwhile: LAP-00003 is decommissioned elsewhere (a newer version), scanned again
    # (the window reads the newer row), then another asset is scanned.
    waiting = register.decommission_waiting_for_approval("LAP-00003")
    for person in ("approver", "approver2"):
        approvals.approve(register.db, procedure_id=waiting.procedure_id, approver=person)
    scanner.scan("LAP-00003")
    qtbot.waitUntil(lambda: window.selected_rows()[0].version > old_version, timeout=10_000)
    newer = window.selected_rows()[0]
    scanner.scan("LAP-00005")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00005"])
    qtbot.waitUntil(lambda: window.windowTitle().startswith("LAP-00005"))

    shown: list[Any] = []
    real_show = window.show_asset

    def show_asset(asset_id: Any, **kwargs: Any) -> Any:
        shown.append(asset_id)
        return real_show(asset_id, **kwargs)

    monkeypatch.setattr(window, "show_asset", show_asset)
    answer.set()  # the old selection's answer arrives now
    qtbot.waitUntil(lambda: window.freshness._reading is None, timeout=10_000)
    qtbot.wait(50)

    assert [r.tag for r in window.selected_rows()] == ["LAP-00005"]
    assert window.windowTitle().startswith("LAP-00005")
    assert shown == []  # nothing re-shown for an answer about the old selection
    position = window.model.loaded_row_of(newer.id)
    assert position is not None
    held = window.model.index(position, 0).data(RowRole)
    assert held.version == newer.version  # the older row read before was not written back
