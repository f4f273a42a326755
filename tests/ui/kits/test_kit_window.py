"""The Field kit menu, its dialogs and the kit banner, driven through the window's actions
and the dialogs' buttons (issue 16, points 2 and 6).

The register (``tests/ui/gui/conftest.register``): 250 assets received into Room A1; every
fifth (MON-00000, LAP-00005, …) installed in Room A2 with Una User — 50 assets in Room A2.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget

from desktop import kits
from desktop.services.reference import create_location
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from desktop.storage.kitfile import database_is_kit
from desktop.storage.models import Asset
from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register, show_window
from tests.ui.windows import closed
from ui.gui.kits.checkout_dialog import CheckoutDialog, _checked
from ui.gui.kits.kit_banner import KitBanner, banner_html
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

__all__ = ["_register_template", "register"]

IN_ROOM_A2 = 50


@pytest.fixture
def window_on(qtbot: QtBot, tmp_path: Path) -> Iterator[Any]:
    made: list[MainWindow] = []

    def make(database: Database, user: str = "tech") -> MainWindow:
        settings = Settings(tmp_path / f"settings-{user}-{len(made)}.ini")
        settings.set(CURRENT_USER, user)
        window = show_window(qtbot, database, settings, tmp_path / f"layout-{len(made)}.ini")
        made.append(window)
        if database_is_kit(database):
            # As a person sees it: the kit banner up (read on a worker) before the Field kit
            # menu is used; a Sync opened before it asked for a kit file (a flake under load).
            qtbot.waitUntil(lambda: window.kit.info is not None, timeout=10_000)
        return window

    yield make
    for window in made:
        if window.isVisible():
            window.close()


def _tick(qtbot: QtBot, listing: QListWidget, text: str) -> None:
    """Find the row by typing into the list's filter, select it, tick it with Space."""
    row = next(
        i
        for i in range(listing.count())
        if not listing.item(i).isHidden() and listing.item(i).text().startswith(text)
    )
    listing.setFocus()
    listing.setCurrentRow(row)
    qtbot.keyClick(listing, Qt.Key.Key_Space)
    assert listing.item(row).checkState() == Qt.CheckState.Checked


def _visible(listing: QListWidget) -> list[str]:
    """The rows a list shows (its filter hides the others)."""
    return [
        listing.item(i).text() for i in range(listing.count()) if not listing.item(i).isHidden()
    ]


def _retype(qtbot: QtBot, field: Any, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def sync_dialog_by_f9(qtbot: QtBot, window: Any) -> Any:
    """F9 (Field kit › Sync…) pressed in ``window``: the Sync dialog, once it has the keys."""
    from ui.gui.kits.sync_dialog import SyncDialog

    window.activateWindow()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F9)
    qtbot.waitUntil(
        lambda: bool(window.open_dialogs) and isinstance(window.open_dialogs[-1], SyncDialog)
    )
    dialog = window.open_dialogs[-1]
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def room_b_kit(register: Register, tmp_path: Path) -> tuple[Path, Database]:
    """A kit of the world's room_b checked out by "tech" into ``tmp_path``, and the kit opened."""
    kit = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(register.world.room_b,)), "tech", kit)
    return kit, Database(f"sqlite:///{kit}")


def checkout_room_a2(qtbot: QtBot, window: MainWindow, kit: Path) -> CheckoutDialog:
    """Field kit › Check out…, Room A2 found by typing "room a2" and ticked, the file named.
    (Not "a2" alone: a generated location code, LOC-A2F0674D, matched it one run in 40.)"""
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.keyClicks(dialog.location_filter, "room a2")
    shown = _visible(dialog.locations)
    assert shown == ["Head office › Building A › Room A2  ·  ROOM-A2"]
    _tick(qtbot, dialog.locations, "Head office › Building A › Room A2")
    _retype(qtbot, dialog.path, str(kit))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30_000)
    return dialog


def test_checkout_through_the_menu_makes_a_kit_and_marks_its_assets(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    window = window_on(register.db)
    kit = tmp_path / "Room A2 visit.adkit"
    dialog = checkout_room_a2(qtbot, window, kit)
    assert f"Checked out {IN_ROOM_A2} assets into {kit}" in dialog.message.text()
    assert "Field kit › Sync… on return." in dialog.message.text()  # not "Sync…."
    assert dialog.open_button.isVisible() and not dialog.checkout_button.isVisible()
    kit_db = Database(f"sqlite:///{kit}")
    try:
        info = kits.kit_info(kit_db)
        assert info is not None and info.asset_count == IN_ROOM_A2
        assert info.checked_out_by == "tech"
    finally:
        kit_db.dispose()
    dialog.close()
    # Others see it on the shared database, but are not locked out.
    window.handle_scan("LAP-00005")  # in Room A2
    qtbot.waitUntil(lambda: window.view.detail.checkout is not None, timeout=5000)
    heading = window.view.detail.heading.text()
    assert "Checked out by Tess Tech since" in heading
    assert window.procedure_actions[next(iter(window.procedure_actions))].isEnabled()
    window.handle_scan("LAP-00001")  # in Room A1: not in the kit
    qtbot.waitUntil(lambda: window.view.detail.detail.row.tag == "LAP-00001", timeout=5000)
    assert window.view.detail.checkout is None
    assert "Checked out" not in window.view.detail.heading.text()
    assert not window.kit.banner.isVisible()  # the shared database is not a kit


def test_an_empty_scope_or_an_existing_file_is_refused_in_the_dialog(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    window = window_on(register.db)
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    taken = tmp_path / "taken.adkit"
    taken.write_text("someone's file")
    _retype(qtbot, dialog.path, str(taken))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    assert "Choose what goes into the kit" in dialog.message.text()
    people = [dialog.people.item(i).text() for i in range(dialog.people.count())]
    assert "Una User  ·  user" in people  # as every list names a person (was "Una User (user)")
    _tick(qtbot, dialog.people, "Una User")
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and str(taken) in dialog.message.text())
    assert taken.read_text() == "someone's file"
    assert dialog.checkout_button.isEnabled()
    # Another file: Una User's assets (every fifth, installed with her) go into the kit.
    _retype(qtbot, dialog.path, str(tmp_path / "una"))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30_000)
    assert dialog.path.text() == str(tmp_path / "una.adkit")  # the kit's suffix added
    assert f"Checked out {IN_ROOM_A2} assets" in dialog.message.text()
    assert "Una User" in dialog.summary.scope_text
    dialog.close()


def test_cancel_while_checking_out_leaves_no_file_and_no_checkout(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    window = window_on(register.db)
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    _tick(qtbot, dialog.people, "Una User")
    kit = tmp_path / "cancelled.adkit"
    _retype(qtbot, dialog.path, str(kit))
    clicked: list[bool] = []

    def click_cancel_once(_done: int, _total: int) -> None:
        if not clicked:  # the person presses Cancel as soon as the progress moves
            clicked.append(True)
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None
    dialog.worker.progress.connect(click_cancel_once)
    qtbot.waitUntil(lambda: dialog not in window.open_dialogs, timeout=30_000)
    assert clicked
    assert not kit.exists()
    with register.db.read() as session:
        assert kits.active_checkouts(session) == []


def test_a_window_in_a_kit_says_so(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    server_window = window_on(register.db)
    source = server_window.database.sqlite_path
    kit = tmp_path / "kit.adkit"
    dialog = checkout_room_a2(qtbot, server_window, kit)
    # "Open the kit in this window" switches the window to the kit.
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_window.database.sqlite_path == kit, timeout=30_000)
    banner = server_window.kit.banner
    qtbot.waitUntil(banner.isVisible, timeout=10_000)
    text = banner.plain_text()
    assert "Field kit — working offline on" in text and "Room A2" in text
    assert f"({IN_ROOM_A2} assets)" in text
    assert "Checked out by Tess Tech from local file" in text
    assert "nothing waits to sync" in text
    assert not server_window.kit.checkout_action.isEnabled()  # no kit from a kit
    qtbot.waitUntil(lambda: server_window.model.total_assets == IN_ROOM_A2, timeout=10_000)
    # Back to the shared database with one click on the banner (a new user found the
    # way only through File › Settings).
    assert banner.leave_button.isVisible() and banner.leave_button.isEnabled()
    qtbot.mouseClick(banner.leave_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_window.database.sqlite_path == source, timeout=30_000)
    qtbot.waitUntil(lambda: closed(banner), timeout=10_000)
    qtbot.waitUntil(lambda: (server_window.model.total_assets or 0) > IN_ROOM_A2, timeout=10_000)


def test_a_kit_opened_with_no_user_set_is_worked_as_its_owner(
    qtbot: QtBot, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody set a user and the computer's user is not one of the kit's (read-only)
    people: the person who checked the kit out is signed in — the status bar said "the
    user name 'fieldlaptop' exists already" and "Not signed in" before."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "fieldlaptop")
    kit = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(register.world.room_b,)), "tech", kit)
    kit_db = Database(f"sqlite:///{kit}")
    window = MainWindow(
        kit_db, Settings(tmp_path / "fresh.ini"), layout_state=LayoutState(tmp_path / "l")
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as tech", timeout=10_000)
    assert "exists already" not in window.statusBar().currentMessage()
    window.close()
    kit_db.dispose()


def test_the_banner_counts_what_waits_and_its_age(qapp: QApplication) -> None:
    now = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
    info = kits.KitInfo(
        kit_id=__import__("uuid").uuid4(),
        source_url="postgresql+psycopg://tech@db/assets",
        source_description="PostgreSQL database assets on db",
        scope=kits.Scope(),
        scope_text="Head office › Building A (and below)",
        checked_out_by="tech",
        checked_out_at=now - dt.timedelta(hours=27),
        refreshed_at=now - dt.timedelta(hours=3, minutes=5),
        asset_count=1234,
        waiting=1,
        open_conflicts=2,
    )
    banner = KitBanner()
    banner.show_kit(info, now)
    text = banner.plain_text()
    assert "working offline on Head office › Building A (and below) (1,234 assets)" in text
    assert "its data is 3 hours old" in text
    assert "1 record waits to sync" in text
    assert "2 conflicts to settle" in text
    many = banner_html(info.__class__(**{**info.__dict__, "waiting": 12, "open_conflicts": 0}))
    assert "12 records wait to sync" in many and "conflict" not in many
    assert "Checked in" not in text
    back = banner_html(info.__class__(**{**info.__dict__, "returned_at": info.refreshed_at}))
    assert "Checked in" in back and "takes no more work" in back
    banner.show_kit(None)
    assert banner.isHidden()
    QApplication.processEvents()


def test_sync_a_kit_file_from_the_shared_database_window(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    from desktop.domain.lifecycle import ProcedureKind
    from desktop.services.procedures import ProcedureRequest, record_procedure
    from ui.gui.kits.sync_dialog import SyncDialog

    world = register.world
    kit, kit_db = room_b_kit(register, tmp_path)
    try:  # set-up: three moves made offline
        for tag in ("LAP-00005", "MON-00010", "LAP-00015"):
            record_procedure(
                kit_db,
                ProcedureRequest(
                    kind=ProcedureKind.CHANGE,
                    performed_by="tech",
                    asset_tag=tag,
                    values={"location": world.room_a},
                    answers={"change_type": "Move"},
                ),
            )
    finally:
        kit_db.dispose()
    window = window_on(register.db)
    trigger(window.kit.sync_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SyncDialog)
    assert dialog.path.isVisible()  # the window is not a kit: the kit file is asked for

    not_a_kit = register.db.sqlite_path
    assert not_a_kit is not None
    _retype(qtbot, dialog.path, str(not_a_kit))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is not a field kit" in dialog.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.worker is None)

    _retype(qtbot, dialog.path, str(kit))
    # The kit syncs with the database it came from, as the person who checked it out,
    # whichever window names it: said so.
    assert dialog.syncs_with.text() == f"{register.db.sqlite_path} as tech (Tess Tech)"
    (label,) = [w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.path]
    assert label.text() == "Kit &file"  # a mnemonic (Alt+F), not a literal '&'
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=20_000)
    assert dialog.message.text().startswith("Preview: 3 records would be replayed (3 applied)")
    rows = dialog.rows()
    assert [r[2] for r in rows] == ["applied"] * 3
    assert all("LAP-00005" in r[3] or "MON-00010" in r[3] or "LAP-00015" in r[3] for r in rows)

    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.report.dry_run and dialog.worker is None, timeout=20_000)
    assert dialog.message.text().startswith("Synced 3 records: 3 applied.")
    with register.db.read() as session:
        moved = session.execute(
            select(func.count())
            .select_from(Asset)
            .where(
                Asset.tag.in_(("LAP-00005", "MON-00010", "LAP-00015")),
                Asset.location_id == world.room_a,
            )
        ).scalar_one()
    assert moved == 3
    # A second sync finds nothing waiting: nothing is recorded twice.
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.worker is None and dialog.message.text().startswith("Synced 0"),
        timeout=20_000,
    )
    dialog.close()


def test_the_field_kit_menu_sits_between_work_and_help(window_on: Any, register: Register) -> None:
    window = window_on(register.db)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-3:] == ["&Work", "Field &kit", "&Help"]
    assert [a.text() for a in window.kit.menu.actions()] == [
        "&Check out…",
        "&Sync…",
        "Check &in (return the kit)…",
        "C&onflicts…",
    ]
    assert all(a.isEnabled() for a in window.kit.menu.actions())


def test_cancel_during_a_sync_keeps_both_sides_consistent(
    qtbot: QtBot,
    window_on: Any,
    register: Register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancel while records are replayed: those replayed stay replayed (once), the others
    wait in the kit, and the next sync replays them — each exactly once. (The whole
    register, 250 records: Cancel lands while they are replayed.)"""
    from desktop.domain.lifecycle import ProcedureKind
    from desktop.services.procedures import ProcedureRequest, record_procedure
    from desktop.storage.models import Procedure
    from ui.gui.kits.sync_dialog import SyncDialog

    world = register.world
    kit = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(world.site,)), "tech", kit)
    kit_db = Database(f"sqlite:///{kit}")
    with kit_db.read() as session:
        tags = list(session.execute(select(Asset.tag).order_by(Asset.tag)).scalars())
    for tag in tags:  # set-up: one offline move per asset of the kit
        record_procedure(
            kit_db,
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by="tech",
                asset_tag=tag,
                values={"notes": f"checked on site {tag}"},
                answers={"change_type": "Other"},
            ),
        )
    with register.db.read() as session:
        before = session.execute(select(func.count()).select_from(Procedure)).scalar_one()

    # A server some way off: each record takes 20 ms to decide, so the Cancel lands while
    # they are replayed however loaded the machine (on a quick local file all 250 could
    # be replayed before the click's event came round).
    from desktop.kits.bulk_replay import BulkReplayer

    decide = BulkReplayer._procedure

    slowed: list[int] = []

    def slow_procedure(self: Any, *args: Any) -> Any:
        slowed.append(1)
        time.sleep(0.02)
        return decide(self, *args)

    monkeypatch.setattr(BulkReplayer, "_procedure", slow_procedure)
    # Each record decided on its own, as on a PostgreSQL or MariaDB server: on a SQLite
    # server these plain changes would go set-wise in one run (sync15), never slowed.
    monkeypatch.setattr("desktop.kits.bulk_replay.MIN_RUN", 10**9)
    window = window_on(kit_db)
    qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)
    trigger(window.kit.sync_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SyncDialog)
    pressed: list[bool] = []

    def cancel_once(_done: int, _total: int) -> None:
        if not pressed:  # the person presses Cancel as soon as the progress moves
            pressed.append(True)
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None
    dialog.worker.progress.connect(cancel_once)
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=60_000)
    assert dialog.isVisible() and dialog.report.cancelled
    assert slowed  # the records went the way the slowed step is
    handled = len(dialog.report.results)
    assert 1 <= handled < len(tags)
    assert dialog.message.text().startswith(f"Cancelled after {handled} record")
    left = len(tags) - handled
    assert dialog.message.text().endswith(
        f"{left} record{'s still wait' if left != 1 else ' still waits'} in the kit."
    )
    assert dialog.cancel_button.text() == "Close"
    assert dialog.results.rowCount() == handled
    info = kits.kit_info(kit_db)
    assert info is not None and info.waiting == len(tags) - handled
    with register.db.read() as session:
        after = session.execute(select(func.count()).select_from(Procedure)).scalar_one()
    assert after == before + handled

    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)  # again, to the end
    assert dialog.cancel_button.text() == "Cancel"  # while it runs, the button stops it
    qtbot.waitUntil(lambda: dialog.worker is None and not dialog.report.cancelled, timeout=60_000)
    assert len(dialog.report.results) == len(tags) - handled
    with register.db.read() as session:
        final = session.execute(select(func.count()).select_from(Procedure)).scalar_one()
        notes = session.execute(
            select(func.count()).select_from(Asset).where(Asset.notes.like("checked on site %"))
        ).scalar_one()
    assert final == before + len(tags)
    assert notes == len(tags)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # "Close" now
    qtbot.waitUntil(lambda: dialog not in window.open_dialogs)
    window.close()
    kit_db.dispose()


def test_check_in_through_the_menu_ends_the_checkout_and_closes_the_kit(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    from desktop.domain.lifecycle import ProcedureKind
    from desktop.services.procedures import ProcedureRequest, record_procedure
    from ui.gui.kits.sync_dialog import SyncDialog

    world = register.world
    _, kit_db = room_b_kit(register, tmp_path)
    record_procedure(  # set-up: a move made offline
        kit_db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-00005",
            values={"location": world.room_a},
            answers={"change_type": "Move"},
        ),
    )
    window = window_on(kit_db)
    qtbot.waitUntil(lambda: window.kit.info is not None, timeout=10_000)
    trigger(window.kit.check_in_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SyncDialog)
    assert dialog.check_in_button.isDefault() and not dialog.sync_button.isDefault()
    assert dialog.kit_label.text().endswith("(1 record waits to sync)")
    qtbot.mouseClick(dialog.check_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=30_000)
    assert dialog.report.returned
    assert "Synced 1 record: 1 applied." in dialog.message.text()
    assert "Checked in: the checkout has ended" in dialog.message.text()
    assert [r[2] for r in dialog.rows()] == ["applied"]
    # A returned kit is not synced again from this dialog.
    assert not dialog.sync_button.isEnabled() and not dialog.check_in_button.isEnabled()
    with register.db.read() as session:
        lap = session.execute(select(Asset).where(Asset.tag == "LAP-00005")).scalar_one()
        assert lap.location_id == world.room_a
        assert kits.checkouts_for_assets(session, [lap.id]) == {}
    info = kits.kit_info(kit_db)
    assert info is not None and info.returned_at is not None
    # The window's banner says so.
    qtbot.waitUntil(lambda: "Checked in" in window.kit.banner.plain_text(), timeout=10_000)
    # The approvals badge is counted every minute: on a returned kit the refused read is
    # not put in a message box (it was, at every count, over the window).
    with qtbot.waitSignal(window.features.approvals_action.changed, timeout=2000, raising=False):
        window.features.refresh_badge()
    qtbot.wait(300)
    assert not [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and type(w).__name__ == "QMessageBox"
    ]
    # Nothing more is logged in it: an incident would be refused, so it is not offered.
    incident = window.features.incident_action
    assert not incident.isEnabled() and "checked in (returned)" in incident.toolTip()
    dialog.close()
    # It is not synced again: the menu's Sync and Check in are disabled and say why.
    for action in (window.kit.sync_action, window.kit.check_in_action):
        assert not action.isEnabled()
        assert "checked in (returned)" in action.toolTip()


def test_the_banner_and_the_sync_dialog_count_what_waits_as_it_is_made(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """A new user audited offline in a kit: 11 records waited, the banner said 2 (it was
    read when the audit started), F5 did not read it again, and the Sync dialog's Kit line
    still said "2 records wait to sync" after sending all 11."""
    from desktop.domain.lifecycle import ProcedureKind
    from desktop.services.procedures import ProcedureRequest, record_procedure
    from ui.gui.audits import AuditWindow
    from ui.gui.kits.sync_dialog import SyncDialog

    world = register.world
    _, kit_db = room_b_kit(register, tmp_path)
    window = window_on(kit_db)
    banner = window.kit.banner
    qtbot.waitUntil(lambda: "nothing waits to sync" in banner.plain_text(), timeout=10_000)
    # A move recorded in the kit from outside this window (the CLI): F5 counts it.
    record_procedure(
        kit_db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-00005",
            values={"location": world.room_a},
            answers={"change_type": "Move"},
        ),
    )
    trigger(window.refresh_action)  # View › Refresh, F5
    qtbot.waitUntil(lambda: "1 record waits to sync" in banner.plain_text(), timeout=10_000)
    # An audit started and a room label scanned offline: counted as they are made.
    trigger(window.features.audits_action)
    qtbot.waitUntil(
        lambda: any(isinstance(w, AuditWindow) for w in QApplication.topLevelWidgets()),
        timeout=5000,
    )
    audits = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AuditWindow))
    start = audits.open_start_dialog()
    assert start is not None
    start.scope.setCurrentIndex(start.scope.findText("Room A2", Qt.MatchFlag.MatchContains))
    start.submit()
    qtbot.waitUntil(lambda: "2 records wait to sync" in banner.plain_text(), timeout=10_000)
    from ui.gui.audits.scan_screen import ScanScreen

    screen = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ScanScreen))
    qtbot.waitUntil(lambda: screen.scan_field.isEnabled(), timeout=5000)
    qtbot.keyClicks(screen.scan_field, "ROOM-A2")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "3 records wait to sync" in banner.plain_text(), timeout=10_000)
    screen.close()
    audits.close()
    # The Sync dialog's Kit line says what waits when it opens, and after the sync.
    trigger(window.kit.sync_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SyncDialog)
    assert dialog.kit_label.text().endswith("(3 records wait to sync)")
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=30_000)
    assert "Synced 3 records" in dialog.message.text()
    assert dialog.kit_label.text().endswith("(nothing waits to sync)")
    dialog.close()


def test_the_sync_dialog_counts_what_the_command_line_recorded_meanwhile(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """A technician recorded a move in the kit with the command line while the window was
    open; Field kit › Sync… said "nothing waits" (the banner's read of up to 20 s before)
    and the sync then sent one record. Opening the dialog reads what waits now."""
    from desktop.domain.lifecycle import ProcedureKind
    from desktop.services.procedures import ProcedureRequest, record_procedure
    from ui.gui.kits.sync_dialog import SyncDialog

    _, kit_db = room_b_kit(register, tmp_path)
    window = window_on(kit_db)
    qtbot.waitUntil(
        lambda: "nothing waits to sync" in window.kit.banner.plain_text(), timeout=10_000
    )
    record_procedure(  # another process, as far as the window knows: no refresh asked
        kit_db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-00005",
            values={"location": register.world.room_a},
            answers={"change_type": "Move"},
        ),
    )
    trigger(window.kit.sync_action)  # Field kit › Sync…
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, SyncDialog)
    qtbot.waitUntil(
        lambda: dialog.kit_label.text().endswith("(1 record waits to sync)"), timeout=10_000
    )
    assert "1 record waits to sync" in window.kit.banner.plain_text()
    dialog.close()


def test_a_kit_of_one_asset_says_one_asset(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """The checkout's message and the banner read "Checked out 1 assets", "(1 assets)"
    (newuser4, a kit of the one laptop in a store room)."""
    register.world.receive(tag="LAP-77777", values={"location": register.world.other_site_room})
    window = window_on(register.db)
    kit = tmp_path / "Branch store.adkit"
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.keyClicks(dialog.location_filter, "branch store")
    _tick(qtbot, dialog.locations, "Branch › Branch store")
    _retype(qtbot, dialog.path, str(kit))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30_000)
    assert f"Checked out 1 asset into {kit}" in dialog.message.text()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=30_000)
    qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)
    assert "Branch store (and below) (1 asset). Checked out by" in window.kit.banner.plain_text()


def test_the_banner_counts_the_assets_received_in_the_kit(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """A new user received a laptop in a kit: the register showed 8 while the banner still
    said "(7 assets)" — it counted the assets checked out, not what the kit holds."""
    from dataclasses import replace

    world = register.world
    _, kit_db = room_b_kit(register, tmp_path)
    window = window_on(kit_db)
    banner = window.kit.banner
    qtbot.waitUntil(lambda: f"({IN_ROOM_A2} assets)." in banner.plain_text(), timeout=10_000)
    # A laptop received in the kit from outside this window (the CLI): F5 reads it again.
    replace(world, db=kit_db).receive(tag="LAP-90001", values={"location": world.room_b})
    trigger(window.refresh_action)  # View › Refresh, F5
    qtbot.waitUntil(lambda: window.model.total_assets == IN_ROOM_A2 + 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: f"({IN_ROOM_A2 + 1} assets, 1 received here)." in banner.plain_text(),
        timeout=10_000,
    )
    window.close()
    kit_db.dispose()


def test_the_location_filter_finds_an_accented_name_typed_without_its_accents(
    qtbot: QtBot, window_on: Any, register: Register
) -> None:
    """Typing "zurich" finds "Zürich office", as the register's search and every pick list
    do (the kit's location filter compared case only, and hid it)."""
    with register.db.write() as session:
        create_location(
            session,
            name="Zürich office",
            kind="room",
            parent_id=register.world.building,
            code="ZRH-1",
        )
    window = window_on(register.db)
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    dialog.location_filter.setFocus()
    qtbot.keyClicks(dialog.location_filter, "zurich")
    shown = _visible(dialog.locations)
    assert shown == ["Head office › Building A › Zürich office  ·  ZRH-1"]
    dialog.close()


def test_enter_in_the_location_filter_ticks_the_location_and_checks_out_nothing(
    qtbot: QtBot, window_on: Any, register: Register
) -> None:
    """Enter in the location filter pressed Check out (the dialog's default button): a
    room's label scanned there with one location ticked already checked out a kit without
    that room; with none ticked it said "Choose what goes into the kit" (newuser6). Now
    Enter ticks the one location the filter names (its code, or the one row it shows) and
    clears the filter for the next."""
    window = window_on(register.db)
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.keyClicks(dialog.location_filter, "branch store")
    _tick(qtbot, dialog.locations, "Branch › Branch store")
    dialog.location_filter.setFocus()
    qtbot.keyClick(dialog.location_filter, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.location_filter, "ROOM-A2")  # a room's label, as a scanner types it
    qtbot.keyClick(dialog.location_filter, Qt.Key.Key_Return)
    assert dialog.summary is None and dialog.worker is None  # no checkout started
    ticked = [item.text().split("  ·  ")[0] for item in _checked(dialog.locations)]
    assert ticked == ["Branch › Branch store", "Head office › Building A › Room A2"]
    assert dialog.location_filter.text() == ""
    assert dialog.message.text().startswith("Ticked Head office › Building A › Room A2")
    qtbot.keyClicks(dialog.location_filter, "room a")  # Room A1 and Room A2
    qtbot.keyClick(dialog.location_filter, Qt.Key.Key_Return)
    assert dialog.message.text() == (
        "2 locations match 'room a': tick the one you mean (Down to the list, Space ticks)."
    )
    assert len(_checked(dialog.locations)) == 2
    dialog.close()


def test_a_kit_window_shows_what_a_command_line_sync_brought(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path, monkeypatch: Any
) -> None:
    """A kit window is open while ``assetdesk kit sync`` runs in a terminal: when the
    banner reads the synced kit, the table reads it too (a new user saw the banner say
    the new count while the table kept an asset the server had moved out of scope)."""
    from desktop.domain.lifecycle import ProcedureKind
    from desktop.services.procedures import ProcedureRequest, record_procedure
    from tests.ui.kits.test_kit_cli import ok
    from ui.gui.kits import kit_menu

    monkeypatch.setattr(kit_menu, "BANNER_REFRESH_MS", 300)  # 20 s in the app
    source = register.db.sqlite_path
    assert source is not None
    kit = tmp_path / "kit.adkit"
    ok("--database", source, "kit", "checkout", "--scope", "ROOM-A2", "--as", "tech", "-o", kit)
    kit_db = Database(f"sqlite:///{kit}")
    window = window_on(kit_db)
    qtbot.waitUntil(lambda: window.model.total_assets == IN_ROOM_A2, timeout=10_000)
    qtbot.waitUntil(lambda: window.kit.info is not None, timeout=10_000)
    moved = "MON-00000"

    def tags() -> set[str]:
        rows = (window.model.row_at(r) for r in range(window.model.rowCount()))
        return {row.tag for row in rows if row is not None}

    assert moved in tags()
    # On the server the asset moves out of Room A2; a terminal syncs the kit.
    record_procedure(
        register.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech2",
            asset_tag=moved,
            values={"location": register.world.room_a},
            answers={"change_type": "Move"},
        ),
    )
    ok("kit", "sync", kit)

    banner = window.kit.banner
    qtbot.waitUntil(lambda: f"({IN_ROOM_A2 - 1} assets)" in banner.plain_text(), timeout=10_000)
    qtbot.waitUntil(lambda: window.model.total_assets == IN_ROOM_A2 - 1, timeout=10_000)
    assert moved not in tags()
    window.close()
    kit_db.dispose()


@pytest.mark.skipif(os.name != "posix" or os.getuid() != 0, reason="needs root to chown")
def test_another_users_loose_kit_is_said_in_the_status_bar(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """A kit made by an older version (0644) that this user does not own cannot be made
    private: the window says so in its kit banner when it opens the kit (the command line
    says it on standard error)."""
    from tests.ui.kits.test_kit_cli import _checkout

    kit = tmp_path / "old kit.adkit"
    source = register.db.sqlite_path
    assert source is not None
    _checkout(source, kit)  # by another process, as a kit an older version made
    for part in tmp_path.iterdir():
        if part.name.startswith(kit.name):
            part.chmod(0o644)
            os.chown(part, 65534, 65534)
    kit_db = Database(f"sqlite:///{kit}")
    try:
        window = window_on(kit_db)
        qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)
        # In the banner, for as long as the kit is open (the status bar said it until the
        # next message, and under load that came before anybody could read it).
        said = window.kit.banner.plain_text()
        assert f"The field kit {kit} is readable by other users (mode 644)" in said, said
        assert "could not be made private" in said
        assert stat.S_IMODE(kit.stat().st_mode) == 0o644
        window.close()
    finally:
        kit_db.dispose()
