"""Formula quirks of real files, through the command line run as a subprocess: a column
title computed by a formula, a file none of whose formulas has a saved result, the .ods
reader and the openpyxl fallback, formulas in columns imported or not, and error results
(``#N/A``) — each named by row and column (or cell), the database left as it was.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from tests.factories import World
from tests.ui.spreadsheets.formula_files import (
    ADVICE,
    HEADER,
    formula_cell,
    ods_file,
    ods_formula,
    openpyxl_fallback_file,
    rewritten,
)
from tests.ui.spreadsheets.test_migration_files import assets, cli, world  # noqa: F401

SHEET = "xl/worksheets/sheet1.xml"
UNCALCULATED = (
    "Note: This file was saved by a program that does not compute formulas (none of its "
    "formulas has a saved result); open it in Excel or LibreOffice and save it again"
)


def register(
    path: Path, rows: Sequence[Sequence[object]], header: Sequence[object] = HEADER
) -> Path:
    """A register as openpyxl writes it (no formula has a result)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assets"
    for row in [header, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_a_column_title_computed_by_a_formula_is_read_as_its_saved_result_or_refused(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    titled = ["Name", "Category", '="Serial "&"number"', "Location"]
    rows: list[list[object]] = [["Sales laptop", "Laptop", "SN-T1", "Room A1"]]
    unsaved = register(tmp_path / "titles.xlsx", rows, titled)

    refused = cli(world.db, "import", str(unsaved), "--as", "admin")
    assert "Traceback" not in refused.stderr, refused.stderr
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr
    assert (
        "titles.xlsx, sheet Assets, cell C1: the column title is a formula with no saved "
        'result (="Serial "&"number"); ' + ADVICE + ", or type the title"
    ) in said, said
    assert assets(world.db) == {}

    # Every title a formula: read as a blank row, the header was looked for below it.
    every = ['="Na"&"me"', '="Cate"&"gory"', '="Serial "&"number"', '="Loca"&"tion"']
    refused = cli(world.db, "import", str(register(tmp_path / "every.xlsx", rows, every)))
    assert "Traceback" not in refused.stderr, refused.stderr
    assert (
        "every.xlsx, sheet Assets, cell A1: the column title is a formula with no saved "
        'result (="Na"&"me")'
    ) in refused.stdout + refused.stderr, refused.stdout + refused.stderr

    # A title above the header, computed and not saved, names no column: no refusal.
    above = register(tmp_path / "above.xlsx", [HEADER[:4], *rows], ['="Register "&2026'])
    dry = cli(world.db, "import", str(above), "--dry-run", "--json")
    assert "Traceback" not in dry.stderr, dry.stderr
    assert json.loads(dry.stdout)["counts"]["create"] == 1, dry.stdout

    # As Excel saves it: the title's result in <v>, read as the column's title.
    saved = rewritten(
        unsaved, SHEET, {"C1": formula_cell("C1", '"Serial "&"number"', "Serial number")}
    )
    done = cli(world.db, "import", str(saved), "--as", "admin")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [a.serial_number for a in assets(world.db).values()] == ["SN-T1"]

    # Every title a formula, each result saved: the header, not a row of formula results
    # left out (the first data row was taken for the header).
    computed = register(
        tmp_path / "computed.xlsx", [["Spare laptop", "Laptop", "SN-T2"]], every[:3]
    )
    computed = rewritten(
        computed,
        SHEET,
        {
            ref: formula_cell(ref, formula[1:], title)
            for ref, formula, title in zip(
                ("A1", "B1", "C1"), every, ("Name", "Category", "Serial number"), strict=False
            )
        },
    )
    done = cli(world.db, "import", str(computed), "--as", "admin", "--set", "location=Room A1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {a.serial_number for a in assets(world.db).values()} == {"SN-T1", "SN-T2"}


def test_a_file_none_of_whose_formulas_has_a_result_is_said_so_before_its_rows(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [
        [f'="Laptop "&{n}', "Laptop", f"SN-G{n}", "Room A1", f'="bay "&{n}'] for n in range(60)
    ]
    generated = register(tmp_path / "generated.xlsx", rows)

    dry = cli(world.db, "import", str(generated), "--dry-run")
    assert "Traceback" not in dry.stderr, dry.stderr
    assert UNCALCULATED in dry.stdout, dry.stdout
    assert dry.stdout.index(UNCALCULATED) < dry.stdout.index("Rejected:")
    assert dry.stdout.count("This file was saved by a program") == 1
    # The rows' own reasons follow, without "Name is required" for a name read empty.
    assert 'row 2, Name: a formula with no saved result (="Laptop "&0)' in dry.stdout
    assert "Name is required" not in dry.stdout, dry.stdout
    payload = json.loads(cli(world.db, "import", str(generated), "--dry-run", "--json").stdout)
    assert payload["counts"]["error"] == 60, payload["counts"]
    assert payload["notes"][0].startswith("This file was saved by a program"), payload["notes"]

    # One formula with its result saved (the file went through Excel, then had a row
    # added by a script): no file-wide reason, the rows' own only.
    partly = rewritten(
        generated,
        "xl/worksheets/sheet1.xml",
        {
            "A2": formula_cell("A2", '"Laptop "&0', "Laptop 0"),
        },
    )
    dry = cli(world.db, "import", str(partly), "--dry-run")
    assert "This file was saved by a program" not in dry.stdout, dry.stdout
    assert 'row 3, Name: a formula with no saved result (="Laptop "&1)' in dry.stdout
    assert assets(world.db) == {}


def test_the_ods_reader_names_formulas_without_a_result_and_error_results(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    header = [*HEADER, "Purchase date"]
    date = ('office:value-type="date" office:date-value="2024-03-01"', "01/03/2024")
    path = ods_file(
        tmp_path / "register.ods",
        [
            header,
            ["Typed laptop", "Laptop", "SN-O1", "Room A1", "typed", date],
            # odfpy: a formula and no value at all.
            ["Script laptop", "Laptop", "SN-O2", "Room A1", (ods_formula('="bay "&"4"'), ""), date],
            # pandas' writer: the formula's own text as a text result.
            [
                (
                    'office:value-type="string" office:string-value="=UPPER(&quot;x&quot;)" '
                    + ods_formula('=UPPER("x")'),
                    '=UPPER("x")',
                ),
                "Laptop",
                "SN-O3",
                "Room A1",
                "typed",
                date,
            ],
            # LibreOffice's error result: the number 0, typed "error", showing #N/A.
            [
                "Lookup laptop",
                "Laptop",
                "SN-O4",
                "Room A1",
                "typed",
                (
                    'office:value-type="float" office:value="0" calcext:value-type="error" '
                    + ods_formula("=VLOOKUP([.C5];[$Orders.A1:.B9];2;0)"),
                    "#N/A",
                ),
            ],
            # A saved result reads as before.
            [
                "Computed laptop",
                "Laptop",
                "SN-O5",
                "Room A1",
                (
                    'office:value-type="string" office:string-value="bay 5" '
                    + ods_formula('="bay "&"5"'),
                    "bay 5",
                ),
                date,
            ],
        ],
    )
    result = cli(world.db, "import", str(path), "--as", "admin", "--valid-only")
    assert "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert f'row 3, Notes: a formula with no saved result (="bay "&"4"); {ADVICE}' in out, out
    assert 'row 4, Name: a formula with no saved result (=UPPER("x"))' in out, out
    assert (
        "row 5, Purchase date: an error (#N/A of =VLOOKUP(C5;$Orders.A1:B9;2;0)), not a "
        "value; correct the cell in Excel or LibreOffice, or type the value"
    ) in out, out
    by_serial = {a.serial_number: a for a in assets(world.db).values()}
    assert set(by_serial) == {"SN-O1", "SN-O5"}
    assert by_serial["SN-O5"].notes == "bay 5"


def test_the_openpyxl_fallback_names_formulas_without_a_result_and_error_results(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    path = openpyxl_fallback_file(
        tmp_path / "fallback.xlsx",
        [
            HEADER,
            ["Typed laptop", "Laptop", "SN-P1", "Room A1", "typed"],
            ["Script laptop", "Laptop", "SN-P2", "Room A1", ("f", '"bay "&"4"')],
            # openpyxl reads an error result as its text: never stored as notes.
            ["Lookup laptop", "Laptop", "SN-P3", "Room A1", ("e", "#N/A", "VLOOKUP(C4,A:B,2,0)")],
        ],
    )
    result = cli(world.db, "import", str(path), "--as", "admin", "--valid-only")
    assert "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert f'row 3, Notes: a formula with no saved result (="bay "&"4"); {ADVICE}' in out, out
    assert "row 4, Notes: an error (#N/A of =VLOOKUP(C4,A:B,2,0)), not a value" in out, out
    by_serial = {a.serial_number: a for a in assets(world.db).values()}
    assert set(by_serial) == {"SN-P1"}


def test_a_formula_refuses_its_row_only_where_its_column_is_imported(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """A finance column ("With VAT": formulas only) is not imported: its formulas refuse
    nothing. A column that goes to the notes ("Remarks": typed and formula cells) or to
    a new custom field is imported: its formula without a result refuses its row."""
    header = [*HEADER, "With VAT", "Remarks"]
    rows: list[list[object]] = [
        ["Laptop one", "Laptop", "SN-U1", "Room A1", "first", "=100*1.2", "typed remark"],
        ["Laptop two", "Laptop", "SN-U2", "Room A1", "second", "=200*1.2", '="re"&"mark"'],
    ]
    path = register(tmp_path / "finance.xlsx", rows, header)

    dry = cli(world.db, "import", str(path), "--dry-run")
    # Read as empty, it was said to be "(empty in every row)".
    assert "Columns not imported: With VAT (formulas with no saved result)" in dry.stdout
    payload = json.loads(cli(world.db, "import", str(path), "--dry-run", "--json").stdout)
    fates = {c["header"]: c["target"] for c in payload["columns"]}
    assert fates["With VAT"] == "" and fates["Remarks"] == "extra_notes", fates
    assert payload["counts"] == {**payload["counts"], "create": 1, "error": 1}

    as_fields = cli(
        world.db, "import", str(path), "--dry-run", "--unknown-columns", "custom-fields"
    )
    assert "Traceback" not in as_fields.stderr, as_fields.stderr
    assert 'row 3, Remarks: a formula with no saved result (="re"&"mark")' in as_fields.stdout
    assert "row 2," not in as_fields.stdout.split("Rejected:")[1], as_fields.stdout

    done = cli(world.db, "import", str(path), "--as", "admin", "--valid-only")
    assert "Traceback" not in done.stderr, done.stderr
    by_serial = {a.serial_number: a for a in assets(world.db).values()}
    assert set(by_serial) == {"SN-U1"}
    assert "Remarks: typed remark" in (by_serial["SN-U1"].notes or "")


def test_an_error_result_in_a_date_column_refuses_its_row(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """As Excel saves a register whose purchase dates are looked up: a lookup that found
    nothing saves #N/A (python-calamine reads it as an empty cell: the asset was created
    without its date), and pasting the column's values keeps #N/A with no formula."""
    header = [*HEADER, "Purchase date"]
    rows: list[list[object]] = [
        ["Found laptop", "Laptop", "SN-E1", "Room A1", "x", "=VLOOKUP(C2,Orders!A:B,2,FALSE)"],
        ["Lost laptop", "Laptop", "SN-E2", "Room A1", "x", "=VLOOKUP(C3,Orders!A:B,2,FALSE)"],
        ["Pasted laptop", "Laptop", "SN-E3", "Room A1", "x", "#N/A"],  # openpyxl: t="e"
    ]
    path = rewritten(
        register(tmp_path / "lookups.xlsx", rows, header),
        SHEET,
        {
            "F2": formula_cell("F2", "VLOOKUP(C2,Orders!A:B,2,FALSE)", "45352", kind="n"),
            "F3": formula_cell("F3", "VLOOKUP(C3,Orders!A:B,2,FALSE)", "#N/A", kind="e"),
        },
    )
    result = cli(world.db, "import", str(path), "--as", "admin", "--valid-only")
    assert "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert (
        "row 3, Purchase date: an error (#N/A of =VLOOKUP(C3,Orders!A:B,2,FALSE)), not a "
        "value; correct the cell in Excel or LibreOffice, or type the value"
    ) in out, out
    assert "row 4, Purchase date: an error (#N/A), not a value" in out, out
    by_serial = {a.serial_number: a for a in assets(world.db).values()}
    assert set(by_serial) == {"SN-E1"}
    assert str(by_serial["SN-E1"].purchase_date) == "2024-03-01"
