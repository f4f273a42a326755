"""The error workbook: every rejected row as it was read, plus the reason.

It keeps the original header row and cells, so a user fixes the cells and imports the
file again; the "Import problems" column is recognised and ignored on that import.

A version conflict (the asset changed in the database since the file was exported) is
not a dead end: its row gets the asset's current version in the Version cell, and its
problem says which of the row's cells differ from the database now (each would overwrite
the database's value on the next import), so the user keeps or reverts each, then
imports the workbook again.
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import DesktopError
from desktop.output_files import check_output_file
from desktop.spreadsheets.columns import PROBLEMS_HEADER, VERSION
from desktop.spreadsheets.model import ImportPlan, RowAction, RowPlan


def check_error_workbook_path(path: Path) -> None:
    """Refuse ``path`` for the error workbook before anything is imported: not .xlsx, its
    folder missing, or a folder (the import was written, then the workbook failed)."""
    if path.suffix.lower() != ".xlsx":
        raise DesktopError(f"{path.name}: the error workbook is an .xlsx file")
    check_output_file(path, "the error workbook")


def write_error_workbook(plan: ImportPlan, rejected: list[RowPlan], path: Path) -> int:
    """Write ``rejected`` rows of ``plan`` to ``path`` (.xlsx); returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    check_error_workbook_path(path)
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
    version_at = plan.mapping.index_of(VERSION)
    written: set[int] = set()
    for row in rejected:
        if row.row in written:  # a line of several items: the file's row, once
            continue
        written.add(row.row)
        cells = list(plan.table.rows[row.index][:width])
        cells += [None] * (width - len(cells))
        reason = "; ".join(f"{p.column}: {p.message}" for p in row.problems) + f" (row {row.row})"
        if row.action is RowAction.CONFLICT and version_at is not None and row.version:
            reason = _conflict_advice(row, cells[version_at]) + f" (row {row.row})"
            cells[version_at] = row.version
        if problems_at is None:
            cells.append(reason)
        else:
            cells[problems_at] = reason
        sheet.append([_as_text(sheet, c) for c in cells])
    try:
        workbook.save(path)
    except OSError as exc:
        raise DesktopError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(written)


def _conflict_advice(row: RowPlan, exported: object) -> str:
    """What to do with a row whose asset changed since the export: its Version cell now
    holds the current version; each cell that differs from the database is named."""
    if isinstance(exported, float) and exported.is_integer():
        exported = int(exported)  # a number cell read as 9.0
    head = (
        f"asset {row.tag} was changed in the database since this file was exported "
        f"(version {exported}, now {row.version}). The Version cell now says {row.version}"
    )
    if not row.changes:
        return f"{head}: the row matches the database; import this file again"
    cells = "; ".join(
        f"{change.label} '{change.after_text}' (the database has '{change.before_text}')"
        for change in row.changes
    )
    return (
        f"{head}, so importing this file again writes these cells over the database's "
        f"values: {cells}. Put the database's value back in any cell you did not mean to "
        "change, then import this file again"
    )


def _as_text(sheet: object, value: object) -> object:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
