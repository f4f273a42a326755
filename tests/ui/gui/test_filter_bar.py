"""The filters above the table: each one narrows the register in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox

from desktop.services.queries import AssetFilter
from desktop.services.reference import create_person
from tests.ui.gui.conftest import Register
from tests.ui.keys import press_key, the_open_list, type_keys
from ui.gui.filter_bar import FilterBar
from ui.gui.models.asset_table_model import AssetTableModel


@pytest.fixture
def bar_and_model(qtbot: QtBot, register: Register) -> Iterator[tuple[FilterBar, AssetTableModel]]:
    bar = FilterBar(register.db)
    qtbot.addWidget(bar)
    model = AssetTableModel(register.db)
    bar.filter_changed.connect(model.set_filter)
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.reload()
    with qtbot.waitSignal(bar.load_choices().finished, timeout=10_000):
        pass
    yield bar, model
    model.shutdown()
    bar.shutdown()


def _pick(combo: QComboBox, text: str) -> None:
    for index in range(combo.count()):
        if combo.itemText(index).strip() == text:
            combo.setCurrentIndex(index)
            return
    raise AssertionError(f"{text!r} is not offered")


def _matching(qtbot: QtBot, model: AssetTableModel, action: object) -> int:
    with qtbot.waitSignal(model.counted, timeout=10_000) as counted:
        action()  # type: ignore[operator]
    return int(counted.args[0])


def test_each_filter_narrows_the_register(
    qtbot: QtBot, bar_and_model: tuple[FilterBar, AssetTableModel], register: Register
) -> None:
    bar, model = bar_and_model
    assert _matching(qtbot, model, lambda: _pick(bar.status, "In service")) == 50
    assert model.filter.statuses == ("in_service",)
    assert _matching(qtbot, model, lambda: _pick(bar.category, "Laptop")) == 25
    assert _matching(qtbot, model, bar.clear_filters) == 250
    assert model.filter == AssetFilter()
    assert _matching(qtbot, model, lambda: _pick(bar.location, "Building A")) == 250
    assert _matching(qtbot, model, lambda: _pick(bar.location, "Room A2")) == 50
    assert _matching(qtbot, model, lambda: _pick(bar.location, "Branch")) == 0
    bar.clear_filters()
    assert _matching(qtbot, model, lambda: _pick(bar.assignee, "Una User")) == 50
    bar.clear_filters()
    assert _matching(qtbot, model, lambda: bar.warranty.setChecked(True)) == 91
    assert model.filter.warranty_within_days == 90
    bar.clear_filters()
    assert _matching(qtbot, model, lambda: bar.overdue.setChecked(True)) == 250  # never audited


def test_location_choices_show_the_tree(bar_and_model: tuple[FilterBar, AssetTableModel]) -> None:
    bar, _model = bar_and_model
    texts = [bar.location.itemText(i) for i in range(bar.location.count())]
    assert texts[:5] == [
        "All locations",
        "Branch",
        "    Branch store",
        "Head office",
        "    Building A",
    ]
    assert "        Room A1" in texts


def test_the_choice_lists_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, bar_and_model: tuple[FilterBar, AssetTableModel]
) -> None:
    bar, _model = bar_and_model
    qtbot.waitUntil(lambda: bar.assignee.count() > 1, timeout=5000)
    for combo in (bar.category, bar.location, bar.assignee, bar.group):
        qtmodeltester.check(combo.model(), force_py=True)
    assert bar.assignee.itemText(0) == "Anyone"
    una = bar.assignee.findText("Una User")
    assert una > 0 and bar.assignee.itemData(una) is not None


def test_an_expected_key_asks_for_the_search_it_will_make_and_settle_goes_back(
    qtbot: QtBot, bar_and_model: tuple[FilterBar, AssetTableModel]
) -> None:
    """The scanner detector holds keys back for a moment: the bar asks for the search the
    box will hold once the key arrives (at the cursor, replacing a selection)."""
    bar, model = bar_and_model
    emitted: list[str] = []
    bar.filter_changed.connect(lambda flt: emitted.append(flt.search))
    bar.search.setText("MON-0003")
    qtbot.waitUntil(lambda: emitted == ["MON-0003"])
    bar.search.setCursorPosition(4)
    bar.expect_key("0")
    bar.search.setSelection(0, 3)
    bar.expect_key("L")
    assert emitted == ["MON-0003", "MON-00003", "L-0003"]
    assert bar.search.text() == "MON-0003"  # the box itself is untouched
    bar.settle()  # the keys never came (a scan took them)
    assert emitted[-1] == "MON-0003"
    qtbot.waitUntil(lambda: not model.is_loading and model.filter.search == "MON-0003")
    bar.search.end(False)
    bar.expect_key("9")  # and this time the key arrives: one search asked for, not two
    bar.search.insert("9")
    qtbot.wait(20)
    assert emitted[3:] == ["MON-0003", "MON-00039"]
    qtbot.waitUntil(lambda: model.filter.search == "MON-00039")


def test_the_assigned_to_list_finds_a_name_typed_without_its_accents(
    qtbot: QtBot, bar_and_model: tuple[FilterBar, AssetTableModel], register: Register
) -> None:
    """The search finds "João" for "joao"; the Assigned to list's completion matched the
    start of a name with its accents, so "joao" or "conceicao" offered nothing (found by
    the new user)."""
    bar, model = bar_and_model
    with register.db.write() as session:
        joao = create_person(session, name="João Conceição", username="jconceicao").id
    with qtbot.waitSignal(bar.load_choices().finished, timeout=10_000):
        pass
    edit, completer = bar.assignee.lineEdit(), bar.assignee.completer()
    assert edit is not None and completer is not None
    popup = completer.popup()
    assert popup is not None
    bar.show()
    qtbot.waitExposed(bar)
    bar.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # "Anyone" goes
    qtbot.keyClicks(edit, "conceicao")  # any part of the name
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    offered = completer.completionModel()
    assert [offered.index(r, 0).data() for r in range(offered.rowCount())] == ["João Conceição"]
    with qtbot.waitSignal(bar.filter_changed, timeout=5000):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert bar.current_filter.assigned_to_id == joao
    qtbot.waitUntil(lambda: model.filter.assigned_to_id == joao, timeout=5000)
    assert bar.assignee.currentText() == "João Conceição"


def test_enter_under_several_people_filters_by_the_highlighted_one(
    qtbot: QtBot, bar_and_model: tuple[FilterBar, AssetTableModel], register: Register
) -> None:
    """ "jo" offers João and Joana: the list opens with the first highlighted and Enter
    (sent to the list, which has the keyboard) filters by that person, as every pick list
    does — it took nothing and the register stayed unfiltered. Escape keeps the text."""
    bar, model = bar_and_model
    with register.db.write() as session:
        create_person(session, name="João Conceição", username="jconceicao")
        create_person(session, name="Joana Jones", username="jjones")
    with qtbot.waitSignal(bar.load_choices().finished, timeout=10_000):
        pass
    edit = bar.assignee.lineEdit()
    assert edit is not None
    bar.show()
    qtbot.waitExposed(bar)
    bar.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    press_key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # "Anyone" goes
    type_keys(qtbot, "jo")
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    offered = {str(popup.model().index(r, 0).data()) for r in range(popup.model().rowCount())}
    assert {"João Conceição", "Joana Jones"} <= offered
    press_key(qtbot, Qt.Key.Key_Escape)  # the list closes, the text stays as typed
    assert edit.text() == "jo"
    assert bar.current_filter.assigned_to_id is None
    type_keys(qtbot, "a")  # "joa": both still offered
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    highlighted = str(popup.currentIndex().data())
    assert highlighted in {"João Conceição", "Joana Jones"}
    with qtbot.waitSignal(bar.filter_changed, timeout=5000):
        press_key(qtbot, Qt.Key.Key_Return)
    assert bar.assignee.currentText() == highlighted
    chosen = bar.current_filter.assigned_to_id
    assert chosen is not None
    qtbot.waitUntil(lambda: model.filter.assigned_to_id == chosen, timeout=5000)
