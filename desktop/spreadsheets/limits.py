"""Hostile-file guards: a workbook is checked before a native reader touches it.

python-calamine builds one dense grid from A1 to a sheet's farthest cell holding a value,
and aborts the whole process (SIGABRT: no exception, no message) when that grid cannot be
allocated — a 3 KB .xlsx whose one cell is ``XFD1048576`` asks for 512 GiB. openpyxl
iterates the same grid cell by cell, which takes hours. So, cheaply:

- before a package is opened (:func:`check_once`): the zip is readable, not encrypted,
  not a bomb (declared sizes bounded; every part but the sheets is read through once,
  which checks its CRC), not another format under this name, and no XML part declares a
  DTD (entity expansion, "billion laughs");
- before a sheet is loaded (:class:`GuardedWorkbook`, and ``check_once(sheets=True)``):
  every sheet's extent, the farthest row and column holding a value, measured as the XML
  streams out of the zip (:mod:`desktop.spreadsheets.sheet_extent`), must stay within
  :data:`MAX_ROWS`, :data:`MAX_COLUMNS` and :data:`MAX_CELLS`; .xls and .xlsb sheets are
  binary records, loaded first in a child process with a memory ceiling;
- CSV cells up to :data:`MAX_CSV_CELL` characters are read, longer ones and NUL
  characters are refused in our words.

Every refusal is an :class:`UnreadableFileError` naming the file (and sheet, and line).
"""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from desktop.errors import DesktopError

#: The most rows a sheet may have (Excel's own limit).
MAX_ROWS = 1_048_576
#: The most columns a sheet may reach (Excel allows 16,384; an asset register has dozens).
MAX_COLUMNS = 2_000
#: The most cells of the grid from A1 to the farthest value (rows x columns): about 1.3 GB
#: in the reader before any Python object exists.
MAX_CELLS = 40_000_000
#: The most bytes a package may unpack to, and the most members it may hold.
MAX_UNPACKED = 4 * 1024**3
MAX_MEMBERS = 10_000
#: How far into an XML part its root element must start (a DTD would come before it).
MAX_PROLOG = 65_536
CHUNK = 4 * 1024 * 1024


class UnreadableFileError(DesktopError):
    """The file cannot be read as a spreadsheet; the message says why."""


class HostileFileError(UnreadableFileError):
    """The file is damaged, or made to exhaust the reader; the message names it and why."""


@dataclass(frozen=True)
class Extent:
    """The farthest row and column (1-based) holding a value, and one cell that reaches it."""

    rows: int
    columns: int
    far_cell: str


def check_package(
    path: Path, *, parts: bool = True, sheets: bool = True, formula_free: set[str] | None = None
) -> None:
    """Refuse a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods) a reader could choke on.

    ``parts``: the package and every part but the sheets (what opening the workbook and
    listing its sheets reads); ``sheets``: every sheet's extent (what loading one reads).
    ``formula_free`` (with ``sheets``) gets the sheet parts read to their end without any
    formula markup (see :func:`sheet_has_no_formulas`).
    """
    try:
        with zipfile.ZipFile(path) as package:
            _check_members(path, package)
            _check_kind(path, package)
            names = _sheet_names(package) if sheets else {}
            ods = path.suffix.lower() == ".ods"
            for info in package.infolist():
                _check_member(
                    path,
                    package,
                    info,
                    names,
                    ods=ods,
                    parts=parts,
                    sheets=sheets,
                    formula_free=formula_free,
                )
    except DesktopError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise HostileFileError(f"{path.name} is damaged (its zip package: {_reason(exc)})") from exc
    except NotImplementedError as exc:
        raise HostileFileError(
            f"{path.name} uses a zip compression this program cannot read ({_reason(exc)})"
        ) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise HostileFileError(f"{path.name} cannot be read ({_reason(exc)})") from exc


def check_signature(path: Path) -> None:
    """Refuse an encrypted workbook, or a file in another format than its name says."""
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE2) and suffix != ".xls":
        if _is_encrypted_package(path):
            raise HostileFileError(
                f"{path.name} is encrypted (password-protected): open it in your spreadsheet "
                "program, remove the password, save it and import again"
            )
        raise HostileFileError(
            f"{path.name} is an old Excel 97-2003 workbook, not a {suffix} file: rename it to "
            f"{path.stem}.xls and import again"
        )
    if suffix == ".xls" and head.startswith(b"PK\x03\x04"):
        raise HostileFileError(
            f"{path.name} is a zip package (.xlsx or .ods), not an Excel 97-2003 workbook: "
            "rename it to .xlsx (or .ods) and import again"
        )


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_encrypted_package(path: Path) -> bool:
    """An OLE2 file holding an ``EncryptedPackage`` stream: an encrypted .xlsx."""
    name = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            if name in tail + block[: len(name)] or name in block:
                return True
            tail = block[-len(name) :]
    return False


def is_reader_panic(exc: BaseException) -> bool:
    """A panic inside a native reader (pyo3's ``PanicException`` is a BaseException)."""
    return type(exc).__name__ == "PanicException"


def _check_kind(path: Path, package: zipfile.ZipFile) -> None:
    names = set(package.namelist())
    suffix = path.suffix.lower()
    ods = (
        "mimetype" in names
        and package.getinfo("mimetype").file_size < 200
        and (b"opendocument.spreadsheet" in package.read("mimetype"))
    )
    if ods and suffix != ".ods":
        raise HostileFileError(
            f"{path.name} is an OpenDocument spreadsheet, not a {suffix} file: rename it to "
            f"{path.stem}.ods and import again"
        )
    if suffix == ".ods" and not ods and "[Content_Types].xml" in names:
        raise HostileFileError(
            f"{path.name} is an Excel workbook, not an .ods file: rename it to "
            f"{path.stem}.xlsx and import again"
        )


def _check_members(path: Path, package: zipfile.ZipFile) -> None:
    members = package.infolist()
    if len(members) > MAX_MEMBERS:
        raise HostileFileError(
            f"{path.name} holds {len(members):,} parts; a workbook has far fewer "
            f"(at most {MAX_MEMBERS:,} are read)"
        )
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise HostileFileError(
                f"{path.name} is encrypted (password-protected): open it in your spreadsheet "
                "program, remove the password, save it and import again"
            )
        total += info.file_size
        if total > MAX_UNPACKED:
            raise HostileFileError(
                f"{path.name} would unpack to more than {MAX_UNPACKED // 1024**3} GB "
                f"(part {info.filename} alone claims {info.file_size:,} bytes): "
                "it is not read"
            )


def _check_member(
    path: Path,
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    names: dict[str, str],
    *,
    ods: bool,
    parts: bool,
    sheets: bool,
    formula_free: set[str] | None = None,
) -> None:
    name = info.filename
    if info.is_dir():
        return
    is_xml = name.lower().endswith((".xml", ".rels", ".vml"))
    with package.open(info) as stream:
        chunks = _chunks(stream, info)
        if not is_xml:
            if parts:
                for _ in chunks:  # reading it through checks its size and CRC
                    pass
            return
        first = next(chunks, b"")
        root = _root_element(path, name, first)
        rest = _prepend(first, chunks)
        from desktop.spreadsheets import sheet_extent  # it builds on this module

        if root == "worksheet":
            if sheets:
                where = f"{path.name}, sheet {names.get(name, PurePosixPath(name).stem)}"
                reopened: list[Generator[bytes, None, None]] = []

                def again() -> Iterator[bytes]:
                    reopened.append(_reopen(package, info))
                    return reopened[-1]

                markup = sheet_extent.FormulaMarkup()
                try:
                    extent = sheet_extent.xlsx_extent(where, rest, again, markup)
                finally:  # a refusal's traceback must not keep a part of the file open
                    for part in reopened:
                        part.close()
                refuse_beyond_limits(where, extent)
                if formula_free is not None and markup.ended and not markup.seen:
                    formula_free.add(name)
        elif ods and root == "document-content":
            if parts:  # calamine reads an .ods file's every sheet when it opens it
                for table, extent in sheet_extent.ods_extents(f"{path.name}", rest):
                    refuse_beyond_limits(f"{path.name}, sheet {table}", extent)
        elif parts:
            if root == "sst":
                _check_shared_strings(path, name, first)
            for _ in rest:
                pass


_UNIQUE_COUNT = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*?\suniqueCount\s*=\s*[\"']\s*([0-9]+)"
)


def _check_shared_strings(path: Path, member: str, first: bytes) -> None:
    """calamine reserves room for the ``uniqueCount`` the shared strings claim, at once:
    a claim of four billion aborts it. No sheet read here has more than MAX_CELLS."""
    match = _UNIQUE_COUNT.search(first[:MAX_PROLOG])
    if match is not None and (len(match.group(1)) > 12 or int(match.group(1)) > MAX_CELLS):
        claimed = match.group(1).decode("ascii")
        raise HostileFileError(
            f"{path.name}: part {member} claims {claimed[:16]} different texts, more than "
            f"the {MAX_CELLS:,} cells that are read; the file is damaged or made to exhaust "
            "memory"
        )


def _chunks(stream: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes: first its prolog (all that its root element is looked for in, see
    _root_element; a check that does not scan the part reads no further), then by CHUNK
    (the parts check read the first 4 MB of every sheet only to learn it is one)."""
    read = 0
    size = MAX_PROLOG
    while True:
        chunk = stream.read(size)
        size = CHUNK
        if not chunk:
            return
        read += len(chunk)
        if read > info.file_size:  # zipfile stops at the declared size; be sure anyway
            raise zipfile.BadZipFile(f"part {info.filename} is longer than it says")
        yield chunk


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _reopen(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
    with package.open(info) as stream:
        yield from _chunks(stream, info)


_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def _root_element(path: Path, member: str, first: bytes) -> str:
    """The root element's local name; refuses a DTD (entity expansion) before it."""
    head = first[:MAX_PROLOG]
    position = 0
    while True:
        start = head.find(b"<", position)
        if start < 0 or start + 1 >= len(head):
            if len(first) >= MAX_PROLOG:
                raise HostileFileError(
                    f"{path.name}: part {member} does not start like XML (no element in its "
                    f"first {MAX_PROLOG:,} bytes)"
                )
            return ""
        marker = head[start + 1 : start + 2]
        if marker == b"?":
            position = head.find(b"?>", start) + 2 or len(head)
        elif head.startswith(b"<!--", start):
            end = head.find(b"-->", start)
            position = end + 3 if end >= 0 else len(head)
        elif marker == b"!":
            raise HostileFileError(
                f"{path.name}: part {member} declares a DTD or entities, which workbooks never "
                "do (it may be built to exhaust memory); the file is not read"
            )
        else:
            match = _ROOT.match(head, start)
            return match.group(2).decode("ascii") if match else ""


def _sheet_names(package: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name, from the workbook and its relationships."""
    from xml.etree import ElementTree

    names: dict[str, str] = {}
    try:
        workbook = _office_document(package)
        if workbook is None:
            return names
        folder = PurePosixPath(workbook).parent
        rels_name = str(folder / "_rels" / (PurePosixPath(workbook).name + ".rels"))
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ElementTree.fromstring(_small(package, rels_name))
        }
        for element in ElementTree.fromstring(_small(package, workbook)).iter():
            if element.tag.rsplit("}", 1)[-1] != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                part = target.lstrip("/") if target.startswith("/") else str(folder / target)
                names[_normalise(part)] = element.get("name", "")
    except (KeyError, ValueError, ElementTree.ParseError, HostileFileError):
        return names  # the reader will say what is wrong; part names serve meanwhile
    return names


def _office_document(package: zipfile.ZipFile) -> str | None:
    from xml.etree import ElementTree

    for rel in ElementTree.fromstring(_small(package, "_rels/.rels")):
        if rel.get("Type", "").endswith("/officeDocument"):
            return _normalise(rel.get("Target", "").lstrip("/"))
    return None


def _small(package: zipfile.ZipFile, name: str) -> bytes:
    info = package.getinfo(name)
    if info.file_size > 16 * 1024 * 1024:
        raise ValueError("too large")
    data = package.read(info)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError("a DTD")  # refused with its message when the part is checked
    return data


def _normalise(part: str) -> str:
    pieces: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if pieces:
                pieces.pop()
        elif piece not in ("", "."):
            pieces.append(piece)
    return "/".join(pieces)


def refuse_beyond_limits(where: str, extent: Extent) -> None:
    if len(extent.far_cell) > 16:  # an address of thousands of digits, shortened
        extent = Extent(extent.rows, extent.columns, extent.far_cell[:12] + "…")
    if extent.rows > MAX_ROWS:
        raise HostileFileError(
            f"{where}: a value at {extent.far_cell} lies beyond row {MAX_ROWS:,}, the most a "
            "sheet can have; the file is damaged or made to exhaust memory"
        )
    if extent.columns > MAX_COLUMNS:
        raise HostileFileError(
            f"{where}: a value at {extent.far_cell} is in column {extent.columns:,}; at most "
            f"{MAX_COLUMNS:,} columns are read. Delete what lies far to the right and import again"
        )
    if extent.rows * extent.columns > MAX_CELLS:
        raise HostileFileError(
            f"{where}: its values span {extent.rows:,} rows x {extent.columns:,} columns (to "
            f"{extent.far_cell}), more than the {MAX_CELLS:,} cells that are read at once. "
            "Delete stray cells far below or to the right, or split the sheet, and import again"
        )


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:200] if text else type(exc).__name__) or type(exc).__name__


_checked: dict[tuple[str, int, int, bool], HostileFileError | None] = {}
#: The sheet parts (names in the package) the sheet check read to their end without
#: meeting formula markup, by exact file (path, size, time) as in _checked.
_formula_free: dict[tuple[str, int, int], set[str]] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def check_once(path: Path, *, sheets: bool = False) -> None:
    """:func:`check_package` for the package's parts (``sheets=False``: enough to open the
    workbook and list its sheets) or for its sheets (before one is loaded), remembered for
    this exact file (size and time) so that each is scanned once."""
    file_key = _file_key(path)
    key = (*file_key, sheets)
    if key not in _checked:
        formula_free: set[str] = set()
        try:
            check_package(path, parts=not sheets, sheets=sheets, formula_free=formula_free)
        except HostileFileError as exc:
            _checked[key] = exc
        else:
            _checked[key] = None
            if sheets:
                _formula_free[file_key] = formula_free
        while len(_checked) > 32:
            del _checked[next(iter(_checked))]
        while len(_formula_free) > 32:
            del _formula_free[next(iter(_formula_free))]
    refusal = _checked[key]
    if refusal is not None:
        raise HostileFileError(refusal.message)


def sheet_has_no_formulas(path: Path, part: str) -> bool:
    """Whether the sheet check of this exact file (:func:`check_once`) read sheet ``part``
    to its end and met no formula markup in it — so that its XML need not be read again
    to look for formulas. False when not known."""
    try:
        return part in _formula_free.get(_file_key(path), ())
    except OSError:
        return False


#: Formats whose sheets are binary records this module does not parse: their sheets are
#: loaded first in a child process with a memory ceiling (:func:`probe_in_child`).
PROBED_SUFFIXES = (".xls", ".xlsb")
#: The child's address-space ceiling: the reader's grid for MAX_CELLS, plus the interpreter.
PROBE_MEMORY = MAX_CELLS * 32 + 1024**3

_PROBE = """
import json, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from python_calamine import CalamineWorkbook
try:
    workbook = CalamineWorkbook.from_path(sys.argv[1])
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        end = sheet.end or (-1, -1)
        print(json.dumps([name, end[0] + 1, end[1] + 1]), flush=True)
except Exception:
    pass  # the reader says what is wrong when the file is read for real
"""


def probe_in_child(path: Path) -> None:
    """Load every sheet of ``path`` in a child process that may use at most
    :data:`PROBE_MEMORY`; refuse the file when the child dies (the reader aborts when a
    grid cannot be allocated) or a sheet's extent is beyond the limits."""
    import subprocess
    import sys

    if getattr(sys, "frozen", False):
        return  # a frozen build cannot start the interpreter on a script
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path), str(PROBE_MEMORY)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "RUST_BACKTRACE": "0"},
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise HostileFileError(f"{path.name} cannot be checked ({_reason(exc)})") from exc
    for line in done.stdout.splitlines():
        try:
            name, rows, columns = json.loads(line)
        except (ValueError, TypeError):
            continue
        far = f"{column_letters(columns)}{rows}" if rows and columns else ""
        refuse_beyond_limits(f"{path.name}, sheet {name}", Extent(rows, columns, far))
    if done.returncode != 0:
        raise HostileFileError(
            f"{path.name} cannot be read: a sheet claims an area too large to hold in memory "
            "(the file is damaged or made to exhaust memory)"
        )


_probed: dict[tuple[str, int, int], HostileFileError | None] = {}


def probe_once(path: Path) -> None:
    """:func:`probe_in_child`, remembered for this exact file (size and time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _probed:
        try:
            probe_in_child(path)
        except HostileFileError as exc:
            _probed[key] = exc
        else:
            _probed[key] = None
        while len(_probed) > 32:
            del _probed[next(iter(_probed))]
    refusal = _probed[key]
    if refusal is not None:
        raise HostileFileError(refusal.message)


ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")


class GuardedWorkbook:
    """A python-calamine workbook whose sheets and tables are checked (:func:`check_once`
    with ``sheets=True``) before calamine loads one; everything else passes through."""

    def __init__(self, workbook: Any, path: Path) -> None:
        self._workbook = workbook
        self._path = path

    def _check(self) -> None:
        suffix = self._path.suffix.lower()
        if suffix in PROBED_SUFFIXES:
            probe_once(self._path)
        elif suffix in ZIP_SUFFIXES:
            check_once(self._path, sheets=True)

    def get_sheet_by_name(self, name: str) -> Any:
        self._check()
        return self._workbook.get_sheet_by_name(name)

    def get_sheet_by_index(self, index: int) -> Any:
        self._check()
        return self._workbook.get_sheet_by_index(index)

    def get_table_by_name(self, name: str) -> Any:
        self._check()
        return self._workbook.get_table_by_name(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._workbook, name)


# -- CSV -------------------------------------------------------------------------------

#: The longest CSV cell that is read (Excel's own cells hold at most 32,767 characters).
MAX_CSV_CELL = 1_048_576


@contextmanager
def csv_cells() -> Iterator[None]:
    """Let the csv module read cells up to :data:`MAX_CSV_CELL` (its default is 131,072)."""
    previous = csv.field_size_limit(MAX_CSV_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_message(file_name: str, line: int, exc: csv.Error) -> str:
    """The csv module's complaint, in our words, naming the file and the line."""
    if "field limit" in str(exc):
        return (
            f"{file_name}, line {line}: a cell is longer than {MAX_CSV_CELL:,} characters "
            "(a quote that is never closed makes the rest of the file one cell)"
        )
    if "new-line character seen in unquoted field" in str(exc):
        return f"{file_name}, line {line}: a line break inside a cell that is not in quotes"
    return f"{file_name}, line {line}: the text is not valid CSV ({exc})"


def refuse_nul(file_name: str, text: str) -> None:
    """A NUL character is binary data, never a cell's text (and databases refuse it)."""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1 if "\n" in text else text.count("\r", 0, at) + 1
        raise UnreadableFileError(
            f"{file_name}, line {line}: holds a NUL character (binary data, not text); "
            "save the file again as CSV from your spreadsheet program"
        )
