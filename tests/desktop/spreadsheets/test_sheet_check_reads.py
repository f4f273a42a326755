"""What the file checks read before a reader opens a workbook (issue 17: the import's
time against its floor): the parts check, which runs before the workbook's sheets are
listed, reads of a sheet only its start, enough to learn it is a sheet; the sheets check
reads each sheet whole."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from desktop.spreadsheets import limits
from tests.desktop.spreadsheets.hostile import HEADER_ROW, sheet_xml, workbook

SHEET = "xl/worksheets/sheet1.xml"


def _a_long_sheet(path: Path) -> Path:
    """A workbook whose one sheet's XML is ~6 MB (more than a 4 MB read)."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>LAP-{n:06d}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>Laptop number {n} of the long sheet</t></is></c></row>'
        for n in range(3, 60_000)
    )
    return workbook(path, sheet_xml(HEADER_ROW + rows))


def _sheet_bytes_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    read: list[int] = []
    original = zipfile.ZipExtFile.read

    def counted(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = original(self, n)
        if self.name == SHEET:
            read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    return read


def test_the_parts_check_reads_only_the_start_of_a_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _a_long_sheet(tmp_path / "long.xlsx")
    with zipfile.ZipFile(path) as package:
        assert package.getinfo(SHEET).file_size > limits.CHUNK
    read = _sheet_bytes_read(monkeypatch)
    limits.check_package(path, parts=True, sheets=False)
    assert 0 < sum(read) <= limits.MAX_PROLOG


def test_the_sheets_check_reads_the_whole_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _a_long_sheet(tmp_path / "long.xlsx")
    read = _sheet_bytes_read(monkeypatch)
    free: set[str] = set()
    limits.check_package(path, parts=False, sheets=True, formula_free=free)
    with zipfile.ZipFile(path) as package:
        assert sum(read) == package.getinfo(SHEET).file_size
    assert free == {SHEET}
