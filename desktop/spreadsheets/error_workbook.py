"""The error workbook: every rejected row as it was read, plus the reason.

It keeps the original header row and cells, so a user fixes the cells and imports the
file again; the "Import problems" column is recognised and ignored on that import.
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import DesktopError
from desktop.spreadsheets.columns import PROBLEMS_HEADER
from desktop.spreadsheets.model import ImportPlan, RowPlan


def write_error_workbook(plan: ImportPlan, rejected: list[RowPlan], path: Path) -> int:
    """Write ``rejected`` rows of ``plan`` to ``path`` (.xlsx); returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if path.suffix.lower() != ".xlsx":
        raise DesktopError(f"{path.name}: the error workbook is an .xlsx file")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rejected rows")
    headers = list(plan.mapping.headers)
    problems_at = headers.index(PROBLEMS_HEADER) if PROBLEMS_HEADER in headers else None
    if problems_at is None:
        headers.append(PROBLEMS_HEADER)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    width = len(plan.mapping.headers)
    for row in rejected:
        cells = list(plan.table.rows[row.index][:width])
        cells += [None] * (width - len(cells))
        reason = "; ".join(f"{p.column}: {p.message}" for p in row.problems) + f" (row {row.row})"
        if problems_at is None:
            cells.append(reason)
        else:
            cells[problems_at] = reason
        sheet.append([_as_text(sheet, c) for c in cells])
    try:
        workbook.save(path)
    except OSError as exc:
        raise DesktopError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(rejected)


def _as_text(sheet: object, value: object) -> object:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
