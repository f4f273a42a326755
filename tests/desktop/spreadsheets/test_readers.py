"""Messy and broken input: encodings, delimiters, line ends, title rows, corpus files."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.spreadsheets.readers import (
    ExcelTable,
    UnreadableFileError,
    excel_tables,
    list_sheets,
    read_table,
)
from tests.desktop.spreadsheets.conftest import write_workbook

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"
ROWS = [
    ["Asset tag", "Name", "Notes"],
    ["LAP-1", "Café Müller", 'Größe 14", Zoll'],
    ["LAP-2", "Œuvre", ""],
]


def _csv_text(delimiter: str, newline: str) -> str:
    lines = []
    for row in ROWS:
        cells = [
            '"' + c.replace('"', '""') + '"' if (delimiter in c or '"' in c or "," in c) else c
            for c in row
        ]
        lines.append(delimiter.join(cells))
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [
        ("utf-8", ",", "\n"),
        ("utf-8-sig", ";", "\r\n"),
        ("cp1252", "\t", "\r\n"),
        ("mac_roman", ";", "\r"),  # classic Mac: CR-only line ends
        ("cp1252", ",", "\r"),
    ],
)
def test_csv_encodings_delimiters_and_line_ends(
    tmp_path: Path, encoding: str, delimiter: str, newline: str
) -> None:
    path = tmp_path / "assets.csv"
    path.write_bytes(_csv_text(delimiter, newline).encode(encoding))
    table = read_table(path)
    assert table.rows == ROWS
    assert table.sheet == ""


def test_csv_quoted_line_breaks_keep_the_line_number_of_each_record(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        'Asset tag,Notes\nLAP-1,"first line\nsecond line"\nLAP-2,plain\n', encoding="utf-8"
    )
    table = read_table(path)
    assert table.rows[1] == ["LAP-1", "first line\nsecond line"]
    assert table.row_numbers == [1, 2, 4]


def test_ralph_semicolon_and_tab_files(tmp_path: Path) -> None:
    assert read_table(DATA / "warehouses_semicolon.csv").rows[1] == ["7", "London"]
    assert read_table(DATA / "warehouses_tab.csv").rows[1] == ["4", "Warsaw"]


def test_hidden_sheets_are_listed_and_the_first_visible_one_is_the_default() -> None:
    sheets = list_sheets(DATA / "hidden_sheets.xlsx")
    assert [(s.name, s.hidden) for s in sheets] == [
        ("Sheet", False),
        ("Hidden", True),
        ("VeryHidden", True),
    ]
    assert read_table(DATA / "hidden_sheets.xlsx").sheet == "Sheet"
    assert read_table(DATA / "hidden_sheets.xlsx", "Hidden").sheet == "Hidden"
    assert [s.name for s in list_sheets(DATA / "any_sheets.xlsx")] == [
        "Visible",
        "Hidden",
        "VeryHidden",
    ]


def test_merged_cells_fill_their_whole_range() -> None:
    rows = read_table(DATA / "merged_range.xlsx").rows
    assert rows[0][:4] == ["A1", "B1", "C1", "C1"] and rows[1][0] == "A1"


def test_formulas_give_their_cached_values_and_tables_read_as_cells() -> None:
    assert read_table(DATA / "formulae.xlsx").rows[3][:2] == [24690.0, "Simple Equation"]
    assert read_table(DATA / "inventory-table.xlsx").rows[0] == ["Item", "Type", "Quantity"]


def test_a_claimed_huge_dimension_is_read_quickly() -> None:
    started = time.perf_counter()
    table = read_table(DATA / "issue_174.xlsx")
    assert time.perf_counter() - started < 2
    assert table.rows[0][0] == "Your Ref #" and len(table.rows) == 2


def _malformed_xml(tmp_path: Path) -> Path:
    good = write_workbook(tmp_path / "good.xlsx", [["Asset tag", "Name"], ["LAP-1", "x"]])
    bad = tmp_path / "malformed.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut off mid-element
            target.writestr(item, data)
    return bad


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("null_file.xlsx", "null_file.xlsx is empty"),
        ("pass_protected.xlsx", "pass_protected.xlsx is encrypted"),
        ("null_archive.xlsx", "null_archive.xlsx is not a readable workbook"),
        ("malformed", "malformed.xlsx, sheet Sheet1: cannot be read"),
        ("not_a_zip", "not_a_zip.xlsx is not a valid .xlsx file"),
    ],
)
def test_unreadable_files_give_a_message_naming_the_file_quickly(
    tmp_path: Path, name: str, message: str
) -> None:
    if name == "malformed":
        path = _malformed_xml(tmp_path)
    elif name == "not_a_zip":
        path = tmp_path / "not_a_zip.xlsx"
        path.write_text("Asset tag,Name\nLAP-1,x\n")
    else:
        path = DATA / name
    started = time.perf_counter()
    with pytest.raises(UnreadableFileError) as caught:
        read_table(path)
    assert time.perf_counter() - started < 3
    assert message in str(caught.value)


def test_unknown_extension_and_binary_csv(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match=r"cannot import '\.pdf' files"):
        read_table(tmp_path / "x.pdf")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(UnreadableFileError, match=r"x\.csv is not a text file"):
        read_table(binary)


def test_files_openpyxl_cannot_open_are_read() -> None:
    assert read_table(DATA / "empty_s_attribute.xlsx").rows[0] == ["Name", "Value"]
    assert read_table(DATA / "issue_419.xlsx").rows == [["Hello"]]


def test_header_row_file_finds_its_data() -> None:
    table = read_table(DATA / "header-row.xlsx")
    assert any("Note 1" in row for row in table.rows)
    assert openpyxl is not None


def test_excel_tables_are_found_where_python_calamine_finds_them_without_reading_sheets() -> None:
    """Tables' names and places come from the package's table parts (a sheet is not read
    again for each, as python-calamine's lookup does) and agree with python-calamine's,
    in its order, for every workbook of the test data; a package that is not what Excel
    writes gives None (calamine decides)."""
    from desktop.spreadsheets.sheet_choice import _calamine_tables

    compared = 0
    for path in sorted([*DATA.rglob("*.xlsx"), *DATA.rglob("*.xlsm")]):
        ours = excel_tables(path)
        if ours is None:
            assert not zipfile.is_zipfile(path) or _calamine_tables(path) == [], path
            continue
        assert ours == [
            ExcelTable(t.name, t.sheet, (t.start[0], t.start[1]), (t.end[0], t.end[1]))
            for t in _calamine_tables(path)
        ], path
        compared += len(ours)
    assert compared >= 2
    below_title = excel_tables(DATA / "migration" / "register_summary_first.xlsx")
    assert below_title == [ExcelTable("Assets", "Register", (3, 0), (12, 12))]
