"""A model the register lacks, added from the form with its manufacturer
(``procedure_form.add_model``).

On a new register, typing "ThinkPad T14 Gen 4" in Model said "'…' is not a known model"
and offered nothing, while Category, Location, Person and Group offered to add what was
typed (newuser21)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset, AssetModel, Category, Location, Manufacturer
from tests.factories import RECEIVE_CHECKLIST
from tests.journeys.hid_scanner import HidScanner
from tests.ui.gui.conftest import show_window
from tests.ui.procedure_form.test_add_reference import _open_form, _tick_and_record, _type
from tests.ui.windows import closed
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.add_model import AddModelOffer, ModelQuestion, split_maker
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.form_view import FormView


def _register(database: Database, roles: list[str]) -> None:
    """Solo, with ``roles``, and an administrator (a register without one lets anyone
    edit its reference data)."""
    with database.write() as session:
        reference.create_person(session, name="Solo", username="solo", roles=roles)
        reference.create_person(session, name="Ada", username="ada", roles=["administrator"])
        reference.create_category(session, name="Laptop", tag_prefix="LAP")
        reference.create_location(session, name="Room 101", kind="room")
        reference.create_manufacturer(session, name="Lenovo")
        reference.create_manufacturer(session, name="HP")


def _window(qtbot: QtBot, database: Database, tmp_path: Path) -> MainWindow:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "solo")
    return show_window(qtbot, database, settings, tmp_path / "l.ini")


def _receive(qtbot: QtBot, window: MainWindow) -> tuple[ProcedureDialog, FormView]:
    form, view = _open_form(qtbot, window, Qt.Key.Key_N)
    _type(qtbot, view.asset_editors["category"].widget, "Laptop")
    _type(qtbot, view.asset_editors["location"].widget, "Room 101")
    return form, view


def _ask(qtbot: QtBot, form: ProcedureDialog, model: str) -> ModelQuestion:
    """``model`` typed in Model, then Tab to the offer and Space: its question."""
    assert form.view is not None
    _type(qtbot, form.view.asset_editors["model"].widget, model)
    offer = form.add_offers.get("model")
    assert isinstance(offer, AddModelOffer)
    assert offer.button.text() == f"Add the model '{model}'…"
    qtbot.waitUntil(offer.button.hasFocus, timeout=5000)
    qtbot.wait(120)
    qtbot.keyClick(offer.button, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: offer.model_question is not None and offer.model_question.isVisible(),
        timeout=10_000,
    )
    question = offer.model_question
    assert question is not None
    question.activateWindow()  # as the window manager gives it the keyboard
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question, timeout=5000)
    return question


def _answer(qtbot: QtBot, question: ModelQuestion, key: Qt.Key, alt: bool = False) -> None:
    modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(QApplication.focusWidget() or question, key, modifier)
    qtbot.waitUntil(lambda: closed(question) or not question.isVisible(), timeout=5000)
    form = question.parentWidget()
    assert form is not None
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=5000)


def _models(database: Database) -> list[tuple[str, str]]:
    with database.read() as session:
        rows = session.execute(
            select(Manufacturer.name, AssetModel.name).join(AssetModel.manufacturer)
        )
        return sorted((maker, name) for maker, name in rows)


def test_split_maker() -> None:
    makers = ["HP", "HP Inc", "Lenovo"]
    assert split_maker("lenovo ThinkPad T14", makers) == ("Lenovo", "ThinkPad T14")
    assert split_maker("HP Inc EliteBook", makers) == ("HP Inc", "EliteBook")
    assert split_maker("HPE ProLiant", makers) == ("", "HPE ProLiant")
    assert split_maker("ThinkPad T14 Gen 4", makers) == ("", "ThinkPad T14 Gen 4")


def test_a_receive_adds_its_model_with_a_known_manufacturer_and_is_named_after_it(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    _register(sqlite_db, ["administrator", "technician"])
    window = _window(qtbot, sqlite_db, tmp_path)
    form, view = _receive(qtbot, window)
    question = _ask(qtbot, form, "Lenovo ThinkPad T14")
    # Lenovo starts the typed text: filled in, the rest is the model's name.
    assert (question.maker.currentText(), question.name.text()) == ("Lenovo", "ThinkPad T14")
    assert question.question.text() == "Add the model 'Lenovo ThinkPad T14'?"
    assert question.cancel.isDefault()
    _answer(qtbot, question, Qt.Key.Key_Return)  # Enter out of habit: Cancel, nothing added
    assert question.result() == 0
    assert _models(sqlite_db) == []
    assert view.asset_editors["model"].value() is None

    offer = form.add_offers["model"]
    assert isinstance(offer, AddModelOffer)
    offer.button.setFocus()
    qtbot.wait(1200)  # a pause: not typing on from the field
    qtbot.keyClick(offer.button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: offer.model_question is not question, timeout=10_000)
    again = offer.model_question
    assert isinstance(again, ModelQuestion)
    qtbot.waitUntil(again.isVisible, timeout=5000)
    again.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again, timeout=5000)
    _answer(qtbot, again, Qt.Key.Key_A, alt=True)  # Alt+A: Add it
    model = view.asset_editors["model"]
    qtbot.waitUntil(lambda: model.value() is not None, timeout=10_000)
    assert view.error_text("model") == ""
    assert not offer.button.isVisible()
    assert _models(sqlite_db) == [("Lenovo", "ThinkPad T14")]
    _tick_and_record(qtbot, window, form)  # Name left empty: named after the model
    with sqlite_db.read() as session:
        asset = session.execute(select(Asset)).scalar_one()
        assert (asset.name, asset.model_id is not None) == ("Lenovo ThinkPad T14", True)
    window.close()


def test_a_new_manufacturer_is_typed_in_the_question(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """No known manufacturer starts "ThinkPad T14 Gen 4": Add it waits for one, which is
    never "Unknown manufacturer" (the asset would be named after it)."""
    _register(sqlite_db, ["administrator", "technician"])
    window = _window(qtbot, sqlite_db, tmp_path)
    form, view = _receive(qtbot, window)
    question = _ask(qtbot, form, "ThinkPad T14 Gen 4")
    assert (question.maker.currentText(), question.name.text()) == ("", "ThinkPad T14 Gen 4")
    assert not question.add.isEnabled()
    assert question.question.text() == "Add a model: which manufacturer makes it?"
    assert question.maker.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Lenovo Group")
    assert question.question.text() == "Add the model 'Lenovo Group ThinkPad T14 Gen 4'?"
    assert question.details.text().startswith("'Lenovo Group' is a new manufacturer")
    _answer(qtbot, question, Qt.Key.Key_A, alt=True)
    model = view.asset_editors["model"]
    qtbot.waitUntil(lambda: model.value() is not None, timeout=10_000)
    assert _models(sqlite_db) == [("Lenovo Group", "ThinkPad T14 Gen 4")]
    combo = view.asset_editors["model"].widget
    assert isinstance(combo, QComboBox)
    assert combo.currentText().startswith("Lenovo Group ThinkPad T14 Gen 4")
    _tick_and_record(qtbot, window, form)
    with sqlite_db.read() as session:
        assert session.execute(select(Asset.name)).scalar_one() == (
            "Lenovo Group ThinkPad T14 Gen 4"
        )
    window.close()


def test_a_technician_is_told_why_the_model_was_not_added(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """Only someone who may edit reference data adds a model, as with the other offers."""
    _register(sqlite_db, ["technician"])
    window = _window(qtbot, sqlite_db, tmp_path)
    form, view = _receive(qtbot, window)
    question = _ask(qtbot, form, "HP EliteBook 840")
    assert (question.maker.currentText(), question.name.text()) == ("HP", "EliteBook 840")
    _answer(qtbot, question, Qt.Key.Key_A, alt=True)
    qtbot.waitUntil(lambda: view.error_text("model").startswith("Not added:"), timeout=10_000)
    assert "may not change" in view.error_text("model"), view.error_text("model")
    assert view.asset_editors["model"].value() is None
    assert _models(sqlite_db) == []
    qtbot.waitUntil(lambda: not form.is_busy(), timeout=5000)
    form.discard()
    window.close()


def test_a_change_adds_the_model_an_asset_was_missing(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """Change (Ctrl+E) offers it too: the model is recorded on the asset, whose name
    stays its own."""
    _register(sqlite_db, ["administrator", "technician"])
    with sqlite_db.read() as session:
        laptop = session.execute(select(Category.id)).scalar_one()
        room = session.execute(select(Location.id)).scalar_one()
    record_procedure(
        sqlite_db,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="solo",
            values={"tag": "LAP-000001", "name": "Spare", "category": laptop, "location": room},
            checklist=RECEIVE_CHECKLIST,
        ),
    )
    window = _window(qtbot, sqlite_db, tmp_path)
    window.view.table.setFocus()
    HidScanner(qtbot).scan("LAP-000001")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-000001"])
    form, view = _open_form(qtbot, window, Qt.Key.Key_E)
    qtbot.keyClick(QApplication.focusWidget() or form, Qt.Key.Key_O)  # Type of change: Other
    question = _ask(qtbot, form, "HP ProBook 450 G10")
    assert (question.maker.currentText(), question.name.text()) == ("HP", "ProBook 450 G10")
    _answer(qtbot, question, Qt.Key.Key_A, alt=True)
    qtbot.waitUntil(lambda: view.asset_editors["model"].value() is not None, timeout=10_000)
    qtbot.waitUntil(form.ok_button.isEnabled, timeout=5000)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form not in window.open_dialogs, timeout=10_000)
    with sqlite_db.read() as session:
        asset = session.execute(select(Asset)).scalar_one()
        model = session.get(AssetModel, asset.model_id)
        assert model is not None
        assert (asset.name, model.manufacturer.name, model.name) == (
            "Spare",
            "HP",
            "ProBook 450 G10",
        )
    window.close()
