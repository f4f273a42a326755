"""An asset's history names a custom field as its category does (new-user finding,
newuser6): a change of the laptops' "RAM (GB)" read "Ram gb: 16 → 32" in the history
while the details above it said "RAM (GB)"."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from tests.journeys.conftest import WindowFactory
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import timeline
from tests.ui.gui.conftest import Register


def test_a_custom_fields_change_is_named_as_in_the_details(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, scanner: HidScanner
) -> None:
    record_procedure(  # an upgrade recorded earlier (the set-up, not the journey)
        register.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-00011",
            values={"custom.ram_gb": 32},
            answers={"change_type": "Upgrade"},
            reason="more memory",
        ),
    )
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan("LAP-00011")
    qtbot.waitUntil(lambda: "more memory" in timeline(window), timeout=10_000)
    text = timeline(window)
    assert "RAM (GB)\n32" in text  # the details: a title and its value
    assert "RAM (GB): — → 32" in text
    assert "Ram gb" not in text
