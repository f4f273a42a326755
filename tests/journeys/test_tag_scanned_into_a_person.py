"""An asset's tag label scanned while the Change form's "Assigned to" has the focus was
typed into it as text ("LAP-00001" stood there as a person's name, said only as "went
into Assigned to as typed"). A mature form tells a scan from typing: an asset tag in a
person field is said to be an asset tag and the field is left as it was; a person's
badge (their user name) scanned there chooses that person. Sent by a HID scanner (Shift
around capitals, Enter at the end)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.storage.models import Person
from tests.journeys.conftest import WindowFactory
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_technician_journey import change_form_of_scanned, click_into
from tests.ui.gui.conftest import Register
from tests.ui.procedure_form.test_keyboard import owns_focus
from ui.gui.procedure_form.editors import ReferenceEditor


def test_an_asset_tag_scanned_into_assigned_to_is_not_taken_as_a_person(
    qtbot: QtBot, journey_window: WindowFactory, register: Register, scanner: HidScanner
) -> None:
    with register.db.read() as session:
        una, tom = (
            session.execute(select(Person.id).where(Person.username == login)).scalar_one()
            for login in ("user", "tech2")
        )
    window = journey_window()
    change = change_form_of_scanned(qtbot, window, scanner, "LAP-00005")  # with Una User
    view = change.view
    assert view is not None
    assigned = view.asset_editors["assigned_to"]
    assert isinstance(assigned, ReferenceEditor)
    assert assigned.value() == una
    shown = assigned.combo.currentText()
    click_into(qtbot, assigned.widget)

    scanner.scan("LAP-00001")  # another asset's label, the focus in Assigned to
    qtbot.waitUntil(lambda: "LAP-00001" in change.scan_label.text(), timeout=5000)
    assert change.scan_label.text() == (
        "LAP-00001 is an asset tag, not a person: Assigned to was left as it was. "
        "Choose a person by name or scan their badge."
    )
    assert assigned.value() == una
    assert assigned.combo.currentText() == shown  # nothing typed into it
    assert "LAP-00001" not in assigned.combo.currentText()
    assert owns_focus(assigned.widget)
    assert view.error_text("assigned_to") == ""

    scanner.scan("LAP-00005")  # the form's own asset: the same
    qtbot.waitUntil(lambda: "LAP-00005 is an asset tag" in change.scan_label.text(), timeout=5000)
    assert assigned.value() == una

    scanner.scan("tech2")  # a person's badge: their user name
    qtbot.waitUntil(lambda: assigned.value() == tom, timeout=5000)
    assert change.scan_label.text() == "Scanned tech2 into Assigned to."
    assert change.isVisible()  # the scanner's Enter recorded nothing
    change.discard()
