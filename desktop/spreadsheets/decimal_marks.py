"""Number columns: a lone mark before three digits is read as the column writes decimals.

"10.000" is ten thousand where the amounts are written "1.234,50" and "221,99", and ten
where they are written "2.75" and "1,299.00"; a cell alone cannot say ("1.500 kg", "the
$1.500 monitor"). As the order of day and month in a date column
(:mod:`desktop.spreadsheets.dates`), the decimal mark is decided per column from all its
values: the mark its other values show as their decimal one, when they agree. A column
whose values show none keeps the money reading (a single mark before exactly three
digits is a thousands separator) and says so on each such row: "10.000" became 10000
without a word, where the person may have meant ten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from desktop.spreadsheets.money import marks_written, read_amount

#: Digits, with a decimal mark not followed by exactly three digits: what most amount
#: cells are, read without the currency and thousands rules of marks_written.
_PLAIN = re.compile(r"-?\d+(?:([.,])(?:\d{1,2}|\d{4,}))?")


@dataclass(frozen=True)
class ColumnMarks:
    """How one number column's lone marks are read.

    Attributes:
        header: the column's header.
        decimal: the mark the column's values show as their decimal one (None: none, or
            both).
        evidence: the value that shows it ("row 4: '2.75'"), or with no ``decimal`` the
            values that show both ("row 4: '2.75', row 9: '2,5'"; "" when none does).
        rows: the rows whose value holds a single mark before three digits that is read
            as the column decides it — a decimal mark (``decimal``) or, when the column
            shows none, a thousands separator.
    """

    header: str
    decimal: str | None
    evidence: str = ""
    rows: frozenset[int] = frozenset()

    def warning(self, row: int, value: object) -> str:
        """What the row says of its value ("" when the column leaves nothing to say)."""
        if row not in self.rows:
            return ""
        text = str(value).strip()
        try:
            amount = read_amount(value, self.decimal)[0]
        except ValueError:
            return ""
        read = f"{amount.normalize():f}"
        if self.decimal is not None:
            return (
                f"{self.header} '{text}' read as {read}: the column writes its decimals "
                f"with '{self.decimal}' ({self.evidence})"
            )
        _, mark = marks_written(value)
        why = (
            f"the column writes decimals both ways: {self.evidence}"
            if self.evidence
            else "no other value of the column shows its decimal mark"
        )
        return (
            f"{self.header} '{text}' read as {read} ('{mark}' before three digits taken as "
            f"a thousands separator; {why})"
        )


def decide_marks(header: str, cells: Iterable[tuple[int, object]]) -> ColumnMarks | None:
    """The decimal mark of one column from all its (row number, cell) pairs; None when no
    value holds a lone mark before three digits (nothing to decide)."""
    shown: dict[str, tuple[int, str]] = {}
    lone: list[tuple[int, str]] = []
    plain = _PLAIN.fullmatch
    for row, value in cells:
        if value.__class__ is not str:
            continue  # a number cell shows no mark
        if simple := plain(value):  # most cells: "1299", "1299.00", "12,5" (a quick look)
            if (shown_mark := simple.group(1)) and shown_mark not in shown:
                shown[shown_mark] = (row, value)
            continue
        decimal, mark = marks_written(value)
        if decimal is not None:
            shown.setdefault(decimal, (row, str(value).strip()))
        elif mark is not None:
            lone.append((row, mark))
    if not lone:
        return None
    if len(shown) == 1:
        ((decimal, (row, text)),) = shown.items()
        rows = frozenset(r for r, mark in lone if mark == decimal)
        return ColumnMarks(header, decimal, f"row {row}: '{text}'", rows)
    both = ", ".join(f"row {row}: '{text}'" for row, text in shown.values())
    return ColumnMarks(header, None, both, frozenset(r for r, _ in lone))
