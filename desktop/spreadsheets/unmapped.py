"""The columns an import leaves out, each said why when the reason is plain.

"Not imported: Components - Processor" under a GLPI export read as if data were dropped;
the column was empty in every row (GLPI exports every column it lists, filled or not). An
empty column is named so: "Components - Processor (empty in every row)".
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.spreadsheets.columns import ColumnMapping
from desktop.spreadsheets.mapping import column_data

EMPTY = "empty in every row"


def unmapped_said(
    mapping: ColumnMapping, rows: Sequence[Sequence[object]], first: int
) -> list[str]:
    """The headers of ``mapping``'s columns not imported, in order; one whose cells from
    row index ``first`` on are all blank carries "(empty in every row)"."""
    columns = column_data(rows, first, len(mapping.headers))
    return [
        header if any(_filled(cell) for cell in columns[index]) else f"{header} ({EMPTY})"
        for index, (header, target) in enumerate(zip(mapping.headers, mapping.targets, strict=True))
        if not target
    ]


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""
