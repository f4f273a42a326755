"""Plain geometry of a computed label layout, in millimetres on the page (y grows down)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from desktop.labels.symbols import Symbology

#: Rounding slack when comparing millimetre positions computed from dots.
EPSILON_MM = 1e-6


class Rect(NamedTuple):
    """A rectangle in millimetres (a tuple: a page holds tens of thousands of bars)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def contains(self, other: Rect) -> bool:
        return (
            other.x >= self.x - EPSILON_MM
            and other.y >= self.y - EPSILON_MM
            and other.right <= self.right + EPSILON_MM
            and other.bottom <= self.bottom + EPSILON_MM
        )

    def intersects(self, other: Rect) -> bool:
        return (
            other.x < self.right - EPSILON_MM
            and self.x < other.right - EPSILON_MM
            and other.y < self.bottom - EPSILON_MM
            and self.y < other.bottom - EPSILON_MM
        )

    def moved(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)


class TextBox(NamedTuple):
    """One line of text: drawn inside ``rect`` at ``size_pt``, never outside it.

    ``width`` is the layout's estimate of the text's width (mm); painters measure with the
    real font only when that estimate comes close to the box's width.
    """

    role: str  # "organisation", "tag", "field", "note"
    text: str
    size_pt: float
    rect: Rect
    align: str = "center"  # or "left"
    elided: bool = False
    width: float = float("inf")


class LinearBox(NamedTuple):
    """A placed linear barcode; every edge lies on the template's dot grid.

    ``runs`` are the bars as (start, end) modules counted from ``rect.x``; painters
    turn them into rectangles directly (a sheet holds tens of thousands of bars).
    """

    symbology: Symbology
    data: str
    module_mm: float
    module_dots: int
    rect: Rect  # the bars, first bar to last
    quiet: Rect  # the bars with their quiet zones: nothing else is drawn here
    runs: tuple[tuple[int, int], ...]

    @property
    def bars(self) -> tuple[Rect, ...]:
        x, y, _, height = self.rect
        module = self.module_mm
        return tuple(Rect(x + s * module, y, (e - s) * module, height) for s, e in self.runs)


class QrBox(NamedTuple):
    """A placed QR code; ``runs`` are dark modules as (row, first column, length)."""

    data: str
    module_mm: float
    module_dots: int
    rect: Rect
    quiet: Rect
    runs: tuple[tuple[int, int, int], ...]

    @property
    def modules(self) -> tuple[Rect, ...]:
        x, y = self.rect.x, self.rect.y
        m = self.module_mm
        return tuple(Rect(x + c * m, y + r * m, n * m, m) for r, c, n in self.runs)


@dataclass(frozen=True)
class LabelItem:
    """What one label carries: the barcode value, its readable text and extra lines."""

    value: str
    lines: tuple[str, ...] = ()
    text: str = ""  # the human-readable line under the bars; the value when empty

    @property
    def readable(self) -> str:
        return self.text or self.value


class LabelLayout(NamedTuple):
    """One label, ready to paint: every position is absolute on its page."""

    item: LabelItem
    cell: Rect
    corner_radius: float
    barcode: LinearBox | None  # None: the QR code alone carries the tag
    qr: QrBox | None
    texts: tuple[TextBox, ...]
    logo: Rect | None
    omitted: tuple[str, ...] = ()
    #: Why the label carries another symbol than the one asked for ("" when it does not).
    note: str = ""


class SkippedLabel(NamedTuple):
    """A label that fits no symbol on its template: left out of the job and reported."""

    value: str
    reason: str


@dataclass(frozen=True)
class PageLayout:
    number: int
    width: float
    height: float
    labels: tuple[LabelLayout, ...]
    #: Empty cells before the first label (a partly used sheet) — the preview outlines them.
    skipped_cells: tuple[Rect, ...] = ()
    #: Labels left out while this page was filled, because no symbol fits them.
    skipped_labels: tuple[SkippedLabel, ...] = ()
