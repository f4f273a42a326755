"""Formula cells of an .ods sheet, as :mod:`desktop.spreadsheets.formulas` finds an .xlsx
sheet's: which cells are formulas, which have no saved result, which hold an error.

An OpenDocument cell keeps its formula in ``table:formula`` and its result in the value
attributes (``office:value``, ``office:date-value``…) and the displayed text. A program
that does not calculate (a script writing with odfpy) leaves the value out; python-calamine
reads such a cell as empty. pandas' writer keeps the formula's own text as a text result,
read as "=SUM(…)". LibreOffice saves an error (``#N/A``, ``Err:502``) as the number 0 with
``calcext:value-type="error"``; python-calamine reads it as 0, or as empty: never a value
to import.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from desktop.spreadsheets.formulas import FORMULA_SHOWN, MAX_SHEET_XML, SheetFormulas

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
#: The attribute that holds a result of each value type.
_VALUE_OF = {
    "float": "value",
    "percentage": "value",
    "currency": "value",
    "date": "date-value",
    "time": "time-value",
    "boolean": "boolean-value",
}
#: What LibreOffice and Excel show for an error result.
_ERROR_TEXT = re.compile(r"^(?:#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!)|Err:\d+)$")
#: A cell reference of OpenFormula: ``[.A1]``, ``[.A1:.B2]``, ``[$Sheet2.A1]``.
_REFERENCE = re.compile(r"\[([^\]]*)\]")
#: More formula cells than this in one repeated block are not listed one by one.
_MOST_REPEATED = 100_000


def ods_formulas(path: Path, sheet: str) -> SheetFormulas:
    """The formula cells of the .ods file's ``sheet`` (row number, column index), those
    without a saved result and those with an error; none when the file cannot be read
    (its cells were read already) or has no formula."""
    try:
        with zipfile.ZipFile(path) as package:
            if package.getinfo("content.xml").file_size > MAX_SHEET_XML:
                return SheetFormulas()
            content = package.read("content.xml")
    except (KeyError, OSError, EOFError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return SheetFormulas()
    if b"formula=" not in content and b'value-type="error"' not in content:
        return SheetFormulas()
    try:
        return _scan(io.BytesIO(content), sheet)
    except ElementTree.ParseError:
        return SheetFormulas()  # calamine read it; a damaged part is not ours to judge


def _scan(content: io.BytesIO, sheet: str) -> SheetFormulas:
    found = SheetFormulas()
    inside = noted = False
    row = column = 0
    for event, element in ElementTree.iterparse(content, ("start", "end")):
        tag = element.tag
        if tag == f"{_TABLE}table":
            if event == "start":
                inside = element.get(f"{_TABLE}name") == sheet
                row = 0
            elif inside:
                break
            continue
        if not inside or event != "end":
            continue
        if tag in _CELLS:
            repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1") or 1)
            noted = _note(found, element, row, column, repeat) or noted
            column += repeat
        elif tag == f"{_TABLE}table-row":
            repeated = int(element.get(f"{_TABLE}number-rows-repeated", "1") or 1)
            if repeated > 1 and noted:
                _repeat_row(found, row + 1, repeated)
            row += repeated
            column = 0
            noted = False
            element.clear()
    return found


def _note(
    found: SheetFormulas, cell: ElementTree.Element, row: int, column: int, repeat: int
) -> bool:
    """Add ``cell`` (at ``row``, ``column`` from 0, repeated ``repeat`` times) to ``found``
    when it holds a formula or an error; whether it did."""
    formula = cell.get(f"{_TABLE}formula")
    error = cell.get(f"{_CALCEXT}value-type") == "error"
    if formula is None and not error:
        return False
    shown = _shown(formula or "")
    text = "".join("".join(p.itertext()) for p in cell.findall(f"{_TEXT}p"))
    kind = cell.get(f"{_OFFICE}value-type")
    places = [(row + 1, c) for c in range(column, column + min(repeat, _MOST_REPEATED))]
    if formula is not None:
        found.cells.update(places)
    if error or (formula is not None and _ERROR_TEXT.match(text.strip())):
        found.errors.update(dict.fromkeys(places, (text.strip(), shown)))
    elif formula is not None and _no_result(cell, kind, text, shown):
        found.unread.update(dict.fromkeys(places, shown))
    return True


def _no_result(cell: ElementTree.Element, kind: str | None, text: str, shown: str) -> bool:
    if kind is None:
        return True  # no value type: nothing was computed
    if kind == "string":  # pandas' writer: the formula's own text as its result
        value = cell.get(f"{_OFFICE}string-value", text)
        return value.strip() == shown or value.strip() == shown.rstrip("…")
    attribute = _VALUE_OF.get(kind)
    return attribute is not None and cell.get(f"{_OFFICE}{attribute}") is None


def _repeat_row(found: SheetFormulas, number: int, repeated: int) -> None:
    """Row ``number``, repeated ``repeated`` times, holds its formulas in each copy."""
    copies = range(number + 1, number + min(repeated, _MOST_REPEATED))
    columns = [c for r, c in found.cells if r == number]
    found.cells.update((extra, c) for extra in copies for c in columns)
    unread = {c: v for (r, c), v in found.unread.items() if r == number}
    found.unread.update({(extra, c): v for extra in copies for c, v in unread.items()})
    errors = {c: v for (r, c), v in found.errors.items() if r == number}
    found.errors.update({(extra, c): v for extra in copies for c, v in errors.items()})


def _shown(formula: str) -> str:
    """The formula as LibreOffice shows it: ``of:=SUM([.A1:.A2])`` as "=SUM(A1:A2)",
    ``[$Orders.A1:.B9]`` as "$Orders.A1:B9", cut
    to :data:`FORMULA_SHOWN` characters."""
    if not formula:
        return ""
    text = formula.split(":", 1)[1] if formula[:4].lower() in ("of:=", "oooc") else formula
    if not text.startswith("="):
        text = "=" + text
    text = _REFERENCE.sub(lambda m: m.group(1).lstrip(".").replace(":.", ":"), text)
    return text if len(text) <= FORMULA_SHOWN else text[: FORMULA_SHOWN - 1] + "…"
