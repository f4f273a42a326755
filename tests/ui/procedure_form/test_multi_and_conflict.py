"""Several assets at once, and a conflict with someone else's change."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from tests.factories import World
from tests.ui.procedure_form.conftest import OpenForm, pick
from tests.ui.windows import closed
from ui.gui.procedure_form.form_view import FormView


def test_one_procedure_per_selected_asset(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    tags = ["LAP-10", "LAP-11", "LAP-12"]
    for tag in tags:
        sqlite_world.receive(tag=tag)
    dialog = open_form(ProcedureKind.INSTALL, tags)
    view = dialog.view
    assert view is not None
    assert dialog.ok_button.text() == "Install 3 assets"
    assert "3 assets" in view.subject_label.text()
    assert view.asset_editors["location"].is_empty()  # several assets: nothing pre-filled
    pick(view.asset_editors["location"], "Room A2")
    pick(view.asset_editors["owning_group"], "Infrastructure")
    view.ticket.set_value("CHG-77")
    view.checklist["powers_on"].setChecked(True)
    view.checklist["handover"].setChecked(True)
    with qtbot.waitSignal(dialog.recorded, timeout=20_000) as recorded:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert sorted(o.asset_tag for o in recorded.args[0]) == tags
    with sqlite_world.db.read() as session:
        for tag in tags:
            detail = asset_detail(session, tag=tag)
            assert (detail.row.status, detail.row.location) == ("in_service", "Room A2")
            assert detail.row.owning_group == "Infrastructure"
            latest = detail.history[0]
            assert (latest.kind, latest.ticket_ref) == ("install", "CHG-77")


def test_several_assets_are_all_or_nothing(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-20")
    sqlite_world.receive(tag="LAP-21")
    sqlite_world.install("LAP-21")  # already in service: installing it again is refused
    dialog = open_form(ProcedureKind.INSTALL, ["LAP-20", "LAP-21"])
    view = dialog.view
    assert view is not None
    pick(view.asset_editors["location"], "Room A2")
    pick(view.asset_editors["assigned_to"], "Una User")
    view.checklist["powers_on"].setChecked(True)
    view.checklist["handover"].setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("✖"), timeout=20_000)
    assert "asset LAP-21" in dialog.status_label.text()
    assert "already in service" in dialog.status_label.text()
    with sqlite_world.db.read() as session:
        assert asset_detail(session, tag="LAP-20").row.status == "in_stock"


def move_meanwhile(world: World, tag: str) -> None:
    """Another technician moves the asset while our form is open."""
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech2",
            asset_tag=tag,
            values={"location": world.room_b},
            answers={"change_type": "Move"},
        ),
    )


def fill_move(view: FormView | None) -> None:
    assert view is not None
    pick(view.asset_editors["location"], "Branch store")
    view.answer_editors["change_type"].set_value("Move")


def test_conflict_shows_both_values_and_reapply_records_on_the_new_version(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-30")
    dialog = open_form(ProcedureKind.CHANGE, ["LAP-30"])
    fill_move(dialog.view)
    move_meanwhile(sqlite_world, "LAP-30")
    dialog.submit()
    qtbot.waitUntil(
        lambda: dialog.conflict_dialog is not None and dialog.conflict_dialog.isVisible(),
        timeout=20_000,
    )
    conflict = dialog.conflict_dialog
    assert conflict is not None
    assert conflict.rows() == [("Location", "Branch store", "Room A2")]
    with qtbot.waitSignal(dialog.recorded, timeout=20_000) as recorded:
        qtbot.mouseClick(conflict.reapply_button, Qt.MouseButton.LeftButton)
    (outcome,) = recorded.args[0]
    assert outcome.state is ProcedureState.COMPLETED
    with sqlite_world.db.read() as session:
        detail = asset_detail(session, tag="LAP-30")
    assert detail.row.location == "Branch store"
    assert [(h.kind, h.performed_by_username) for h in detail.history] == [
        ("change", "tech"),
        ("change", "tech2"),
        ("receive", "tech"),
    ]
    changes = {c["field"]: (c["before_text"], c["after_text"]) for c in detail.history[0].changes}
    assert changes == {"location": ("Room A2", "Branch store")}


def test_conflict_discard_keeps_the_other_change(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-31")
    dialog = open_form(ProcedureKind.CHANGE, ["LAP-31"])
    fill_move(dialog.view)
    move_meanwhile(sqlite_world, "LAP-31")
    dialog.submit()
    qtbot.waitUntil(
        lambda: dialog.conflict_dialog is not None and dialog.conflict_dialog.isVisible(),
        timeout=20_000,
    )
    assert dialog.conflict_dialog is not None
    with qtbot.assertNotEmitted(dialog.recorded):
        qtbot.mouseClick(dialog.conflict_dialog.discard_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: closed(dialog))
    with sqlite_world.db.read() as session:
        detail = asset_detail(session, tag="LAP-31")
    assert detail.row.location == "Room A2"
    assert len(detail.history) == 2
