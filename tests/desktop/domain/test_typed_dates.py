"""Dates are read as typed: ISO always, else in the user's order, any usual separator."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.typed_dates import order_of, parse_typed_date

FEB_15 = dt.date(2024, 2, 15)


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("2024-02-15", "dmy"),
        ("2024-02-15", "mdy"),
        ("2024/2/15", "dmy"),
        ("2024.02.15", "mdy"),
        ("20240215", "dmy"),
        ("15/02/2024", "dmy"),
        ("15.02.2024", "dmy"),
        ("15-02-2024", "dmy"),
        (" 15 2 2024 ", "dmy"),
        ("02/15/2024", "mdy"),
        ("2.15.24", "mdy"),
    ],
)
def test_what_is_read_is_what_was_typed(text: str, order: str) -> None:
    assert parse_typed_date(text, order) == FEB_15


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("02/15/2024", "dmy", "'02/15/2024' is not a date (day/month/year)"),
        ("15/02/2024", "mdy", "'15/02/2024' is not a date (month/day/year)"),
        ("2024-02-31", "dmy", "'2024-02-31' is not a date (year-month-day)"),
        ("2024-0", "dmy", "'2024-0' is not a date: type it as year-month-day"),
        ("15/02/202", "dmy", "give the year with four digits"),
        ("soon", "dmy", "'soon' is not a date"),
    ],
)
def test_a_text_that_is_no_date_is_refused_with_the_reason(
    text: str, order: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_typed_date(text, order)


def test_empty_is_no_date() -> None:
    assert parse_typed_date("  ") is None


@pytest.mark.parametrize(
    ("display_format", "order"),
    [
        ("dd.MM.yyyy", "dmy"),
        ("dd/MM/yyyy", "dmy"),
        ("MM/dd/yyyy", "mdy"),
        ("d MMM yyyy", "dmy"),
        ("M/d/yy", "mdy"),
        ("yyyy-MM-dd", "fallback"),
    ],
)
def test_the_order_comes_from_the_date_format(display_format: str, order: str) -> None:
    assert order_of(display_format, "fallback") == order
