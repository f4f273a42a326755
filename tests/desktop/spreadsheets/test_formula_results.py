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


def test_excels_error_results_are_found_with_their_formulas() -> None:
    found = sheet_formulas(DATA / "errors.xlsx", "Feuil1")  # Excel 2007, French sheets
    assert found.unread == {}
    assert found.errors == {
        (1, 0): ("#DIV/0!", "=5/0"),
        (2, 0): ("#NAME?", "=A0"),
        (3, 0): ("#VALUE!", '=AVERAGE("a","b")'),
        (4, 0): ("#NULL!", "=A1:B1 D1:D9"),
        (5, 0): ("#REF!", "=[1]Feuil8!A1"),
        (6, 0): ("#NUM!", "=SQRT(-4)"),
        (7, 0): ("#N/A", "=VLOOKUP(B1,B1,B1,3)"),
    }
    assert found.problem((7, 0)) == (
        "an error (#N/A of =VLOOKUP(B1,B1,B1,3)), not a value; correct the cell in Excel "
        "or LibreOffice, or type the value"
    )
    assert not found.uncalculated


def test_an_error_pasted_as_a_value_is_found_without_a_formula(tmp_path: Path) -> None:
    found = sheet_formulas(sheet_with(tmp_path, '<c r="C2" t="e"><v>#N/A</v></c>'), "Sheet")
    assert found.cells == set()
    assert found.errors == {(2, 2): ("#N/A", "")}


def test_a_workbook_part_named_by_the_packages_relationships_is_scanned(tmp_path: Path) -> None:
    """openpyxl's nonstandard_workbook_name.xlsx (xl/workbook10.xml): python-calamine
    cannot open it and openpyxl reads it; its formulas are found all the same."""
    with zipfile.ZipFile(DATA / "nonstandard_workbook_name.xlsx") as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="2"><c r="B2"><f>1+2</f></c></row></sheetData></worksheet>'
    )
    path = tmp_path / "nonstandard.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    found = sheet_formulas(path, "Sheet1")
    assert found.unread == {(2, 1): "=1+2"}
    assert found.uncalculated


def test_an_ods_sheets_formulas_are_found_at_the_places_calamine_reads_them(
    tmp_path: Path,
) -> None:
    """Another sheet before it, repeated empty rows and cells, header rows, a repeated
    row of formulas: the places match python-calamine's rows."""
    from python_calamine import CalamineWorkbook

    from tests.desktop.spreadsheets.hostile import ODS_HEADER, ods

    def cell(attributes: str, text: str = "") -> str:
        shown = f"<text:p>{text}</text:p>" if text else ""
        return f"<table:table-cell {attributes}>{shown}</table:table-cell>"

    def row(*cells: str, repeated: int = 1) -> str:
        return f'<table:table-row table:number-rows-repeated="{repeated}">{"".join(cells)}</table:table-row>'

    saved = 'table:formula="of:=1+2" office:value-type="float" office:value="3"'
    path = ods(
        tmp_path / "places.ods",
        '<table:table table:name="Other">' + row(cell('table:formula="of:=1"')) + "</table:table>"
        '<table:table table:name="Assets">'
        + row(cell('table:number-columns-repeated="3"'), repeated=2)
        + f"<table:table-header-rows>{ODS_HEADER}</table:table-header-rows>"
        + row(
            cell('table:number-columns-repeated="2"'),
            cell('table:formula="of:=[.B1]"'),
            cell(saved, "3"),
        )
        + row(
            cell(
                'table:formula="of:=1/0" office:value-type="string" office:string-value=""',
                "Err:532",
            )
        )
        + row(cell('table:formula="of:=1+2" office:value-type="float"'), repeated=2)
        + "</table:table>",
    )
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Assets")
    rows = sheet.to_python(skip_empty_area=False)  # as readers.read_table reads it
    found = sheet_formulas(path, "Assets")
    assert found.cells == {(4, 2), (4, 3), (5, 0), (6, 0), (7, 0)}
    assert found.unread == {(4, 2): "=B1", (6, 0): "=1+2", (7, 0): "=1+2"}
    assert found.errors == {(5, 0): ("Err:532", "=1/0")}
    assert rows[2][:2] == ["Asset tag", "Name"]  # row 3: the header, as numbered here
    assert rows[3][3] == 3.0  # row 4, column D: the saved result
    assert not found.uncalculated


def test_a_sheet_without_formulas_is_scanned_for_errors_pasted_as_values(tmp_path: Path) -> None:
    """The sheet check notes ``t="e"`` as it notes formula markup: a sheet with no
    formula but a pasted #N/A is not taken for one the formula scan may skip."""
    from desktop.spreadsheets.sheet_choice import read_chosen

    path = tmp_path / "pasted.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Category", "Purchase date"])
    sheet.append(["Laptop", "Laptop", "#N/A"])  # openpyxl writes it as an error value
    book.save(path)
    table = read_chosen(path, None, {}).table
    assert table.rows[1] == ["Laptop", "Laptop", ""]  # python-calamine: read as empty
    [(column, why)] = table.unread_formulas[2]
    assert column == 2 and why.startswith("an error (#N/A), not a value"), why
