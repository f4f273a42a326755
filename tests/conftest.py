"""Fixtures shared by every test: databases on all three backends, seeded people."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.storage.database import Database
from tests.backends import BACKENDS, _sqlite_template_dir, drop_postgres_templates, make_database
from tests.factories import World, seed_world
from tests.keyrings import MemoryKeyring

__all__ = ["_sqlite_template_dir"]


@pytest.fixture(params=BACKENDS)
def db(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[Database]:
    """A fresh migrated database, once on each backend."""
    yield from make_database(request.param, tmp_path, _sqlite_template_dir)


@pytest.fixture
def sqlite_db(tmp_path: Path, _sqlite_template_dir: Path) -> Iterator[Database]:
    """A fresh migrated SQLite database (for tests that are about one backend only)."""
    yield from make_database("sqlite", tmp_path, _sqlite_template_dir)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data, config or log folders, nor their database setting."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("ASSETDESK_DATABASE", raising=False)


@pytest.fixture(autouse=True)
def _no_dialog_left_open() -> Iterator[None]:
    """Close any dialog a test left on screen, so the next test in this worker does not
    find it as its active modal widget (a leftover message box failed a CI run)."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication, QDialog

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_postgres_templates()


@pytest.fixture
def world(db: Database) -> World:
    """Reference data seeded into ``db`` (on each backend)."""
    return seed_world(db)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Passwords kept in a dict for this test: the real keyring is never touched."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
