"""A register of a few hundred assets for the GUI tests (more than two pages)."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services.procedures import (
    ProcedureOutcome,
    ProcedureRequest,
    record_procedure,
    record_procedures,
)
from desktop.settings import CURRENT_USER, Settings
from desktop.storage import database as database_module
from desktop.storage.database import Database
from tests.backends import make_database
from tests.factories import INSTALL_CHECKLIST, RECEIVE_CHECKLIST, World, seed_world
from ui.gui import connection_watch
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

REGISTER_SIZE = 250


@dataclass
class Register:
    db: Database
    world: World
    size: int

    def decommission_waiting_for_approval(
        self, tag: str, *, impact: str | None = None, likelihood: str | None = None
    ) -> ProcedureOutcome:
        """Record a decommission by "tech" of the asset: it waits for an approver. With
        ``impact`` and ``likelihood``, the risk evaluated as the form records it."""
        return record_procedure(
            self.db,
            ProcedureRequest(
                kind=ProcedureKind.DECOMMISSION,
                performed_by="tech",
                asset_tag=tag,
                answers={
                    "sanitisation_method": "Destroy: shred or degauss (NIST SP 800-88)",
                    "evidence_reference": "WIPE-1",
                },
                checklist={"accounts_removed": True},
                impact=impact,
                likelihood=likelihood,
            ),
        )


@pytest.fixture(scope="session")
def _register_template(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_template_dir: Path
) -> tuple[Path, World]:
    """The register is built once (through the services) and copied for each test."""
    folder = tmp_path_factory.mktemp("register")
    made = make_database("sqlite", folder, _sqlite_template_dir)
    database = next(made)
    world = _fill(database)
    path = database.sqlite_path
    assert path is not None
    for _ in made:  # disposes the engine: the last connection folds the WAL into the file
        pass
    return path, world


@pytest.fixture
def register(_register_template: tuple[Path, World], tmp_path: Path) -> Iterator[Register]:
    """250 laptops and monitors: every 5th in service with Una User in room A2."""
    template, world = _register_template
    path = tmp_path / "register.sqlite3"
    shutil.copyfile(template, path)
    database = Database(f"sqlite:///{path}")
    yield Register(database, replace(world, db=database), REGISTER_SIZE)
    database.dispose()


def _fill(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    today = dt.date.today()
    receives = [
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="tech",
            values={
                "tag": f"{'LAP' if i % 2 else 'MON'}-{i:05d}",
                "name": f"{'ThinkPad T14' if i % 2 else 'Dell P2422H'} #{i}",
                "category": world.laptop_category if i % 2 else world.monitor_category,
                "location": world.room_a,
                "serial_number": f"SN{i * 7919:08d}",
                "warranty_end": today + dt.timedelta(days=i),
            },
            checklist=RECEIVE_CHECKLIST,
            origin=Origin.COMMAND_LINE,
            reason="delivery",
        )
        for i in range(REGISTER_SIZE)
    ]
    record_procedures(sqlite_db, receives)
    installs = [
        ProcedureRequest(
            kind=ProcedureKind.INSTALL,
            performed_by="tech",
            asset_tag=f"{'LAP' if i % 2 else 'MON'}-{i:05d}",
            values={"location": world.room_b, "assigned_to": world.people["user"]},
            checklist=INSTALL_CHECKLIST,
            ticket_ref=f"INC-{i}",
            reason="new starter",
        )
        for i in range(0, REGISTER_SIZE, 5)
    ]
    record_procedures(sqlite_db, installs)
    return world


def show_window(
    qtbot: QtBot, database: Database, settings: Settings, layout: Path, *, timeout: int = 10_000
) -> MainWindow:
    """``database``'s main window with ``settings`` (its column layout kept in the file
    ``layout``), shown with its first rows."""
    window = MainWindow(database, settings, layout_state=LayoutState(layout))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=timeout)
    return window


def open_window(qtbot: QtBot, register: Register, tmp_path: Path, user: str = "tech") -> MainWindow:
    """The register's main window as ``user`` signed in, shown with its first rows."""
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, user)
    return show_window(qtbot, register.db, settings, tmp_path / "l.ini")


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, *, shift: bool = False) -> None:
    """Ctrl+``key`` (Ctrl+Shift+``key``) in the register, as the user presses it."""
    modifiers = Qt.KeyboardModifier.ControlModifier
    if shift:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.view.table, key, modifiers)


def fast_background_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's background reads (selection freshness, kit banner, badges) and the
    connection watch's retries come round every few hundred ms instead of 15–60 s."""
    from ui.gui import connection_watch, feature_menus, selection_freshness
    from ui.gui.kits import kit_menu

    monkeypatch.setattr(selection_freshness, "REFRESH_INTERVAL_MS", 200)
    monkeypatch.setattr(kit_menu, "BANNER_REFRESH_MS", 200)
    monkeypatch.setattr(feature_menus, "BADGE_REFRESH_MS", 200)
    monkeypatch.setattr(connection_watch, "RETRY_INTERVAL_MS", 300)


def read_often_from_now(window: MainWindow) -> None:
    """The window's timers' background reads (selection freshness, kit banner, badge) come
    round every 200 ms from now on: once the test holds the file (:func:`hold_the_file`
    needs a moment when the window has it closed; a loaded machine's reads 5 times a
    second each left none for 20 s now and then)."""
    for timer in (window.features._badge_timer, window.kit._timer, window.freshness.timer):
        timer.setInterval(200)


def detail_read(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the detail asked for last (a selection, a scan) is shown: a scan's tag is
    looked up on a worker (ui/gui/scan_lookup.py), then the detail is read on one
    (ui/gui/detail_reader.py); an asset on no page held is found on one too
    (ui/gui/asset_locator.py)."""
    qtbot.waitUntil(
        lambda: not (window.scan_lookup.busy or window.locator.busy or window.detail_reader.busy),
        timeout=10_000,
    )


def scan_answered(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the tag scanned last has been looked up (on a worker) and its asset
    selected (found on a worker if no page held has it), or the offer to receive it made."""
    qtbot.waitUntil(lambda: not window.scan_lookup.busy and not window.locator.busy, timeout=10_000)


def hold_the_file(qtbot: QtBot, database: Database) -> sqlite3.Connection:
    """What ``assetdesk import`` does to a file it has to itself: a rollback journal and
    the write lock held while it writes (:mod:`desktop.storage.bulk_journal`), until the
    caller commits. The window's idle connections are closed first (as when the window
    opened during the import); a background read that slips in meanwhile is waited out."""
    path = database.sqlite_path
    assert path is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        database.dispose()
        # A connection checked out when a pool was disposed (a bulk write disposes it:
        # record_procedures, an import) goes back to that old pool on its return and stays
        # open until the pool, in a reference cycle, is collected: the file was never free
        # on a loaded machine (test_background_reads_on_a_busy_file, 1 run in 3).
        gc.collect()
        writer = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            if writer.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete":
                writer.execute("BEGIN EXCLUSIVE")
                return writer
        except sqlite3.OperationalError:
            pass
        writer.close()
        qtbot.wait(20)
    raise AssertionError("the file never came free for the writer")


def let_go(writer: sqlite3.Connection) -> None:
    """The other program of :func:`hold_the_file` has finished: it commits, puts the file
    back in WAL mode (as ``assetdesk import`` does) and closes."""
    writer.execute("COMMIT")
    writer.execute("PRAGMA journal_mode=WAL")
    writer.close()


def window_with_busy_timeout(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ms: int
) -> tuple[MainWindow, Register]:
    """The window on a database that waits ``ms`` for a busy file (its engine made anew:
    the timeout is read when it is made), the watch checking a busy file every 300 ms, the
    table focused, its first reads done. The register returned holds the new engine."""
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", ms)
    monkeypatch.setattr(connection_watch, "BUSY_RETRY_MS", 300)
    register.db.dispose()
    register = replace(register, db=Database(register.db.url))
    window = open_window(qtbot, register, tmp_path, "tech")
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    qtbot.waitUntil(lambda: not window._workers, timeout=10_000)
    return window, register


class BusyWriter:
    """Another program holding the file's write lock (``assetdesk import``: a rollback
    journal and BEGIN EXCLUSIVE) on a thread of its own, for ``hold`` seconds at most."""

    def __init__(self, path: Path, hold: float) -> None:
        self.locked, self.release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, args=(path, hold), daemon=True)

    def _run(self, path: Path, hold: float) -> None:
        writer = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            assert writer.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
            writer.execute("BEGIN EXCLUSIVE")
            self.locked.set()
            self.release.wait(hold)
            writer.execute("COMMIT")
            writer.execute("PRAGMA journal_mode=WAL")
        finally:
            writer.close()

    def start(self) -> None:
        self._thread.start()
        assert self.locked.wait(10), "the writer never got the lock"

    def join(self) -> None:
        self.release.set()
        self._thread.join(10)
