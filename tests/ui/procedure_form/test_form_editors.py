"""The procedure form's editors (issue 13): dates typed key by key with separators land in
the date field as typed; the wheel does not change a pick list; a decommission proposes
the site's store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.settings import DATE_FORMAT, Settings
from desktop.storage.models import Location
from tests.factories import World
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.procedure_form.test_keyboard import focused, owns_focus, tab_to, type_
from ui.gui.procedure_form.requests import build_requests

FEB_15 = dt.date(2024, 2, 15)


@pytest.fixture
def date_format(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("ASSETDESK_SETTINGS", str(path))
    return Settings(path)


@pytest.mark.parametrize(
    ("display_format", "typed", "shown"),
    [
        ("yyyy-MM-dd", "2024-02-15", "2024-02-15"),
        ("yyyy-MM-dd", "2024/02/15", "2024-02-15"),
        ("dd/MM/yyyy", "15/02/2024", "15/02/2024"),
        ("dd/MM/yyyy", "2024-02-15", "15/02/2024"),
        ("dd.MM.yyyy", "15.02.2024", "15.02.2024"),
        ("MM/dd/yyyy", "02/15/2024", "02/15/2024"),
        ("MM/dd/yyyy", "2024-02-15", "02/15/2024"),
    ],
)
def test_a_typed_date_stays_in_its_field_and_is_read_as_typed(
    qtbot: QtBot,
    open_form: OpenForm,
    date_format: Settings,
    display_format: str,
    typed: str,
    shown: str,
) -> None:
    date_format.set(DATE_FORMAT, display_format)
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    date_editor = view.asset_editors["purchase_date"]
    cost_editor = view.asset_editors["purchase_cost"]
    tab_to(qtbot, date_editor.widget, limit=20)
    type_(qtbot, typed)  # key by key: the separators must not move the focus on
    assert owns_focus(date_editor.widget)
    assert date_editor.value() == FEB_15
    assert date_editor.problem() is None
    tab_to(qtbot, cost_editor.widget)
    assert cost_editor.value() is None  # nothing of the date spilled into the cost
    assert focused().property("text") in ("", None)
    assert date_editor.widget.property("text") == shown  # tidied to the display format
    assert date_editor.value() == FEB_15


def test_a_date_in_the_wrong_order_is_marked_not_changed(
    qtbot: QtBot, open_form: OpenForm, date_format: Settings
) -> None:
    date_format.set(DATE_FORMAT, "dd/MM/yyyy")
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editor = view.asset_editors["purchase_date"]
    tab_to(qtbot, editor.widget, limit=20)
    type_(qtbot, "02/15/2024")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert editor.value() is None
    assert editor.widget.property("text") == "02/15/2024"
    assert any("'02/15/2024' is not a date (day/month/year)" in p for p in dialog.problems())
    assert not dialog.ok_button.isEnabled()


def test_the_mouse_wheel_over_a_pick_list_scrolls_the_form_not_the_choice(
    qtbot: QtBot, open_form: OpenForm
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    supplier = view.asset_editors["supplier"].widget
    assert isinstance(supplier, QComboBox)
    assert not supplier.hasFocus()
    before = supplier.currentIndex()
    centre = QPointF(supplier.rect().center())
    wheel = QWheelEvent(
        centre,
        supplier.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(supplier, wheel)
    assert supplier.currentIndex() == before


def test_the_decommission_form_asks_where_the_asset_now_is_proposing_the_sites_store(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    with sqlite_world.db.write() as s:
        store = s.get(Location, sqlite_world.other_site_room)
        assert store is not None
        desk = reference.create_location(s, name="Branch desk 4", parent_id=store.parent_id)
        desk_id = desk.id
    sqlite_world.receive(tag="LAP-D1", values={"location": desk_id})
    sqlite_world.install("LAP-D1", location=desk_id)
    dialog = open_form(ProcedureKind.DECOMMISSION, ["LAP-D1"])
    assert dialog.view is not None
    location = dialog.view.asset_editors["location"]
    assert location.value() == sqlite_world.other_site_room  # "Branch store", not the desk
    (request,) = build_requests(dialog.view)
    assert request.values["location"] == sqlite_world.other_site_room
