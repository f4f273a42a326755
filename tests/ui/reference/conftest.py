"""The reference data dialog over a seeded SQLite world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.storage.database import Database
from tests.factories import World, seed_world
from ui.gui.reference.dialog import ReferenceDataDialog


@pytest.fixture
def sqlite_world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


@pytest.fixture
def dialog(qtbot: QtBot, sqlite_world: World) -> Iterator[ReferenceDataDialog]:
    window = ReferenceDataDialog(sqlite_world.db, "admin")
    window.show()
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20_000)
    yield window
    # Closed here rather than by qtbot.addWidget, once no worker thread is left running.
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20_000)
    window.close()
    window.deleteLater()


def settle(qtbot: QtBot, window: ReferenceDataDialog) -> None:
    """Let every database job of the dialog finish (and its results arrive)."""
    qtbot.wait(1)
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20_000)
