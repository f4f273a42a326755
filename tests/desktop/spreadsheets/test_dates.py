"""Date columns: the order decided from all of a column's values, never cell by cell."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from desktop.settings import DATE_ORDER, Settings
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.dates import (
    chosen_date_order,
    decide,
    locale_date_order,
    read_date,
    text_order,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1/23/23", DateOrder.MDY),
        ("23/1/23", DateOrder.DMY),
        ("23.01.2023", DateOrder.DMY),
        ("3/1/23", True),
        ("5/5/23", None),
        ("2023-03-01", None),
        ("2023/03/01", None),
        ("44986", None),
        ("1-Mar-23", None),
        (dt.datetime(2023, 3, 1), None),
        (44986.0, None),
        ("31/31/23", None),
    ],
)
def test_what_one_value_says_about_its_column(value: object, expected: object) -> None:
    assert text_order(value) == expected


def test_one_month_first_value_decides_the_whole_column() -> None:
    column = decide("Purchase Date", [(2, "3/1/23"), (3, "1/23/23"), (4, "12/5/22")], DateOrder.DMY)
    assert (column.order, column.decided_by, column.evidence) == (
        DateOrder.MDY,
        "values",
        "row 3: '1/23/23'",
    )
    assert column.read("3/1/23") == dt.date(2023, 3, 1)
    assert column.read("12/5/22") == dt.date(2022, 12, 5)
    assert column.warning(2, "3/1/23") == ""
    assert (
        column.note()
        == "Purchase Date: dates read month first (row 3: '1/23/23' can only be read so)"
    )


def test_an_ambiguous_column_uses_the_chosen_order_and_says_so() -> None:
    column = decide(
        "Warranty", [(2, "3/4/25"), (3, dt.datetime(2025, 1, 1)), (4, "5/6/25")], DateOrder.DMY
    )
    assert (column.order, column.decided_by, column.ambiguous_rows) == (
        DateOrder.DMY,
        "setting",
        (2, 4),
    )
    assert column.examples == ((2, "3/4/25", "2025-04-03"), (4, "5/6/25", "2025-06-05"))
    assert column.note() == (
        "Warranty: nothing in the column says whether dates are day or month first; read day "
        "first as chosen (row 2: '3/4/25' → 2025-04-03, row 4: '5/6/25' → 2025-06-05)"
    )
    assert (
        column.warning(4, "5/6/25") == "Warranty '5/6/25' read as 2025-06-05 (day first, as chosen)"
    )
    assert column.warning(3, dt.datetime(2025, 1, 1)) == ""


def test_each_row_of_a_long_ambiguous_column_is_warned_in_linear_time() -> None:
    """Every row of a column of 50,000 text dates that read either way says how it was
    read; each row's warning looked itself up among the column's ambiguous rows (a tuple:
    quadratic, ~1 s for 10,000 rows of an import's dry run and 100 s for 100,000)."""
    cells = [(n, f"{n % 6 + 1}/{n % 6 + 7}/24") for n in range(2, 50_002)]
    started = time.process_time()
    column = decide("Purchased", cells, DateOrder.DMY)
    deciding = time.process_time() - started
    started = time.process_time()
    warnings = [column.warning(n, text) for n, text in cells]
    warning = time.process_time() - started
    assert (
        all(warnings)
        and warnings[0] == "Purchased '3/9/24' read as 2024-09-03 (day first, as chosen)"
    )
    assert warning < 5 * deciding + 0.5, (warning, deciding)


def test_a_column_with_both_orders_refuses_its_text_dates_only() -> None:
    column = decide("Bought", [(2, "1/23/23"), (5, "23/1/23"), (6, "2023-02-01")], DateOrder.DMY)
    assert column.conflict.startswith(
        "column 'Bought' mixes month-first dates (row 2: '1/23/23') and day-first dates (row 5: '23/1/23')"
    )
    for value in ("1/23/23", "23/1/23", "3/4/23"):
        with pytest.raises(ValueError, match="mixes month-first"):
            column.read(value)
    assert column.read("2023-02-01") == dt.date(2023, 2, 1)
    assert column.read(dt.datetime(2023, 2, 1, 10, 0)) == dt.date(2023, 2, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2023, 1, 23, 0, 0), dt.date(2023, 1, 23)),
        ("2023-01-23", dt.date(2023, 1, 23)),
        ("2023-01-23 14:05:00", dt.date(2023, 1, 23)),
        ("2024-03-05T10:22:31.000Z", dt.date(2024, 3, 5)),
        (44986, dt.date(2023, 3, 1)),
        (44986.0, dt.date(2023, 3, 1)),
        ("44986", dt.date(2023, 3, 1)),
        ("44986.0", dt.date(2023, 3, 1)),
        ("23-Jan-2023", dt.date(2023, 1, 23)),
        ("1 March 23", dt.date(2023, 3, 1)),
        ("Jan 23, 2023", dt.date(2023, 1, 23)),
        ("Sept. 5th, 2022", dt.date(2022, 9, 5)),
        ("1/23/99", dt.date(1999, 1, 23)),
    ],
)
def test_every_way_a_date_arrives(value: object, expected: dt.date) -> None:
    assert read_date(value, DateOrder.MDY) == expected
    if text_order(value) is None:  # nothing but a d/m text date depends on the order
        assert read_date(value, DateOrder.DMY) == expected


def test_not_a_date_is_a_message() -> None:
    with pytest.raises(ValueError, match="'Febtember 3, 2023' is not a date"):
        read_date("Febtember 3, 2023", DateOrder.DMY)
    with pytest.raises(ValueError, match="'31 feb 2023' is not a date"):
        read_date("31 Feb 2023", DateOrder.DMY)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, DateOrder.MDY),
        ({"LANG": "en_GB.UTF-8"}, DateOrder.DMY),
        ({"LANG": "de_DE.UTF-8", "LC_TIME": "en_US.UTF-8"}, DateOrder.MDY),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, DateOrder.YMD),
        ({"LANG": "C.UTF-8"}, DateOrder.DMY),
        ({}, DateOrder.DMY),
    ],
)
def test_the_locale_order(environ: dict[str, str], expected: DateOrder) -> None:
    assert locale_date_order(environ) == expected


def test_a_date_order_set_by_the_user_wins_over_the_locale(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    assert chosen_date_order(settings, {"LANG": "en_US.UTF-8"}) == "mdy"
    settings.set(DATE_ORDER, "dmy")
    assert chosen_date_order(settings, {"LANG": "en_US.UTF-8"}) == "dmy"


@pytest.mark.parametrize(
    "text",
    ["Mon Jan 23, 2023", "Monday, 23 January 2023", "Jan 23, 2023 10:22 AM", "23-Jan-2023 10:22"],
)
def test_dates_as_web_pages_show_them(text: str) -> None:
    assert read_date(text, DateOrder.DMY) == dt.date(2023, 1, 23)
