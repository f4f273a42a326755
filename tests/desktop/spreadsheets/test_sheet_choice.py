"""The sheet or Excel Table that holds the assets is found; a named sheet is respected."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.table import Table as ExcelTable

from desktop.spreadsheets.sheet_choice import read_chosen

MIGRATION = Path(__file__).parents[2] / "data" / "spreadsheets" / "migration"


def test_the_data_sheet_past_a_transposed_summary_and_formula_only_rows_left_out() -> None:
    chosen = read_chosen(MIGRATION / "register_summary_first.xlsx", None, {})
    assert chosen.table.sheet == "Register"
    assert chosen.formula_rows == (8, 9, 10, 11, 12, 13)
    assert chosen.table.row_numbers == [3, 4, 5, 6, 7]
    assert chosen.note.startswith("Imported Excel Table 'Assets' on sheet 'Register'")


def test_a_named_sheet_is_read_even_when_another_matches_better() -> None:
    chosen = read_chosen(MIGRATION / "register_summary_first.xlsx", "Summary", {})
    assert chosen.table.sheet == "Summary"
    assert chosen.note == ""
    assert chosen.formula_rows == ()


def test_an_excel_table_right_of_a_notes_column_is_read_alone(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet["A1"] = "Read me: the table on the right is the register"
    sheet.append([None, None, "Asset Tag", "Asset Name", "Category"])
    sheet.append(["a remark", None, "LAP-1", "Laptop one", "Laptop"])
    sheet.append([None, None, "LAP-2", "Laptop two", "Laptop"])
    sheet.add_table(ExcelTable(displayName="Register", ref="C2:E4"))
    book.save(tmp_path / "tabled.xlsx")
    chosen = read_chosen(tmp_path / "tabled.xlsx", None, {})
    assert chosen.table.rows == [
        ["Asset Tag", "Asset Name", "Category"],
        ["LAP-1", "Laptop one", "Laptop"],
        ["LAP-2", "Laptop two", "Laptop"],
    ]
    assert chosen.table.row_numbers == [2, 3, 4]
    assert chosen.note.startswith("Imported Excel Table 'Register' on sheet 'Data'")


def test_formulas_are_found_though_the_file_check_read_the_sheets_first(tmp_path: Path) -> None:
    """The file's check notes which sheets hold no formula markup (their XML is not read
    again); a sheet with formulas is still scanned, another file under the same name too."""
    from desktop.spreadsheets import limits
    from desktop.spreadsheets.formulas import formula_cells

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Plain"
    sheet.append(["Asset tag", "Name"])
    sheet.append(["LAP-1", "Laptop"])
    with_formulas = book.create_sheet("Sums")
    with_formulas.append(["Asset tag", "Name"])
    with_formulas.append(["=1+1", "=2+2"])
    book.save(path)
    limits.check_once(path, sheets=True)
    assert limits.sheet_has_no_formulas(path, "xl/worksheets/sheet1.xml")
    assert not limits.sheet_has_no_formulas(path, "xl/worksheets/sheet2.xml")
    assert formula_cells(path, "Plain") == set()
    assert formula_cells(path, "Sums") == {(2, 0), (2, 1)}
    book.remove(book["Sums"])
    book["Plain"].append(["=3+3"])  # the same name, another file: checked again
    book.save(path)
    assert not limits.sheet_has_no_formulas(path, "xl/worksheets/sheet1.xml")
    assert formula_cells(path, "Plain") == {(3, 0)}


def test_formula_markup_cut_between_two_chunks_is_seen() -> None:
    """The sheet's measuring notes formula markup (``<f``, ``:f``) as it goes, wherever
    the stream cuts the sheet in two; a sheet read to its end without any says so."""
    from desktop.spreadsheets.sheet_extent import FormulaMarkup, xlsx_extent

    def again() -> list[bytes]:
        raise AssertionError("an ordinary sheet was read a second time")

    cells = "".join(f'<c r="A{n}" t="inlineStr"><is><t>LAP-{n}</t></is></c>' for n in range(1, 9))
    plain = f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    with_formula = plain.replace("<is><t>LAP-5</t></is>", "<f>1+1</f><v>2</v>")
    with_colon_f = plain.replace("LAP-5", "note:fine")  # what formula_cells looks at too
    for xml, seen in ((plain, False), (with_formula, True), (with_colon_f, True)):
        data = xml.encode()
        for cut in range(1, len(data)):
            markup = FormulaMarkup()
            extent = xlsx_extent("book.xlsx", iter([data[:cut], data[cut:]]), again, markup)  # type: ignore[arg-type]
            assert extent.rows == 0
            assert (markup.seen, markup.ended) == (seen, True), (xml, cut)


def test_the_note_lists_the_other_sheets_but_not_the_tables_own(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Asset tag", "Total"])
    data = book.create_sheet("Data")
    data.append(["Asset Tag", "Asset Name", "Category"])
    data.append(["LAP-1", "Laptop one", "Laptop"])
    data.add_table(ExcelTable(displayName="Register", ref="A1:C2"))
    book.create_sheet("Empty")
    book.save(tmp_path / "three.xlsx")
    chosen = read_chosen(tmp_path / "three.xlsx", None, {})
    assert chosen.note == (
        "Imported Excel Table 'Register' on sheet 'Data' (its header in row 1 names "
        "3 known columns); also in the file: sheet 'Summary' (1 known column), "
        "sheet 'Empty' (no known column)"
    )
