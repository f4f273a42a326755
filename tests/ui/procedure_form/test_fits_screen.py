"""The procedure form fits small screens (1280 × 720 and 1024 × 700): Record, Cancel and
"still needed" stay in view, nothing scrolls sideways, long labels wrap; an empty required
field is marked beside the field; Escape asks before entries are thrown away."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.queries import asset_detail, count_assets
from tests.factories import World
from tests.journeys.hid_scanner import type_as_a_person, typing_reached_its_field
from tests.ui.procedure_form.conftest import OpenForm
from tests.ui.windows import closed
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.form_view import LABEL_WIDTH, TWO_COLUMNS_WIDTH

SIZES = [(1280, 720), (1024, 700)]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _open(open_form: OpenForm, world: World, kind: ProcedureKind) -> ProcedureDialog:
    if kind is ProcedureKind.RECEIVE:
        return open_form(kind)
    world.receive(tag="LAP-1")
    if kind is ProcedureKind.DECOMMISSION:
        world.install("LAP-1")
    return open_form(kind, ["LAP-1"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "kind", [ProcedureKind.RECEIVE, ProcedureKind.INSTALL, ProcedureKind.DECOMMISSION]
)
def test_the_form_fits_the_screen(
    qtbot: QtBot,
    open_form: OpenForm,
    sqlite_world: World,
    kind: ProcedureKind,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    dialog = _open(open_form, sqlite_world, kind)
    dialog.resize(*size)
    qtbot.waitUntil(lambda: dialog.size().width() == size[0] and dialog.height() == size[1])
    view = dialog.view
    assert view is not None
    window = dialog.rect()
    # Record, Cancel and what is still needed are inside the window and not covered.
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    for widget in (dialog.ok_button, cancel, dialog.status_label):
        assert widget.isVisible()
        assert window.contains(_rect_in(widget, dialog)), widget
        assert not widget.visibleRegion().isEmpty()
    assert dialog.status_label.text().startswith(("⚠ Still needed", "Ready"))
    # Nothing scrolls sideways: the form is no wider than the scroll area's viewport.
    viewport = dialog.scroll_area.viewport()
    assert not dialog.scroll_area.horizontalScrollBar().isVisible()
    assert view.minimumSizeHint().width() <= viewport.width()
    assert view.width() <= viewport.width()
    # Every field's label has the one width and wraps.
    labels = [
        label
        for label in view.findChildren(QLabel)
        if type(label) is QLabel and label.buddy() is not None and label.isVisibleTo(view)
    ]
    assert labels
    for label in labels:
        assert label.wordWrap() and label.width() == LABEL_WIDTH, label.text()
    dialog.grab().save(str(tmp_path / f"{kind.value}-{size[0]}x{size[1]}.png"))


def test_a_long_label_wraps_onto_a_second_line(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = _open(open_form, sqlite_world, ProcedureKind.DECOMMISSION)
    dialog.resize(1024, 700)
    view = dialog.view
    assert view is not None
    editor = view.answer_editors["storage_serials"]
    label = next(
        lbl for lbl in view.findChildren(type(dialog.status_label)) if lbl.buddy() is editor.widget
    )
    assert label.text() == "Serial numbers of the sanitised drives:"
    line = label.fontMetrics().height()
    qtbot.waitUntil(lambda: label.height() >= 2 * line)
    assert label.fontMetrics().horizontalAdvance(label.text()) > LABEL_WIDTH
    # The wrapped label sits beside its field, left of it and level with it.
    label_rect = _rect_in(label, view)
    field_rect = _rect_in(editor.widget, view)
    assert label_rect.right() < field_rect.left()
    assert label_rect.top() <= field_rect.center().y() <= label_rect.bottom()


def test_a_required_field_left_empty_is_marked_beside_the_field(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = _open(open_form, sqlite_world, ProcedureKind.DECOMMISSION)
    dialog.resize(1024, 700)
    view = dialog.view
    assert view is not None
    method = view.answer_editors["sanitisation_method"].widget
    evidence = view.answer_editors["evidence_reference"].widget
    assert view.error_text("sanitisation_method") == ""
    # Tab into the method and on without choosing one: it is marked as the focus leaves.
    method.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is method)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is evidence
    assert view.error_text("sanitisation_method") == "Data sanitisation method is required"
    marker = view.error_label("sanitisation_method")
    assert marker is not None and marker.isVisible()
    marker_rect, field_rect = _rect_in(marker, view), _rect_in(method, view)
    assert marker_rect.top() >= field_rect.bottom() and marker_rect.left() == field_rect.left()
    # Ctrl+Enter on an unfinished form marks every field still needed and goes to the first.
    assert view.error_text("evidence_reference") == ""
    with qtbot.assertNotEmitted(dialog.recorded):
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.error_text("evidence_reference") == "Sanitisation evidence reference is required"
    assert view.error_text("accounts_removed").startswith("Checklist: Removed from directory")
    assert QApplication.focusWidget() is method
    assert dialog.status_label.text().startswith("⚠ Still needed")
    # Typing the evidence takes its mark away; the others stay until they are done.
    evidence.setFocus()
    type_as_a_person(qtbot, evidence, "WIPE-7")
    assert view.error_text("evidence_reference") == ""
    assert view.error_text("sanitisation_method") == "Data sanitisation method is required"
    qtbot.keyClick(view.checklist["accounts_removed"], Qt.Key.Key_Space)
    typing_reached_its_field(qtbot)  # a single key is held ~50 ms (a scan's start?)
    assert view.error_text("accounts_removed") == ""


def test_escape_on_an_untouched_form_just_closes(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = _open(open_form, sqlite_world, ProcedureKind.INSTALL)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert dialog.discard_box is None
    qtbot.waitUntil(lambda: closed(dialog))


def test_escape_on_a_form_with_entries_asks_before_discarding(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    dialog = _open(open_form, sqlite_world, ProcedureKind.DECOMMISSION)
    view = dialog.view
    assert view is not None
    evidence = view.answer_editors["evidence_reference"].widget
    evidence.setFocus()
    type_as_a_person(qtbot, evidence, "WIPE-2026-7")
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.text() == "Discard what you entered on this form?"
    assert dialog.isVisible()
    # Escape on the question (or "Keep editing") goes back to the form, entries intact.
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.discard_box is None)
    assert dialog.isVisible() and view.answer_editors["evidence_reference"].value() == "WIPE-2026-7"
    # Escape again, and Discard: the form closes and nothing is recorded.
    evidence.setFocus()
    with qtbot.assertNotEmitted(dialog.recorded):
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
        box = dialog.discard_box
        assert box is not None
        qtbot.waitUntil(box.isVisible)
        qtbot.waitUntil(box.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(dialog))
    with sqlite_world.db.read() as session:
        assert asset_detail(session, tag="LAP-1").row.status == "in_service"
        assert count_assets(session) == 1


def test_the_checklist_stands_beside_the_fields_when_the_form_is_wide(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    """Wide enough, the checklist and the risk panel make a second column at the top (in
    view as the form opens); narrowed, they go back below the fields, and neither way does
    the form ask for more width than it has (nothing scrolls sideways)."""
    dialog = _open(open_form, sqlite_world, ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    first = next(iter(view.checklist.values()))
    tag = view.asset_editors["tag"].widget
    notes = view.asset_editors["notes"].widget
    dialog.resize(1220, 660)  # a 1280 × 720 screen
    qtbot.waitUntil(lambda: view.two_columns and first.isVisible())
    qtbot.waitUntil(lambda: _rect_in(first, view).top() < _rect_in(tag, view).bottom())
    assert _rect_in(first, view).left() > _rect_in(notes, view).right()
    viewport = dialog.scroll_area.viewport()
    assert viewport.rect().contains(_rect_in(first, viewport))
    assert view.minimumSizeHint().width() <= TWO_COLUMNS_WIDTH
    dialog.resize(760, 660)
    qtbot.waitUntil(lambda: not view.two_columns)
    qtbot.waitUntil(lambda: _rect_in(first, view).top() > _rect_in(notes, view).bottom())
    assert view.minimumSizeHint().width() <= viewport.width()
    assert not dialog.scroll_area.horizontalScrollBar().isVisible()
    # The tab order is the same either way: from the last field on to the checklist.
    dialog.resize(1220, 660)
    qtbot.waitUntil(lambda: view.two_columns)
    last = list(view.all_editors().values())[-1].widget
    last.setFocus()
    qtbot.waitUntil(lambda: last.hasFocus() or last.isAncestorOf(focused()))
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first
