"""The auditor's day: start an audit of a building, walk a room with the scanner, close the
audit when asked to confirm, reconcile through the buttons and save the report.

The register (see ``conftest.register``): 250 assets received into Room A1; every fifth
(LAP-00005, MON-00010, …) installed in Room A2. The audit covers the laptops of
Building A, so LAP-00001 is expected in Room A1 and LAP-00005 in Room A2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.storage.models import Asset, Audit, Procedure
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.windows import SaveDialogAnswering, button, message_box, shown
from tests.ui.gui.conftest import Register
from tests.ui.keys import press_key
from ui.gui.audits.audit_window import AuditWindow
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.audits.start_audit_dialog import StartAuditDialog

FOUND = "LAP-00005"  # a laptop in Room A2
MISPLACED = "LAP-00001"  # a laptop expected in Room A1
UNKNOWN = "NEW-77A"  # a label nobody registered
OUTSIDER = "LAP-BR-9"  # a laptop of the Branch store, outside the audit's scope


def _tick(qtbot: QtBot, categories: QListWidget, text: str) -> None:
    """Select the category with the keyboard and tick it with Space."""
    row = next(i for i in range(categories.count()) if categories.item(i).text() == text)
    categories.setFocus()
    qtbot.keyClick(categories, Qt.Key.Key_Home)
    for _ in range(row):
        qtbot.keyClick(categories, Qt.Key.Key_Down)
    qtbot.keyClick(categories, Qt.Key.Key_Space)
    assert categories.item(row).checkState() == Qt.CheckState.Checked


def _start_audit(qtbot: QtBot, audits: AuditWindow) -> ScanScreen:
    trigger(audits.start_action)
    dialog = audits.findChild(StartAuditDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Building A laptops")
    # The room picker finds a location by any part of its path: "uilding a" is enough.
    dialog.scope.setFocus()
    qtbot.keyClicks(dialog.scope.lineEdit(), "uilding a")
    completer = dialog.scope.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    shown_rows = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown_rows[0].startswith("Head office › Building A")
    assert len(shown_rows) == 3  # the building and its two rooms
    # The list opens with its first suggestion highlighted; Enter (to the list) takes it.
    assert popup.currentIndex().row() == 0
    press_key(qtbot, Qt.Key.Key_Return)
    assert dialog.scope.currentText().startswith("Head office › Building A  ·  ")
    _tick(qtbot, dialog.categories, "Laptop  ·  LAP")
    start = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert start.isEnabled()
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    return shown(qtbot, ScanScreen, timeout=15_000)


def _scan(qtbot: QtBot, scanner: HidScanner, screen: ScanScreen, code: str, headline: str) -> str:
    screen.activateWindow()
    qtbot.waitUntil(screen.scan_field.hasFocus)
    scanner.scan(code)
    qtbot.waitUntil(lambda: screen.answer.text().startswith(headline), timeout=5000)
    return screen.total_label.text()


def _cell(screen: ScanScreen, row: int, column: int) -> str:
    item = screen.counts.item(row, column)
    return item.text() if item is not None else ""


def test_an_auditor_walks_a_room_closes_the_audit_and_saves_the_report(
    qtbot: QtBot,
    journey_window: WindowFactory,
    scanner: HidScanner,
    register: Register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = register.world
    world.receive(tag=OUTSIDER, values={"location": world.other_site_room})
    window = journey_window("auditor")
    trigger(window.features.audits_action)
    audits = shown(qtbot, AuditWindow)
    screen = _start_audit(qtbot, audits)
    assert "0 of 125 expected seen" in screen.total_label.text()

    # The room label, then the assets; the counters follow every scan.
    _scan(qtbot, scanner, screen, "ROOM-A2", "ROOM")
    assert screen.room_label.text() == "Room: Room A2"
    totals = _scan(qtbot, scanner, screen, FOUND, "FOUND")
    assert "1 of 125 expected seen · 1 found · 0 misplaced · 0 unknown" in totals
    totals = _scan(qtbot, scanner, screen, MISPLACED, "MISPLACED")
    assert "2 of 125 expected seen · 1 found · 1 misplaced · 0 unknown" in totals
    assert "Room A1" in screen.answer.text()  # where it was expected
    totals = _scan(qtbot, scanner, screen, UNKNOWN, "UNKNOWN TAG")
    assert "1 misplaced · 1 unknown" in totals
    totals = _scan(qtbot, scanner, screen, FOUND, "ALREADY SCANNED")
    assert totals.endswith("123 still missing · 1 repeats")
    # Found here from outside the audit: misplaced, and not one of the 125 expected.
    totals = _scan(qtbot, scanner, screen, OUTSIDER, "MISPLACED")
    assert "2 of 125 expected seen · 1 found · 2 misplaced · 1 unknown" in totals
    counts = {
        cells[0]: cells[1:5]
        for cells in (
            [_cell(screen, r, c) for c in range(screen.counts.columnCount())]
            for r in range(screen.counts.rowCount())
        )
    }
    assert counts["Room A2"] == ["25", "1", "2", "1"]  # expected, found, misplaced, unknown
    assert screen.scan_field.text() == ""  # nothing of a scan is left in the field
    # The audits list counts the scans without a refresh.
    qtbot.waitUntil(lambda: audits.model.rows()[0].scans == 6, timeout=5000)
    screen.close()

    trigger(audits.reconcile_action)
    view = shown(qtbot, ReconciliationView)
    qtbot.waitUntil(lambda: "still open" in view.header.text(), timeout=10_000)
    assert "· 1 unknown tag ·" in view.header.text()
    assert view.header.text().endswith("· 1 repeated scan")
    assert view.tabs.tabText(1) == "Missing (123)"
    assert not view.missing_button.isEnabled()  # the result may still change

    # "Close audit…" asks first; Cancel leaves the audit open.
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    box = message_box(qtbot, containing="Close the audit 'Building A laptops'?")
    assert box.defaultButton() is button(box, "Cancel")  # a stray Enter does not close it
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    qtbot.wait(200)
    with register.db.read() as session:
        assert session.execute(select(Audit.status)).scalar_one() == "open"
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    box = message_box(qtbot, containing="Close the audit 'Building A laptops'?")
    assert box.text().endswith("123 not seen (missing), 1 unknown tag.")
    qtbot.mouseClick(button(box, "Close audit"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.moves_button.isEnabled, timeout=10_000)
    assert "closed by Aud Itor" in view.header.text()
    assert view.close_button.isVisible() and not view.close_button.isEnabled()

    # "Record moves" asks first too, naming where each goes (it wrote at once).
    qtbot.mouseClick(view.moves_button, Qt.MouseButton.LeftButton)
    box = message_box(qtbot, containing="Move 2 assets to where the audit found them (")
    assert box.defaultButton() is button(box, "Cancel")
    qtbot.mouseClick(button(box, "Record moves"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=10_000)
    assert view.status.text() == "Record the moves of misplaced assets: 2 recorded."

    # "Mark missing" asks first, then records one audit correction per missing asset.
    qtbot.mouseClick(view.missing_button, Qt.MouseButton.LeftButton)
    box = message_box(qtbot, containing="Record 123 assets as missing")
    qtbot.mouseClick(button(box, "Mark missing"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=30_000)
    assert view.status.text() == "Mark missing assets as missing: 123 recorded."

    # The unknown tag is a new asset to receive: an auditor may not (a technician does),
    # and the button says so before its dialog is filled (newuser13).
    assert not view.receive_button.isEnabled()
    assert "needs the technician or administrator role" in view.receive_button.toolTip()
    with register.db.read() as session:
        rows = dict(session.execute(select(Asset.tag, Asset.status)).all())
        assert rows["LAP-00003"] == AssetStatus.MISSING.value
        assert rows[FOUND] == AssetStatus.IN_SERVICE.value  # found: left as it was
        assert rows[MISPLACED] == AssetStatus.IN_STOCK.value
        corrections = (
            session.execute(
                select(Procedure.reason)
                .join(Asset, Procedure.asset_id == Asset.id)
                .where(Asset.tag == "LAP-00003")
                .where(Procedure.kind == ProcedureKind.AUDIT_CORRECTION.value)
            )
            .scalars()
            .all()
        )
        assert corrections == [
            "not found during the audit 'Building A laptops' (expected in Room A1)"
        ]
        moved = session.execute(select(Asset.location_id).where(Asset.tag == MISPLACED))
        assert moved.scalar_one() == register.world.room_b

    # The report, saved through its button, names every list.
    report = tmp_path / "building-a.xlsx"
    monkeypatch.setattr("ui.gui.file_dialogs.FileDialog", SaveDialogAnswering.choosing(report))
    qtbot.mouseClick(view.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.status.text() == f"Report saved: {report}", timeout=10_000)
    book = load_workbook(report)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert (summary["Audit"], summary["Found"], summary["Missing"]) == (
        "Building A laptops",
        1,
        123,
    )
    assert (summary["Misplaced"], summary["Unknown tags"]) == (2, 1)

    def sheet(title: str) -> list[dict[str, object]]:
        rows = list(book[title].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    assert [r["Asset tag"] for r in sheet("Found")] == [FOUND]
    misplaced = {r["Asset tag"]: (r["Expected in"], r["Scanned in"]) for r in sheet("Misplaced")}
    # Where each was expected when the audit started — not where the moves put it since.
    assert misplaced == {
        MISPLACED: ("Room A1", "Room A2"),
        OUTSIDER: ("Branch store", "Room A2"),
    }
    assert [r["Asset tag"] for r in sheet("Unknown")] == [UNKNOWN]
    missing = sheet("Missing")
    assert len(missing) == 123 and "LAP-00003" in {r["Asset tag"] for r in missing}
    assert {r["Expected in"] for r in missing} == {"Room A1", "Room A2"}

    # The unknown tag received (by a technician, who may): it stays listed, as scanned,
    # but is no longer offered — Receive only failed with "the tag is already used by
    # another asset" (newuser8).
    world.receive(tag=UNKNOWN, values={"location": world.room_b})
    qtbot.mouseClick(view.audited_button, Qt.MouseButton.LeftButton)  # reloads the lists
    box = message_box(qtbot, containing="Set “last audited” on")  # asked first (newuser16)
    qtbot.mouseClick(button(box, "Set last audited"), Qt.MouseButton.LeftButton)
    # (Greyed for the auditor already: the reason changes once the lists are read again.)
    qtbot.waitUntil(
        lambda: view.receive_button.toolTip() == "No unknown tag left to receive", timeout=10_000
    )
    assert not view.receive_button.isEnabled()
    assert view.tabs.tabText(3) == "Unknown tags (1)"
    assert view.models["unknown"].rows()[0].note == "received as a new asset"
    view.close()
    audits.close()
    QApplication.processEvents()
