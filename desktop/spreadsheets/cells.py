"""Cell values from spreadsheets: dates, amounts, yes/no and text, as users really type them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from desktop.spreadsheets.money import read_amount

#: Characters that make a spreadsheet cell a formula (or start one in some programs).
FORMULA_PREFIXES = ("=", "+", "-", "@")
#: Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01; Excel's 1900 leap-year bug
#: makes 1899-12-30 the right origin for every serial after February 1900).
EXCEL_EPOCH = dt.date(1899, 12, 30)


class DateOrder(StrEnum):
    """How ambiguous text dates such as 03/04/2025 are read: a setting, never a guess."""

    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"


#: The order a refused date was read in, in the wizard's words: "(read as dmy)" was what a
#: finance user read under '31/02/2023' (newuser26).
_ORDER_SAID = {
    DateOrder.DMY: "day/month/year",
    DateOrder.MDY: "month/day/year",
    DateOrder.YMD: "year/month/day",
}


def clean_text(value: object) -> str | None:
    """A cell as trimmed text; None for an empty cell.

    A leading apostrophe that our CSV export put before ``= + - @`` is removed again.
    """
    if value is None:
        return None
    if isinstance(value, str):  # most cells: the short way (this runs per cell)
        text = value.strip()
        if not text:
            return None
        if text[0] == "'" and len(text) > 1 and text[1] in FORMULA_PREFIXES:
            return text[1:]
        return text
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text or None


_DATE_TEXT = re.compile(r"^(\d{1,4})[./\-\s](\d{1,2})[./\-\s](\d{1,4})(?:[ T].*)?$")


def parse_date(value: object, order: DateOrder) -> dt.date:
    """A date from an Excel date, an Excel serial number, ISO text or d/m/y-style text.

    Raises ValueError with a message for the user.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # up to 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"{value!r} is not a date")
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return parse_date(float(text), order)
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a date")
    a, b, c = (int(g) for g in match.groups())
    if len(match.group(1)) == 4:  # 2025/03/04 is year-first whatever the setting
        year, month, day = a, b, c
    elif order is DateOrder.DMY:
        day, month, year = a, b, c
    elif order is DateOrder.MDY:
        month, day, year = a, b, c
    else:
        year, month, day = a, b, c
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (read as {_ORDER_SAID[order]})") from None


def parse_amount(value: object, decimal_mark: str | None = None) -> Decimal:
    """An amount from a number or text with a currency sign and thousands separators.

    ``1,234.50``, ``1.234,50``, ``€ 1 234,50``, ``$1,234``, ``1234.5 EUR`` and ``1 299,00
    kr`` all work (:func:`desktop.spreadsheets.money.read_amount`, which also says the
    currency). A single separator followed by exactly three digits is read as a
    thousands separator, unless it is ``decimal_mark``, the one its column writes its
    decimals with (:mod:`desktop.spreadsheets.decimal_marks`).
    """
    return read_amount(value, decimal_mark)[0]


_YES = frozenset({"yes", "y", "true", "1", "x", "ja", "oui", "si", "sí", "tak"})
_NO = frozenset({"no", "n", "false", "0", "nein", "non", "nie", ""})


def parse_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"'{value}' is not yes or no")


def parse_integer(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a whole number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"'{value}' is not a whole number")
    return int(number)


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus ``months`` calendar months (the day is clamped to the month's end)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in range(start.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, min(start.day, 28))
