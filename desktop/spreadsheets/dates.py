"""Date columns: the order of day and month is decided per column, from all its values.

A text date such as ``1/23/23`` can only be month-first, ``23/1/23`` only day-first, and
``3/4/23`` either. A column is read in one order: the one its unambiguous values force,
else the order the user chose (or the setting). A column whose values force both orders
is an error for that column: guessing cell by cell swaps day and month silently.
Real date cells, ISO text, Excel serial numbers, two-digit years and month names
("23-Jan-2023", "Jan 23, 2023") are read whatever the order.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop.settings import DATE_ORDER, Settings
from desktop.spreadsheets import cells as parse
from desktop.spreadsheets.cells import DateOrder

_NUMERIC = re.compile(r"^\s*(\d{1,4})[./\-\s](\d{1,2})[./\-\s](\d{1,4})(?:[ T].*)?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[-\s./]*([a-z]{3,9})\.?[-\s.,/]+(\d{2,4})$")
_MONTH_NAME_DAY = re.compile(
    r"^([a-z]{3,9})\.?[-\s./]+(\d{1,2})(?:st|nd|rd|th)?,?[-\s./]+(\d{2,4})$"
)
#: A weekday before a date ("Mon Jan 23, 2023") and a time after it ("… 10:22 AM").
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_TIME = re.compile(
    r"(?:,?\s+|t)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:am|pm)?(?:\s*z|[+-]\d{2}:?\d{2})?$"
)
#: How many values the dry run shows as examples of an ambiguous column.
EXAMPLES = 3

ORDER_WORDS = {
    DateOrder.DMY: "day first",
    DateOrder.MDY: "month first",
    DateOrder.YMD: "year first",
}


def text_order(value: object) -> DateOrder | bool | None:
    """What one cell says about its column's order.

    Returns the order the value forces (``1/23/23`` → MDY), True for a value that could be
    read either way (``3/4/23``), None for a value that does not depend on the order
    (a real date, ISO text, a serial number, ``5/5/23``, a month name) or is not a date.
    """
    if value is None or not isinstance(value, str):
        return None
    match = _NUMERIC.match(value)
    if not match or len(match.group(1)) == 4:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 and 1 <= second <= 12:
        return DateOrder.DMY
    if second > 12 and 1 <= first <= 12:
        return DateOrder.MDY
    if first == second or first > 12 or second > 12:
        return None
    return True


@dataclass(frozen=True)
class ColumnDates:
    """How one column's text dates are read.

    Attributes:
        header: the column's header.
        order: the order used for text that could be read either way.
        decided_by: "values" (a value forces it), "setting" (nothing in the column says:
            the chosen order is used for ambiguous values) or "" (no ambiguous value).
        evidence: the value that decided it ("row 4: '1/23/23'").
        conflict: why the column cannot be read ("" when it can).
        ambiguous_rows: the rows whose value could be read either way.
        examples: (row, cell text, date read) for the first ambiguous values.
    """

    header: str
    order: DateOrder
    decided_by: str = ""
    evidence: str = ""
    conflict: str = ""
    ambiguous_rows: tuple[int, ...] = ()
    examples: tuple[tuple[int, str, str], ...] = ()

    def note(self) -> str:
        """One line for the dry run, or "" when there is nothing to say."""
        word = ORDER_WORDS[self.order]
        if self.conflict:
            return self.conflict
        if self.decided_by == "values":
            return f"{self.header}: dates read {word} ({self.evidence} can only be read so)"
        if self.decided_by == "setting":
            shown = ", ".join(f"row {r}: '{text}' → {read}" for r, text, read in self.examples)
            return (
                f"{self.header}: nothing in the column says whether dates are day or month "
                f"first; read {word} as chosen ({shown})"
            )
        return ""

    def read(self, value: object) -> dt.date:
        """One cell of the column as a date; raises ValueError with a message."""
        if self.conflict and text_order(value) is not None:
            raise ValueError(self.conflict)
        return read_date(value, self.order)

    @functools.cached_property
    def _ambiguous(self) -> frozenset[int]:
        """:attr:`ambiguous_rows` as a set: each row's :meth:`warning` looks itself up
        (in the tuple, a column of 10,000 such dates took ~1 s; 20,000 four times that)."""
        return frozenset(self.ambiguous_rows)

    def warning(self, row: int, value: object) -> str:
        """A note for a row whose value was read in the chosen order only ("" if none)."""
        if self.decided_by != "setting" or row not in self._ambiguous:
            return ""
        try:
            read = read_date(value, self.order).isoformat()
        except ValueError:
            return ""
        return (
            f"{self.header} '{str(value).strip()}' read as {read} "
            f"({ORDER_WORDS[self.order]}, as chosen)"
        )


def decide(header: str, cells: Iterable[tuple[int, object]], chosen: DateOrder) -> ColumnDates:
    """The order of one column from all its (row number, cell) pairs."""
    forced: dict[DateOrder, tuple[int, str]] = {}
    ambiguous: list[tuple[int, str]] = []
    for row, value in cells:
        if value.__class__ is not str and not isinstance(value, str):
            continue  # a real date, a number, empty: says nothing (text_order's None)
        found = text_order(value)
        if found is True:
            ambiguous.append((row, str(value).strip()))
        elif isinstance(found, DateOrder):
            forced.setdefault(found, (row, str(value).strip()))
    if DateOrder.DMY in forced and DateOrder.MDY in forced:
        (mdy_row, mdy), (dmy_row, dmy) = forced[DateOrder.MDY], forced[DateOrder.DMY]
        return ColumnDates(
            header,
            chosen,
            conflict=(
                f"column '{header}' mixes month-first dates (row {mdy_row}: '{mdy}') and "
                f"day-first dates (row {dmy_row}: '{dmy}'): write its dates one way "
                "(or as real dates) and import again"
            ),
        )
    rows = tuple(r for r, _ in ambiguous)
    if forced:
        ((order, (row, text)),) = forced.items()
        return ColumnDates(header, order, "values", f"row {row}: '{text}'", ambiguous_rows=rows)
    if not ambiguous:
        return ColumnDates(header, chosen)
    examples = tuple(
        (row, text, read_date(text, chosen).isoformat())
        for row, text in ambiguous[:EXAMPLES]
        if _readable(text, chosen)
    )
    return ColumnDates(header, chosen, "setting", ambiguous_rows=rows, examples=examples)


def _readable(text: str, order: DateOrder) -> bool:
    try:
        read_date(text, order)
    except ValueError:
        return False
    return True


def read_date(value: object, order: DateOrder) -> dt.date:
    """A date from a cell: month names first, then :func:`parse.parse_date`."""
    if isinstance(value, str):
        named = _month_name_date(value.strip().casefold())
        if named is not None:
            return named
        text = value.strip()
        if re.fullmatch(r"\d+\.0+", text):  # a serial number written by a float
            text = text.split(".")[0]
        return parse.parse_date(text, order)
    return parse.parse_date(value, order)


def _month_name_date(text: str) -> dt.date | None:
    text = _TIME.sub("", _WEEKDAY.sub("", text)).strip()
    for pattern, day_group, month_group in ((_DAY_MONTH_NAME, 1, 2), (_MONTH_NAME_DAY, 2, 1)):
        match = pattern.match(text)
        if not match or match.group(month_group) not in _MONTHS:
            continue
        year = int(match.group(3))
        if year < 100:
            year += 2000 if year < 70 else 1900
        try:
            return dt.date(year, _MONTHS[match.group(month_group)], int(match.group(day_group)))
        except ValueError:
            raise ValueError(f"'{text}' is not a date") from None
    return None


#: Locales that write month first, and those that write year first; every other locale
#: writes day first.
_MONTH_FIRST_LOCALES = frozenset(
    {"en_US", "en_PH", "en_AS", "en_GU", "en_MP", "en_UM", "en_VI", "es_US"}
)
_YEAR_FIRST_LANGUAGES = frozenset({"ja", "zh", "ko", "hu", "lt", "mn", "sv", "eu"})


def locale_date_order(environ: Mapping[str, str] | None = None) -> DateOrder:
    """The order the user's locale writes dates in (LC_ALL, LC_TIME, LANG), day first if
    the locale says nothing (C, POSIX, unset)."""
    env = os.environ if environ is None else environ
    name = next((env[k] for k in ("LC_ALL", "LC_TIME", "LANG") if env.get(k)), "")
    code = name.split(".")[0].split("@")[0]
    if code in _MONTH_FIRST_LOCALES:
        return DateOrder.MDY
    if code.split("_")[0] in _YEAR_FIRST_LANGUAGES:
        return DateOrder.YMD
    return DateOrder.DMY


def chosen_date_order(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The date order setting if the user set one, else the locale's."""
    raw = settings.get_raw(DATE_ORDER.section, DATE_ORDER.name, "").strip()
    return raw or locale_date_order(environ).value
