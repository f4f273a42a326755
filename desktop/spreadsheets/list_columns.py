"""The columns of a list of reference data (places, people) found by their headers, and
what importing it would do in one line.

Lists come from other tools' exports and from sheets typed by hand: the header may sit
below a title, be spelt "Parent_Location" or "E-mail", and carry columns we do not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from desktop.errors import DesktopError
from desktop.spreadsheets.cells import clean_text
from desktop.spreadsheets.readers import Table

#: Rows looked at for the header (a title or a note may come first).
HEADER_ROWS = 30
_FOLD = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """A header as we compare it: lower case, "_", "-" and runs of spaces as one space."""
    return _FOLD.sub(" ", text.strip().casefold())


def find_columns(
    table: Table, headers: Mapping[str, Iterable[str]], needed: set[str], refusal: str
) -> tuple[int, dict[str, int]]:
    """The header row's index and each of our columns' position in it: the first of the
    first rows that has one of ``needed``; else DesktopError ``refusal`` naming the file."""
    for at, row in enumerate(table.rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for column, cell in enumerate(row):
            text = fold(str(cell)) if cell is not None else ""
            for key, words in headers.items():
                if text in words and key not in found:
                    found[key] = column
        if needed & set(found):
            return at, found
    raise DesktopError(f"{table.where}: {refusal}")


def cell_text(row: Sequence[object], column: int | None) -> str:
    """A row's cell as trimmed text ("" when empty or beyond the row's end)."""
    if column is None or column >= len(row):
        return ""
    return clean_text(row[column]) or ""


def list_summary(
    where: str, problems: Sequence[str], new: int, nouns: tuple[str, str], existing: int
) -> str:
    """One line for a list's plan: its refused rows (the first five), else how many
    records are new (``nouns``: singular, plural) and how many the register has."""
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        return f"{where}: nothing imported: {shown}{more}"
    made = f"{new} new {nouns[new != 1]}" if new else "nothing new"
    return f"{where}: {made}" + (f", {existing} already in the register" if existing else "")
