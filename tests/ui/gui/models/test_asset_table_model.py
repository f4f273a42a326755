"""The asset table model: pages from SQL on worker threads, sorts and filters in SQL,
passes the model tester."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.errors import DesktopError
from desktop.services.queries import AssetFilter
from desktop.services.register_pages import RegisterPager
from desktop.storage.database import Database
from tests.ui.gui.conftest import Register
from ui.gui.models.asset_table_model import PAGE_SIZE, PLACEHOLDER, AssetTableModel, RowRole
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


def _column(qtbot: QtBot, model: AssetTableModel, key: str) -> list[Any]:
    """The column as the view shows it, once every page has arrived from its worker."""

    def values() -> list[Any]:
        return [model.data(model.index(r, COLUMN_INDEX[key])) for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: PLACEHOLDER not in values(), timeout=10_000)
    return values()


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
        with qtbot.waitSignal(model.reloaded, timeout=10_000):
            model.reload()
            assert model.is_loading  # read on a worker: nothing is read here
        assert model.rowCount() == PAGE_SIZE  # the first page, before any count
        assert not model.is_loading
        assert model.canFetchMore(QModelIndex())
        with qtbot.waitSignal(model.rowsInserted, timeout=10_000):
            model.fetchMore(QModelIndex())
        assert model.rowCount() == 2 * PAGE_SIZE
    assert counted.args == [register.size, register.size]
    assert model.rowCount() == register.size
    last = model.index(register.size - 1, COLUMN_INDEX["tag"])
    assert model.data(last) == PLACEHOLDER  # its page is asked for, not read here
    qtbot.waitUntil(lambda: model.data(last) != PLACEHOLDER, timeout=10_000)
    assert model.data(last).startswith(("LAP", "MON"))
    assert model.cached_row_count() <= 3 * PAGE_SIZE


def test_start_shows_the_first_page_at_once(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = new_model()
    model.start(COLUMN_INDEX["name"], Qt.SortOrder.DescendingOrder)
    assert (model.sort_key, model.sort_descending) == ("name", True)
    assert model.rowCount() == PAGE_SIZE and not model.is_loading
    names = [model.data(model.index(r, COLUMN_INDEX["name"])) for r in range(PAGE_SIZE)]
    assert names == sorted(names, reverse=True)
    qtbot.waitSignal(model.counted, timeout=10_000).wait()


def test_the_rows_on_screen_stay_until_the_new_ones_arrive(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    shown = model.data(model.index(0, COLUMN_INDEX["tag"]))
    reloads: list[None] = []
    model.reloaded.connect(lambda: reloads.append(None))
    with qtbot.waitSignal(model.counted, timeout=10_000) as counted:
        for typed in ("M", "MO", "MON", "MON-0004"):  # typing: each search makes the last stale
            model.set_filter(AssetFilter(search=typed))
            assert model.is_loading
            assert model.filter == AssetFilter()  # still the rows on screen
            assert model.data(model.index(0, COLUMN_INDEX["tag"])) == shown
    assert model.filter == AssetFilter(search="MON-0004")
    assert len(reloads) == 1  # the stale searches never reached the screen
    tags = _column(qtbot, model, "tag")
    assert counted.args[0] == len(tags) > 0
    assert all(tag.startswith("MON-0004") for tag in tags)


def test_code_gets_a_row_at_once_even_before_its_page_arrives(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    index = model.index(register.size - 1, COLUMN_INDEX["tag"])
    row = model.data(index, RowRole)
    assert row is not None and row.tag == model.data(index)  # the page was read for it


def test_sorting_is_done_in_sql(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    tags = _column(qtbot, model, "tag")
    assert tags == sorted(tags)
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.sort(COLUMN_INDEX["tag"], Qt.SortOrder.DescendingOrder)
    assert _column(qtbot, model, "tag") == sorted(tags, reverse=True)
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.sort(COLUMN_INDEX["assigned_to"], Qt.SortOrder.DescendingOrder)
    people = _column(qtbot, model, "assigned_to")
    assert people[: register.size // 5] == ["Una User"] * (register.size // 5)
    assert set(people[register.size // 5 :]) == {""}


def test_filters_change_the_rows(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    with qtbot.waitSignal(model.counted, timeout=10_000) as counted:
        model.set_filter(AssetFilter(statuses=("in_service",)))
    assert counted.args == [register.size // 5, register.size]
    assert set(_column(qtbot, model, "status")) == {"In service"}
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.set_filter(AssetFilter(search="00042"))
    assert _column(qtbot, model, "tag") == ["MON-00042"]


def test_status_has_colour_and_text(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel]
) -> None:
    model = _model(qtbot, new_model)
    index = model.index(0, COLUMN_INDEX["status"])
    assert model.data(index) in ("In stock", "In service")
    assert isinstance(model.data(index, Qt.ItemDataRole.DecorationRole), QColor)
    assert model.data(index, RowRole).tag == model.data(model.index(0, 0))


def test_a_database_that_cannot_be_read_is_reported_and_the_rows_stay(
    qtbot: QtBot, register: Register, new_model: Callable[[], AssetTableModel], tmp_path: Path
) -> None:
    model = _model(qtbot, new_model)
    broken = tmp_path / "not-a-database.sqlite3"
    broken.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    with qtbot.waitSignal(model.failed, timeout=10_000) as failed:
        model.set_database(Database(f"sqlite:///{broken}"))
    error = failed.args[0]
    assert isinstance(error, DesktopError)
    assert str(broken) in error.message
    assert not model.is_loading
    assert model.rowCount() == 0  # the other database's rows are not shown as if they were these


def test_a_count_interrupted_by_a_newer_one_is_no_error(
    qtbot: QtBot, new_model: Callable[[], AssetTableModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load a search typed while a count still ran showed the crash dialog: the
    cancelled count ended in SQLite's "interrupted", reported as a bug (seen by the real-X
    scan journey at load 6)."""
    model = _model(qtbot, new_model)
    started = threading.Event()
    real_count = RegisterPager.count

    def slow_count(
        self: RegisterPager, session: Session, *, cancel: threading.Event | None = None
    ) -> int:
        if not started.is_set():
            started.set()
            assert cancel is not None and cancel.wait(10)
            raise OperationalError("SELECT count(*)", {}, sqlite3.OperationalError("interrupted"))
        return real_count(self, session, cancel=cancel)

    monkeypatch.setattr(RegisterPager, "count", slow_count)
    failures: list[object] = []
    model.failed.connect(failures.append)
    model._count_now()  # the count timer's, as after a search
    assert started.wait(10)
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model._count_now()  # a newer count interrupts it
    qtbot.wait(200)
    assert failures == []
