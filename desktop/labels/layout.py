"""Laying out labels that scan: bars on whole printer dots, quiet zones kept clear.

Everything is computed in millimetres on the page, Qt-free; ``ui.gui.labels`` paints it.
Rules (see the labels section of DESIGN.md):

* a module is a whole number of printer dots at the template's resolution, at least
  :data:`MIN_MODULE_MM` and two dots wide; bars start on the dot grid of the page;
* a linear symbol keeps :data:`~desktop.labels.symbols.LINEAR_QUIET_MODULES` clear modules
  each side, inside the label; a value that does not fit is an error, never squeezed bars;
* text shrinks to :data:`MIN_TEXT_PT`, then elides; its boxes never touch a barcode or its
  quiet zone; lines that have no room at all are left out and named in ``omitted``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from desktop.errors import DesktopError
from desktop.labels.geometry import (
    LabelItem,
    LabelLayout,
    LinearBox,
    PageLayout,
    QrBox,
    Rect,
    TextBox,
)
from desktop.labels.symbols import (
    LINEAR_QUIET_MODULES,
    QR_QUIET_MODULES,
    Symbology,
    encode_linear,
    encode_qr,
)
from desktop.labels.templates import Template
from desktop.labels.text_fit import fit_text, line_height_mm

#: Narrowest module we print (7.5 mil: what general-purpose scanners read reliably).
MIN_MODULE_MM = 0.19
MIN_MODULE_DOTS = 2
MAX_MODULE_MM = 0.5
MIN_QR_MODULE_MM = 0.25
MAX_QR_MODULE_MM = 1.0
MIN_BAR_HEIGHT_MM = 5.0
MIN_TEXT_PT = 4.5
ROW_GAP_MM = 0.4
MAX_OFFSET_MM = 10.0
#: Preferred text sizes (points) on a label about 25 mm high; larger labels scale them up.
PREFERRED_PT = {"organisation": 7.0, "tag": 9.0, "field": 7.0}


@dataclass(frozen=True)
class LabelOptions:
    symbology: Symbology = Symbology.CODE128
    qr: bool = False
    organisation: str = ""
    logo: bool = False


def _snap_down(length: float, dot: float) -> float:
    return math.floor(length / dot + 1e-9) * dot


@lru_cache(maxsize=4096)
def _place_span(
    width_modules: int,
    quiet_modules: int,
    content: tuple[float, float],
    region: tuple[float, float],
    dot: float,
    dot_range: tuple[int, int],
    prefer: str = "center",
) -> tuple[int, float] | None:
    """The widest module (in dots) and the start (mm, on the dot grid) that fit a span.

    The symbol lies inside ``content``; the symbol with its quiet zones inside ``region``.
    """
    smallest, largest = dot_range
    for dots in range(largest, smallest - 1, -1):
        module = dots * dot
        width = width_modules * module
        quiet = quiet_modules * module
        low = math.ceil(max(content[0], region[0] + quiet) / dot - 1e-9)
        high = math.floor((min(content[1], region[1] - quiet) - width) / dot + 1e-9)
        if low > high:
            continue
        wanted = (
            high if prefer == "end" else round(((content[0] + content[1]) / 2 - width / 2) / dot)
        )
        return dots, min(max(wanted, low), high) * dot
    return None


@lru_cache(maxsize=256)
def _dot_range(dot: float, minimum_mm: float, maximum_mm: float) -> tuple[int, int]:
    smallest = max(MIN_MODULE_DOTS, math.ceil(minimum_mm / dot - 1e-9))
    return smallest, max(smallest, math.floor(maximum_mm / dot + 1e-9))


class _NoRoom(Exception):
    """Raised inside the cached plan; turned into a DesktopError naming the tag."""

    def __init__(self, needed: float, room: float, module: float, dots: int) -> None:
        super().__init__()
        self.needed, self.room, self.module, self.dots = needed, room, module, dots


@dataclass(frozen=True)
class _Plan:
    """Everything about a label that does not depend on its text: shared by many labels."""

    cell: Rect
    dots: int
    bars: Rect
    quiet: Rect
    qr: tuple[int, Rect, Rect] | None  # module dots, symbol, quiet zone
    rows: tuple[tuple[int, str, Rect, float], ...]  # wanted index, align, box, size
    omitted: tuple[int, ...]  # wanted indices left out, in the order they were given up
    logo: Rect | None


def _qr_spots(
    template: Template, size_modules: int, cell: Rect, content: Rect
) -> list[tuple[int, Rect, Rect]]:
    """Every way a QR code fits at the right of the label, the largest module first."""
    dot = template.dot_mm
    side_limit = min(content.height, content.width * 0.4)
    smallest, largest = _dot_range(dot, MIN_QR_MODULE_MM, MAX_QR_MODULE_MM)
    spots = []
    for dots in range(largest, smallest - 1, -1):
        if size_modules * dots * dot > side_limit + 1e-9:
            continue
        x = _place_span(
            size_modules, QR_QUIET_MODULES, (content.x, content.right),
            (cell.x, cell.right), dot, (dots, dots), prefer="end",
        )  # fmt: skip
        y = _place_span(
            size_modules, QR_QUIET_MODULES, (content.y, content.bottom),
            (cell.y, cell.bottom), dot, (dots, dots),
        )  # fmt: skip
        if x is None or y is None:
            continue
        module = dots * dot
        size = size_modules * module
        quiet = QR_QUIET_MODULES * module
        rect = Rect(x[1], y[1], size, size)
        spots.append(
            (dots, rect, Rect(rect.x - quiet, rect.y - quiet, size + 2 * quiet, size + 2 * quiet))
        )
    return spots


def _linear_spot(
    template: Template, modules: int, content: tuple[float, float], region: tuple[float, float]
) -> tuple[int, float]:
    dot = template.dot_mm
    dot_range = _dot_range(dot, MIN_MODULE_MM, MAX_MODULE_MM)
    placed = _place_span(modules, LINEAR_QUIET_MODULES, content, region, dot, dot_range)
    if placed is None:
        module = dot_range[0] * dot
        needed = (modules + 2 * LINEAR_QUIET_MODULES) * module
        room = min(
            region[1] - region[0], content[1] - content[0] + 2 * LINEAR_QUIET_MODULES * module
        )
        raise _NoRoom(needed, room, module, dot_range[0])
    return placed


@lru_cache(maxsize=4096)
def _plan(
    template: Template,
    options: LabelOptions,
    roles: tuple[str, ...],
    modules: int,
    qr_modules: int,
    origin: tuple[float, float],
) -> _Plan:
    dot = template.dot_mm
    cell = Rect(origin[0], origin[1], template.label_width, template.label_height)
    pad = template.padding
    content = Rect(cell.x + pad, cell.y + pad, cell.width - 2 * pad, cell.height - 2 * pad)
    qr: tuple[int, Rect, Rect] | None = None
    if qr_modules:
        spots = _qr_spots(template, qr_modules, cell, content)
        if not spots:
            raise _NoRoom(0, 0, 0, 0)
        # The largest QR code that still leaves the linear barcode room to scan.
        for qr in spots:
            try:
                dots, bar_x = _linear_spot(
                    template, modules, (content.x, qr[2].x), (cell.x, qr[2].x)
                )
                break
            except _NoRoom:
                if qr is spots[-1]:
                    raise
    else:
        dots, bar_x = _linear_spot(
            template, modules, (content.x, content.right), (cell.x, cell.right)
        )
    column_right = qr[2].x if qr else content.right
    column = Rect(content.x, content.y, column_right - content.x, content.height)
    module = dots * dot
    bar_width = modules * module
    scale = max(1.0, min(1.8, content.height / 25.0))
    min_bar = max(MIN_BAR_HEIGHT_MM, 0.15 * bar_width)
    kept, sizes = _row_plan(roles, column.height - min_bar - dot, scale)
    text_height = sum(line_height_mm(size) for size in sizes)
    gaps = ROW_GAP_MM * len(kept)
    room = column.height - text_height - gaps - dot  # a dot spare: bars start on the grid
    bar_height = _snap_down(min(room, max(min_bar, 25.0, column.height * 0.5)), dot)
    total = text_height + gaps + bar_height
    y = content.y + (column.height - total - dot) / 2  # bars may move down a dot to the grid
    rows = []
    logo: Rect | None = None
    bars = Rect(0, 0, 0, 0)
    for index, size in zip(kept, sizes, strict=True):
        role = roles[index]
        height = line_height_mm(size)
        if role == "tag":  # the bars come right above their readable text
            bars = Rect(bar_x, math.ceil(y / dot - 1e-9) * dot, bar_width, bar_height)
            y = bars.bottom + ROW_GAP_MM
        box = Rect(column.x, y, column.width, height)
        if role == "organisation" and options.logo:
            logo = Rect(box.x, box.y, min(3 * height, box.width * 0.3), height)
            box = Rect(logo.right + 1.0, box.y, box.right - logo.right - 1.0, height)
        rows.append((index, "left" if role == "organisation" else "center", box, size))
        y += height + ROW_GAP_MM
    dropped = sorted(
        (i for i in range(len(roles)) if i not in kept), key=lambda i: (roles[i] != "field", -i)
    )
    quiet = LINEAR_QUIET_MODULES * module
    quiet_rect = Rect(bars.x - quiet, bars.y, bars.width + 2 * quiet, bar_height)
    return _Plan(cell, dots, bars, quiet_rect, qr, tuple(rows), tuple(dropped), logo)


def layout_label(
    template: Template,
    item: LabelItem,
    options: LabelOptions,
    origin: tuple[float, float],
    plans: dict[tuple[object, ...], _Plan] | None = None,
) -> LabelLayout:
    """Lay out one label whose top-left corner is ``origin`` (mm on the page).

    ``plans`` memoises the text-independent geometry within one run of many labels.
    """
    symbol = encode_linear(item.value, options.symbology)
    qr_symbol = encode_qr(item.value) if options.qr else None
    wanted = (
        [("organisation", options.organisation)] if options.organisation or options.logo else []
    )
    wanted.append(("tag", item.readable))
    wanted += [("field", line) for line in item.lines[:3]]
    roles = tuple(role for role, _ in wanted)
    qr_modules = qr_symbol.size if qr_symbol else 0
    key = (origin, roles, symbol.modules, qr_modules)
    try:
        plan = plans.get(key) if plans is not None else None
        if plan is None:
            plan = _plan(template, options, roles, symbol.modules, qr_modules, origin)
            if plans is not None:
                plans[key] = plan
    except _NoRoom as no_room:
        if not no_room.dots:
            raise DesktopError(
                f"a QR code for '{item.value}' does not fit on a label of template "
                f"'{template.name}' ({template.describe_size()}); print it without QR"
            ) from None
        beside = " beside the QR code" if options.qr else ""
        raise DesktopError(
            f"'{item.value}' is too long for a label of template '{template.name}': as "
            f"{options.symbology.label} it needs {no_room.needed:.1f} mm with its quiet zones at "
            f"the narrowest scannable module ({no_room.module:.3f} mm = {no_room.dots} dots at "
            f"{template.dpi} dpi), but there are {no_room.room:.1f} mm{beside}. Choose a wider "
            "template" + (" or Code 128" if options.symbology is Symbology.CODE39 else "")
        ) from None
    texts = []
    for index, align, box, size in plan.rows:
        role, text = wanted[index]
        fitted = fit_text(text, box.width, size, MIN_TEXT_PT)
        if fitted.text:
            texts.append(
                TextBox(
                    role, fitted.text, fitted.size_pt, box, align, fitted.elided, fitted.width_mm
                )
            )
    omitted = tuple(
        f"field '{wanted[i][1]}'" if wanted[i][0] == "field" else wanted[i][0] for i in plan.omitted
    )
    module = plan.dots * template.dot_mm
    barcode = LinearBox(
        options.symbology, symbol.data, module, plan.dots, plan.bars, plan.quiet, symbol.runs
    )
    qr = None
    if plan.qr is not None and qr_symbol is not None:
        dots, rect, quiet = plan.qr
        qr = QrBox(qr_symbol.data, dots * template.dot_mm, dots, rect, quiet, qr_symbol.runs)
    return LabelLayout(
        item, plan.cell, template.corner_radius, barcode, qr, tuple(texts), plan.logo, omitted
    )


@lru_cache(maxsize=1024)
def _row_plan(
    roles: tuple[str, ...], room: float, scale: float
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Which rows (indices into ``roles``) fit, and their sizes; the same for every label."""
    kept = list(range(len(roles)))
    while kept:
        preferred = [PREFERRED_PT[roles[i]] * scale for i in kept]
        gaps = ROW_GAP_MM * len(kept)
        natural = sum(line_height_mm(p) for p in preferred)
        factor = min(1.0, (room - gaps) / natural)
        sizes = [max(MIN_TEXT_PT, p * factor) for p in preferred]
        if sum(line_height_mm(s) for s in sizes) + gaps <= room + 1e-9:
            return tuple(kept), tuple(sizes)
        # Fields go first (last one first), then the organisation line; the tag stays.
        fields = [i for i in kept if roles[i] == "field"]
        others = [i for i in kept if roles[i] not in ("field", "tag")]
        if not fields and not others:
            break
        kept.remove(fields[-1] if fields else others[0])
    raise DesktopError("the label is too small for a barcode and its readable text")


def layout_pages(
    template: Template,
    items: Sequence[LabelItem],
    options: LabelOptions,
    *,
    start_at: int = 1,
    offset: tuple[float, float] = (0.0, 0.0),
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[PageLayout]:
    """Lay out ``items`` on pages of ``template``, the first one starting at label ``start_at``.

    ``offset`` (mm, x right / y down) is the printer's calibration; it is rounded to whole
    dots so that bars stay on the dot grid.
    """
    if not 1 <= start_at <= template.per_page:
        raise DesktopError(
            f"cannot start at label {start_at}: a page of '{template.name}' has "
            f"{template.per_page} label{'s' if template.per_page != 1 else ''}"
        )
    if any(abs(o) > MAX_OFFSET_MM for o in offset):
        raise DesktopError(f"printer offsets must be within ±{MAX_OFFSET_MM:g} mm")
    dx, dy = (round(o / template.dot_mm) * template.dot_mm for o in offset)
    pages: list[PageLayout] = []
    labels: list[LabelLayout] = []
    skipped = tuple(
        Rect(*template.cell_origin(i), template.label_width, template.label_height).moved(dx, dy)
        for i in range(start_at - 1)
    )
    slot = start_at - 1
    plans: dict[tuple[object, ...], _Plan] = {}
    for done, item in enumerate(items):
        if cancel is not None and cancel.is_set():
            raise DesktopError("printing labels was cancelled; nothing was written")
        x, y = template.cell_origin(slot)
        labels.append(layout_label(template, item, options, (x + dx, y + dy), plans))
        slot += 1
        if slot == template.per_page:
            pages.append(_page(template, len(pages) + 1, labels, skipped if not pages else ()))
            labels, slot = [], 0
        if progress is not None:
            progress(done + 1, len(items))
    if labels:
        pages.append(_page(template, len(pages) + 1, labels, skipped if not pages else ()))
    return pages


def _page(
    template: Template, number: int, labels: list[LabelLayout], skipped: tuple[Rect, ...]
) -> PageLayout:
    return PageLayout(number, template.page_width, template.page_height, tuple(labels), skipped)
