"""The sheet check's shortcuts give the answers of a plain look at the whole sheet (issue 17
point 2: the check's searches were cut to save time, not to change what it finds).

The sheet check notes formula markup (``<f``, ``:f``, an error value's ``" t="e"``) so
that a sheet without any is not read again for formulas, and it sends a sheet with an
unusual cell (a namespaced ``:c`` far away among them) to a closer look. Its namespaced
searches look at a chunk's colons one by one up to a count, then search the rest: these
tests put the markup before, at and past that count, and cut the sheet's stream into
chunks of many sizes so that every marker is also split between two reads.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from desktop.spreadsheets import limits, sheet_extent
from tests.desktop.spreadsheets.hostile import HEADER_ROW, MAIN_NS, sheet_xml, workbook

SHEET = "xl/worksheets/sheet1.xml"


def _formula_free(path: Path) -> bool:
    free: set[str] = set()
    limits.check_package(path, parts=False, sheets=True, formula_free=free)
    return SHEET in free


def _plain_row(n: int, text: str = "Laptop") -> str:
    return (
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>LAP-{n:05d}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    )


def _both_ways(sheet_data: str) -> str:
    """A sheet whose root declares the main namespace both as the default and as ``x``,
    so that a cell or a formula may be written ``<x:c>``, ``<x:f>`` anywhere."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:x="{MAIN_NS}"><sheetData>{sheet_data}'
        "</sheetData></worksheet>"
    )


def _with_colons(count: int) -> str:
    """Rows whose texts hold ``count`` colons (times typed in a cell)."""
    return "".join(_plain_row(n, "10:30") for n in range(3, 3 + count))


def _after(end: int) -> str:
    """Rows after a marker, so that it is not in the last bytes of the sheet (which the
    check searches apart, as the start of a chunk that never came)."""
    return "".join(_plain_row(n) for n in range(end + 1, end + 20))


@pytest.fixture
def small_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet's stream read 256 bytes first, then by CHUNK (set by each test)."""
    monkeypatch.setattr(limits, "MAX_PROLOG", 256)


COUNTS = [0, 1, sheet_extent._COLONS - 2, sheet_extent._COLONS, sheet_extent._COLONS + 5, 300]


@pytest.mark.parametrize("colons", COUNTS)
def test_namespaced_formula_markup_after_any_number_of_colons_is_noted(
    tmp_path: Path, colons: int
) -> None:
    rows = _with_colons(colons)
    end = 3 + colons
    formula = f'<row r="{end}"><c r="A{end}"><x:f>1+1</x:f><v>2</v></c></row>'
    after = _after(end)
    assert not _formula_free(
        workbook(tmp_path / "f.xlsx", _both_ways(HEADER_ROW + rows + formula + after))
    )
    assert _formula_free(workbook(tmp_path / "plain.xlsx", _both_ways(HEADER_ROW + rows + after)))


@pytest.mark.parametrize("colons", COUNTS)
def test_a_far_namespaced_cell_after_any_number_of_colons_is_refused(
    tmp_path: Path, colons: int
) -> None:
    end = 3 + colons
    far = f'<row r="{end}"><x:c r="XFD{end}"><x:v>1</x:v></x:c></row>'
    path = workbook(
        tmp_path / "far.xlsx", _both_ways(HEADER_ROW + _with_colons(colons) + far + _after(end))
    )
    with pytest.raises(limits.HostileFileError, match="column 16,384"):
        limits.check_package(path, parts=False, sheets=True)


def test_a_far_cell_of_a_sheet_written_with_a_prefix_is_refused(tmp_path: Path) -> None:
    """Every tag of such a sheet holds a colon: far more than are looked at one by one."""
    rows = "".join(
        f'<x:row r="{n}"><x:c r="A{n}"><x:v>{n}</x:v></x:c></x:row>' for n in range(1, 400)
    )
    far = '<x:row r="401"><x:c r="ZZZ401"><x:v>1</x:v></x:c></x:row>'
    limits.check_package(workbook(tmp_path / "near.xlsx", sheet_xml(rows, prefix="x")))
    path = workbook(tmp_path / "far.xlsx", sheet_xml(rows + far, prefix="x"))
    with pytest.raises(limits.HostileFileError, match="ZZZ401"):
        limits.check_package(path, parts=False, sheets=True)


MARKERS = {
    "formula": '<c r="B{n}"><f>1+1</f><v>2</v></c>',
    "shared_formula": '<c r="B{n}"><f t="shared" si="0"/></c>',
    "error_value": '<c r="B{n}" t="e"><v>#N/A</v></c>',
    "namespaced_formula": f'<c r="B{{n}}"><y:f xmlns:y="{MAIN_NS}">1+1</y:f><v>2</v></c>',
}


@pytest.mark.usefixtures("small_reads")
@pytest.mark.parametrize("marker", sorted(MARKERS))
def test_markup_split_between_two_reads_is_noted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    """One marked cell among plain rows; reads of every size from 150 to 229 bytes put
    the chunks' ends at every place of the marker (and of the cell)."""
    rows = "".join(_plain_row(n, "10:30" if n % 3 else "Laptop") for n in range(3, 40))
    cell = MARKERS[marker].format(n=40)
    marked = workbook(
        tmp_path / "marked.xlsx", sheet_xml(HEADER_ROW + rows + f'<row r="40">{cell}</row>')
    )
    plain = workbook(tmp_path / "plain.xlsx", sheet_xml(HEADER_ROW + rows))
    for size in range(150, 230):
        monkeypatch.setattr(limits, "CHUNK", size)
        assert not _formula_free(marked), size
        assert _formula_free(plain), size


@pytest.mark.usefixtures("small_reads")
def test_random_sheets_are_judged_as_a_look_at_the_whole_sheet_judges_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ordinary sheets of random rows, some with colons, some with formula markup, read
    in chunks of random sizes: formula-free exactly when no marker is in the XML."""
    plain = [
        '<c r="C{n}" t="inlineStr"><is><t>10:30</t></is></c>',
        '<c r="C{n}" t="inlineStr"><is><t>Rack 2:front</t></is></c>',
        '<c r="C{n}"><v>{n}</v></c>',
    ]
    marked = [*plain, *MARKERS.values()]
    rng = random.Random(17)
    for case in range(60):
        pieces = marked if rng.random() < 0.5 else plain  # half the sheets hold no marker
        rows = "".join(
            f'<row r="{n}">' + rng.choice(pieces).format(n=n) + "</row>"
            for n in range(3, 3 + rng.randrange(1, 120))
        )
        xml = sheet_xml(HEADER_ROW + rows)
        expected = not any(marker in xml for marker in ("<f", ":f", '" t="e"'))
        monkeypatch.setattr(limits, "CHUNK", rng.randrange(70, 2000))
        path = workbook(tmp_path / f"case{case}.xlsx", xml)
        assert _formula_free(path) is expected, (case, xml)
