"""Which formula cells of a sheet have no saved result (desktop.spreadsheets.formulas),
on files with the quirks of real ones: Excel's and LibreOffice's (results saved, shared
and array formulas, an error result), openpyxl's (``<v />``: no result), and the
variants a program may write by hand."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.spreadsheets.formulas import formula_cells, sheet_formulas

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"


def test_excel_and_libreoffice_files_have_every_formula_result_saved() -> None:
    excel = sheet_formulas(DATA / "formulae.xlsx", "Sheet1")  # shared, array, t="str"
    assert excel.cells >= {(3, 0), (7, 1), (7, 4), (10, 2), (16, 0)}
    assert excel.unread == {}
    libreoffice = sheet_formulas(DATA / "copy_test.xlsx", "original_sheet")  # 1+1, 1/0
    assert libreoffice.cells == {(3, 0), (4, 0)}
    assert libreoffice.unread == {}


def test_openpyxls_formulas_have_no_saved_result(tmp_path: Path) -> None:
    path = tmp_path / "script.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assets & spares"
    sheet.append(["Name", "Notes"])
    sheet.append(["Laptop", "=SUM(1,2)"])
    sheet.append(['=_xlfn.CONCAT("a<","b")', "typed"])
    book.save(path)
    found = sheet_formulas(path, "Assets & spares")
    assert found.unread == {(2, 1): "=SUM(1,2)", (3, 0): '=CONCAT("a<","b")'}
    assert formula_cells(path, "Assets & spares") == {(2, 1), (3, 0)}


def sheet_with(tmp_path: Path, cells: str) -> Path:
    """A one-sheet workbook whose row 2 is ``cells`` (the sheet's XML)."""
    path = tmp_path / "hand.xlsx"
    openpyxl.Workbook().save(path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="2">{cells}</row></sheetData></worksheet>'
    ).encode()
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("cell", "unread"),
    [
        ('<c r="N2"><f>1+2</f></c>', True),  # no <v> at all
        ('<c r="N2"><f>1+2</f><v/></c>', True),
        ('<c r="N2"><f>1+2</f><v></v></c>', True),  # empty, and not a text result
        ('<c r="N2" t="str"><f>"a"&amp;""</f></c>', True),  # a text cell, no result
        ('<c r="N2" t="str"><f>""</f><v></v></c>', False),  # the empty text result
        ('<c t="str" r="N2"><f>""</f><v/></c>', False),
        ('<c r="N2"><f>1+2</f><v>3</v></c>', False),
        ('<c r="N2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', False),
        ('<x:c r="N2"><x:f>1+2</x:f></x:c>', True),  # a namespace prefix
    ],
)
def test_a_formula_has_a_saved_result_when_its_v_holds_one(
    tmp_path: Path, cell: str, unread: bool
) -> None:
    found = sheet_formulas(sheet_with(tmp_path, cell), "Sheet")
    assert found.cells == {(2, 13)}
    assert bool(found.unread) is unread
