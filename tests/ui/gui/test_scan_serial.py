"""A device's own barcode scanned in the window: its serial number finds its asset.

Someone leaving Snipe-IT imported their laptops (serials C02…) and scanned the barcode on
one's underside: "No asset has the tag C02LST1", with Receive a new asset with that tag
offered and default — a duplicate of the laptop (newuser18)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.factories import RECEIVE_CHECKLIST
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import show_window


def test_a_scanned_serial_number_selects_its_asset(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    with sqlite_db.write() as session:
        reference.create_person(
            session, name="Solo", username="solo", roles=["administrator", "technician"]
        )
        laptop = reference.create_category(session, name="Laptop", tag_prefix="LAP")
        room = reference.create_location(session, name="Zürich Office", kind="room")
        category_id, room_id = laptop.id, room.id
    for tag, serial in (("LAP-5001", "C02LST1"), ("LAP-5002", "DUP1"), ("LAP-5003", "DUP1")):
        record_procedure(
            sqlite_db,
            ProcedureRequest(
                kind=ProcedureKind.RECEIVE,
                performed_by="solo",
                values={
                    "tag": tag,
                    "name": "MacBook Air M2",
                    "category": category_id,
                    "location": room_id,
                    "serial_number": serial,
                },
                checklist=RECEIVE_CHECKLIST,
            ),
        )
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "l.ini")
    window.view.table.setFocus()
    HidScanner(qtbot).scan("C02LST1")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-5001"])
    assert window.unknown_tag_prompt is None
    assert window.statusBar().currentMessage() == (
        "Scanned C02LST1: the serial number of LAP-5001, MacBook Air M2"
    )
    # A serial two assets share names neither: the scan is an unknown tag, as before.
    window.view.table.setFocus()
    HidScanner(qtbot).scan("DUP1")
    qtbot.waitUntil(lambda: window.unknown_tag_prompt is not None, timeout=10_000)
    assert window.unknown_tag_prompt is not None
    assert window.unknown_tag_prompt.text() == "No asset has the tag DUP1."
    window.unknown_tag_prompt.reject()
    window.close()
