"""A technician fills in the procedure form with the keyboard only."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.queries import asset_detail, count_assets
from desktop.services.reference import create_location
from tests.factories import World
from tests.journeys.hid_scanner import HidScanner, type_as_a_person, typing_reached_its_field
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.windows import closed
from ui.gui.procedure_form.editors import ReferenceEditor


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def owns_focus(target: QWidget) -> bool:
    widget = QApplication.focusWidget()
    return widget is not None and (widget is target or target.isAncestorOf(widget))


def tab_to(qtbot: QtBot, target: QWidget, limit: int = 12) -> None:
    """Press Tab until ``target`` has the focus (it must come later in the tab order)."""
    for _ in range(limit):
        if owns_focus(target):
            return
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert owns_focus(target), f"Tab never reached {target}"


def type_(qtbot: QtBot, text: str) -> None:
    type_as_a_person(qtbot, focused(), text)


def test_receive_filled_by_keyboard_is_recorded_with_its_history(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editors = view.asset_editors
    assert owns_focus(editors["tag"].widget)  # the first field has the focus
    type_(qtbot, "LAP-900001")
    tab_to(qtbot, editors["name"].widget)
    type_(qtbot, "ThinkPad T14 Gen 5 - Una")
    tab_to(qtbot, editors["category"].widget)
    type_(qtbot, "Laptop")
    tab_to(qtbot, editors["serial_number"].widget)
    type_(qtbot, "PF4XK2Q1")
    tab_to(qtbot, editors["location"].widget)
    type_(qtbot, "Room A1")
    tab_to(qtbot, editors["purchase_cost"].widget)
    type_(qtbot, "1,299.50")
    tab_to(qtbot, view.custom_editors["custom.ram_gb"].widget, limit=20)
    type_(qtbot, "32")
    for key in ("inspected", "contents_match"):
        tab_to(qtbot, view.checklist[key], limit=20)
        qtbot.keyClick(focused(), Qt.Key.Key_Space)
        typing_reached_its_field(qtbot)  # a single key is held ~50 ms (a scan's start?)
    assert dialog.ok_button.isEnabled(), dialog.problems()

    with qtbot.waitSignal(dialog.recorded, timeout=20_000) as recorded:
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (outcome,) = recorded.args[0]
    assert outcome.asset_tag == "LAP-900001"
    assert not dialog.isVisible()
    with sqlite_world.db.read() as session:
        detail = asset_detail(session, tag="lap-900001")
    assert detail.row.name == "ThinkPad T14 Gen 5 - Una"
    assert detail.row.category == "Laptop"
    assert detail.row.location == "Room A1"
    assert str(detail.row.purchase_cost) == "1299.50"
    assert detail.custom_fields == {"ram_gb": 32}
    (entry,) = detail.history
    assert (entry.kind, entry.performed_by_username, entry.origin) == ("receive", "tech", "gui")
    assert entry.answers["checklist.inspected"] is True
    assert entry.answers["checklist.labelled"] is False


def test_escape_cancels_and_records_nothing(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    type_(qtbot, "LAP-900002")
    with qtbot.assertNotEmitted(dialog.recorded):
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
        # Entries would be lost: the form asks first (see test_fits_screen for the rest).
        box = dialog.discard_box
        assert box is not None
        qtbot.waitUntil(box.isVisible)
        box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: closed(dialog))
    with sqlite_world.db.read() as session:
        assert count_assets(session) == 0


def test_empty_date_starts_from_today_and_delete_empties_it(
    qtbot: QtBot, open_form: OpenForm
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    assert dialog.view is not None
    editor = dialog.view.asset_editors["warranty_end"]
    assert editor.value() is None
    editor.widget.setFocus()
    qtbot.keyClick(editor.widget, Qt.Key.Key_Up)
    assert editor.value() is not None
    qtbot.keyClick(editor.widget, Qt.Key.Key_Delete)
    assert editor.value() is None


def test_receive_of_a_scanned_tag_starts_with_the_tag(qtbot: QtBot, open_form: OpenForm) -> None:
    """Opened on a scanned tag, the form waits in the serial number: a technician scanned
    the new laptop's serial next and it went into Name (the first empty field) as typed."""
    dialog = open_form(ProcedureKind.RECEIVE, ["MON-004711"])
    assert dialog.view is not None
    editors = dialog.view.asset_editors
    assert editors["tag"].value() == "MON-004711"
    assert owns_focus(editors["serial_number"].widget)
    HidScanner(qtbot).scan("CN0FB9ZUL2ZN")
    qtbot.waitUntil(lambda: editors["serial_number"].value() == "CN0FB9ZUL2ZN")
    assert editors["name"].value() == ""


def test_plain_enter_moves_on_instead_of_submitting(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = open_form(ProcedureKind.RECEIVE)
    assert dialog.view is not None
    with qtbot.assertNotEmitted(dialog.recorded):
        type_as_a_person(qtbot, focused(), "LAP-77")
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # a scanner ends the tag with Enter
    assert owns_focus(dialog.view.asset_editors["name"].widget)
    assert dialog.isVisible()


def test_receive_without_a_name_is_named_after_its_model(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """As on the command line and in an import: an empty Name takes the model's (with its
    maker, not said twice), and the form says so before anything is typed."""
    from desktop.services.reference import create_manufacturer, create_model

    with sqlite_world.db.write() as session:
        lenovo = create_manufacturer(session, name="Lenovo")
        create_model(session, manufacturer=lenovo, name="ThinkPad T14 Gen 5")
        create_model(session, manufacturer=lenovo, name="Lenovo Tab M10")
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    editors = view.asset_editors
    assert editors["name"].widget.property("placeholderText") == "empty: named after its model"
    type_(qtbot, "LAP-900002")
    tab_to(qtbot, editors["category"].widget)
    # Left empty as its placeholder says it may be: not marked "Name is required" (the
    # Model below names it; Record says what is missing if neither is given).
    assert view.error_text("name") == ""
    type_(qtbot, "Laptop")
    tab_to(qtbot, editors["location"].widget)
    type_(qtbot, "Room A1")
    for key in ("inspected", "contents_match"):
        tab_to(qtbot, view.checklist[key], limit=20)
        qtbot.keyClick(focused(), Qt.Key.Key_Space)
        typing_reached_its_field(qtbot)
    assert not dialog.ok_button.isEnabled()  # neither a name nor a model
    assert "Name is required (or choose a Model: it names the asset)" in dialog.problems()
    editors["model"].widget.setFocus()
    type_(qtbot, "Lenovo ThinkPad T14 Gen 5")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert dialog.ok_button.isEnabled(), dialog.problems()

    with qtbot.waitSignal(dialog.recorded, timeout=20_000):
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with sqlite_world.db.read() as session:
        detail = asset_detail(session, tag="LAP-900002")
    assert detail.row.name == "Lenovo ThinkPad T14 Gen 5"
    assert detail.row.model == "ThinkPad T14 Gen 5"


def install_form_on_location(qtbot: QtBot, open_form: OpenForm, world: World) -> ReferenceEditor:
    """An Install form for a new LAP-1, the focus moved back to its location by Shift+Tab."""
    world.receive(tag="LAP-1")
    dialog = open_form(ProcedureKind.INSTALL, ["LAP-1"])
    assert dialog.view is not None
    location = dialog.view.asset_editors["location"]
    assert isinstance(location, ReferenceEditor)
    for _ in range(6):  # the form starts on Assigned to; Shift+Tab goes back a field
        if owns_focus(location.widget):
            break
        qtbot.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert owns_focus(location.widget)
    return location


def test_a_pick_list_finds_an_accented_name_typed_without_its_accents(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """The register's search finds "Zürich office" for "zurich"; the form's pick lists
    offered nothing for it and refused "zurich office" (found by the new user)."""
    with sqlite_world.db.write() as session:
        zurich = create_location(
            session,
            name="Zürich office",
            kind="room",
            parent_id=sqlite_world.building,
            code="ZRH-1",
        ).id
    location = install_form_on_location(qtbot, open_form, sqlite_world)
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_Delete)  # the asset's current room goes
    type_(qtbot, "zurich")
    completer = location.combo.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    offered = completer.completionModel()
    shown = [str(offered.index(r, 0).data()) for r in range(offered.rowCount())]
    assert shown == ["Head office › Building A › Zürich office  ·  ZRH-1"], shown
    popup.hide()
    type_(qtbot, " office")  # the whole name, still without its accent, then on
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert location.problem() is None
    assert location.value() == zurich


def test_a_room_s_number_typed_alone_names_it_when_only_one_room_has_it(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """ "A0.10" typed for "A0.10 IT store" (code LON-A0.10) and Enter said it is not a
    known location, though only one location has that number (found by the new user):
    the room's number before its description and a code's part after its prefix name it.
    A number two rooms share names neither."""
    with sqlite_world.db.write() as session:
        store = create_location(
            session, name="A0.10 IT store", kind="room", parent_id=sqlite_world.building,
            code="LON-A0.10",
        ).id  # fmt: skip
        create_location(
            session, name="A0.11 IT workshop", kind="room", parent_id=sqlite_world.building,
            code="LON-A0.11",
        )  # fmt: skip
        create_location(
            session, name="B2 store", kind="room", parent_id=sqlite_world.building, code="X-B2"
        )
        create_location(
            session, name="B2 open office", kind="room", parent_id=sqlite_world.building
        )
    location = install_form_on_location(qtbot, open_form, sqlite_world)
    for typed, expected in (("a0.10", store), ("A0.1", None), ("b2", None)):
        qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(focused(), Qt.Key.Key_Delete)
        type_(qtbot, typed)
        completer = location.combo.completer()
        assert completer is not None
        popup = completer.popup()
        if popup is not None:
            popup.hide()
        typing_reached_its_field(qtbot)
        assert location.value() == expected, typed
        if expected is None:
            assert location.problem() == f"'{typed}' is not a known location"
        else:
            assert location.problem() is None


def test_a_decommission_opens_on_its_method_not_on_the_notes(
    open_form: OpenForm, sqlite_world: World
) -> None:
    """The Decommission and Dispose forms opened with the cursor in Notes, above the
    method and evidence they need (newuser4)."""
    sqlite_world.receive(tag="LAP-D1")
    sqlite_world.install("LAP-D1")
    dialog = open_form(ProcedureKind.DECOMMISSION, ["LAP-D1"])
    assert dialog.view is not None
    assert owns_focus(dialog.view.answer_editors["sanitisation_method"].widget)
