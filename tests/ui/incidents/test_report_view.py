"""The incidents view: the list, the report tables, and moving an incident on by clicking."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.incidents import (
    IncidentRequest,
    incident_detail,
    list_incidents,
    log_incident,
    move_incident,
)
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from tests.factories import World, seed_world
from ui.gui.incidents import IncidentReportView
from ui.gui.incidents.incident_list_model import IncidentListModel

# Screens rendered by the tests, to look at: $ASSETDESK_SHOTS or the temporary folder.
SHOTS = Path(os.environ.get("ASSETDESK_SHOTS") or Path(tempfile.gettempdir()) / "assetdesk-shots")


def log(world: World, tags: list[str], title: str, group: str, severity: str = "high") -> int:
    return log_incident(
        world.db,
        IncidentRequest(
            logged_by="tech",
            asset_tags=tags,
            title=title,
            description="Reported by phone.",
            severity=severity,
            routed_group=group,
        ),
    ).number


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    log(world, ["LAP-1"], "Battery swells", "Infrastructure", "critical")
    log(world, ["LAP-1", "LAP-2"], "Wi-Fi drops in room A2", "Service desk", "medium")
    log(world, ["LAP-3"], "Sticky keyboard", "Service desk", "low")
    move_incident(world.db, number=3, to_status="assigned", by="tech2", assignee="tech2")
    return world


def open_view(qtbot: QtBot, world: World, username: str = "infra") -> IncidentReportView:
    view = IncidentReportView(world.db, username)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show()
    return view


def cells(table: object) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]  # type: ignore[attr-defined]
        for r in range(table.rowCount())  # type: ignore[attr-defined]
    ]


def test_list_and_report(qtbot: QtBot, world: World) -> None:
    view = open_view(qtbot, world)
    assert [view.model.row(r).number for r in range(view.model.rowCount())] == [3, 2, 1]
    assert cells(view.by_asset)[0][:4] == ["LAP-1", "ThinkPad T14", "2", "2"]
    assert cells(view.by_group) == [
        ["Service desk", "1", "1", "0", "2"],
        ["Infrastructure", "1", "0", "0", "1"],
    ]
    assert view.select_number(1)
    assert "Battery swells" in view.move_panel.summary.text()
    qtbot.waitUntil(lambda: "History" in view.move_panel.history.text(), timeout=10_000)
    assert "Tess Tech · new: Logged" in view.move_panel.history.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "incidents_view.png"))


def test_move_an_incident_to_resolved_by_clicking(qtbot: QtBot, world: World) -> None:
    fix = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech2",
            asset_tag="LAP-3",
            values={"notes": "keyboard replaced"},
            answers={"change_type": "Repair"},
            reason="keyboard swap",
        ),
    )
    view = open_view(qtbot, world)
    panel = view.move_panel
    combo = panel.assignee_combo
    qtbot.waitUntil(lambda: combo.findData("infra") >= 0, timeout=10_000)
    assert combo.itemText(combo.findData("infra")) == "Ivy Infra  ·  infra"  # as lists say
    view.select_number(3)
    assert [panel.target_combo.itemText(i) for i in range(panel.target_combo.count())] == [
        "Start work"
    ]
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(panel.move_button, Qt.MouseButton.LeftButton)
    view.select_number(3)
    assert panel.target_combo.currentText() == "Resolve"
    assert panel.root_cause_edit.isVisibleTo(panel)
    qtbot.mouseClick(panel.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Root cause is required" in panel.message.text(), timeout=10_000)
    qtbot.keyClicks(panel.root_cause_edit, "Coffee spilled")
    qtbot.keyClicks(panel.resolution_edit, "Keyboard replaced")
    qtbot.waitUntil(lambda: panel.fix_combo.count() == 2, timeout=10_000)
    assert "LAP-3" in panel.fix_combo.itemText(1)
    panel.fix_combo.setCurrentIndex(1)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(panel.move_button, Qt.MouseButton.LeftButton)
    with world.db.read() as s:
        detail = incident_detail(s, 3)
    assert (detail.row.status, detail.row.root_cause) == ("resolved", "Coffee spilled")
    assert detail.row.fixed_by_procedure_id == fix.procedure_id
    assert [e.to_status for e in detail.events] == ["new", "assigned", "in_progress", "resolved"]
    assert all(e.person == "Ivy Infra" for e in detail.events[2:])
    # Open only: the resolved incident left the list.
    assert [view.model.row(r).number for r in range(view.model.rowCount())] == [2, 1]


def test_without_a_signed_in_person_nothing_can_be_moved(qtbot: QtBot, world: World) -> None:
    view = open_view(qtbot, world, username="")
    view.select_number(2)
    assert not view.move_panel.move_button.isEnabled()
    assert "settings" in view.move_panel.message.text()


def test_list_model_passes_the_model_tester(qtmodeltester: object, world: World) -> None:
    model = IncidentListModel()
    with world.db.read() as s:
        model.set_rows(list_incidents(s))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
