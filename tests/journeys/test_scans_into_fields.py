"""Scanning into a field that accepts scans (issue: scanning into a field): a serial
number, or a template field that declares ``"accepts_scan": true`` (a wipe certificate's
number), takes a scanned barcode as its value; in every other text field it is text as
typed (a person typing fast must lose nothing).
Sent by a scanner that presses Shift around capitals and ends with Enter."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.templates import TemplateDefinition, default_definitions
from desktop.storage.database import Database
from desktop.storage.models import ProcedureTemplate
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import click_into
from tests.ui.gui.conftest import Register
from tests.ui.procedure_form.test_keyboard import owns_focus
from ui.gui.procedure_form.dialog import ProcedureDialog


def _open_form(qtbot: QtBot, window: Any, kind: ProcedureKind) -> ProcedureDialog:
    trigger(window.procedure_actions[kind])
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ProcedureDialog)
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    return dialog


def test_a_scan_into_the_serial_number_field_is_its_value(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    dialog = _open_form(qtbot, window, ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    tag = view.asset_editors["tag"]
    serial, name = view.asset_editors["serial_number"], view.asset_editors["name"]
    assert serial.widget.property("placeholderText") == "type or scan"
    assert owns_focus(tag.widget)
    scanner.scan("NEW-Ab001")  # the asset's new tag label first, as before
    qtbot.waitUntil(lambda: tag.value() == "NEW-Ab001", timeout=5000)
    click_into(qtbot, serial.widget)  # then the serial number's barcode on the device
    scanner.scan("5CG-Ab12/XZ9")
    qtbot.waitUntil(lambda: serial.value() == "5CG-Ab12/XZ9", timeout=5000)
    assert dialog.scan_label.text() == "Scanned 5CG-Ab12/XZ9 into Serial number."
    assert not owns_focus(serial.widget)  # on to the next field, as after typing it
    click_into(qtbot, name.widget)  # a field that does not take scans: typed into it
    scanner.scan("LAP-00001")  # (perhaps a person typing fast: nothing typed is lost)
    qtbot.waitUntil(lambda: "LAP-00001" in dialog.scan_label.text(), timeout=5000)
    assert dialog.scan_label.text().startswith(f"LAP-00001 went into {name.label} as typed")
    assert name.value() == "LAP-00001"
    assert (tag.value(), serial.value()) == ("NEW-Ab001", "5CG-Ab12/XZ9")
    assert dialog.isVisible()  # the scanner's Enter recorded nothing
    dialog.discard()


def _evidence_takes_scans(db: Database) -> None:
    """An administrator's new version of the decommission template: its evidence
    reference declares that it takes scans (as the shipped template now does)."""
    with db.write() as session:
        current = session.execute(
            select(ProcedureTemplate).where(
                ProcedureTemplate.kind == ProcedureKind.DECOMMISSION.value,
                ProcedureTemplate.scope_key == "",
                ProcedureTemplate.is_current.is_(True),
            )
        ).scalar_one()
        definition = dict(current.definition)
        definition["fields"] = [
            {**f, "accepts_scan": True} if f["key"] == "evidence_reference" else f
            for f in definition["fields"]
        ]
        current.is_current = False
        session.flush()
        session.add(
            ProcedureTemplate(
                kind=current.kind,
                scope_key="",
                version_number=current.version_number + 1,
                name=current.name,
                definition=definition,
                is_current=True,
            )
        )


def test_a_template_field_that_declares_it_takes_a_scan_others_ignore_it(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner, register: Register
) -> None:
    _evidence_takes_scans(register.db)
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scanner.scan("LAP-00005")  # in service
    decommission = window.procedure_actions[ProcedureKind.DECOMMISSION]
    qtbot.waitUntil(decommission.isEnabled, timeout=5000)
    dialog = _open_form(qtbot, window, ProcedureKind.DECOMMISSION)
    view = dialog.view
    assert view is not None
    evidence = view.answer_editors["evidence_reference"]
    drives = view.answer_editors["storage_serials"]  # a text field that does not declare it
    click_into(qtbot, drives.widget)
    scanner.scan("WD-Zx81")
    qtbot.waitUntil(lambda: "WD-Zx81" in dialog.scan_label.text(), timeout=5000)
    assert dialog.scan_label.text().startswith(f"WD-Zx81 went into {drives.label} as typed")
    assert str(drives.value()).strip() == "WD-Zx81"  # as typed, Enter and all
    click_into(qtbot, evidence.widget)
    scanner.scan("BLANCCO-Cert/0042-XY")
    qtbot.waitUntil(lambda: evidence.value() == "BLANCCO-Cert/0042-XY", timeout=5000)
    assert dialog.scan_label.text() == (
        "Scanned BLANCCO-Cert/0042-XY into Sanitisation evidence reference."
    )
    assert dialog.isVisible()
    dialog.discard()


def test_the_shipped_evidence_fields_declare_that_they_take_scans() -> None:
    shipped = default_definitions()
    taking = {
        (kind, spec.key)
        for kind, data in shipped.items()
        for spec in TemplateDefinition.from_json(data).fields
        if spec.accepts_scan
    }
    assert taking == {
        (ProcedureKind.DECOMMISSION, "evidence_reference"),
        (ProcedureKind.DISPOSE, "certificate_number"),
    }


def test_a_rooms_label_scanned_into_a_location_field_chooses_that_room(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner, register: Register
) -> None:
    """A technician receiving in a store scans the room's label into Location: the scan
    was ignored ("Scan ignored in the form: ROOM-A2"), and text typed fast into any pick
    list was lost the same way (newuser4)."""
    window = journey_window()
    dialog = _open_form(qtbot, window, ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    tag, location = view.asset_editors["tag"], view.asset_editors["location"]
    group = view.asset_editors["owning_group"]
    click_into(qtbot, location.widget)  # the tag is still empty: the room's code wins
    scanner.scan("ROOM-A2")
    qtbot.waitUntil(lambda: location.value() == register.world.room_b, timeout=5000)
    assert dialog.scan_label.text() == "Scanned ROOM-A2 into Location."
    assert tag.is_empty()
    assert not owns_focus(location.widget)  # on to the next field, as after typing it
    click_into(qtbot, tag.widget)
    scanner.scan("NEW-Ab003")  # the new asset's tag label, as before
    qtbot.waitUntil(lambda: tag.value() == "NEW-Ab003", timeout=5000)
    click_into(qtbot, group.widget)  # no group has this code: typed into the pick list
    scanner.scan("Infrastructure")
    qtbot.waitUntil(lambda: "Infrastructure" in dialog.scan_label.text(), timeout=5000)
    assert dialog.scan_label.text().startswith(f"Infrastructure went into {group.label} as")
    qtbot.waitUntil(lambda: group.value() == register.world.infrastructure, timeout=5000)
    assert location.value() == register.world.room_b
    dialog.discard()
