"""The window's background reads on a file another program holds (a long import from the
command line): each waits for the busy timeout, and the timers that start them come round
meanwhile. One read of each kind at a time: the approvals badge's counts and the kit
banner's reads piled up, one more at every tick, until they held every connection of the
pool (15) and what the person asked for (F5, a selected asset's detail) waited behind them
for a place — 30 s, then "gave no connection in time", said as an outage."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from desktop.storage import database as database_module
from desktop.storage.database import Database
from tests.ui.gui.conftest import (
    Register,
    hold_the_file,
    let_go,
    open_window,
    read_often_from_now,
)
from tests.ui.windows import closed


def test_background_reads_on_a_busy_file_do_not_pile_up(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read waits 1 s for the busy file: five ticks of each timer (below).
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 1000)
    register.db.dispose()
    register = replace(register, db=Database(register.db.url))
    window = open_window(qtbot, register, tmp_path, "tech")
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    engine = window.database.read_engine  # (its pool is a new one after each dispose)
    held: list[int] = []
    sampler = QTimer(window)
    sampler.timeout.connect(lambda: held.append(engine.pool.checkedout()))  # type: ignore[attr-defined]
    writer = hold_the_file(qtbot, window.database)
    try:
        read_often_from_now(window)
        sampler.start(20)
        label = window.findChild(QLabel, "connectionLost")
        assert label is not None
        qtbot.waitUntil(label.isVisible, timeout=10_000)  # the timers' reads are refused
        qtbot.wait(3000)
    finally:
        sampler.stop()
        let_go(writer)
    # The badge, the kit banner, the selection's freshness: one read each at most.
    assert max(held) <= 3, f"the window held {max(held)} connections to the busy file"
    qtbot.waitUntil(lambda: closed(label), timeout=10_000)
    assert window.connection.lost is None
    window.close()
    register.db.dispose()
