"""Barcode symbols as modules: python-barcode encodes Code 128 / Code 39, segno makes QR.

Only the module patterns are taken from those libraries; sizes, positions and painting
are ours (their image writers are slow and know nothing about printer dots).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from desktop.errors import DesktopError

#: Quiet zone each side of a linear symbol, in modules (ISO/IEC 15417 asks for 10).
LINEAR_QUIET_MODULES = 10
#: Quiet zone around a QR symbol, in modules (ISO/IEC 18004).
QR_QUIET_MODULES = 4
#: Code 39 characters we print. ``$ / + %`` are left out: scanners set to Full ASCII read
#: "/B" as '"' and "+B" as 'b', so a tag holding them would not scan as itself everywhere.
_BARS = re.compile("1+")
CODE39_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. ")


class Symbology(enum.StrEnum):
    CODE128 = "code128"
    CODE39 = "code39"

    @property
    def label(self) -> str:
        return "Code 128" if self is Symbology.CODE128 else "Code 39"


class LinearSymbol(NamedTuple):
    """A linear barcode: ``runs`` are the (start, end) modules of each bar."""

    symbology: Symbology
    data: str
    modules: int
    runs: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class QrSymbol:
    """A QR code: ``runs`` are (row, start module, width in modules) of dark modules."""

    data: str
    size: int
    runs: tuple[tuple[int, int, int], ...]


def _bar_runs(pattern: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _BARS.finditer(pattern))


@lru_cache(maxsize=4096)
def encode_linear(value: str, symbology: Symbology) -> LinearSymbol:
    """The module pattern of ``value``.

    Raises:
        DesktopError: naming the value and the character the symbology cannot carry.
    """
    if not (value and value.isascii() and value.isprintable()):
        bad = sorted({c for c in value if not 32 <= ord(c) < 127})
        what = "is empty" if not value else f"contains {', '.join(repr(c) for c in bad)}"
        raise DesktopError(
            f"'{value}' cannot be printed as {symbology.label}: it {what} "
            "(only printable ASCII characters can be encoded)"
        )
    # Imported here: every command-line start would otherwise pay for both libraries.
    from barcode import Code39, Code128
    from barcode.errors import BarcodeError

    if symbology is Symbology.CODE39:
        data = value.upper()
        if not CODE39_CHARACTERS.issuperset(data):
            bad = sorted({c for c in data if c not in CODE39_CHARACTERS})
            raise DesktopError(
                f"'{value}' cannot be printed as Code 39: it contains "
                f"{', '.join(repr(c) for c in bad)} (Code 39 carries A-Z, 0-9, '-', '.' and "
                "space here); use Code 128"
            )
        encoder: Code39 | Code128 = Code39(data, add_checksum=False)
    else:
        data = value
        encoder = Code128(data)
    try:
        pattern = "".join(encoder.build())  # one string: the whole symbol
    except BarcodeError as exc:
        raise DesktopError(f"'{value}' cannot be printed as {symbology.label}: {exc}") from exc
    return LinearSymbol(symbology, data, len(pattern), _bar_runs(pattern))


@lru_cache(maxsize=4096)
def encode_qr(value: str) -> QrSymbol:
    """The QR matrix of ``value`` (error correction at least M, boosted when free)."""
    if not value:
        raise DesktopError("an empty value cannot be printed as a QR code")
    import segno

    try:
        qr = segno.make(value, error="m", micro=False)
    except segno.DataOverflowError as exc:
        raise DesktopError(f"'{value[:40]}' is too long for a QR code") from exc
    runs = []
    for row, line in enumerate(qr.matrix):
        start = -1
        for column, module in enumerate([*line, 0]):
            if module and start < 0:
                start = column
            elif not module and start >= 0:
                runs.append((row, start, column - start))
                start = -1
    return QrSymbol(value, len(qr.matrix), tuple(runs))
