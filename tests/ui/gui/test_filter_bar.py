"""The filters above the table: each one narrows the register in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QComboBox

from desktop.services.queries import AssetFilter
from tests.ui.gui.conftest import Register
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
