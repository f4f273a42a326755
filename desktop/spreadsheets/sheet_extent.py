"""How far a sheet reaches: the farthest row and column holding a value, found by reading
the sheet's XML as it streams out of the package (see :mod:`desktop.spreadsheets.limits`).

An ordinary .xlsx sheet (every cell's tag written ``<c r="A1"``, as every program writes
it) takes one pass of literal-led regular expression searches over each chunk: nothing
beyond column AL or the last row means nothing to measure. The same pass notes formula
markup (:class:`FormulaMarkup`), so that the formula scan need not read a sheet without
any again; a chunk is normalised (tabs, line breaks, single quotes) only when it holds
one of them. A sheet with cells far away takes an exact pass over its cell addresses;
any other (cells without addresses, an address not first or given twice, a namespace
prefix) is walked cell by cell with expat.
.ods content is walked with expat, counting repeated rows and columns as readers
expand them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

from desktop.spreadsheets.limits import (
    CHUNK,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    Extent,
    HostileFileError,
    column_letters,
    column_number,
)

#: Columns up to AL (38) are always fine: 38 x 1,048,576 rows stays under MAX_CELLS.
_ALWAYS_FINE_COLUMNS = MAX_CELLS // MAX_ROWS
_ATTRS = rb"(?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*"
#: A cell's tail: not self-closing and not closed at once (calamine ignores empty cells,
#: and styled empty cells far away are common).
_HOLDS_SOMETHING = _ATTRS + rb"\s*>(?!\s*</(?:[A-Za-z_][\w.-]*:)?c\s*>)"


def _not_greater_than(limit: int) -> bytes:
    """A pattern for the numbers 1..``limit`` written without leading zeros."""
    text = str(limit)
    options = [f"[1-9][0-9]{{0,{len(text) - 2}}}"]  # fewer digits
    for i, char in enumerate(text):
        below = "0123456789"[: int(char)] if i else "123456789"[: int(char) - 1]
        if below:
            options.append(f"{text[:i]}[{below}][0-9]{{{len(text) - i - 1}}}")
    options.append(text)
    return ("(?:" + "|".join(options) + ")").encode("ascii")


def _columns_up_to(limit: int) -> bytes:
    """A pattern for the column letters A..``limit``'s (AL for 38), either case."""
    assert 26 < limit <= 52
    last = chr(ord("A") + limit - 27)
    return f"(?:[A-Za-z]|[Aa][A-{last}a-{last.lower()}])".encode("ascii")


def _unusual_cell(start: bytes) -> re.Pattern[bytes]:
    """A cell start tag that is not ``<c r="REF"`` with REF within column AL and row
    MAX_ROWS. Led by a literal, so the engine skips to cells fast; every program writes
    its cells so, and a sheet with any other (no address, the address not first, a far
    one) gets a closer look."""
    return re.compile(
        start
        + rb'(?:[>/]| (?!r="'
        + _columns_up_to(_ALWAYS_FINE_COLUMNS)
        + _not_greater_than(MAX_ROWS)
        + rb'"))'
    )


#: In the whitespace- and quote-normalised text: unusual cells, and an attribute named r
#: after another attribute (a second address: calamine takes the last one). Exactly ``r``:
#: ``" r`` alone also met the ``right="0.75"`` of the page margins every sheet ends with,
#: and sent every file to the slow walk.
_UNUSUAL = (_unusual_cell(b"<c"), _unusual_cell(b":c"))
#: Formula markup (what :class:`FormulaMarkup` notes): regular expressions, as a search
#: led by a two-byte literal is twice as fast as ``in`` over a sheet's XML.
_FORMULA_MARKUP = (re.compile(rb"<f"), re.compile(rb":f"))
#: ``" r=``, ``" r `` or ``"  `` (a space that may come before a second ``r``), in one search;
#: and ``" t="e"``, an error value's cell type (``#N/A`` pasted as a value has no formula),
#: noted as formula markup: in the same search it costs nothing (a search of its own cost
#: a tenth of the sheet check, 3.5 ms CPU of 31 for 10,000 rows × 15 columns).
_LATER_ADDRESS = re.compile(rb'" (?:r[= ]| |t="e")')
_ERROR_TYPE = b'" t="e"'
_NORMALISE = bytes.maketrans(b"\t\n\r'", b'   "')
#: What normalising changes: a chunk without any of them is searched as it is.
_TO_NORMALISE = (b"\t", b"\n", b"\r", b"'")
_ANY_VALUED = tuple(
    re.compile(start + rb' r="([A-Za-z]+[0-9]+)"' + _HOLDS_SOMETHING) for start in (b"<c", b":c")
)
_REFERENCE = re.compile(rb"([A-Za-z]+)0*([0-9]+)")


#: How many colons of a chunk :func:`_namespaced` looks at one by one.
_COLONS = 64


def _namespaced(data: bytes, end: int, *, formulas: bool) -> tuple[bool, bool]:
    """Whether ``data[:end]`` holds an unusual namespaced cell (``_UNUSUAL[1]``) and, when
    ``formulas``, namespaced formula markup (``:f``): the two searches led by ``:``.

    A sheet written without a namespace prefix holds few colons (its root element's
    namespace declarations; a time or an address typed in a cell): they are found by
    ``bytes.find`` (memchr) and each is matched where it stands, where the engine's search
    for a one-byte literal walks the whole chunk, ~2 ms per search over the 7.8 MB of
    10,000 rows x 15 columns. Past :data:`_COLONS` colons (Excel writes two on every row)
    the rest of the chunk is searched as before."""
    unusual, formula = _UNUSUAL[1], _FORMULA_MARKUP[1]
    found = False
    at = data.find(b":", 0, end)
    for _ in range(_COLONS):
        if at < 0:
            return False, found
        if unusual.match(data, at, end):
            return True, found
        if formulas and not found:
            found = formula.match(data, at, end) is not None
        at = data.find(b":", at + 1, end)
    if at < 0:
        return False, found
    if unusual.search(data, at, end):
        return True, found
    return False, found or (formulas and formula.search(data, at, end) is not None)


class FormulaMarkup:
    """Whether a sheet's XML holds formula markup (``<f`` or ``:f``, what
    :func:`desktop.spreadsheets.formulas.formula_cells` looks for) or an error value
    (``" t="e"``), and whether the
    measuring read it to its end (only then does ``seen`` speak for the whole sheet)."""

    def __init__(self) -> None:
        self.seen = False
        self.ended = False


def xlsx_extent(
    where: str,
    chunks: Iterator[bytes],
    again: Callable[[], Iterator[bytes]],
    formulas: FormulaMarkup | None = None,
) -> Extent:
    """The sheet's extent, or an empty one when every cell is within column AL and the
    last row. An ordinary sheet takes one pass of fast literal-led searches (which also
    note formula markup in ``formulas``); a sheet with cells far away takes an exact pass
    over its cells; any other is walked by expat."""
    markup = FormulaMarkup() if formulas is None else formulas
    for chunk in _overlapping(chunks):
        data, end = chunk.data, chunk.safe_end
        if any(char in data for char in _TO_NORMALISE):
            data = data[:end].translate(_NORMALISE)
        later = _LATER_ADDRESS.search(data, 0, end)
        while later is not None and later.group() == _ERROR_TYPE:
            markup.seen = True  # an error value: the formula scan reads this sheet
            later = _LATER_ADDRESS.search(data, later.end(), end)
        if later is not None:
            return _walked_extent(where, again())
        if _UNUSUAL[0].search(data, 0, end):
            return _closer_look(where, again)
        unusual, formula = _namespaced(data, end, formulas=not markup.seen)
        if unusual:
            return _closer_look(where, again)
        if not markup.seen:  # the part searched ends before a '<': no marker is cut
            markup.seen = formula or _FORMULA_MARKUP[0].search(data, 0, end) is not None
    markup.ended = True
    return Extent(0, 0, "")


def _closer_look(where: str, again: Callable[[], Iterator[bytes]]) -> Extent:
    """A sheet with an unusual cell: exact by addresses when every cell tag has its
    address first, else walked by expat."""
    for chunk in _overlapping(again()):
        text = chunk.data[: chunk.safe_end].translate(_NORMALISE)
        for start in (b"<c", b":c"):
            if re.search(start + rb'(?:[>/]| (?!r="))', text):
                return _walked_extent(where, again())
    return _exact_extent(again())


@dataclass
class _Chunk:
    data: bytes
    safe_end: int  # matches must start before this; the rest comes again next time


def _overlapping(chunks: Iterator[bytes]) -> Iterator[_Chunk]:
    """Chunks that overlap so that no tag is cut: each ends at a ``<`` that starts over."""
    carry = b""
    for piece in chunks:
        data = carry + piece
        cut = data.rfind(b"<", 0, max(0, len(data) - 64))
        if cut <= 0:
            if len(data) > 4 * CHUNK:
                raise ValueError("no markup for 16 MB: a text that long is no spreadsheet cell")
            carry = data
            continue
        yield _Chunk(data, cut)
        carry = data[cut:]
    if carry:
        yield _Chunk(carry, len(carry))


def _exact_extent(chunks: Iterator[bytes]) -> Extent:
    """Every valued cell's address, for an ordinary sheet that reaches beyond column AL."""
    rows = columns = 0
    far = ""
    for chunk in _overlapping(chunks):
        text = chunk.data[: chunk.safe_end].translate(_NORMALISE)
        for pattern in _ANY_VALUED:
            for match in pattern.finditer(text):
                reference = _REFERENCE.fullmatch(match.group(1))
                if reference is None:
                    continue
                column = column_number(reference.group(1).decode("ascii").upper())
                row = _row_number(reference.group(2))
                if row > rows or column > columns:
                    rows, columns = max(rows, row), max(columns, column)
                    far = f"{column_letters(columns)}{rows}"
                    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
                        return Extent(rows, columns, match.group(1).decode("ascii"))
    return Extent(rows, columns, far)


def _walked_extent(where: str, chunks: Iterator[bytes]) -> Extent:
    """Cell by cell with expat, for a sheet whose cells (or rows) omit their addresses."""
    walker = _SheetWalker()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            if walker.beyond():
                break
        else:
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise HostileFileError(f"{where}: the sheet's XML is damaged ({exc})") from exc
    return walker.extent()


class _SheetWalker:
    def __init__(self) -> None:
        self.row = 0
        self.column = 0
        self.rows = 0
        self.columns = 0
        self.far = ""
        self.depth_in_cell = 0
        self.cell: tuple[int, int] | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit("}", 1)[-1]
        if self.cell is not None:
            self.depth_in_cell += 1
            if self.depth_in_cell == 1:  # a <v>, <is> or <f>: the cell holds something
                self._reach(*self.cell)
            return
        if local == "row":
            self.row = _row_number(attributes.get("r") or str(self.row + 1))
            self.column = 0
        elif local == "c":
            reference = _REFERENCE.fullmatch((attributes.get("r") or "").encode("ascii", "replace"))
            if reference is not None:
                self.column = column_number(reference.group(1).decode("ascii").upper())
                self.row = _row_number(reference.group(2))
            else:
                self.column += 1
            self.cell = (self.row, self.column)
            self.depth_in_cell = 0

    def end(self, name: str) -> None:
        if self.cell is None:
            return
        if self.depth_in_cell == 0:
            self.cell = None
        else:
            self.depth_in_cell -= 1

    def _reach(self, row: int, column: int) -> None:
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(self.rows, row), max(self.columns, column)
            self.far = f"{column_letters(column)}{row}"

    def beyond(self) -> bool:
        return (
            self.rows > MAX_ROWS
            or self.columns > MAX_COLUMNS
            or self.rows * self.columns > MAX_CELLS
        )

    def extent(self) -> Extent:
        return Extent(self.rows, self.columns, self.far)


# -- .ods ------------------------------------------------------------------------------

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def ods_extents(file_name: str, chunks: Iterator[bytes]) -> Iterator[tuple[str, Extent]]:
    """Each table's extent, repeated rows and columns counted as the reader expands them."""
    walker = _OdsWalker()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    parser.CharacterDataHandler = walker.text
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield from walker.finished()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise HostileFileError(f"{file_name}: its content is damaged XML ({exc})") from exc
    yield from walker.finished()


class _OdsWalker:
    def __init__(self) -> None:
        self.done: list[tuple[str, Extent]] = []
        self.table = ""
        self.row = 0
        self.column = 0
        self.rows = 0
        self.columns = 0
        self.row_repeat = 1
        self.cell_repeat = 1
        self.cell_valued = False
        self.in_cell = 0
        self.row_valued_to = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.in_cell:
            self.in_cell += 1
            return
        if name == f"{_TABLE_NS}}}table":
            self.table = attributes.get(f"{_TABLE_NS}}}name", "")
            self.row = self.rows = self.columns = 0
        elif name == f"{_TABLE_NS}}}table-row":
            self.row_repeat = _count(attributes.get(f"{_TABLE_NS}}}number-rows-repeated"))
            self.column = 0
            self.row_valued_to = 0
        elif name in (f"{_TABLE_NS}}}table-cell", f"{_TABLE_NS}}}covered-table-cell"):
            self.cell_repeat = _count(attributes.get(f"{_TABLE_NS}}}number-columns-repeated"))
            self.cell_valued = f"{_OFFICE_NS}}}value-type" in attributes
            self.in_cell = 1

    def text(self, data: str) -> None:
        if self.in_cell > 1 and data:  # any text in a paragraph, even spaces, is a value
            self.cell_valued = True

    def end(self, name: str) -> None:
        if self.in_cell:
            self.in_cell -= 1
            if self.in_cell == 0:
                self.column += self.cell_repeat
                if self.cell_valued:
                    self.row_valued_to = self.column
            return
        if name == f"{_TABLE_NS}}}table-row":
            self.row += self.row_repeat
            if self.row_valued_to:
                self.rows = self.row
                self.columns = max(self.columns, self.row_valued_to)
        elif name == f"{_TABLE_NS}}}table":
            self.done.append((self.table, self.extent()))

    def extent(self) -> Extent:
        far = f"{column_letters(self.columns)}{self.rows}" if self.rows else ""
        return Extent(self.rows, self.columns, far)

    def finished(self) -> Iterator[tuple[str, Extent]]:
        done, self.done = self.done, []
        yield from done
        if self.table and (
            self.rows > MAX_ROWS
            or self.columns > MAX_COLUMNS
            or self.rows * self.columns > MAX_CELLS
        ):
            yield self.table, self.extent()


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _row_number(text: str | bytes) -> int:
    """A row number from an address; one with more than 10 digits is beyond any sheet
    (and Python refuses to convert thousands of digits)."""
    digits = text.decode("ascii", "replace") if isinstance(text, bytes) else text
    digits = digits.lstrip("0") or "0"
    if len(digits) > 10 or not digits.isdigit():
        if digits.isdigit():
            return MAX_ROWS + 1
        raise ValueError(f"a row number is not a number ({digits[:20]!r})")
    return int(digits)
