"""Formula cells of an .xlsx sheet, to tell rows a person typed from rows that only hold
formula results.

Home-made registers are Excel Tables made a hundred rows long in advance, with a
calculated column ("Age", "Warranty status") that shows a value on every row. Those rows
hold no typed data: importing them would refuse a hundred "assets" without a name. The
sheet's XML says which cells are formulas (``<c r="C12"><f>…</f>``); calamine reads only
their cached values, so the XML is scanned here, without loading the workbook again. The
same scan finds the formulas with no saved result (a file written by a script) and the
error results (``#N/A``), which python-calamine reads as empty cells; an .ods file's
content is scanned by :mod:`desktop.spreadsheets.ods_formulas`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.spreadsheets.limits import sheet_has_no_formulas

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"')
_SHEET_ID_FIRST = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
#: A formula cell: its attributes (around ``r``), column letters, row, the formula's text
#: (None for a shared formula's copy, ``<f t="shared" si="0"/>``), the ``<v>`` element
#: when there is one and its text. One pass finds the cells and whether each has a result.
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?)\br="([A-Z]{1,3})(\d+)"([^>]*)>\s*'
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)"
    rb"\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>)?"
)
_TEXT_RESULT = re.compile(rb'\bt="str"')
_ERROR_RESULT = re.compile(rb'\bt="e"')
#: A cell holding an error value and no formula (``<c r="B7" t="e"><v>#N/A</v></c>``):
#: what pasting a formula column's values leaves of its errors.
_ERROR_CELL = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?)\br="([A-Z]{1,3})(\d+)"([^>]*)>\s*'
    rb"<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>"
)
#: The officeDocument relationship of the package's root: where the workbook part is.
_OFFICE_DOCUMENT = b"/officeDocument"
#: A formula longer than this is cut in messages.
FORMULA_SHOWN = 60
#: Sheets larger than this are not scanned (their rows are all kept).
MAX_SHEET_XML = 200 * 1024 * 1024


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _workbook_part(archive: zipfile.ZipFile) -> str:
    """The workbook part's name: ``xl/workbook.xml`` unless the package's relationships
    name another (openpyxl's reader fallback serves such files)."""
    try:
        rels = archive.read("_rels/.rels")
    except KeyError:
        return "xl/workbook.xml"
    for tag in _REL.findall(rels):
        attrs: dict[bytes, bytes] = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode()
        if attrs.get(b"Type", b"").endswith(_OFFICE_DOCUMENT) and target:
            return posixpath.normpath(target.lstrip("/"))
    return "xl/workbook.xml"


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook_part = _workbook_part(archive)
    folder, _, name = workbook_part.rpartition("/")
    workbook = archive.read(workbook_part)
    rel_id = None
    for match in _SHEET.finditer(workbook):
        if _unescape(match.group(1)) == sheet:
            rel_id = match.group(2)
    for match in _SHEET_ID_FIRST.finditer(workbook):
        if _unescape(match.group(2)) == sheet:
            rel_id = match.group(1)
    if rel_id is None:
        return None
    for tag in _REL.findall(archive.read(posixpath.join(folder, "_rels", name + ".rels"))):
        attrs: dict[bytes, bytes] = dict(_ATTR.findall(tag))
        if attrs.get(b"Id") == rel_id:
            target = attrs.get(b"Target", b"").decode()
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(folder, target))
    return None


@dataclass(frozen=True)
class SheetFormulas:
    """The formula cells of a sheet, each as (row number, column index).

    Attributes:
        cells: every formula cell.
        unread: the formula cells with no saved result, and their formulas ("=SUM(1,2)",
            "" for a shared formula's copy): a file written by a script (openpyxl) or by a
            program that does not calculate. python-calamine reads them as empty cells.
        errors: the cells whose value is an error (``#N/A``, ``#REF!``), a formula's
            result or pasted as a value, as (the error, the formula or ""): read as
            empty (python-calamine) or as the error's text (openpyxl), never a value.
    """

    cells: set[tuple[int, int]] = field(default_factory=set)
    unread: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    @property
    def uncalculated(self) -> bool:
        """Whether no formula of the sheet has a saved result: the whole file was written
        by a program that does not compute formulas."""
        return bool(self.cells) and len(self.unread) == len(self.cells)

    def problem(self, place: tuple[int, int], typed: str = "value") -> str | None:
        """Why the cell at ``place`` (row number, column index) holds no ``typed`` (a
        value, a column's title) to read, or None."""
        if (formula := self.unread.get(place)) is not None:
            return unread_formula_message(formula, typed)
        if (error := self.errors.get(place)) is not None:
            return error_result_message(*error, typed)
        return None


def formula_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row number, column index) of every formula cell of ``sheet``; empty when the file
    is not an .xlsx/.xlsm package or the sheet cannot be found."""
    return sheet_formulas(path, sheet).cells


def sheet_formulas(path: Path, sheet: str) -> SheetFormulas:
    """The formula cells of ``sheet``, those without a saved result and the error values;
    none when the file is not an .xlsx/.xlsm/.ods package or the sheet cannot be found."""
    suffix = path.suffix.lower()
    if suffix == ".ods":
        from desktop.spreadsheets.ods_formulas import ods_formulas

        return ods_formulas(path, sheet)
    if suffix not in (".xlsx", ".xlsm"):
        return SheetFormulas()
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None or archive.getinfo(part).file_size > MAX_SHEET_XML:
                return SheetFormulas()
            if sheet_has_no_formulas(path, part):  # the file's check read it all already
                return SheetFormulas()
            xml = archive.read(part)
    except (KeyError, OSError, EOFError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return SheetFormulas()  # the cells were read already; without formulas every row is kept
    has_errors = b't="e"' in xml
    if b"<f" not in xml and b":f" not in xml and not has_errors:
        return SheetFormulas()
    found = _FORMULA_CELL.findall(xml)
    # findall gives b"" for a group that did not take part (value: no <v> element at all);
    # a saved result has text, or is an empty text result (t="str").
    formulas = SheetFormulas(
        {(int(m[2]), _column_index(m[1])) for m in found},
        {
            (int(m[2]), _column_index(m[1])): _shown_formula(m[4])
            for m in found
            if not m[6] and not (m[5] and _TEXT_RESULT.search(m[0] + m[3]))
        },
    )
    if has_errors:
        formulas.errors.update(
            {
                (int(m[2]), _column_index(m[1])): (_unescape(m[6]), _shown_formula(m[4]))
                for m in found
                if m[6] and _ERROR_RESULT.search(m[0] + m[3])
            }
        )
        formulas.errors.update(
            {
                (int(m[2]), _column_index(m[1])): (_unescape(m[4]), "")
                for m in _ERROR_CELL.findall(xml)
                if _ERROR_RESULT.search(m[0] + m[3])
            }
        )
    return formulas


def _shown_formula(raw: bytes) -> str:
    """The formula as a person typed it: "=SUM(1,2)" (Excel's "_xlfn." prefixes of newer
    functions left out), cut to :data:`FORMULA_SHOWN` characters."""
    if not raw:
        return ""
    text = "=" + _unescape(raw).replace("_xlfn.", "").replace("_xlws.", "").strip()
    return text if len(text) <= FORMULA_SHOWN else text[: FORMULA_SHOWN - 1] + "…"


def unread_formula_message(formula: str, typed: str = "value") -> str:
    """Why a cell holding a formula with no saved result refuses its row."""
    shown = f" ({formula})" if formula else ""
    return (
        f"a formula with no saved result{shown}; open and save the file in Excel or "
        f"LibreOffice so its results are saved, or type the {typed}"
    )


def error_result_message(error: str, formula: str, typed: str = "value") -> str:
    """Why a cell holding an error value (``#N/A``) refuses its row."""
    of = f" of {formula}" if formula else ""
    return (
        f"an error ({error or 'unknown'}{of}), not a {typed}; correct the cell in Excel "
        f"or LibreOffice, or type the {typed}"
    )


#: Said first when no formula of the file has a saved result.
UNCALCULATED_FILE = (
    "this file was saved by a program that does not compute formulas (none of its "
    "formulas has a saved result); open it in Excel or LibreOffice and save it again, "
    "then import it"
)


def _column_index(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number - 1


def formula_only_rows(
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
    formulas: set[tuple[int, int]],
    *,
    first_column: int = 0,
) -> set[int]:
    """Indices of rows whose every non-empty cell is a formula (no typed data), the label
    of a totals row aside: "Total" (or "Summe", "Grand total"…) typed beside ``=SUM(…)``
    cells at the foot of a register or a purchase order is no asset, also when the label
    is merged over several cells.

    ``first_column`` is the sheet column of ``rows[i][0]`` (an Excel Table may start
    further right).
    """
    if not formulas:
        return set()
    formula_rows = {number for number, _ in formulas}
    result = set()
    for i, (row, number) in enumerate(zip(rows, row_numbers, strict=True)):
        if number not in formula_rows:
            continue
        typed = [
            value
            for c, value in enumerate(row)
            if value not in (None, "") and (number, c + first_column) not in formulas
        ]
        only_results = not typed and any(value not in (None, "") for value in row)
        # One label, though it may fill several cells: "Total" merged over the columns
        # left of the sums is read into each of them (readers._fill_merged).
        if only_results or (len(set(map(str, typed))) == 1 and _is_totals_label(typed[0])):
            result.add(i)
    return result


#: Labels of a register's totals row, in the languages registers come in.
TOTALS_LABELS = frozenset(
    {
        "total",
        "totals",
        "grand total",
        "sub-total",
        "subtotal",
        "sum",
        "summe",
        "gesamt",
        "gesamtsumme",
        "total général",
        "totaal",
        "totale",
        "totalt",
        "suma",
        "итого",
        "合計",
        "合计",
    }
)


def _is_totals_label(value: object) -> bool:
    if not isinstance(value, str):
        return False
    return " ".join(value.split()).rstrip(":").strip().casefold() in TOTALS_LABELS


#: A sum as a text file writes it: "4,567.80", "1.234,50 €", "$12,000", "(35)", "3".
_SUM_TEXT = re.compile(
    r"^\(?[-+]?(?:[$€£¥]|[A-Z]{3})?\s*[-+]?\d[\d.,'\s]*\s*(?:[$€£¥%]|[A-Z]{3})?\)?$"
)


def totals_rows(rows: Sequence[Sequence[object]]) -> set[int]:
    """Indices of a text file's totals rows: a totals label ("Total", "TOTAL:", "Summe")
    in the row's first filled cell and only numbers (its sums) in the others, at least
    one. A CSV has no formulas to tell them (a workbook's are found by
    :func:`formula_only_rows`); such a row at the foot of a register is no asset."""
    result = set()
    for i, row in enumerate(rows):
        filled = [v for v in row if v is not None and (not isinstance(v, str) or v.strip())]
        if len(filled) < 2 or not _is_totals_label(filled[0]):
            continue
        if all(_is_sum(value) for value in filled[1:]):
            result.add(i)
    return result


def _is_sum(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _SUM_TEXT.match(value.strip()) is not None
