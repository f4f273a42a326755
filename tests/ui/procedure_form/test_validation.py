"""The form says what is missing before submit, and maps the service's refusals to fields."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.services.queries import count_assets
from tests.factories import World
from tests.journeys.hid_scanner import type_as_a_person
from tests.ui.procedure_form.conftest import OpenForm, pick
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.form_data import unavailable_reason


def test_ok_is_disabled_and_says_why_until_the_form_is_complete(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-1")
    dialog = open_form(ProcedureKind.INSTALL, ["LAP-1"])
    view = dialog.view
    assert view is not None
    assert not dialog.ok_button.isEnabled()
    tooltip = dialog.ok_button.toolTip()
    assert "Checklist: Device powers on and passes its self-test" in tooltip
    assert "an installed asset needs an assignee or an owning group" in tooltip
    assert dialog.status_label.text().startswith("⚠ Still needed:")
    # The install template marks its required fields.
    assert "location" in view.required
    location = view.asset_editors["location"]
    location.widget.setFocus()
    pick(location, "")
    type_as_a_person(qtbot, location.widget, "Room Z9")
    assert view.error_text("location") == "'Room Z9' is not a known location"
    assert "Location: 'Room Z9' is not a known location" in dialog.ok_button.toolTip()
    pick(location, "")
    type_as_a_person(qtbot, location.widget, "Room A2")
    assert view.error_text("location") == ""
    pick(view.asset_editors["assigned_to"], "Una User")
    view.checklist["powers_on"].setChecked(True)
    assert not dialog.ok_button.isEnabled()
    view.checklist["handover"].setChecked(True)
    assert dialog.ok_button.isEnabled(), dialog.problems()
    assert "Ctrl+Enter" in dialog.status_label.text()


def test_service_refusal_is_shown_next_to_the_field(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-7")
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    view.asset_editors["tag"].set_value("lap-7 ")
    view.asset_editors["name"].set_value("Spare dock")
    pick(view.asset_editors["category"], "Laptop")
    pick(view.asset_editors["location"], "Room A1")
    view.checklist["inspected"].setChecked(True)
    view.checklist["contents_match"].setChecked(True)
    assert dialog.ok_button.isEnabled(), dialog.problems()
    with qtbot.assertNotEmitted(dialog.recorded):
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.status_label.text().startswith("✖"), timeout=20_000)
    assert view.error_text("tag") == "the tag 'lap-7' is already used by another asset"
    assert "see the marked fields" in dialog.status_label.text()
    assert dialog.isVisible()

    # Refused again with the form scrolled to its end: the marked field comes into view
    # (a new user was pointed at a field scrolled out of sight).
    dialog.resize(dialog.width(), 320)
    bar = dialog.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())
    tag = view.asset_editors["tag"].widget
    assert tag.visibleRegion().isEmpty()
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.is_busy() and dialog.ok_button.isEnabled(), timeout=20_000)
    qtbot.waitUntil(lambda: not tag.visibleRegion().isEmpty(), timeout=5000)
    with sqlite_world.db.read() as session:
        assert count_assets(session) == 1


def test_change_must_change_something(open_form: OpenForm, sqlite_world: World) -> None:
    sqlite_world.receive(tag="LAP-2")
    dialog = open_form(ProcedureKind.CHANGE, ["LAP-2"])
    assert dialog.view is not None
    dialog.view.answer_editors["change_type"].set_value("Record correction")
    assert "a change procedure must change at least one field" in dialog.problems()
    dialog.view.asset_editors["serial_number"].set_value("SN-NEW")
    dialog.view.asset_editors["serial_number"].changed.emit()
    assert dialog.problems() == []


def test_risk_is_evaluated_live_with_the_approval_it_needs(
    open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-3")
    dialog = open_form(ProcedureKind.CHANGE, ["LAP-3"])
    risk = dialog.view.risk  # type: ignore[union-attr]
    assert "not evaluated" in risk.risk_label.text()
    risk.impact.set_value("medium")
    risk.likelihood.set_value("low")
    assert risk.risk_label.text().strip() == "Low"
    assert risk.approval_label.text().startswith("Not needed")
    risk.likelihood.set_value("high")
    assert risk.risk_label.text().strip() == "High"
    assert risk.approval_label.text().startswith("Needs 2 approvers")


def test_actions_unavailable_for_a_status_say_why() -> None:
    assert unavailable_reason(ProcedureKind.INSTALL, [AssetStatus.IN_STOCK]) is None
    assert unavailable_reason(
        ProcedureKind.INSTALL, [AssetStatus.IN_STOCK, AssetStatus.DISPOSED]
    ) == ("Install is not possible: the asset is disposed: its record is closed and cannot change")
    assert unavailable_reason(ProcedureKind.DISPOSE, [AssetStatus.IN_SERVICE]) == (
        "Dispose is not possible: an asset that is in service cannot become disposed"
    )
    assert unavailable_reason(ProcedureKind.CHANGE, []) == "select one or more assets first"


def test_a_form_that_cannot_open_says_why(qtbot: QtBot, sqlite_world: World) -> None:
    dialog = ProcedureDialog(sqlite_world.db, "tech", ProcedureKind.INSTALL, ["NOPE-1"])
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    assert dialog.loading.text() == (
        "The form cannot be opened: there is no asset with the tag 'NOPE-1'"
    )
    assert not dialog.ok_button.isEnabled()
    assert not dialog.is_ready()
    dialog.close()
    dialog.deleteLater()
