"""Which sheet (or Excel Table) of a workbook holds the assets.

A home-made register often opens on a summary sheet ("Totals", or the fields listed down
column A) with the data on the next sheet, or keeps the data in an Excel Table below a
title. Unless the user names a sheet, every visible sheet and every Excel Table is read,
and the one whose header row names the most known columns is imported (ties: the first;
a Table wins over the sheet it sits in). The dry run names the choice. Rows of an Excel
sheet that hold only formula results (no typed data) are left out and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.spreadsheets.columns import column_letter
from desktop.spreadsheets.formulas import (
    UNCALCULATED_FILE,
    SheetFormulas,
    formula_only_rows,
    sheet_formulas,
    totals_rows,
)
from desktop.spreadsheets.import_runs import file_sha256
from desktop.spreadsheets.mapping import header_row
from desktop.spreadsheets.open_elsewhere import open_elsewhere_note
from desktop.spreadsheets.readers import (
    TEXT_SUFFIXES,
    ExcelTable,
    Table,
    decode_text,
    excel_tables,
    open_workbook,
    read_table,
    sniff_delimiter,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChosenTable:
    """The table to import and why.

    Attributes:
        table: the cells (for an Excel Table, only its range).
        note: the choice in words for the dry run ("" when there was no choice to make).
        formula_rows: the row numbers left out because they hold only formula results.
        sheets_with_data: the sheets read (visible ones unless one was named) that hold
            a value, in the file's order: the wizard offers no choice when it is one.
        totals_rows: the row numbers of a text file left out as totals rows ("Total" and
            sums: a workbook's are among ``formula_rows``).
        open_elsewhere: said when Excel or LibreOffice has the file open (its unsaved
            edits are not read): :func:`open_elsewhere.open_elsewhere_note`.
    """

    table: Table
    note: str = ""
    formula_rows: tuple[int, ...] = ()
    sheets_with_data: tuple[str, ...] = ()
    totals_rows: tuple[int, ...] = ()
    open_elsewhere: str = ""
    #: The SHA-256 of the file's bytes: an import of the same bytes before is said
    #: (desktop.spreadsheets.import_runs).
    file_sha256: str = ""


@dataclass(frozen=True)
class _Candidate:
    table: Table
    label: str
    score: int
    header_number: int
    first_column: int
    is_table: bool


def read_chosen(path: Path, sheet: str | None, custom_labels: Mapping[str, str]) -> ChosenTable:
    """Read ``path``: the named sheet, or the sheet or Excel Table that looks most like an
    asset list; rows holding only formula results left out."""
    chosen = replace(_read_chosen(path, sheet, custom_labels), file_sha256=file_sha256(path))
    if note := open_elsewhere_note(path):
        return replace(chosen, open_elsewhere=note)
    return chosen


def _read_chosen(path: Path, sheet: str | None, custom_labels: Mapping[str, str]) -> ChosenTable:
    if path.suffix.lower() in TEXT_SUFFIXES:
        text_table = read_table(path, sheet)
        totals = totals_rows(text_table.rows)
        if not totals:
            return ChosenTable(text_table)
        return ChosenTable(
            _without(text_table, totals),
            totals_rows=tuple(sorted(text_table.row_numbers[i] for i in totals)),
        )
    workbook = open_workbook(path)  # listed, checked and read from one opening
    if sheet is None:
        sheets = workbook.sheets
        names = [s.name for s in sheets if not s.hidden] or [s.name for s in sheets]
    else:
        names = [sheet]
    candidates: list[_Candidate] = []
    read: dict[str, Table] = {}
    for name in names:
        read[name] = table = read_table(path, name, workbook=workbook)
        candidates.append(_candidate(table, f"sheet '{name}'", custom_labels, 0, False))
    for table_name, (excel_table, left) in _excel_tables(path, read):
        candidates.append(_candidate(excel_table, "", custom_labels, left, table_name))
    if not candidates:
        raise DesktopError(f"{path.name} has no worksheet to import")
    best = max(candidates, key=lambda c: (c.score, c.is_table, -candidates.index(c)))
    note = ""
    if len(candidates) > 1:
        # The sheet an imported Table sits on is not another choice: the Table is its data.
        others = [
            c
            for c in candidates
            if c is not best
            and not (best.is_table and not c.is_table and c.table.sheet == best.table.sheet)
        ]
        note = (
            f"Imported {best.label} (its header in row {best.header_number} names "
            f"{_known_columns(best.score)})"
        )
        if others:
            note += "; also in the file: " + ", ".join(
                f"{c.label} ({_known_columns(c.score)})" for c in others
            )
    with_data = tuple(name for name, table in read.items() if any(map(_has_value, table.rows)))
    formulas = sheet_formulas(path, best.table.sheet)
    table = best.table
    drop = formula_only_rows(
        table.rows, table.row_numbers, formulas.cells, first_column=best.first_column
    )
    if drop and best.header_number in table.row_numbers:
        # Titles that are all formulas (their results saved) are the header, not a row of
        # formula results: left out, the first data row was taken for the header.
        drop.discard(table.row_numbers.index(best.header_number))
    if formulas.unread or formulas.errors:
        _refuse_formula_titles(table, best, formulas)
        table = replace(
            table,
            unread_formulas=_unread(table, drop, formulas, best.first_column),
            uncalculated=formulas.uncalculated,
        )
    if not drop:
        return ChosenTable(table, note, sheets_with_data=with_data)
    trimmed = _without(table, drop)
    return ChosenTable(trimmed, note, tuple(sorted(table.row_numbers[i] for i in drop)), with_data)


def _without(table: Table, drop: set[int]) -> Table:
    """``table`` without the rows at the indices ``drop``."""
    kept = [i for i in range(len(table.rows)) if i not in drop]
    return Table(
        table.file_name,
        table.sheet,
        [table.rows[i] for i in kept],
        [table.row_numbers[i] for i in kept],
        table.unread_formulas,
        table.uncalculated,
    )


def _refuse_formula_titles(table: Table, best: _Candidate, formulas: SheetFormulas) -> None:
    """Refuse the file when a column title is a formula with no saved result or an error:
    read as empty, its column would be imported untitled — its data in the notes as
    "Column C" rather than in the field it names. The titles are the header row's, or
    those of a row above it that holds nothing but two or more such formulas (every
    title computed: read as a blank row, the header was looked for below it)."""
    if best.header_number not in table.row_numbers:
        return
    for index in range(table.row_numbers.index(best.header_number) + 1):
        number, row = table.row_numbers[index], table.rows[index]
        places = range(best.first_column, best.first_column + len(row))
        problems = [(c, p) for c in places if (p := formulas.problem((number, c), "title"))]
        if not problems:
            continue
        if number != best.header_number and not _computed_titles(formulas, number, problems, row):
            continue
        column, problem = problems[0]
        cell = f"{column_letter(column)}{number}"
        message = f"{table.where}, cell {cell}: the column title is {problem}"
        if formulas.uncalculated:
            message += f"; {UNCALCULATED_FILE}"
        raise DesktopError(message)


def _computed_titles(
    formulas: SheetFormulas, number: int, problems: list[tuple[int, str]], row: list[object]
) -> bool:
    """Whether row ``number``, above the header found, is the column titles, every one
    computed by a formula with no saved result: two or more formulas that build text
    (``"Serial "&"No"``), nothing else in the row. One such formula is a title above the
    table ("Register "&YEAR(TODAY())); sums above the header are no titles."""
    texts = [formulas.unread.get((number, column), "") for column, _ in problems]
    return (
        len(texts) >= 2
        and all('"' in text or "&" in text for text in texts)
        and not any(value not in (None, "") for value in row)
    )


def _unread(
    table: Table, drop: set[int], formulas: SheetFormulas, first_column: int
) -> dict[int, tuple[tuple[int, str], ...]]:
    """By row number, the cells of ``table`` (as (column index, why in words)) holding a
    formula with no saved result or an error, in the rows a person typed something in —
    a row of a register made long in advance whose formulas have no results reads as
    empty and is skipped as before; one kept would import such cells as empty (an edit
    silently not imported, a required field looking empty) or an error as a value."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for number, column in sorted(formulas.unread.keys() | formulas.errors.keys()):
        problem = formulas.problem((number, column))
        if column >= first_column and problem is not None:
            by_row.setdefault(number, []).append((column - first_column, problem))
    result = {}
    for i, (row, number) in enumerate(zip(table.rows, table.row_numbers, strict=True)):
        if i in drop or number not in by_row:
            continue
        if any(
            value not in (None, "") and (number, c + first_column) not in formulas.cells
            for c, value in enumerate(row)
        ):
            result[number] = tuple(by_row[number])
    return result


def _has_value(row: Sequence[object]) -> bool:
    return any(c is not None and (not isinstance(c, str) or c.strip()) for c in row)


_DELIMITERS = {",": "comma (,)", ";": "semicolon (;)", "\t": "tab"}
_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with a byte-order mark)",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Western European)",
    "mac_roman": "Mac Roman",
}


def text_file_facts(path: Path, table: Table, custom_labels: Mapping[str, str]) -> list[str]:
    """What was found reading a text file (it has no sheets), in words: the delimiter,
    the encoding, the header row and the rows below it. ``table``: the file as read."""
    text, encoding = decode_text(path.read_bytes(), path.name)  # as read_csv decides them
    return [
        f"Delimiter: {_DELIMITERS[sniff_delimiter(text)]}",
        f"Encoding: {_ENCODINGS.get(encoding, encoding)}",
        *table_facts(table, custom_labels),
    ]


def table_facts(table: Table, custom_labels: Mapping[str, str]) -> list[str]:
    """The header row and the rows below it, in words."""
    index, score = header_row(table.rows, custom_labels)
    number = table.row_numbers[index] if table.rows else 1
    below = max(len(table.rows) - index - 1, 0)
    header = f"row {number}, naming {_known_columns(score)}"
    if score == 0:
        header += " (map the columns by hand on the next page)"
    return [f"Header: {header}", f"Rows below the header: {below:,}"]


def _known_columns(count: int) -> str:
    """ "no known column", "1 known column", "3 known columns"."""
    if count == 0:
        return "no known column"
    return f"{count} known column{'s' if count != 1 else ''}"


def _candidate(
    table: Table,
    label: str,
    custom_labels: Mapping[str, str],
    first_column: int,
    table_name: str | bool,
) -> _Candidate:
    index, score = header_row(table.rows, custom_labels)
    number = table.row_numbers[index] if table.rows else 1
    if isinstance(table_name, str):
        label = f"Excel Table '{table_name}' on sheet '{table.sheet}'"
    return _Candidate(table, label, score, number, first_column, bool(table_name))


def _excel_tables(path: Path, sheets: dict[str, Table]) -> list[tuple[str, tuple[Table, int]]]:
    """Excel Tables on the sheets read as (name, (cells, first column))."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    places = excel_tables(path)  # from the table parts: no sheet read again
    if places is None:
        places = _calamine_tables(path)
    result = []
    for place in places:
        whole = sheets.get(place.sheet)
        if whole is None:
            continue
        # calamine gives the first data cell; the header is the row above it.
        (top, left), (bottom, right) = place.start, place.end
        rows, numbers = [], []
        for row, number in zip(whole.rows, whole.row_numbers, strict=True):
            if top <= number <= bottom + 1:
                rows.append(list(row[left : right + 1]))
                numbers.append(number)
        if rows:
            table = Table(whole.file_name, place.sheet, rows, numbers)
            result.append((place.name, (table, left)))
    return result


def _calamine_tables(path: Path) -> list[ExcelTable]:
    """The Excel Tables as python-calamine finds them (it reads each one's sheet)."""
    try:
        from python_calamine import CalamineWorkbook

        workbook: Any = CalamineWorkbook.from_path(str(path), load_tables=True)
        names = list(workbook.table_names)
    except Exception:  # a workbook without readable tables imports by its sheets
        log.warning("%s: its Excel Tables cannot be read", path.name, exc_info=True)
        return []
    found = []
    for name in names:
        try:
            excel_table = workbook.get_table_by_name(name)
            found.append(
                ExcelTable(str(name), str(excel_table.sheet), excel_table.start, excel_table.end)
            )
        except Exception:  # a damaged table definition: the sheet is still a candidate
            log.warning("%s: Excel Table %s cannot be read", path.name, name, exc_info=True)
    return found
