"""Rows refused for an imported cell that holds no value to read: a formula with no saved
result, or an error such as ``#N/A`` (found by :mod:`desktop.spreadsheets.formulas`).

Such a cell is refused only where it would be imported — a field, a custom field, the
notes: a formula in a column left out of the import (a finance column's "Cost with VAT")
refuses nothing. When no formula of the file has a saved result, the file-wide reason is
said once, before the rows' list.
"""

from __future__ import annotations

from desktop.spreadsheets.columns import ColumnMapping
from desktop.spreadsheets.formulas import UNCALCULATED_FILE
from desktop.spreadsheets.model import RowAction, RowPlan, RowProblem
from desktop.spreadsheets.report import ImportReport


def refuse_unread_formulas(
    rows: list[RowPlan],
    unread: dict[int, tuple[tuple[int, str], ...]],
    mapping: ColumnMapping,
    report: ImportReport,
    *,
    uncalculated: bool = False,
) -> None:
    """Refuse each row with an imported cell of ``unread`` (by row number: (column index,
    why)): read as empty, it would keep the stored value or leave the field empty; an
    error's text is no value. The row's other problems with that cell (a required name
    "missing") follow from it and are left out. ``uncalculated``: no formula of the file
    has a saved result, said first in the report when a row is refused."""
    imported = set(mapping.mapped.values())
    refused = False
    for row in rows:
        cells = [(column, why) for column, why in unread.get(row.row, ()) if column in imported]
        if not cells:
            continue
        headers = {mapping.headers[column] for column, _ in cells}
        row.problems[:] = [
            *(RowProblem(row.row, mapping.headers[column], why) for column, why in cells),
            *(p for p in row.problems if p.column not in headers),
        ]
        row.action = RowAction.ERROR
        refused = True
    if refused and uncalculated:
        report.said.insert(0, UNCALCULATED_FILE[0].upper() + UNCALCULATED_FILE[1:])
