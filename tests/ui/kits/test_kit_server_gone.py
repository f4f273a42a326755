"""A sync while the database the kit came from cannot be reached (the laptop still off the
network, the server down): one sentence that names the server once and says what became
of the records.

A technician (newuser27, under Xvfb) worked offline in a kit of Room A2 and pressed F9 then
Sync before the server was back. The dialog said "Cannot reach the database the kit came
from (PostgreSQL server 127.0.0.1:55427, database newuser27): Cannot use the database
PostgreSQL server 127.0.0.1:55427, database newuser27
(postgresql+psycopg://nu27tom@127.0.0.1:55427/newuser27): connection failed: …" — the
server twice, the driver's URL, and not a word on the three records that waited to sync.
``kit sync`` printed the same line.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.storage.database import Database
from tests.factories import World
from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_cli import (
    _change_location,
    _checkout,
    assetdesk,
    ok_json,
    one_line_failure,
    source,
)
from tests.ui.kits.test_kit_window import room_b_kit, sync_dialog_by_f9, window_on

__all__ = ["_register_template", "register", "source", "window_on"]


def _server_gone(kit: Path) -> None:
    """The kit's server stops answering: its URL now names a port nobody listens on (the
    PostgreSQL service itself is shared and stays up)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with sqlite3.connect(kit) as connection:
        connection.execute(
            "UPDATE kit_meta SET source_url = ?, source_description = ?",
            (
                f"postgresql://tech@127.0.0.1:{port}/assets",
                f"PostgreSQL server 127.0.0.1:{port}, database assets",
            ),
        )


def _said_once(line: str) -> None:
    assert line.count("database assets") == 1, line  # the server named once
    assert "+psycopg" not in line and "Cannot use the database" not in line, line


def test_kit_sync_with_the_server_gone_names_it_once_and_keeps_the_records(
    source: tuple[Path, World], tmp_path: Path
) -> None:
    path, world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)
    kit_db = Database(f"sqlite:///{kit}")
    try:
        _change_location(kit_db, "LAP-1001", world.room_a)  # offline
    finally:
        kit_db.dispose()
    _server_gone(kit)
    line = one_line_failure(
        assetdesk("kit", "sync", kit), "cannot reach the database the kit came from"
    )
    _said_once(line)
    assert "Connection refused" in line or "connection" in line.lower(), line
    assert line.endswith(
        "Nothing was synced: the kit keeps its 1 record waiting. Work on in it, and sync"
        " again once the database can be reached"
    ), line
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 1


def test_sync_in_the_window_with_the_server_gone_says_the_records_wait(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    kit, kit_db = room_b_kit(register, tmp_path)
    _change_location(kit_db, "LAP-00005", register.world.room_a)  # offline
    _change_location(kit_db, "LAP-00015", register.world.room_a)
    _server_gone(kit)
    window = window_on(kit_db)
    dialog = sync_dialog_by_f9(qtbot, window)
    qtbot.keyClick(
        QApplication.focusWidget() or dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: "cannot reach" in dialog.message.text().lower(), timeout=20_000)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    text = dialog.message.text()
    assert text.startswith("Cannot reach the database the kit came from (PostgreSQL"), text
    _said_once(text)
    assert text.endswith(
        "Nothing was synced: the kit keeps its 2 records waiting. Work on in it, and sync"
        " again once the database can be reached."
    ), text
    assert dialog.sync_button.isEnabled()  # try again once back on the network
    dialog.close()
