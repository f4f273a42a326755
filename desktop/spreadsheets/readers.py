"""Reading spreadsheets: workbooks through python-calamine, text files through the csv module.

python-calamine reads about 95,000 rows/s here against about 14,000 for openpyxl's
read-only mode (measured for issue 4), so it reads every workbook format it knows
(.xlsx, .xlsm, .xlsb, .xls, .ods); openpyxl is tried only when calamine cannot make
sense of an .xlsx's package layout. Every failure becomes a :class:`DesktopError` that
names the file.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.spreadsheets import limits
from desktop.spreadsheets.limits import UnreadableFileError as UnreadableFileError

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES
#: The most rows a sheet may hold (Excel's own limit).
MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class SheetInfo:
    name: str
    hidden: bool


@dataclass(frozen=True)
class Table:
    """The cells of one sheet, as read.

    Attributes:
        file_name: the file's name (no folder), for messages and the procedure origin.
        sheet: the sheet's name ("" for a CSV file).
        rows: every row's cells (ragged rows allowed).
        row_numbers: the row number a user sees for each row (the line, for CSV).
        unread_formulas: by row number, the cells of that row that hold no value to
            read — a formula with no saved result, an error such as ``#N/A`` — as
            (column index in ``rows``, why in words): the row is refused when such a
            cell is imported (see sheet_choice.read_chosen and formula_refusals).
        uncalculated: no formula of the sheet has a saved result (a file written by a
            program that does not compute formulas): said once, before the rows.
    """

    file_name: str
    sheet: str
    rows: list[list[object]]
    row_numbers: list[int]
    unread_formulas: dict[int, tuple[tuple[int, str], ...]] = field(
        default_factory=dict, compare=False
    )
    uncalculated: bool = field(default=False, compare=False)

    @property
    def where(self) -> str:
        return f"{self.file_name}, sheet {self.sheet}" if self.sheet else self.file_name


@dataclass(frozen=True)
class Workbook:
    """A workbook file opened once: its worksheets and the reader that loads them, so
    that choosing a sheet and reading it do not open (and check) the file again.

    Attributes:
        path: the file.
        sheets: its worksheets (chart sheets left out).
        reader: the checked python-calamine workbook, or None when openpyxl reads it.
    """

    path: Path
    sheets: list[SheetInfo]
    reader: Any


def open_workbook(path: Path) -> Workbook:
    """A workbook file (not CSV), checked and opened; raises for one that cannot be read."""
    _suffix(path)
    reader = _open_calamine(path)
    if reader is None:
        return Workbook(
            path, [SheetInfo(name, False) for name in _openpyxl_sheet_names(path)], None
        )
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    sheets = [
        SheetInfo(s.name, s.visible != SheetVisibleEnum.Visible)
        for s in reader.sheets_metadata
        if s.typ == SheetTypeEnum.WorkSheet
    ]
    return Workbook(path, sheets, reader)


@dataclass(frozen=True)
class ExcelTable:
    """An Excel Table's place, as python-calamine gives it: ``start`` its first data
    cell and ``end`` its last cell, each (row, column) counted from 0."""

    name: str
    sheet: str
    start: tuple[int, int]
    end: tuple[int, int]


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_TABLE_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def excel_tables(path: Path) -> list[ExcelTable] | None:
    """The Excel Tables of an .xlsx or .xlsm package (checked already: see
    :func:`open_workbook`), from its table parts: names and places only, no sheet's cells
    read (python-calamine's table lookup reads the whole sheet again for each). None when
    a part is not what Excel writes — no header row, a totals row, an unusual path or
    reference: python-calamine's own lookup is the authority then."""
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())

            def part(name: str) -> Any:
                return ElementTree.fromstring(package.read(name))

            def relations(of: str) -> dict[str, tuple[str, str]]:
                folder, _, file = of.rpartition("/")
                rels = f"{folder}/_rels/{file}.rels"
                if rels not in names:
                    return {}
                found = {}
                for r in part(rels).iter(f"{_RELATIONS}Relationship"):
                    target = r.get("Target", "")
                    if target.startswith("/"):
                        target = target[1:]
                    else:
                        target = posixpath.normpath(posixpath.join(folder, target))
                    found[r.get("Id", "")] = (r.get("Type", ""), target)
                return found

            workbook = relations("xl/workbook.xml")
            found: list[ExcelTable] = []
            for sheet in part("xl/workbook.xml").iter(f"{_MAIN}sheet"):
                _type, sheet_part = workbook.get(sheet.get(_RELATION_ID, ""), ("", ""))
                for kind, target in relations(sheet_part).values() if sheet_part else ():
                    if kind != _TABLE_RELATION:
                        continue
                    table = part(target)
                    header = table.get("headerRowCount", "1")
                    totals = table.get("totalsRowCount", "0")
                    place = table.get("ref", "").upper().split(":")
                    name = table.get("displayName") or table.get("name")
                    cells = [_CELL.fullmatch(c) for c in place]
                    if header != "1" or totals != "0" or not name or len(cells) != 2:
                        return None
                    first, last = (_cell_place(c) for c in cells)
                    if first is None or last is None:
                        return None
                    start = (first[0] + 1, first[1])  # the first data cell: below the header
                    found.append(ExcelTable(name, str(sheet.get("name")), start, last))
            return found
    except (  # a part missing or damaged: python-calamine's lookup decides
        KeyError,
        ValueError,
        OSError,
        RuntimeError,
        NotImplementedError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ElementTree.ParseError,
    ):
        return None


def _cell_place(found: re.Match[str] | None) -> tuple[int, int] | None:
    """A cell reference's (row, column), from 0."""
    if found is None:
        return None
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(found.group(2)) - 1, column - 1


def list_sheets(path: Path) -> list[SheetInfo]:
    """The worksheets of a workbook (chart sheets left out); one unnamed sheet for CSV."""
    suffix = _suffix(path)
    if suffix in TEXT_SUFFIXES:
        _check_not_empty(path)
        return [SheetInfo("", False)]
    return open_workbook(path).sheets


def read_table(path: Path, sheet: str | None = None, *, workbook: Workbook | None = None) -> Table:
    """The cells of ``sheet`` (default: the first visible worksheet); ``workbook``: the
    file opened already (:func:`open_workbook`)."""
    suffix = _suffix(path)
    if suffix in TEXT_SUFFIXES:
        return read_csv(path)
    opened = open_workbook(path) if workbook is None else workbook
    sheets = opened.sheets
    if not sheets:
        raise UnreadableFileError(f"{path.name} has no worksheet to import")
    if sheet is None:
        visible = [s for s in sheets if not s.hidden] or sheets
        sheet = visible[0].name
    elif sheet not in {s.name for s in sheets}:
        names = ", ".join(s.name for s in sheets)
        raise DesktopError(f"{path.name} has no sheet '{sheet}' (its sheets: {names})")
    try:
        if opened.reader is None:
            rows = _openpyxl_rows(path, sheet)
        else:
            worksheet = opened.reader.get_sheet_by_name(sheet)
            rows = worksheet.to_python(skip_empty_area=False)
            _fill_merged(rows, getattr(worksheet, "merged_cell_ranges", None) or ())
    except DesktopError:
        raise
    except BaseException as exc:  # calamine raises its own types (and panics) for damage
        if not isinstance(exc, Exception) and not limits.is_reader_panic(exc):
            raise
        raise UnreadableFileError(
            f"{path.name}, sheet {sheet}: cannot be read ({_reason(exc)})"
        ) from exc
    if len(rows) > MAX_ROWS:
        raise UnreadableFileError(f"{path.name}, sheet {sheet}: more than {MAX_ROWS:,} rows")
    while rows and all(c in (None, "") for c in rows[-1]):
        rows.pop()
    # Both readers give each row as a list of its own already: not copied again.
    rows = [r if r.__class__ is list else list(r) for r in rows]
    return Table(path.name, sheet, rows, list(range(1, len(rows) + 1)))


def _fill_merged(rows: list[list[Any]], ranges: Any) -> None:
    """Give every cell of a merged range the value of its top-left cell (a category merged
    over five rows belongs to all five)."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise UnreadableFileError(
            f"{path.name}: cannot import '{suffix or 'no extension'}' files (use {known})"
        )
    if not path.is_file():
        raise UnreadableFileError(f"{path.name}: there is no such file ({path})")
    return suffix


def _check_not_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise UnreadableFileError(f"{path.name} is empty (0 bytes)")


def _open_calamine(path: Path) -> Any:
    """The calamine workbook, or None when openpyxl should try; raises for a hopeless file."""
    from python_calamine import CalamineWorkbook

    _check_not_empty(path)
    limits.check_signature(path)  # encrypted, or another format under this name
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xlsb", ".ods"):
        if not zipfile.is_zipfile(path):
            raise UnreadableFileError(
                f"{path.name} is not a valid {path.suffix.lower()} file (it is not a zip package)"
            )
        limits.check_once(path)  # before calamine or openpyxl can choke on it
    try:
        return limits.GuardedWorkbook(CalamineWorkbook.from_path(str(path)), path)
    except Exception as exc:
        name = type(exc).__name__
        if name == "PasswordError":
            raise UnreadableFileError(
                f"{path.name} is password-protected: remove the password and import again"
            ) from exc
        if path.suffix.lower() in (".xlsx", ".xlsm") and name == "CalamineError":
            return None  # an unusual package layout: openpyxl may still read it
        raise UnreadableFileError(f"{path.name} cannot be read ({_reason(exc)})") from exc
    except BaseException as exc:  # a panic in calamine's Rust code is no Exception
        if not limits.is_reader_panic(exc):
            raise
        raise UnreadableFileError(f"{path.name} cannot be read ({_reason(exc)})") from exc


def _openpyxl_sheet_names(path: Path) -> list[str]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, TypeError, XML errors...
        raise UnreadableFileError(
            f"{path.name} is not a readable workbook ({_reason(exc)})"
        ) from exc
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _openpyxl_rows(path: Path, sheet: str) -> list[list[object]]:
    import openpyxl

    limits.check_once(path, sheets=True)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()  # never trust a claimed dimension
        return [list(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:200] if text else type(exc).__name__) or type(exc).__name__


# -- CSV -----------------------------------------------------------------------------

_WESTERN = frozenset("àâäáãåæçéèêëíìîïñóòôöõøœúùûüÿßÀÂÄÁÃÅÆÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØŒÚÙÛÜŸ€£°«»’“”–")


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), else Windows-1252 or Mac Roman,
    whichever yields more ordinary Western letters (Mac Roman's é is Windows-1252's Ž)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[int, int, str]] = []
    for preference, encoding in enumerate(("cp1252", "mac_roman")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        high = [c for c in text if ord(c) > 127]
        score = sum(1 for c in high if c in _WESTERN) - sum(1 for c in high if c not in _WESTERN)
        candidates.append((score, -preference, encoding))
    if not candidates:
        raise UnreadableFileError(
            f"{file_name}: the text encoding is not UTF-8, Windows-1252 or Mac Roman"
        )
    _, _, encoding = max(candidates)
    return data.decode(encoding), encoding


def sniff_delimiter(text: str) -> str:
    """``,`` ``;`` or tab: the one that splits the first lines into the most consistent,
    widest rows (quotes respected)."""
    sample = text[:65536]
    best, best_score = ",", -1.0
    for delimiter in (",", ";", "\t"):
        try:
            rows = list(_rows(sample, delimiter, limit=30))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        if modal < 2:
            continue
        score = widths.count(modal) / len(widths) * modal
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    result = []
    for row in reader:
        result.append(row)
        if limit is not None and len(result) >= limit:
            break
    return result


def read_csv(path: Path) -> Table:
    """A CSV file: encoding and delimiter detected, CR/LF/CRLF line ends, quoted line breaks."""
    _check_not_empty(path)
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{path.name} is not a text file (it holds binary data)")
    text, _ = decode_text(data, path.name)
    limits.refuse_nul(path.name, text)
    with limits.csv_cells():
        delimiter = sniff_delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[object]] = []
        numbers: list[int] = []
        line = 1
        try:
            for record in reader:
                rows.append(list(record))
                numbers.append(line)
                line = reader.line_num + 1
        except csv.Error as exc:
            raise UnreadableFileError(limits.csv_message(path.name, line, exc)) from exc
    while rows and all(not str(c).strip() for c in rows[-1]):
        rows.pop()
        numbers.pop()
    return Table(path.name, "", rows, numbers)


def cell(row: Sequence[object], index: int) -> object:
    return row[index] if index < len(row) else None
