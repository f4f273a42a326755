"""Dates as people type them: ISO, or day, month and year in the order they are used to.

A date field accepts ``2024-02-15`` (ISO, always), and ``15/02/2024``, ``15.02.2024`` or
``15-02-2024`` — or ``02/15/2024`` where month comes first — in the order of the user's
date format (or, for an ISO display format, of the user's locale). Any of ``-``, ``/``,
``.`` and space separates the parts. What is read is exactly what was typed: a text that
is not a real date in that order is refused with the reason, never adjusted.
"""

from __future__ import annotations

import datetime as dt
import re

#: The orders of day, month and year a user may type in.
ORDERS = ("dmy", "mdy", "ymd")
_ORDER_WORDS = {"d": "day", "m": "month", "y": "year"}
_PARTS = re.compile(r"^\s*(\d{1,4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,4})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def order_of(display_format: str, fallback: str = "dmy") -> str:
    """The order of day, month and year in a Qt or strftime-like display format
    ("dd.MM.yyyy" → "dmy"); ``fallback`` when the format starts with the year (ISO)."""
    positions = {}
    lowered = display_format.replace("%", "").lower()
    for part in "dmy":
        index = lowered.find(part)
        if index >= 0:
            positions[part] = index
    if len(positions) != 3:
        return fallback
    order = "".join(sorted(positions, key=positions.__getitem__))
    if order == "ymd" or order not in ORDERS:
        return fallback
    return order


def describe_order(order: str) -> str:
    return "/".join(_ORDER_WORDS[part] for part in order)


def parse_typed_date(text: str, order: str = "dmy") -> dt.date | None:
    """The date in ``text``; None for an empty text.

    Raises:
        ValueError: with a message that says what was expected.
    """
    if not text.strip():
        return None
    compact = _COMPACT.match(text)
    if compact:
        parts = [int(p) for p in compact.groups()]
        return _make(text, parts[0], parts[1], parts[2], "year-month-day")
    match = _PARTS.match(text)
    if not match:
        raise ValueError(
            f"'{text.strip()}' is not a date: type it as year-month-day (2024-02-15)"
            f" or {describe_order(order)}"
        )
    first, second, third = match.groups()
    if len(first) == 4:  # ISO: the year first, always year-month-day
        return _make(text, int(first), int(second), int(third), "year-month-day")
    values = dict(zip(order, (int(first), int(second), int(third)), strict=True))
    year_text = (first, second, third)[order.index("y")]
    year = values["y"]
    if len(year_text) == 2:
        year += 2000
    elif len(year_text) != 4:
        raise ValueError(f"'{text.strip()}' is not a date: give the year with four digits")
    return _make(text, year, values["m"], values["d"], describe_order(order))


def _make(text: str, year: int, month: int, day: int, order_words: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date ({order_words})") from None
