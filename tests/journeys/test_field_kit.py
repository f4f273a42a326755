"""A technician takes Room A2 offline (issue 16, point 2): Field kit › Check out… with the
room and its open audit, open the kit in the window, see the banner, scan an asset and
move it with the Change form, scan the room for the audit, then Field kit › Sync… —
preview first, then sync — and find every offline record on the shared database exactly
once.

The register (``tests/ui/gui/conftest.register``): every fifth asset (MON-00000,
LAP-00005, MON-00010, …) is in service in Room A2 — 50 assets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWidget
from shiboken6 import isValid

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from desktop.storage.models import Asset, AuditScan, Procedure
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import (
    choose,
    pdf_target,
    press,
    record,
    the_form,
    tick,
    type_into,
)
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from ui.gui.audits.audit_window import AuditWindow
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.kits.checkout_dialog import CheckoutDialog
from ui.gui.kits.sync_dialog import SyncDialog
from ui.gui.main_window import MainWindow
from ui.gui.models.asset_table_model import TagRole

__all__ = ["pdf_target"]

MOVED = "LAP-00005"  # in service in Room A2: moved to Room A1 offline
SCANNED = "MON-00010"  # in Room A2: found by the audit offline


def _banner(window: MainWindow) -> str:
    return window.kit.banner.plain_text()


def _selected(window: MainWindow) -> list[str]:
    return [i.data(TagRole) for i in window.view.table.selectionModel().selectedRows()]


def test_a_day_offline_in_a_field_kit(
    qtbot: QtBot,
    journey_window: WindowFactory,
    register: Register,
    scanner: HidScanner,
    tmp_path: Path,
) -> None:
    audit = start_audit(
        register.db,
        scope_location_id=register.world.room_b,
        started_by="auditor",
        name="Room A2 count",
    )  # set-up: an audit the auditor opened on the shared database
    window = journey_window("tech")

    # -- check out Room A2 and its audit ---------------------------------------------
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.keyClicks(dialog.location_filter, "room a2")
    (row,) = [i for i in range(dialog.locations.count()) if not dialog.locations.item(i).isHidden()]
    dialog.locations.setFocus()
    dialog.locations.setCurrentRow(row)
    qtbot.keyClick(dialog.locations, Qt.Key.Key_Space)
    choose(qtbot, dialog.audit, "Room A2 count")
    assert dialog.chosen_audit() == audit.id
    kit = tmp_path / "Room A2.adkit"
    dialog.path.setFocus()
    qtbot.keyClick(dialog.path, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.path, str(kit))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    _until(qtbot, dialog.open_button.isVisible, dialog.message.text)
    assert "Checked out 50 assets" in dialog.message.text()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=30_000)

    # -- the window says plainly it works in a kit -------------------------------------
    qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)
    assert "Field kit — working offline on" in _banner(window)
    assert "(50 assets)" in _banner(window) and "nothing waits to sync" in _banner(window)
    qtbot.waitUntil(lambda: window.model.total_assets == 50, timeout=10_000)

    # -- scan an asset and move it with the Change form (Ctrl+E) ------------------------
    window.activateWindow()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan(MOVED)
    qtbot.waitUntil(lambda: _selected(window) == [MOVED], timeout=10_000)
    press(qtbot, window, ProcedureKind.CHANGE, "Ctrl+E")
    change = the_form(qtbot, window, ProcedureKind.CHANGE)
    assert change.view is not None
    choose(qtbot, change.view.answer_editors["change_type"].widget, "Move")
    type_into(qtbot, change.view.asset_editors["location"].widget, "Room A1")
    (moved,) = record(qtbot, change)
    qtbot.waitUntil(lambda: "1 record waits to sync" in _banner(window), timeout=10_000)

    # -- the audit: the room label, then an asset ----------------------------------------
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1)
    audits.table.selectRow(0)
    trigger(audits.scan_action)
    screen = shown(qtbot, ScanScreen)
    for code, headline in (("ROOM-A2", "ROOM"), (SCANNED, "FOUND")):
        screen.activateWindow()
        qtbot.waitUntil(screen.scan_field.hasFocus)
        scanner.scan(code)
        qtbot.waitUntil(_answered(screen, headline), timeout=10_000)
    screen.close()
    audits.close()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: "1 record waits" not in _banner(window), timeout=10_000)
    waiting = _waiting(kit)
    assert waiting >= 2  # the move and the scans
    assert f"{waiting} records wait to sync" in _banner(window)

    # -- sync: preview first, then for real ------------------------------------------
    server = register.db
    with server.read() as session:
        before = session.execute(select(func.count()).select_from(Procedure)).scalar_one()
    qtbot.mouseClick(window.kit.banner.sync_button, Qt.MouseButton.LeftButton)
    sync = window.open_dialogs[-1]
    assert isinstance(sync, SyncDialog)
    qtbot.mouseClick(sync.preview_button, Qt.MouseButton.LeftButton)
    # The report comes before the worker is done; Sync is enabled again only then.
    _until(qtbot, lambda: sync.report is not None and sync.worker is None, sync.message.text)
    assert sync.report.dry_run
    assert sync.results.rowCount() == waiting
    outcomes = {row[2] for row in sync.rows()}
    assert outcomes == {"applied"}
    assert sync.message.text().startswith(f"Preview: {waiting} records would be replayed")
    with server.read() as session:
        assert session.execute(select(func.count()).select_from(Procedure)).scalar_one() == before
    qtbot.mouseClick(sync.sync_button, Qt.MouseButton.LeftButton)
    _until(qtbot, lambda: not sync.report.dry_run, sync.message.text)
    assert sync.message.text().startswith(f"Synced {waiting} records: {waiting} applied.")
    sync.close()
    qtbot.waitUntil(lambda: "nothing waits to sync" in _banner(window), timeout=10_000)

    # -- on the shared database, each exactly once -----------------------------------
    with server.read() as session:
        location = session.execute(select(Asset.location_id).where(Asset.tag == MOVED)).scalar_one()
        assert location == register.world.room_a
        assert session.get(Procedure, moved.procedure_id) is not None
        scans = session.execute(
            select(func.count())
            .select_from(AuditScan)
            .where(AuditScan.audit_id == audit.id, AuditScan.raw == SCANNED)
        ).scalar_one()
        assert scans == 1
        after = session.execute(select(func.count()).select_from(Procedure)).scalar_one()
        assert after == before + 1


def _until(qtbot: QtBot, done: Callable[[], bool], says: Callable[[], str]) -> None:
    """Wait for a checkout or sync (a minute: the machine may be busy); on a timeout the
    failure quotes what the dialog says."""
    try:
        qtbot.waitUntil(done, timeout=60_000)
    except WaitTimeout as exc:
        raise AssertionError(f"still waiting; the dialog says: {says()!r}") from exc


def _answered(screen: ScanScreen, headline: str) -> Callable[[], bool]:
    return lambda: screen.answer.text().startswith(headline)


def _waiting(kit: Path) -> int:
    from desktop import kits

    database = Database(f"sqlite:///{kit}")
    try:
        info = kits.kit_info(database)
        assert info is not None
        return info.waiting
    finally:
        database.dispose()


def test_the_whole_app_works_in_a_kit(
    qtbot: QtBot,
    journey_window: WindowFactory,
    register: Register,
    scanner: HidScanner,
    pdf_target: Path,
    tmp_path: Path,
) -> None:
    """In a kit: search, receive a new asset (its tag from the kit's reserved block), print
    its label, log an incident against it — and after the sync the shared database has the
    asset with that very tag and the incident with a number of its own."""
    from desktop.services.incidents import list_incidents
    from ui.gui.incidents import IncidentDialog
    from ui.gui.labels.print_dialog import LabelPrintDialog

    window = journey_window("tech")
    kit = tmp_path / "kit.adkit"
    _check_out_room_a2(qtbot, window, kit)
    qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)
    block = next(b for b in _info(kit).tag_blocks if b.prefix == "LAP")

    # Search: the register's box searches the kit.
    trigger(window.find_action)
    qtbot.keyClicks(window.view.filter_bar.search, "ThinkPad")
    qtbot.waitUntil(lambda: window.model.matching_assets == 25, timeout=10_000)
    window.view.filter_bar.clear_filters()
    qtbot.waitUntil(lambda: window.model.matching_assets == 50, timeout=10_000)

    # Receive (Ctrl+N) without a tag: the kit gives one from its block.
    press(qtbot, window, ProcedureKind.RECEIVE, "Ctrl+N")
    receive = the_form(qtbot, window, ProcedureKind.RECEIVE)
    view = receive.view
    assert view is not None
    assert view.asset_editors["tag"].value() in ("", None)  # left to the kit
    type_into(qtbot, view.asset_editors["name"].widget, "ThinkPad X1 spare")
    type_into(qtbot, view.asset_editors["category"].widget, "Laptop")
    type_into(qtbot, view.asset_editors["location"].widget, "Room A2")
    tick(qtbot, receive, "inspected", "contents_match")
    (received,) = record(qtbot, receive)
    tag = received.asset_tag
    prefix, _, number = tag.partition("-")
    assert prefix == "LAP" and block.first <= int(number) <= block.last, (tag, block)
    qtbot.waitUntil(lambda: _selected(window) == [tag], timeout=10_000)

    # Its label, to PDF.
    trigger(window.features.print_labels_action)
    labels = shown(qtbot, LabelPrintDialog, timeout=10_000)
    qtbot.waitUntil(lambda: labels.preview.page is not None, timeout=10_000)
    qtbot.mouseClick(labels.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: labels.worker is None, timeout=20_000)
    assert pdf_target.read_bytes().startswith(b"%PDF")
    labels.close()

    # An incident against it (Asset › Log an incident…).
    trigger(window.features.incident_action)
    incident = shown(qtbot, IncidentDialog, timeout=10_000)
    qtbot.waitUntil(lambda: incident.asset_tags() == [tag], timeout=10_000)
    qtbot.waitUntil(incident.log_button.isEnabled, timeout=10_000)  # groups and people read
    qtbot.keyClicks(incident.inputs["title"], "Keyboard missing keys")
    qtbot.keyClicks(incident.inputs["description"], "Two keys came off in transport.")
    # Typed at machine speed, the keys pass the scan detector and are given back as typed.
    title, description = incident.inputs["title"], incident.inputs["description"]
    assert isinstance(title, QLineEdit) and isinstance(description, QPlainTextEdit)
    qtbot.waitUntil(lambda: title.text() == "Keyboard missing keys")
    qtbot.waitUntil(lambda: description.toPlainText() == "Two keys came off in transport.")
    for key, text in (("severity", "Low"), ("routed_group", "Service desk")):
        combo = incident.inputs[key]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findText(text, Qt.MatchFlag.MatchStartsWith))
    with qtbot.waitSignal(incident.logged, timeout=10_000):
        qtbot.mouseClick(incident.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 records wait to sync" in _banner(window), timeout=10_000)

    # Sync: the asset arrives with its tag, the incident gets the server's number.
    trigger(window.kit.sync_action)
    sync = window.open_dialogs[-1]
    assert isinstance(sync, SyncDialog)
    qtbot.mouseClick(sync.sync_button, Qt.MouseButton.LeftButton)
    _until(qtbot, lambda: sync.report is not None and sync.worker is None, sync.message.text)
    assert [row[2] for row in sync.rows()] == ["applied", "applied"]
    assert any("incident #" in row[4] for row in sync.rows())
    sync.close()
    with register.db.read() as session:
        assert session.execute(select(Asset.name).where(Asset.tag == tag)).scalar_one() == (
            "ThinkPad X1 spare"
        )
        (logged,) = list_incidents(session)
    assert logged.title == "Keyboard missing keys" and logged.asset_tags == (tag,)


def _check_out_room_a2(qtbot: QtBot, window: MainWindow, kit: Path) -> None:
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.keyClicks(dialog.location_filter, "room a2")
    (row,) = [i for i in range(dialog.locations.count()) if not dialog.locations.item(i).isHidden()]
    dialog.locations.setFocus()
    dialog.locations.setCurrentRow(row)
    qtbot.keyClick(dialog.locations, Qt.Key.Key_Space)
    dialog.path.setFocus()
    qtbot.keyClick(dialog.path, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.path, str(kit))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    _until(qtbot, dialog.open_button.isVisible, dialog.message.text)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=30_000)


def _info(kit: Path) -> Any:
    from desktop import kits

    database = Database(f"sqlite:///{kit}")
    try:
        info = kits.kit_info(database)
        assert info is not None
        return info
    finally:
        database.dispose()


def test_check_in_closes_the_work_on_the_kit_and_refuses_more_in_one_sentence(
    qtbot: QtBot,
    journey_window: WindowFactory,
    register: Register,
    scanner: HidScanner,
    tmp_path: Path,
) -> None:
    """New-user finding 4: an audit's Scanning window left open across Field kit › Check
    in is closed with the kit's other windows; the banner and the actions say the kit was
    returned; and a write that still reaches the returned kit (a Scanning window opened on
    it anyway) is refused with the one capitalised sentence, never a traceback."""
    start_audit(
        register.db,
        scope_location_id=register.world.room_b,
        started_by="auditor",
        name="Room A2 count",
    )  # set-up: an audit the auditor opened on the shared database
    window = journey_window("tech")
    kit = tmp_path / "kit.adkit"
    trigger(window.kit.checkout_action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, CheckoutDialog)
    qtbot.keyClicks(dialog.location_filter, "room a2")
    (row,) = [i for i in range(dialog.locations.count()) if not dialog.locations.item(i).isHidden()]
    dialog.locations.setFocus()
    dialog.locations.setCurrentRow(row)
    qtbot.keyClick(dialog.locations, Qt.Key.Key_Space)
    choose(qtbot, dialog.audit, "Room A2 count")
    dialog.path.setFocus()
    qtbot.keyClick(dialog.path, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.path, str(kit))
    qtbot.mouseClick(dialog.checkout_button, Qt.MouseButton.LeftButton)
    _until(qtbot, dialog.open_button.isVisible, dialog.message.text)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.database.sqlite_path == kit, timeout=30_000)
    qtbot.waitUntil(window.kit.banner.isVisible, timeout=10_000)

    # The audit's Scanning window, a scan, and it stays open.
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1)
    audits.table.selectRow(0)
    trigger(audits.scan_action)
    screen = shown(qtbot, ScanScreen)
    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    scanner.scan(SCANNED)
    qtbot.waitUntil(_answered(screen, "FOUND"), timeout=10_000)

    # Field kit › Check in.
    window.activateWindow()
    trigger(window.kit.check_in_action)
    sync = window.open_dialogs[-1]
    assert isinstance(sync, SyncDialog)
    qtbot.mouseClick(sync.check_in_button, Qt.MouseButton.LeftButton)
    _until(qtbot, lambda: sync.report is not None and sync.worker is None, sync.message.text)
    assert sync.report.returned
    # The windows working in the kit are closed; the Sync dialog stays with its report.
    qtbot.waitUntil(lambda: not _on_screen(screen) and not _on_screen(audits), timeout=10_000)
    assert sync.isVisible()
    banner = window.kit.banner
    qtbot.waitUntil(lambda: "Field kit — Checked in" in _banner(window), timeout=10_000)
    assert "working offline" not in _banner(window) and "takes no more work" in _banner(window)
    assert not banner.sync_button.isVisible()
    for kind, action in window.procedure_actions.items():
        assert not action.isEnabled(), kind
        assert "checked in (returned)" in action.toolTip()
    sync.close()

    # The returned kit takes no more scans: the Audits window still opens for reading,
    # its Scan action is disabled and says why.
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    qtbot.waitUntil(lambda: audits.model.rowCount() == 1)
    audits.table.selectRow(0)
    qtbot.waitUntil(lambda: not audits.scan_action.isEnabled())
    assert "was returned" in audits.scan_action.toolTip(), audits.scan_action.toolTip()
    audits.close()


def _on_screen(widget: QWidget) -> bool:
    return isValid(widget) and widget.isVisible()
