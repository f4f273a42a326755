"""Hostile and broken files (issue 14 point 8): each is refused with a message naming the
file (and sheet), quickly, before a native reader can abort the process; real files with
claimed huge dimensions still read.

The far-cell files would make python-calamine allocate hundreds of GiB and abort with
SIGABRT; they are safe to read in this process only because the guard refuses them
before calamine opens the package. The fuzz test reads every file in a child process all
the same, so that a regression shows as a failed test naming the file, not a dead run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.spreadsheets import limits
from desktop.spreadsheets.readers import UnreadableFileError, list_sheets, read_table
from tests.desktop.spreadsheets import hostile

DATA = hostile.DATA
ROOT = Path(__file__).resolve().parents[3]


def refused(path: Path) -> str:
    started = time.perf_counter()
    with pytest.raises(UnreadableFileError) as caught:
        read_table(path)
    assert time.perf_counter() - started < 10
    assert path.name in caught.value.message
    return caught.value.message


def test_the_issue_file_one_cell_at_xfd1048576_is_refused_naming_file_and_sheet(
    tmp_path: Path,
) -> None:
    path = hostile.far_cell(tmp_path / "tiny.xlsx", dimension="XFD1048576")
    assert path.stat().st_size < 3_000
    message = refused(path)
    assert message.startswith("tiny.xlsx, sheet Assets: a value at XFD1048576 is in column 16,384")


@pytest.mark.parametrize("spelling", [name for name, _ in hostile.FAR_CELL_SPELLINGS])
@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_far_cell_however_written_is_refused(tmp_path: Path, spelling: str, prefix: str) -> None:
    message = refused(
        hostile.far_cell_spelled(tmp_path / f"{spelling}.xlsx", spelling, prefix=prefix)
    )
    assert f"{spelling}.xlsx, sheet Assets: " in message


def test_a_grid_too_big_as_a_whole_names_its_size(tmp_path: Path) -> None:
    message = refused(hostile.far_cell_spelled(tmp_path / "grid.xlsx", "wide_grid"))
    assert "999,999 rows x 1,000 columns" in message and "40,000,000 cells" in message


def test_ten_thousand_columns_are_refused_and_two_thousand_read(tmp_path: Path) -> None:
    # the scan stops at the first value beyond the limit, and names it
    assert "a value at BXY1 is in column 2,001; at most 2,000 columns are read" in refused(
        hostile.wide_row(tmp_path / "wide.xlsx")
    )
    assert "at most 2,000 columns" in refused(
        hostile.wide_row(tmp_path / "bare.xlsx", addressed=False)
    )
    table = read_table(hostile.wide_row(tmp_path / "ok.xlsx", 2_000))
    assert len(table.rows[0]) == 2_000 and table.rows[0][-1] == 2000


def test_styled_empty_cells_far_away_do_not_count(tmp_path: Path) -> None:
    empty_far = '<row r="3"><c r="XFD3" s="1"/><c r="ZZ1048576" s="1"></c></row>'
    path = hostile.workbook(
        tmp_path / "styled.xlsx", hostile.sheet_xml(hostile.HEADER_ROW + empty_far)
    )
    assert read_table(path).rows == [["Asset tag", "Name"], ["LAP-9001", "Hostile laptop"]]


def test_the_gnumeric_file_declaring_a1_to_xfd1048576_reads_its_real_rows() -> None:
    started = time.perf_counter()
    table = read_table(DATA / "issue_174.xlsx")
    assert time.perf_counter() - started < 5
    assert table.rows[0][0] == "Your Ref #" and len(table.rows) == 2


@pytest.mark.parametrize(
    "member", ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]
)
def test_entity_expansion_is_refused(tmp_path: Path, member: str) -> None:
    message = refused(hostile.billion_laughs(tmp_path / "laughs.xlsx", member))
    assert "declares a DTD or entities" in message and member in message


def test_zip_damage_and_bombs(tmp_path: Path) -> None:
    good = hostile.far_cell(tmp_path / "good.xlsx", "B3")
    assert read_table(good).rows[2] == ["", "boom"]
    for keep in (10, 200, good.stat().st_size - 30):
        assert "truncated.xlsx" in refused(
            hostile.truncated(tmp_path / "truncated.xlsx", good, keep)
        )
    assert "damaged" in refused(hostile.lying_sizes(tmp_path / "lying.xlsx", declared=10))
    bomb = hostile.lying_sizes(tmp_path / "bomb.xlsx", declared=0xFFFFFFFF)
    assert "bomb.xlsx would unpack to more than 4 GB" in refused(bomb)


def test_a_package_unpacking_beyond_the_limit_is_refused_by_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_UNPACKED", 1_000)
    path = hostile.workbook(tmp_path / "bomb.xlsx", hostile.sheet_xml(hostile.HEADER_ROW * 20))
    limits._checked.clear()
    assert "would unpack to more than" in refused(path)
    limits._checked.clear()


def test_formats_under_the_wrong_name(tmp_path: Path) -> None:
    assert "is an OpenDocument spreadsheet, not a .xlsx file: rename it to sheet.ods" in refused(
        hostile.ods_far(tmp_path / "sheet.xlsx", rows=1, columns=2)
    )
    assert "is an Excel workbook, not an .ods file" in refused(
        hostile.far_cell(tmp_path / "book.ods", "B2")
    )
    assert "is a zip package (.xlsx or .ods), not an Excel 97-2003 workbook" in refused(
        hostile.far_cell(tmp_path / "book.xls", "B2")
    )
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "old.xlsx is an old Excel 97-2003 workbook, not a .xlsx file" in refused(old)
    assert "pass_protected.xlsx is encrypted" in refused(DATA / "pass_protected.xlsx")


def test_ods_repeated_rows_and_columns_are_counted(tmp_path: Path) -> None:
    huge = hostile.ods_far(tmp_path / "huge.ods", rows=1_048_575, columns=16_384)
    assert refused(huge).startswith("huge.ods, sheet Assets: a value at XFD1048576 is in column")
    assert "column 16,384" in refused(
        hostile.ods_far(tmp_path / "far.ods", rows=1_000, columns=16_384)
    )
    assert "beyond row 1,048,576" in refused(
        hostile.ods_far(tmp_path / "tall.ods", rows=2_000_000, columns=1)
    )
    table = read_table(hostile.ods_far(tmp_path / "fine.ods", rows=3, columns=2))
    assert table.rows[0] == ["Asset tag", "Name"] and table.rows[1:] == [[1.0, 1.0]] * 3


def test_csv_long_cells_nul_bytes_and_empty(tmp_path: Path) -> None:
    long_ok = tmp_path / "long.csv"
    long_ok.write_text("Asset tag,Notes\nLAP-1," + "x" * 200_000 + "\n")
    assert read_table(long_ok).rows[1][1] == "x" * 200_000  # over the csv module's default
    too_long = tmp_path / "huge.csv"
    too_long.write_text('Asset tag,Notes\nLAP-1,"' + "x" * 1_100_000 + "\n")
    assert refused(too_long).startswith("huge.csv, line 2: a cell is longer than 1,048,576")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"Asset tag,Name\n" + b"LAP-1,x\n" * 1000 + b"LAP-2,a\x00b\n")
    assert refused(nul).startswith("nul.csv, line 1002: holds a NUL character")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert refused(empty) == "empty.csv is empty (0 bytes)"


def test_corpus_files_that_break_other_readers() -> None:
    assert read_table(DATA / "empty_s_attribute.xlsx").rows[0] == ["Name", "Value"]
    assert read_table(DATA / "issue_419.xlsx").rows == [["Hello"]]
    assert read_table(DATA / "nonstandard_workbook_name.xlsx").rows == []  # an empty sheet
    assert "null_archive.xlsx" in refused(DATA / "null_archive.xlsx")
    assert "null_file.xlsx is empty" in refused(DATA / "null_file.xlsx")


# -- fuzz ----------------------------------------------------------------------------

#: Reads each file as the import does (list the sheets, read each), one JSON line per file;
#: a line "START name" first, so that a process that dies is caught with the file's name.
_READER = """
import json, resource, sys, traceback
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))
from desktop.spreadsheets.readers import list_sheets, read_table
from desktop.errors import DesktopError
for name in sys.stdin.read().split("\\n"):
    if not name:
        continue
    path = Path(name)
    print("START " + path.name, flush=True)
    try:
        for sheet in list_sheets(path):
            read_table(path, sheet.name or None)
        outcome = {"file": path.name, "result": "read"}
    except DesktopError as exc:
        outcome = {"file": path.name, "result": "refused", "message": exc.message}
    except BaseException as exc:
        outcome = {"file": path.name, "result": "bug", "message": traceback.format_exc()}
    print(json.dumps(outcome), flush=True)
"""


def test_fuzz_hundreds_of_broken_files_never_abort_or_trace_back(tmp_path: Path) -> None:
    files = hostile.fuzz_files(tmp_path / "fuzz")
    assert len(files) >= 300
    must_refuse = {path.name for path, refuse in files if refuse}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _READER],
        input="\n".join(str(path) for path, _ in files),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "RUST_BACKTRACE": "0"},
        timeout=300,
        check=False,
    )
    elapsed = time.perf_counter() - started
    lines = done.stdout.splitlines()
    started_files = [line[6:] for line in lines if line.startswith("START ")]
    outcomes = [json.loads(line) for line in lines if line.startswith("{")]
    assert done.returncode == 0, (
        f"the reader process died ({done.returncode}) on {started_files[-1:]}:\n"
        + done.stderr[-3000:]
    )
    assert len(outcomes) == len(files)
    bugs = [o for o in outcomes if o["result"] == "bug"]
    assert bugs == []
    for outcome in outcomes:
        if outcome["result"] == "refused":
            assert outcome["file"] in outcome["message"], outcome
            assert "Traceback" not in outcome["message"]
            assert "\n" not in outcome["message"], outcome
    wrongly_read = [
        o["file"] for o in outcomes if o["file"] in must_refuse and o["result"] == "read"
    ]
    assert wrongly_read == []
    assert elapsed < 120, f"{len(files)} files took {elapsed:.0f} s"


def test_listing_sheets_stays_light_and_every_way_to_load_a_sheet_is_guarded(
    tmp_path: Path,
) -> None:
    """The wizard lists the sheets on the window's thread: that reads no sheet. Loading a
    sheet, by name, by index or as an Excel Table, checks the sheets first."""
    from desktop.spreadsheets.readers import _open_calamine, list_sheets

    path = hostile.far_cell(tmp_path / "far.xlsx")
    assert [s.name for s in list_sheets(path)] == ["Assets"]
    workbook = _open_calamine(path)
    for load in (
        lambda: workbook.get_sheet_by_name("Assets"),
        lambda: workbook.get_sheet_by_index(0),
        lambda: workbook.get_table_by_name("Table1"),
    ):
        with pytest.raises(UnreadableFileError, match=r"^far\.xlsx, sheet Assets: a value at XFD"):
            load()


def test_formats_not_scanned_here_are_loaded_first_in_a_child_with_a_memory_ceiling(
    tmp_path: Path,
) -> None:
    """.xls and .xlsb sheets are binary records: a child process loads them first, and
    its death (the reader aborting on a huge grid) refuses the file. Shown here on the
    .xlsx files that abort the reader, since the probe does not depend on the format."""
    started = time.perf_counter()
    with pytest.raises(UnreadableFileError) as caught:
        limits.probe_in_child(hostile.far_cell(tmp_path / "far.xlsx"))
    assert caught.value.message.startswith("far.xlsx cannot be read: a sheet claims an area")
    with pytest.raises(UnreadableFileError, match=r"^grid\.xlsx cannot be read"):
        limits.probe_in_child(hostile.far_cell_spelled(tmp_path / "grid.xlsx", "wide_grid"))
    limits.probe_in_child(hostile.wide_row(tmp_path / "fine.xlsx", 2_000))  # passes
    with pytest.raises(UnreadableFileError, match=r"^wide\.xlsx, sheet Assets: .* column 2,500"):
        limits.probe_in_child(hostile.wide_row(tmp_path / "wide.xlsx", 2_500))
    assert time.perf_counter() - started < 60


def test_addresses_that_are_not_numbers_or_far_too_long_get_short_messages(tmp_path: Path) -> None:
    garbage = '<row r="abc"><c><v>1</v></c></row>'
    path = hostile.workbook(tmp_path / "abc.xlsx", hostile.sheet_xml(hostile.HEADER_ROW + garbage))
    assert refused(path) == "abc.xlsx cannot be read (a row number is not a number ('abc'))"
    long = refused(hostile.far_cell_spelled(tmp_path / "long.xlsx", "thousands_of_digits"))
    assert "a value at A99999999999… lies beyond row 1,048,576" in long and len(long) < 200


def test_shared_strings_claiming_billions_of_texts_are_refused(tmp_path: Path) -> None:
    """calamine reserves room for the claimed count when it opens the workbook: 4e9 texts
    abort it (96 GB). Listing the sheets already refuses the file."""
    claim = hostile.shared_strings(tmp_path / "claim.xlsx", 'count="1" uniqueCount="4000000000"')
    with pytest.raises(UnreadableFileError) as caught:
        list_sheets(claim)
    assert caught.value.message.startswith(
        "claim.xlsx: part xl/sharedStrings.xml claims 4000000000 different texts"
    )
    fine = hostile.shared_strings(tmp_path / "fine.xlsx", 'count="4000000000" uniqueCount="1"')
    assert read_table(fine).rows[2][0] == "x"


def test_an_ordinary_sheet_is_measured_in_one_pass_without_a_second_look(tmp_path: Path) -> None:
    """openpyxl and Excel end a sheet with <pageMargins left=".." right="..">: its
    ``right`` is no second address, and the sheet needs no second reading (expat)."""
    import zipfile

    from openpyxl import Workbook

    from desktop.spreadsheets.sheet_extent import xlsx_extent

    path = tmp_path / "ordinary.xlsx"
    workbook = Workbook()
    for row in range(200):
        workbook.active.append([f"A-{row}", row, "text"])
    workbook.save(path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b'right="' in xml

    def again() -> list[bytes]:
        raise AssertionError("an ordinary sheet was read a second time")

    extent = xlsx_extent("ordinary.xlsx, sheet Sheet", iter([xml]), again)  # type: ignore[arg-type]
    assert extent.rows == 0  # nothing beyond column AL: nothing to measure
