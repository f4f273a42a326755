"""The incident form: scanning assets, template fields, validation shown, incident stored."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from desktop.services.incidents import incident_detail
from desktop.storage.database import Database
from desktop.storage.models import Incident
from tests.factories import World, seed_world
from tests.ui.windows import closed
from ui.gui.incidents import IncidentDialog

# Screens rendered by the tests, to look at: $ASSETDESK_SHOTS or the temporary folder.
SHOTS = Path(os.environ.get("ASSETDESK_SHOTS") or Path(tempfile.gettempdir()) / "assetdesk-shots")


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2"):
        world.receive(tag=tag)
    return world


def open_dialog(qtbot: QtBot, world: World, tags: tuple[str, ...] = ()) -> IncidentDialog:
    dialog = IncidentDialog(world.db, "tech", tags)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        dialog.show()
    return dialog


def incidents(world: World) -> int:
    with world.db.read() as s:
        return s.execute(select(func.count()).select_from(Incident)).scalar_one()


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


def test_scan_fill_and_log(qtbot: QtBot, world: World) -> None:
    dialog = open_dialog(qtbot, world, ("LAP-1",))
    # A scanner types the tag and Enter: the tag is added, the form is not submitted.
    qtbot.keyClicks(dialog.scan_edit, "lap-2")
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.scan_edit, "LAP-1")  # a second scan of the same asset
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
    assert dialog.asset_tags() == ["LAP-1", "lap-2"]
    assert dialog.isVisible()
    assert incidents(world) == 0

    title = dialog.inputs["title"]
    description = dialog.inputs["description"]
    assert isinstance(title, QLineEdit)
    assert isinstance(description, QPlainTextEdit)
    qtbot.keyClicks(title, "Docking station drops the network")
    qtbot.keyClicks(description, "Every few minutes since the firmware update.")
    # Keys typed at machine speed pass the scan detector first (a scan adds an asset
    # wherever the focus is); in a text field they are given back as typed.
    qtbot.waitUntil(lambda: title.text() == "Docking station drops the network")
    qtbot.waitUntil(
        lambda: description.toPlainText() == "Every few minutes since the firmware update."
    )
    choose(dialog.inputs["severity"], "Medium")  # type: ignore[arg-type]
    choose(dialog.inputs["routed_group"], "Infrastructure")  # type: ignore[arg-type]
    choose(dialog.inputs["users_affected"], "A team")  # type: ignore[arg-type]
    reporter = dialog.inputs["reported_by"]
    assert isinstance(reporter, QComboBox)
    assert reporter.currentText() == "Tess Tech  ·  tech"  # the signed-in person by default
    choose(reporter, "Una User")
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "incident_dialog.png"))
    with qtbot.waitSignal(dialog.logged, timeout=10_000) as logged:
        qtbot.mouseClick(dialog.log_button, Qt.MouseButton.LeftButton)
    assert not dialog.error_label.text()
    assert logged.args[0].number == 1
    with world.db.read() as s:
        detail = incident_detail(s, 1)
    assert detail.row.title == "Docking station drops the network"
    assert detail.row.asset_tags == ("LAP-1", "LAP-2")
    assert (detail.row.severity, detail.row.routed_group) == ("medium", "Infrastructure")
    assert detail.row.reported_by == "Una User"
    assert detail.answers == {"users_affected": "A team"}
    assert detail.template_name == "Report an incident"
    qtbot.waitUntil(lambda: closed(dialog))


def test_problems_are_shown_beside_the_form_and_nothing_is_stored(
    qtbot: QtBot, world: World
) -> None:
    dialog = open_dialog(qtbot, world)
    qtbot.keyClicks(dialog.scan_edit, "NOPE-42")
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10_000)
    text = dialog.error_label.text()
    assert "Title is required" in text
    assert "Description is required" in text
    assert "Route to group is required" in text
    assert "Severity is required" in text
    assert "no asset with the tag 'NOPE-42'" in text
    assert "#b00020" in dialog.inputs["title"].styleSheet()
    assert "#b00020" in dialog.asset_list.styleSheet()
    dialog.grab().save(str(SHOTS / "incident_dialog_errors.png"))
    assert incidents(world) == 0
    assert dialog.isVisible()


def test_remove_an_asset_with_the_keyboard(qtbot: QtBot, world: World) -> None:
    dialog = open_dialog(qtbot, world, ("LAP-1", "LAP-2"))
    dialog.asset_list.setCurrentRow(0)
    dialog.asset_list.setFocus()
    qtbot.keyClick(dialog.asset_list, Qt.Key.Key_Delete)
    assert dialog.asset_tags() == ["LAP-2"]


def test_a_database_without_groups_says_so_before_the_form_is_filled(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    """A register imported from Snipe-IT has no groups: the required "Route to group"
    offered nothing and the form said only "Route to group is required" after Log
    incident (found by a new user). It now says where groups are made, at once."""
    dialog = IncidentDialog(sqlite_db, "tech")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        dialog.show()
    group = dialog.inputs["routed_group"]
    assert isinstance(group, QComboBox)
    assert [group.itemText(i) for i in range(group.count())] == ["No groups yet"]
    assert dialog.error_label.isVisible()
    assert "Data › Groups" in dialog.error_label.text()


def test_with_groups_the_form_opens_without_a_message(qtbot: QtBot, world: World) -> None:
    dialog = open_dialog(qtbot, world)
    assert not dialog.error_label.isVisible()
