"""Scans with capitals reach the fields of dialogs and the audit scan screen whole
(issue 13): the procedure form's tag field and the audit's scan field, sent by a scanner
that presses Shift around capitals and ends with Enter or Tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtWidgets import QLineEdit

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.audits import start_audit
from desktop.settings import SCAN_PREFIX, SCAN_TERMINATOR, Settings
from desktop.storage.database import Database
from desktop.storage.models import AuditScan
from tests.factories import World, seed_world
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner, ScannerProfile
from tests.ui.procedure_form.test_keyboard import owns_focus
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.procedure_form.dialog import ProcedureDialog


def test_a_scan_into_the_receive_forms_tag_field_arrives_whole(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    trigger(window.procedure_actions[ProcedureKind.RECEIVE])  # Ctrl+N
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ProcedureDialog)
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    assert dialog.view is not None
    tag = dialog.view.asset_editors["tag"]
    assert owns_focus(tag.widget)
    scanner.scan("Dck-000020/B.2")
    assert tag.value() == "Dck-000020/B.2"
    # On to the next field that takes a scan: the serial number barcode comes next.
    assert owns_focus(dialog.view.asset_editors["serial_number"].widget)
    assert dialog.view.asset_editors["name"].value() == ""
    assert dialog.isVisible()  # a scanner's Enter never records a half-filled form
    dialog.close()


@pytest.fixture
def audit_world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2"):
        world.receive(tag=tag)
    return world


def stored_raw(world: World) -> list[str]:
    with world.db.read() as s:
        return [r.raw for r in s.execute(select(AuditScan).order_by(AuditScan.sequence)).scalars()]


def test_the_audit_scan_screen_takes_capitals_tab_and_a_prefix(
    qtbot: QtBot, audit_world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(tmp_path / "settings.ini")
    monkeypatch.setenv("ASSETDESK_SETTINGS", str(settings.path))
    settings.set(SCAN_PREFIX, "]C1")
    settings.set(SCAN_TERMINATOR, "enter_or_tab")
    audit = start_audit(
        audit_world.db, scope_location_id=audit_world.site, started_by="auditor", name="Walk"
    )
    screen = ScanScreen(audit_world.db, "auditor", audit.id, beep=lambda: None)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(screen.scan_field.hasFocus)
    with qtbot.waitSignal(screen.scanned, timeout=5000):
        HidScanner(qtbot).scan("ROOM-A1")
    assert screen.room_label.text() == "Room: Room A1"
    with qtbot.waitSignal(screen.scanned, timeout=5000):
        HidScanner(qtbot, ScannerProfile(terminator="tab")).scan("LAP-1")
    with qtbot.waitSignal(screen.scanned, timeout=5000):
        HidScanner(qtbot, ScannerProfile(prefix="]C1")).scan("LAP-2")
    assert stored_raw(audit_world) == ["ROOM-A1", "LAP-1", "LAP-2"]
    assert screen.scan_field.text() == ""
    assert screen.scan_field.hasFocus()


def test_a_scan_in_a_change_forms_text_field_is_typed_there_not_lost(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    """A scan (or a person typing as fast) while a text field of a Change form has the
    focus: it is typed into that field, as it came — a fast typist loses nothing — and
    the Asset tag is not changed; the line above the buttons says so."""
    from tests.journeys.test_technician_journey import click_into

    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan("LAP-00011")
    qtbot.waitUntil(
        lambda: window.procedure_actions[ProcedureKind.CHANGE].isEnabled(), timeout=5000
    )
    trigger(window.procedure_actions[ProcedureKind.CHANGE])
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ProcedureDialog)
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    view = dialog.view
    assert view is not None
    text_fields = [e for e in view.answer_editors.values() if isinstance(e.widget, QLineEdit)]
    field = text_fields[0] if text_fields else view.asset_editors["name"]
    tag = view.asset_editors["tag"]
    tag_before = tag.value()
    click_into(qtbot, field.widget)
    field.set_value("")
    scanner.scan("Mon-00002/B")
    qtbot.waitUntil(lambda: "Mon-00002/B" in dialog.scan_label.text(), timeout=5000)
    assert dialog.scan_label.text().startswith(f"Mon-00002/B went into {field.label} as typed")
    assert field.value() == "Mon-00002/B"
    assert not owns_focus(field.widget)  # Enter moved on, as after typing
    assert tag.value() == tag_before
    assert dialog.isVisible()  # the Enter recorded nothing
    # Typing by hand afterwards: the note about the scan goes.
    click_into(qtbot, field.widget)
    qtbot.keyClicks(field.widget, "x")
    qtbot.waitUntil(lambda: not dialog.scan_label.isVisible(), timeout=5000)
    dialog.discard()


def test_a_scan_in_a_receive_form_fills_the_empty_asset_tag_only(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    from tests.journeys.test_technician_journey import click_into

    window = journey_window()
    trigger(window.procedure_actions[ProcedureKind.RECEIVE])
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ProcedureDialog)
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    assert dialog.view is not None
    tag, name = dialog.view.asset_editors["tag"], dialog.view.asset_editors["name"]
    click_into(qtbot, name.widget)  # the focus elsewhere: the tag still takes the scan
    scanner.scan("NEW-Xy001")
    qtbot.waitUntil(lambda: tag.value() == "NEW-Xy001", timeout=5000)
    assert name.value() in ("", None) and owns_focus(name.widget)
    assert dialog.scan_label.text() == f"Scanned NEW-Xy001 into {tag.label}."
    scanner.scan("NEW-Xy002")  # the tag is filled: the next one is typed where it was
    qtbot.waitUntil(lambda: "NEW-Xy002" in dialog.scan_label.text(), timeout=5000)
    assert dialog.scan_label.text().startswith(f"NEW-Xy002 went into {name.label} as typed")
    assert tag.value() == "NEW-Xy001" and name.value() == "NEW-Xy002"
    dialog.discard()
