"""Fitting a line of text into a box without a font engine: shrink, then elide.

Widths come from the Helvetica metrics (1/1000 em), which Arial and Liberation Sans share;
the painter checks with the real font and only ever shrinks or elides further, so text
stays inside the box the layout gave it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

MM_PER_POINT = 25.4 / 72
#: Line height as a multiple of the font size.
LEADING = 1.15
ELLIPSIS = "…"
#: A little extra, because the real font may be wider than Helvetica (DejaVu Sans is).
WIDTH_SAFETY = 1.12

_HELVETICA = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        (
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
            1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
            667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
            333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ),
        strict=True,
    )
)  # fmt: skip


def _char_width(char: str) -> int:
    width = _HELVETICA.get(char)
    if width is not None:
        return width
    if char == ELLIPSIS:
        return 1000
    # Wide scripts (CJK and the like) take a full em; other letters about a digit's width.
    return 1000 if ord(char) >= 0x1100 else 600


#: Widths by ASCII code (control characters count as a digit): summed by a fast path.
_ASCII = [_HELVETICA.get(chr(code), 600) for code in range(128)]


def text_width_mm(text: str, size_pt: float) -> float:
    """Estimated advance width of ``text`` at ``size_pt`` points, in millimetres."""
    if text.isascii():
        em = sum(map(_ASCII.__getitem__, text.encode("ascii"))) / 1000
    else:
        em = sum(_HELVETICA.get(c) or _char_width(c) for c in text) / 1000
    return em * size_pt * MM_PER_POINT * WIDTH_SAFETY


def line_height_mm(size_pt: float) -> float:
    return size_pt * MM_PER_POINT * LEADING


def size_for_height(height_mm: float) -> float:
    """The largest font size (points) whose line fits ``height_mm``."""
    return height_mm / (MM_PER_POINT * LEADING)


class FittedText(NamedTuple):
    text: str
    size_pt: float
    elided: bool
    width_mm: float


@lru_cache(maxsize=8192)
def fit_text(text: str, width_mm: float, size_pt: float, min_size_pt: float) -> FittedText:
    """Shrink ``text`` from ``size_pt`` down to ``min_size_pt`` to fit; then elide it."""
    natural = text_width_mm(text, size_pt)
    if natural <= width_mm:
        return FittedText(text, size_pt, False, natural)
    shrunk = size_pt * width_mm / natural
    if shrunk >= min_size_pt:
        return FittedText(text, shrunk, False, width_mm)
    kept = text
    while kept and text_width_mm(kept.rstrip() + ELLIPSIS, min_size_pt) > width_mm:
        kept = kept[:-1]
    shown = kept.rstrip() + ELLIPSIS if kept else ""
    return FittedText(shown, min_size_pt, True, text_width_mm(shown, min_size_pt))


def wrap_text(text: str, width_mm: float, size_pt: float, max_lines: int) -> tuple[str, ...]:
    """``text`` broken into at most ``max_lines`` lines of ``width_mm`` at ``size_pt``.

    Lines break at a space (or after '-' or '/') where one is near, else inside a word (a serial number has
    no spaces); the last line takes the rest (``fit_text`` shrinks or elides it).
    """
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < max_lines - 1 and text_width_mm(rest, size_pt) > width_mm:
        cut = 1
        while cut < len(rest) and text_width_mm(rest[: cut + 1].rstrip(), size_pt) <= width_mm:
            cut += 1
        space = max(rest.rfind(c, 0, cut + 1) + (c != " ") for c in " -/")
        if space > cut // 2:
            cut = space
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(rest)
    return tuple(lines)
