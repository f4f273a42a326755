"""Hostile and broken spreadsheet files, written in code (issue 14 point 8).

Each builder writes one file and returns its path. ``fuzz_files`` makes a few hundred of
them from a seed: random bytes, truncated and mutated packages, far cells written in every
way an XML writer may, NUL bytes, very wide rows, zip bombs, entity expansion, formats
under the wrong name.
"""

from __future__ import annotations

import random
import struct
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from desktop.spreadsheets.limits import column_number

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="Assets" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Asset tag</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>LAP-9001</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>Hostile laptop</t></is></c></row>'
)


def sheet_xml(sheet_data: str, *, dimension: str | None = None, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<{p}worksheet {xmlns}>{dim}<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>"
    )


def package(path: Path, members: dict[str, bytes | str]) -> Path:
    """A zip package with these members (deflated)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def workbook(path: Path, sheet: str, **extra: bytes | str) -> Path:
    """A one-sheet .xlsx whose sheet XML is ``sheet`` (plus any other members)."""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    members.update(extra)
    return package(path, members)


def far_cell(path: Path, reference: str = "XFD1048576", *, dimension: str | None = None) -> Path:
    """The issue's 3 KB file: one value at ``reference`` (and a header in row 1)."""
    cell = f'<row r="3"><c r="{reference}" t="inlineStr"><is><t>boom</t></is></c></row>'
    return workbook(path, sheet_xml(HEADER_ROW + cell, dimension=dimension))


#: Ways to write a far cell that a reader still takes for a cell: (name, sheet data).
FAR_CELL_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("plain", '<row r="3"><c r="XFD3"><v>1</v></c></row>'),
    ("lowercase", '<row r="3"><c r="xfd3"><v>1</v></c></row>'),
    ("leading_zeros", '<row r="3"><c r="A0002000000"><v>1</v></c></row>'),
    ("row_beyond_excel", '<row r="3"><c r="A99999999"><v>1</v></c></row>'),
    ("address_not_first", '<row r="3"><c s="0" r="XFD3"><v>1</v></c></row>'),
    ("second_address", '<row r="3"><c r="A3" r="XFD3"><v>1</v></c></row>'),
    ("single_quotes", "<row r='3'><c r='XFD3'><v>1</v></c></row>"),
    ("spaces_around", '<row r="3"><c  r = "XFD3" ><v>1</v></c></row>'),
    ("tab_and_newline", '<row r="3"><c\tr="XFD3"\n><v>1</v></c></row>'),
    ("no_address_far_row", '<row r="5000000"><c><v>1</v></c></row>'),
    (
        "wide_grid",
        '<row r="3"><c r="ALL3"><v>1</v></c></row><row r="999999"><c r="A999999"><v>1</v></c></row>',
    ),
    ("inline_string", '<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'),
    ("thousands_of_digits", '<row r="3"><c r="A' + "9" * 5000 + '"><v>1</v></c></row>'),
    ("formula_and_value", '<row r="3"><c r="XFD3"><f>1+1</f><v>2</v></c></row>'),
)


def far_cell_spelled(path: Path, spelling: str, *, prefix: str = "") -> Path:
    data = dict(FAR_CELL_SPELLINGS)[spelling]
    if prefix:
        data = data.replace("<row", f"<{prefix}:row").replace("</row", f"</{prefix}:row")
        data = data.replace("<c", f"<{prefix}:c").replace("</c>", f"</{prefix}:c>")
        data = data.replace("<v>", f"<{prefix}:v>").replace("</v>", f"</{prefix}:v>")
        data = data.replace("<f>", f"<{prefix}:f>").replace("</f>", f"</{prefix}:f>")
        data = data.replace("<is>", f"<{prefix}:is>").replace("</is>", f"</{prefix}:is>")
        data = data.replace("<t>", f"<{prefix}:t>").replace("</t>", f"</{prefix}:t>")
        header = HEADER_ROW.replace("<", f"<{prefix}:").replace(f"<{prefix}:/", f"</{prefix}:")
    else:
        header = HEADER_ROW
    return workbook(path, sheet_xml(header + data, prefix=prefix))


def wide_row(path: Path, columns: int = 10_000, *, addressed: bool = True) -> Path:
    from openpyxl.utils import get_column_letter

    cells = "".join(
        f'<c r="{get_column_letter(i)}1"><v>{i}</v></c>' if addressed else f"<c><v>{i}</v></c>"
        for i in range(1, columns + 1)
    )
    return workbook(path, sheet_xml(f'<row r="1">{cells}</row>'))


def billion_laughs(path: Path, member: str = "xl/sharedStrings.xml") -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    sheet = sheet_xml(HEADER_ROW + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>')
    return workbook(path, sheet, **{member: laughs})


def shared_strings(path: Path, attributes: str) -> Path:
    """A workbook whose shared strings' root carries ``attributes`` (e.g. uniqueCount)."""
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" {attributes}><si><t>x</t></si></sst>'
    types = _CONTENT_TYPES.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = _WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    sheet = sheet_xml(HEADER_ROW + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>')
    members = {
        "xl/sharedStrings.xml": strings,
        "[Content_Types].xml": types,
        "xl/_rels/workbook.xml.rels": rels,
    }
    return workbook(path, sheet, **members)


def lying_sizes(path: Path, *, declared: int) -> Path:
    """A zip whose sheet claims ``declared`` unpacked bytes (a bomb's central directory)."""
    workbook(path, sheet_xml(HEADER_ROW))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[start + size_at : start + size_at + 4] = struct.pack(
                    "<I", min(declared, 0xFFFFFFFF)
                )
            start += 4
    path.write_bytes(bytes(data))
    return path


def truncated(path: Path, source: Path, keep: int) -> Path:
    path.write_bytes(source.read_bytes()[:keep])
    return path


def with_member(path: Path, source: Path, member: str, data: bytes) -> Path:
    """A copy of ``source`` with one member replaced."""
    with zipfile.ZipFile(source) as original:
        members = {i.filename: original.read(i.filename) for i in original.infolist()}
    members[member] = data
    return package(path, dict(members))


def ods(path: Path, content: str) -> Path:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{content}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        target.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        target.writestr("content.xml", doc, zipfile.ZIP_DEFLATED)
    return path


ODS_HEADER = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>Asset tag</text:p>'
    '</table:table-cell><table:table-cell office:value-type="string"><text:p>Name</text:p>'
    "</table:table-cell></table:table-row>"
)


def ods_far(path: Path, *, rows: int, columns: int) -> Path:
    far = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    return ods(path, f'<table:table table:name="Assets">{ODS_HEADER}{far}</table:table>')


# -- the fuzz corpus ---------------------------------------------------------------


def _mutations(rng: random.Random, original: bytes) -> bytes:
    data = bytearray(original)
    kind = rng.randrange(5)
    if kind == 0 and data:  # flip bytes
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:  # cut
        del data[rng.randrange(len(data) + 1) :]
    elif kind == 2 and data:  # NUL bytes
        for _ in range(rng.randint(1, 4)):
            data.insert(rng.randrange(len(data)), 0)
    elif kind == 3:  # a far address somewhere
        at = data.find(b' r="', rng.randrange(len(data) + 1))
        if at >= 0:
            data[at + 4 : at + 4] = rng.choice([b"XFD", b"ZZZ", b"A9999999", b"xfd"])
    else:  # duplicate a slice
        if data:
            start = rng.randrange(len(data))
            data[start:start] = data[start : start + rng.randint(1, 4096)] * rng.randint(2, 50)
    return bytes(data)


def fuzz_files(folder: Path, seed: int = 14) -> list[tuple[Path, bool]]:
    """About 320 broken files; each with True when it must be refused."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[Path, bool]] = []
    real = sorted(DATA.glob("*.xlsx"))
    real = [p for p in real if p.stat().st_size and zipfile.is_zipfile(p)]

    def add(name: str, build: Callable[[Path], Path], refuse: bool = False) -> None:
        files.append((build(folder / name), refuse))

    for i in range(40):  # random bytes under every name
        suffix = rng.choice([".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv"])
        size = rng.choice([1, 7, 100, 3000])
        blob = rng.randbytes(size)
        if i % 4 == 0:
            blob = b"PK\x03\x04" + blob
        elif i % 4 == 1:
            blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + blob
        add(f"random_{i}{suffix}", partial(_write, data=blob))
    for i in range(40):  # truncated packages
        source = rng.choice(real)
        keep = rng.randrange(1, source.stat().st_size)
        add(f"truncated_{i}.xlsx", partial(truncated, source=source, keep=keep))
    for spelling, _ in FAR_CELL_SPELLINGS:
        for prefix in ("", "x"):
            add(
                f"far_{spelling}_{prefix or 'plain'}.xlsx",
                partial(far_cell_spelled, spelling=spelling, prefix=prefix),
                refuse=True,
            )
    for i in range(30):  # far cells at random places; refused when beyond the limits
        column = rng.choice(["AM", "ZZ", "AAA", "BXX", "XFD", "ZZZZ"])
        row = rng.choice([1, 3, 60_000, 1_048_576, 1_048_577, 10**9])
        number = column_number(column)
        beyond = number > 2_000 or row > 1_048_576 or number * row > 40_000_000
        add(f"far_random_{i}.xlsx", partial(far_cell, reference=f"{column}{row}"), refuse=beyond)
    for i in range(30):  # NUL bytes in members and in text
        source = rng.choice(real)
        with zipfile.ZipFile(source) as original:
            member = rng.choice([n for n in original.namelist() if n.endswith(".xml")] or ["x.xml"])
            nul = bytearray(original.read(member) if member in original.namelist() else b"<x/>")
        for _ in range(rng.randint(1, 3)):
            nul.insert(rng.randrange(len(nul) + 1), 0)
        add(f"nul_{i}.xlsx", partial(with_member, source=source, member=member, data=bytes(nul)))
    for i in range(10):
        add(
            f"nul_text_{i}.csv",
            partial(_write, data=b"Asset tag,Name\nLAP-1,a" + b"\x00" * (i + 1) + b"b\n"),
        )
    add("wide_10000.xlsx", lambda p: wide_row(p, 10_000), refuse=True)
    add("wide_10000_unaddressed.xlsx", lambda p: wide_row(p, 10_000, addressed=False), refuse=True)
    add("wide_2000.xlsx", lambda p: wide_row(p, 2_000))
    for i in range(110):  # mutated members of real workbooks
        source = rng.choice(real)
        with zipfile.ZipFile(source) as original:
            member = rng.choice(original.namelist())
            data = _mutations(rng, original.read(member))
        add(f"mutated_{i}.xlsx", partial(with_member, source=source, member=member, data=data))
    for member in ("xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"):
        add(f"laughs_{member.split('/')[-1]}", partial(billion_laughs, member=member), refuse=True)
    add("lying_size.xlsx", lambda p: lying_sizes(p, declared=10))
    add(
        "strings_claimed.xlsx",
        partial(shared_strings, attributes='count="9" uniqueCount="4000000000"'),
        refuse=True,
    )
    add("strings_fine.xlsx", partial(shared_strings, attributes='count="9" uniqueCount="1"'))
    add("declared_bomb.xlsx", lambda p: lying_sizes(p, declared=0xFFFFFFFF), refuse=True)
    add("ods_far.ods", lambda p: ods_far(p, rows=1_048_576, columns=16_384), refuse=True)
    add("ods_wide.ods", lambda p: ods_far(p, rows=1, columns=10_000), refuse=True)
    add("ods_tall.ods", lambda p: ods_far(p, rows=2_000_000, columns=1), refuse=True)
    add("ods_named_xlsx.xlsx", lambda p: ods_far(p, rows=1, columns=2), refuse=True)
    add("xlsx_named_ods.ods", lambda p: far_cell(p, "B2"), refuse=True)
    add("xlsx_named_xls.xls", lambda p: far_cell(p, "B2"), refuse=True)
    add(
        "xls_named_xlsx.xlsx",
        lambda p: _write(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        refuse=True,
    )
    add("empty.xlsx", lambda p: _write(p, b""), refuse=True)
    add("empty.csv", lambda p: _write(p, b""), refuse=True)
    add(
        "long_cell.csv",
        lambda p: _write(p, b'Asset tag,Notes\nLAP-1,"' + b"x" * 1_100_000 + b'"\n'),
        refuse=True,
    )
    return files


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
