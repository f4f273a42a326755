"""The asset table model: pages from SQL, sorts and filters in SQL, passes the model tester."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.services.queries import AssetFilter
from tests.ui.gui.conftest import Register
from ui.gui.models.asset_table_model import PAGE_SIZE, AssetTableModel, RowRole
from ui.gui.models.columns import COLUMN_INDEX


@pytest.fixture
def new_model(register: Register) -> Iterator[Callable[[], AssetTableModel]]:
    made: list[AssetTableModel] = []

    def make() -> AssetTableModel:
        made.append(AssetTableModel(register.db))
        return made[-1]

    yield make
    for model in made:
        model.shutdown()


def _model(qtbot: QtBot, new_model: Callable[[], AssetTableModel]) -> AssetTableModel:
    model = new_model()
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.reload()
    return model


def _column(model: AssetTableModel, key: str) -> list[Any]:
    return [model.data(model.index(r, COLUMN_INDEX[key])) for r in range(model.rowCount())]


def test_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    qtmodeltester.check(model, force_py=True)


def test_first_page_only_until_counted_then_pages_on_demand(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = new_model()
    with qtbot.waitSignal(model.counted, timeout=10_000) as counted:
        model.reload()
        assert model.rowCount() == PAGE_SIZE  # the first page, before any count
        assert model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 2 * PAGE_SIZE
    assert counted.args == [register.size, register.size]
    assert model.rowCount() == register.size
    last = model.index(register.size - 1, COLUMN_INDEX["tag"])
    assert model.data(last) == "MON-00248" or model.data(last).startswith(("LAP", "MON"))
    assert model.cached_row_count() <= 3 * PAGE_SIZE


def test_sorting_is_done_in_sql(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    tags = _column(model, "tag")
    assert tags == sorted(tags)
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.sort(COLUMN_INDEX["tag"], Qt.SortOrder.DescendingOrder)
    assert _column(model, "tag") == sorted(tags, reverse=True)
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.sort(COLUMN_INDEX["assigned_to"], Qt.SortOrder.DescendingOrder)
    people = _column(model, "assigned_to")
    assert people[: register.size // 5] == ["Una User"] * (register.size // 5)
    assert set(people[register.size // 5 :]) == {""}


def test_filters_change_the_rows(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    with qtbot.waitSignal(model.counted, timeout=10_000) as counted:
        model.set_filter(AssetFilter(statuses=("in_service",)))
    assert counted.args == [register.size // 5, register.size]
    assert set(_column(model, "status")) == {"In service"}
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.set_filter(AssetFilter(search="00042"))
    assert _column(model, "tag") == ["MON-00042"]


def test_status_has_colour_and_text(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    index = model.index(0, COLUMN_INDEX["status"])
    assert model.data(index) in ("In stock", "In service")
    assert isinstance(model.data(index, Qt.ItemDataRole.DecorationRole), QColor)
    assert model.data(index, RowRole).tag == model.data(model.index(0, 0))
