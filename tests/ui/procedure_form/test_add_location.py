"""A location the register lacks, added from the form (``procedure_form.add_reference``).

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

from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset, Location
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.add_reference import AddChoiceOffer
from ui.gui.procedure_form.dialog import ProcedureDialog


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Typed by a person into ``widget`` (given the focus), then Tab."""
    widget.setFocus()
    qtbot.wait(120)  # a person's pause: not part of the typing before (scan detector)
    qtbot.keyClicks(widget, text)
    qtbot.wait(120)
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
    qtbot.waitUntil(lambda: not question.isVisible())
    form.activateWindow()  # as the window manager does when the question closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)


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
    qtbot.keyClick(window.view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.open_dialogs), timeout=10_000)
    form = window.open_dialogs[-1]
    assert isinstance(form, ProcedureDialog)
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    view = form.view
    assert view is not None
    _type(qtbot, view.asset_editors["category"].widget, "Laptop")
    _add_by_keyboard(qtbot, form.add_category)
    qtbot.waitUntil(lambda: view.asset_editors["category"].value() is not None, timeout=10_000)
    _type(qtbot, view.asset_editors["name"].widget, "Latitude 5440")
    location = view.asset_editors["location"]
    _type(qtbot, location.widget, "Store room")
    assert view.error_text("location") == "'Store room' is not a known location"
    offer = form.add_location
    assert offer is not None and offer.button.text() == "Add the location 'Store room'…"
    _add_by_keyboard(qtbot, offer)
    assert offer.question is not None
    assert offer.question.text() == "Add the location 'Store room' as a room?"
    qtbot.waitUntil(lambda: location.value() is not None, timeout=10_000)
    assert view.error_text("location") == ""
    assert not offer.button.isVisible()
    for check in list(view.checklist.values())[:2]:  # the two required ones
        check.setFocus()
        qtbot.keyClick(check, Qt.Key.Key_Space)
    qtbot.waitUntil(form.ok_button.isEnabled, timeout=5000)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form not in window.open_dialogs, timeout=10_000)
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
