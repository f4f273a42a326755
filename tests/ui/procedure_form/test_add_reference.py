"""Reference data the register lacks, added from the form (``procedure_form.add_reference``).

A field technician on a brand-new local file, no user set, received the first laptop by
keyboard: the category could be added from the form, but Location, also required, said
"'Store room' is not a known location" and "add one in Data › Locations" behind the
modal form — the only way on was to discard everything typed (newuser18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset, Location, Person
from tests.factories import RECEIVE_CHECKLIST
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import show_window
from tests.ui.windows import closed
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.add_reference import AddChoiceOffer
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.form_view import FormView


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Typed by a person into ``widget`` (given the focus), then Tab."""
    widget.setFocus()
    qtbot.wait(120)  # a person's pause: not part of the typing before (scan detector)
    qtbot.keyClicks(widget, text)
    qtbot.wait(120)
    if QApplication.activeWindow() is not widget.window():  # a completer's list came and went
        widget.window().activateWindow()  # (as the window manager gives it back)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
    qtbot.keyClick(QApplication.focusWidget() or widget, Qt.Key.Key_Tab)


def _add_by_keyboard(qtbot: QtBot, offer: AddChoiceOffer | None) -> None:
    """Tab from the field has reached the offer: Space, then Enter on the question."""
    assert offer is not None
    qtbot.waitUntil(offer.button.hasFocus, timeout=5000)
    qtbot.wait(120)
    qtbot.keyClick(offer.button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: offer.question is not None and offer.question.isVisible())
    question = offer.question
    assert question is not None
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Add it is the default
    form = question.parentWidget()
    assert form is not None
    qtbot.waitUntil(lambda: closed(question))
    form.activateWindow()  # as the window manager does when the question closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)


def _open_form(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> tuple[ProcedureDialog, FormView]:
    """Ctrl+``key`` in the register: the form it opens, once ready."""
    qtbot.keyClick(window.view.table, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.open_dialogs), timeout=10_000)
    form = window.open_dialogs[-1]
    assert isinstance(form, ProcedureDialog)
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    assert form.view is not None
    return form, form.view


def _tick_and_record(qtbot: QtBot, window: MainWindow, form: ProcedureDialog) -> None:
    """The form's two required checklist items ticked with Space, then Ctrl+Enter."""
    assert form.view is not None
    for check in list(form.view.checklist.values())[:2]:
        check.setFocus()
        qtbot.keyClick(check, Qt.Key.Key_Space)
    qtbot.waitUntil(form.ok_button.isEnabled, timeout=5000)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form not in window.open_dialogs, timeout=10_000)


def test_a_first_receive_adds_its_location_from_the_form_by_keyboard(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "field")
    window = MainWindow(
        sqlite_db, Settings(tmp_path / "settings.ini"), layout_state=LayoutState(tmp_path / "l")
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.view.user_label.text() == "Signed in as field", timeout=10_000)
    form, view = _open_form(qtbot, window, Qt.Key.Key_N)
    _type(qtbot, view.asset_editors["category"].widget, "Laptop")
    _add_by_keyboard(qtbot, form.add_category)
    qtbot.waitUntil(lambda: view.asset_editors["category"].value() is not None, timeout=10_000)
    _type(qtbot, view.asset_editors["name"].widget, "Latitude 5440")
    location = view.asset_editors["location"]
    _type(qtbot, location.widget, "Store room")
    assert view.error_text("location") == "'Store room' is not a known location"
    offer = form.add_offers.get("location")
    assert offer is not None and offer.button.text() == "Add the location 'Store room'…"
    _add_by_keyboard(qtbot, offer)
    assert offer.question is not None
    assert offer.question.text() == "Add the location 'Store room' as a room?"
    qtbot.waitUntil(lambda: location.value() is not None, timeout=10_000)
    assert view.error_text("location") == ""
    assert not offer.button.isVisible()
    _tick_and_record(qtbot, window, form)
    with sqlite_db.read() as session:
        asset = session.execute(select(Asset)).scalar_one()
        room = session.get(Location, asset.location_id)
        assert room is not None
        assert (asset.tag, asset.name, room.name, room.kind) == (
            "LAP-000001",
            "Latitude 5440",
            "Store room",
            "room",
        )
    window.close()


def test_an_install_on_a_new_register_adds_the_person_it_is_assigned_to(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """Install asked for "an assignee or an owning group" that a new register had neither
    of, and "'Maria Lopez' is not a known person" had no way on but Data › People."""
    with sqlite_db.write() as session:
        reference.create_person(
            session, name="Field", username="field", roles=["technician", "administrator"]
        )
        # Her user name is taken, twice (case ignored), by people of other names.
        reference.create_person(session, name="M. Lopez", username="maria.lopez")
        reference.create_person(session, name="Other", username="Maria.Lopez2")
        laptop = reference.create_category(session, name="Laptop", tag_prefix="LAP")
        room = reference.create_location(session, name="Store room", kind="room")
        category_id, room_id = laptop.id, room.id
    record_procedure(
        sqlite_db,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="field",
            values={
                "tag": "LAP-000001",
                "name": "HP",
                "category": category_id,
                "location": room_id,
            },
            checklist=RECEIVE_CHECKLIST,
        ),
    )
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "field")
    window = show_window(qtbot, sqlite_db, settings, tmp_path / "l.ini")
    window.view.table.setFocus()
    HidScanner(qtbot).scan("LAP-000001")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-000001"])
    form, view = _open_form(qtbot, window, Qt.Key.Key_I)
    assignee = view.asset_editors["assigned_to"]
    _type(qtbot, assignee.widget, "Maria Lopez")
    offer = form.add_offers.get("assigned_to")
    assert offer is not None
    _add_by_keyboard(qtbot, offer)
    assert offer.question is not None
    assert offer.question.text() == "Add the person 'Maria Lopez' with the user name maria.lopez?"
    qtbot.waitUntil(lambda: assignee.value() is not None, timeout=10_000)
    _tick_and_record(qtbot, window, form)
    with sqlite_db.read() as session:
        asset = session.execute(select(Asset)).scalar_one()
        person = session.get(Person, asset.assigned_to_id)
        assert person is not None
        assert (asset.status, person.name, person.username, person.roles) == (
            AssetStatus.IN_SERVICE,
            "Maria Lopez",
            "maria.lopez3",
            [],
        )
    window.close()
