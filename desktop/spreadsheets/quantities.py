"""A purchase order's lines: "Qty 3" is three assets, and the order date their purchase date.

A procurement user imports the order as the supplier wrote it: one line per product, a
"Qty" column, and the order date above the table ("Order date: 20/11/2026"). The import
read the Qty column as a note ("Qty: 3") and received one asset, and the order date not
at all. Now:

* a line of Qty *n* without a tag, serial number or key becomes *n* new assets, each
  tagged from its category's sequence (as ``procedure receive --allocate n``) — what the
  goods received are before anyone labels them;
* a line of Qty *n* > 1 that gives a tag, a serial number or a key is refused: those name
  one asset, and guessing which of the *n* they are would be wrong (the message says to
  give each item its own row, or to leave them empty);
* Qty 0, a Qty that is no whole number, or more than :data:`MAX_QUANTITY` is refused;
* an "Order date" (or "Purchase date", "PO date"...) written above the header, the
  value beside its label, is each new asset's purchase date unless the file has a
  purchase date column (said in the dry run).

The copies of a line keep its row number: messages and the error workbook name the row
of the file (the error workbook writes it once).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop.spreadsheets.cells import DateOrder, clean_text
from desktop.spreadsheets.columns import KEY, QUANTITY, ColumnMapping, normalize_header
from desktop.spreadsheets.dates import read_date
from desktop.spreadsheets.readers import Table
from desktop.wording import plural

#: The most assets one line of a file may be (``procedure receive --allocate``'s limit).
MAX_QUANTITY = 1000

_COUNT = re.compile(
    r"^(\d+)(?:[.,]0+)?\s*(?:x|pcs?\.?|pieces?|units?|ea\.?|each|stk\.?|st\.?|pc)?$", re.I
)
#: Labels of an order's date written above its table.
_DATE_LABELS = frozenset(
    normalize_header(t)
    for t in (
        "Order date",
        "Purchase date",
        "PO date",
        "Date ordered",
        "Date of order",
        "Date of purchase",
        "Invoice date",
        "Bestelldatum",
        "Kaufdatum",
        "Date de commande",
        "Fecha de pedido",
    )
)
#: What identifies one asset: a line of several cannot give it.
_ONE_ASSET = (("tag", "tag"), ("serial_number", "serial number"), (KEY, "key"))


@dataclass
class Quantities:
    """A table with its lines of several items repeated, and what was decided.

    Attributes:
        table: the table to plan (the input itself when nothing was repeated).
        refused: table index → why its quantity cannot be imported (the row's problem).
        header: the quantity column's header ("" for none).
        repeated: row number → how many assets the row became (rows of more than one).
    """

    table: Table
    refused: dict[int, str] = field(default_factory=dict)
    header: str = ""
    repeated: dict[int, int] = field(default_factory=dict)

    def note(self) -> str:
        """The dry run's line ("" when no row is more than one asset)."""
        if not self.repeated:
            return ""
        rows = [f"row {r} × {n}" for r, n in list(self.repeated.items())[:8]]
        more = len(self.repeated) - len(rows)
        total = sum(self.repeated.values())
        return (
            f"{self.header}: {plural(len(self.repeated), 'row orders|rows order')} more than one "
            f"item ({', '.join(rows)}{f' and {more} more' if more else ''}): each becomes that "
            f"many new assets ({total:,} in all), every one tagged from its category's "
            "sequence; the counts below count assets, not rows"
        )


def expand_quantities(table: Table, header_index: int, mapping: ColumnMapping) -> Quantities:
    """``table`` with each data row of quantity n > 1 repeated n times (see the module)."""
    column = mapping.index_of(QUANTITY)
    if column is None:
        return Quantities(table)
    header = mapping.headers[column]
    single = [(mapping.index_of(t), words) for t, words in _ONE_ASSET]
    first = header_index + 1
    rows: list[list[object]] = list(table.rows[:first])
    numbers: list[int] = list(table.row_numbers[:first])
    result = Quantities(table, header=header)
    for row, number in zip(table.rows[first:], table.row_numbers[first:], strict=True):
        cell = row[column] if column < len(row) else None
        others = any(clean_text(c) is not None for i, c in enumerate(row) if i != column)
        count, problem = _count(cell, header)
        if problem is None and count > 1:
            given = [
                (words, text)
                for at, words in single
                if at is not None and at < len(row) and (text := clean_text(row[at]))
            ]
            if given:
                words, text = given[0]
                problem = (
                    f"{header} {count} with one {words} ('{text}'): a {words} names one asset. "
                    f"Give each of the {count} items its own row with its own {words}, or "
                    f"leave the {words} empty and the {count} new assets get tags from their "
                    "category's sequence"
                )
        if problem is not None and others:
            result.refused[len(rows)] = problem
        if problem is not None or count <= 1 or not others:
            rows.append(row)
            numbers.append(number)
            continue
        result.repeated[number] = count
        for _ in range(count):
            rows.append(row)
            numbers.append(number)
    if result.repeated:
        result.table = Table(table.file_name, table.sheet, rows, numbers)
    return result


def _count(cell: object, header: str) -> tuple[int, str | None]:
    """How many items ``cell`` says (1 when blank), or why it says none."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return 1, None
    if isinstance(cell, bool):
        return 0, f"{header}: {cell!r} is not a number of items"
    if isinstance(cell, int | float):
        count = int(cell) if float(cell).is_integer() else None
    else:
        found = _COUNT.match(str(cell).strip())
        count = int(found.group(1)) if found else None
    if count is None:
        return 0, f"'{clean_text(cell)}' is not a whole number of items"
    if count < 1:
        return 0, (
            f"{count} items: the row receives no asset (delete the row, or write how many "
            "items were delivered)"
        )
    if count > MAX_QUANTITY:
        return 0, (
            f"{count:,} items: one row may be at most {MAX_QUANTITY:,} assets (split it over "
            "several rows)"
        )
    return count, None


def order_date(
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
    header_index: int,
    order: DateOrder,
) -> tuple[str, str]:
    """The order's date written above the header ("Order date" and the date beside it, in
    the same cell after a colon, or below the label), as ISO text, and the note that says
    where it was read; ("", "") for none."""
    for index in range(header_index):
        row = rows[index]
        for at, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            label, colon, rest = cell.partition(":")
            if normalize_header(label) not in _DATE_LABELS:
                continue
            candidates: list[object] = [rest.strip()] if colon and rest.strip() else []
            candidates += [c for c in row[at + 1 :] if clean_text(c) is not None][:1]
            for candidate in candidates:
                try:
                    date = read_date(candidate, order)
                except (ValueError, TypeError):
                    continue
                if not isinstance(date, dt.date):
                    continue
                return date.isoformat(), (
                    f"{label.strip()} {date.isoformat()} (row {row_numbers[index]}, above the "
                    "table) is each new asset's purchase date"
                )
    return "", ""
