"""Workbooks with the formula quirks of real files, made as their programs make them.

- openpyxl (and any script) writes a formula with no result: ``<c r="C1"><f>…</f><v /></c>``.
- Excel and LibreOffice save each formula's result in ``<v>``, a text result as
  ``t="str"``, an error as ``t="e"`` with ``<v>#N/A</v>``; pasting a formula column's
  values keeps an error as ``<c t="e"><v>#N/A</v></c>`` (no formula).
- An .ods file keeps the formula in ``table:formula`` and the result in the value
  attributes: odfpy writes none, pandas' writer the formula's own text, LibreOffice an
  error as the number 0 with ``calcext:value-type="error"`` and the error's text.
- openpyxl reads (the reader's fallback) a package whose workbook part is not
  ``xl/workbook.xml``: openpyxl's own test file nonstandard_workbook_name.xlsx.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from tests.desktop.spreadsheets.hostile import ods

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"
HEADER = ["Name", "Category", "Serial number", "Location", "Notes"]
ADVICE = "open and save the file in Excel or LibreOffice so its results are saved"


def rewritten(path: Path, part: str, edit: dict[str, str]) -> Path:
    """``path`` with each cell of ``edit`` (by reference) of ``part`` replaced by the
    given XML (a whole ``<c>`` element), as another program would have saved it."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts[part].decode()
    for ref, cell in edit.items():
        start = xml.index(f'<c r="{ref}"')
        end = xml.index(">", start)
        if xml[end - 1] != "/":  # <c …>…</c>, not <c …/>
            end = xml.index("</c>", start) + len("</c>") - 1
        xml = xml[:start] + cell + xml[end + 1 :]
    parts[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def formula_cell(ref: str, formula: str, result: str | None, kind: str = "str") -> str:
    """A formula cell: ``result`` None as openpyxl writes it (no result), else as Excel
    saves it (``kind``: "str" for text, "n" for a number, "e" for an error)."""
    f = f"<f>{escape(formula)}</f>"
    if result is None:
        return f'<c r="{ref}">{f}<v /></c>'
    kind_attr = "" if kind == "n" else f' t="{kind}"'
    return f'<c r="{ref}"{kind_attr}>{f}<v>{escape(result)}</v></c>'


def sheet_xml(rows: Sequence[Sequence[object]]) -> str:
    """A worksheet part with inline strings (no shared-strings part): each cell text,
    a number, or ``("f", formula)`` (no result) / ``("e", error, formula)``."""
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, tuple) and value[0] == "f":
                cells.append(f'<c r="{ref}"><f>{escape(value[1])}</f></c>')
            elif isinstance(value, tuple) and value[0] == "e":
                cells.append(f'<c r="{ref}" t="e"><f>{escape(value[2])}</f><v>{value[1]}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value is not None:
                text = escape(str(value))
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(out)}</sheetData></worksheet>"
    )


def openpyxl_fallback_file(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """openpyxl's nonstandard_workbook_name.xlsx (its workbook part is xl/workbook10.xml:
    python-calamine cannot open it, openpyxl reads it) with ``rows`` in its sheet."""
    with zipfile.ZipFile(DATA / "nonstandard_workbook_name.xlsx") as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml(rows).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def ods_file(path: Path, rows: Sequence[Sequence[object]], sheet: str = "Assets") -> Path:
    """An .ods file: each cell text, or ``(xml attributes, text)`` for a cell written
    with its own attributes (a formula, a value type)."""
    out = []
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, tuple):
                attrs, text = value
                inner = f"<text:p>{escape(text)}</text:p>" if text else ""
                cells.append(f"<table:table-cell {attrs}>{inner}</table:table-cell>")
            elif value is None:
                cells.append("<table:table-cell/>")
            else:
                cells.append(
                    '<table:table-cell office:value-type="string">'
                    f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                )
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    # LibreOffice ends a sheet with a block of empty rows repeated to the sheet's end.
    out.append(
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    body = f"<table:table table:name={quoteattr(sheet)}>{''.join(out)}</table:table>"
    calcext = 'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
    return ods(path, body.replace("<table:table ", f"<table:table {calcext} ", 1))


def ods_formula(formula: str) -> str:
    """The ``table:formula`` attribute LibreOffice writes for ``formula`` ("=1+2")."""
    return f"table:formula={quoteattr('of:' + formula)}"
