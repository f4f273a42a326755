"""The reference data window's Procedure templates page: an administrator sets a kind's
approval to "never" with the page's own widgets (new-user finding 1); a technician is
refused with the reason."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.services.templates import current_template
from desktop.storage.database import Database
from desktop.storage.models import ProcedureTemplate
from tests.factories import World
from tests.journeys.hid_scanner import HidScanner
from tests.ui.reference.conftest import settle
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.reference.dialog import ReferenceDataDialog


def _choose(combo: object, text: str) -> None:
    from PySide6.QtWidgets import QComboBox

    assert isinstance(combo, QComboBox)
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _rows(page: object) -> list[list[str]]:
    table = page.table  # type: ignore[attr-defined]
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_an_administrator_sets_decommission_to_never(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("templates")
    page = dialog.templates
    # Version 1 is 0002's, version 2 0018's (its evidence reference takes scans).
    evidence = "Sanitisation evidence reference"  # takes scans
    assert ["Decommission", "all categories", "2", "always, 2 approvers", evidence] in _rows(page)
    _choose(page.kind, "Decommission")
    _choose(page.approvers, "never")
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text() == "✔ Decommission: approval never (template version 3)."
    assert ["Decommission", "all categories", "3", "never", evidence] in _rows(page)
    with sqlite_world.db.read() as s:
        template = current_template(s, ProcedureKind.DECOMMISSION)
        author = s.execute(
            select(ProcedureTemplate.created_by_id).where(ProcedureTemplate.id == template.id)
        ).scalar_one()
    assert template.version == 3
    assert template.definition.approval.mode == "never"
    assert author == sqlite_world.people["admin"]


def test_a_technician_is_refused_on_the_page(qtbot: QtBot, sqlite_world: World) -> None:
    window = ReferenceDataDialog(sqlite_world.db, "tech", page="templates")
    window.show()
    settle(qtbot, window)
    _choose(window.templates.kind, "Dispose")
    _choose(window.templates.approvers, "never")
    qtbot.mouseClick(window.templates.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.templates.message.text().startswith("✖ "), window.templates.message.text()
    assert "administrator" in window.templates.message.text()
    with sqlite_world.db.read() as s:
        assert current_template(s, ProcedureKind.DISPOSE).version == 2  # 0018's: unchanged
    window.close()
    window.deleteLater()


def test_a_register_of_one_approver_says_two_approvers_never_come(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    """A new user alone on a local file decommissioned an asset: it waited for two
    approvers that the register does not have. The page says so where the rule is set."""
    with sqlite_db.write() as session:
        reference.create_person(
            session, name="Solo", username="solo", roles=["administrator", "approver"]
        )
    window = ReferenceDataDialog(sqlite_db, "solo", page="templates")
    window.show()
    settle(qtbot, window)
    note = window.templates.approvers_note
    assert note.isVisible()
    assert note.text().startswith("In this register only one person may approve")
    window.close()
    window.deleteLater()


def test_enough_approvers_no_note(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("templates")
    settle(qtbot, dialog)
    assert not dialog.templates.approvers_note.isVisible()


def test_an_administrator_lets_a_template_field_take_a_scan_and_the_form_takes_it(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """Receive's Delivery note took no scan (only the shipped evidence fields did, and
    nothing in the window could change that). The administrator picks the field, ticks
    "takes a barcode scan" and sets it: a new template version; then a delivery note's
    barcode scanned on the Receive form becomes the field's value."""
    dialog.show_page("templates")
    settle(qtbot, dialog)
    page = dialog.templates
    _choose(page.scan_field, "Receive › Delivery note")
    assert not page.takes_scan.isChecked()
    page.takes_scan.setFocus()
    qtbot.keyClick(page.takes_scan, Qt.Key.Key_Space)
    assert page.takes_scan.isChecked()
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.message.text() == (
        "✔ Receive: Delivery note takes a barcode scan (template version 2)."
    )
    assert ["Receive", "all categories", "2", "never", "Delivery note"] in _rows(page)
    assert page.scan_field.currentText() == "Receive › Delivery note"  # still chosen
    assert page.takes_scan.isChecked()
    with sqlite_world.db.read() as s:
        template = current_template(s, ProcedureKind.RECEIVE)
    assert [f.key for f in template.definition.fields if f.accepts_scan] == ["delivery_reference"]

    form = ProcedureDialog(sqlite_world.db, "tech", ProcedureKind.RECEIVE, [])
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    assert form.view is not None
    note = form.view.answer_editors["delivery_reference"]
    note.widget.setFocus()
    HidScanner(qtbot).scan("DN-Ab-7781")
    qtbot.waitUntil(lambda: note.value() == "DN-Ab-7781")
    assert form.scan_label.text() == "Scanned DN-Ab-7781 into Delivery note."


def test_a_choice_field_cannot_take_a_scan(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """Only text fields are offered; the service refuses a choice field by name."""
    from desktop.errors import ValidationError
    from desktop.services.template_admin import set_field_scans

    dialog.show_page("templates")
    settle(qtbot, dialog)
    offered = [
        dialog.templates.scan_field.itemText(i) for i in range(dialog.templates.scan_field.count())
    ]
    assert "Change › Type of change" not in offered
    with pytest.raises(ValidationError, match="'change_type' is a choice field: only a text"):
        set_field_scans(
            sqlite_world.db, "admin", ProcedureKind.CHANGE, field="change_type", accepts_scan=True
        )
    with sqlite_world.db.read() as s:
        assert current_template(s, ProcedureKind.CHANGE).version == 1


def test_clicking_a_row_sets_the_controls_to_it(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    """A new user clicked the Decommission row and the controls below still said Install,
    never and the audit's field: they follow the row clicked."""
    dialog.show_page("templates")
    page = dialog.templates
    settle(qtbot, dialog)
    row = next(i for i, cells in enumerate(_rows(page)) if cells[0] == "Decommission")
    item = page.table.item(row, 1)
    assert item is not None
    rect = page.table.visualItemRect(item)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.kind.currentText() == "Decommission"
    assert page.approvers.currentText() == "2 approvers"
    assert page.scan_field.currentText() == "Decommission › Sanitisation evidence reference"
    assert page.takes_scan.isChecked()
    row = next(i for i, cells in enumerate(_rows(page)) if cells[0] == "Install")
    item = page.table.item(row, 0)
    assert item is not None
    rect = page.table.visualItemRect(item)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (page.kind.currentText(), page.approvers.currentText()) == ("Install", "never")
    assert page.scan_field.currentText() == "Install › Host name"
    assert not page.takes_scan.isChecked()


def test_the_field_chosen_for_scans_shows_whole(qtbot: QtBot, sqlite_world: World) -> None:
    """The Field list was sized while still empty (Data › Procedure templates opens on the
    page before the templates are read): it showed "Audit cor" for "Audit correction ›
    Audit" (newuser6, under Xvfb). Each choice shows whole when chosen."""
    window = ReferenceDataDialog(sqlite_world.db, "admin")
    qtbot.addWidget(window)
    window.show_page("templates")  # as the menu item does: on screen before the reads end
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    combo = window.templates.scan_field
    assert combo.count() > 1
    for index in range(combo.count()):
        combo.setCurrentIndex(index)
        # once the layout has taken the new size (the next turns of the event loop)
        qtbot.waitUntil(lambda: _room_for_the_text(combo) >= 0, timeout=2000)


def _room_for_the_text(combo: object) -> int:
    """Pixels to spare in the closed list's text field (negative: the text is cut)."""
    from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox

    assert isinstance(combo, QComboBox)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    shown = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return shown.width() - combo.fontMetrics().horizontalAdvance(combo.currentText())
