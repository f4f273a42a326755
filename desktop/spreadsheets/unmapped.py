"""The columns an import leaves out, each said why when the reason is plain.

"Not imported: Components - Processor" under a GLPI export read as if data were dropped;
the column was empty in every row (GLPI exports every column it lists, filled or not). An
empty column is named so: "Components - Processor (empty in every row)". A column whose
cells are formulas with no saved result reads as empty too, and is named for what it holds:
"With VAT (formulas with no saved result)".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop.spreadsheets.columns import ColumnMapping

EMPTY = "empty in every row"
UNREAD = "formulas with no saved result"


def unmapped_said(
    mapping: ColumnMapping,
    rows: Sequence[Sequence[object]],
    first: int,
    unread: Mapping[int, Sequence[tuple[int, str]]] | None = None,
) -> list[str]:
    """The headers of ``mapping``'s columns not imported, in order; one whose cells from
    row index ``first`` on are all blank carries "(empty in every row)", or "(formulas
    with no saved result)" when ``unread`` (the table's ``unread_formulas``: by row
    number, (column index, why)) names its cells.

    Only the columns left out are read, each until its first filled cell: the wizard asks
    again at every choice, on the window's thread, with the whole file in memory."""
    below = rows[first:]
    unread_columns = {column for cells in (unread or {}).values() for column, _why in cells}
    return [
        header
        if _any_filled(below, index)
        else f"{header} ({UNREAD if index in unread_columns else EMPTY})"
        for index, (header, target) in enumerate(zip(mapping.headers, mapping.targets, strict=True))
        if not target
    ]


def _any_filled(rows: Sequence[Sequence[object]], index: int) -> bool:
    return any(index < len(row) and _filled(row[index]) for row in rows)


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""
