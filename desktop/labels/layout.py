"""Laying out labels that scan: bars on whole printer dots, quiet zones kept clear.

Everything is computed in millimetres on the page, Qt-free; ``ui.gui.labels`` paints it.
Rules (see the labels section of DESIGN.md):

* a module is a whole number of printer dots at the template's resolution, at least
  :data:`MIN_MODULE_MM` and two dots wide; bars start on the dot grid of the page;
* a linear symbol keeps :data:`~desktop.labels.symbols.LINEAR_QUIET_MODULES` clear modules
  each side, inside the label; bars are never squeezed: a value that does not fit (or that
  the symbology cannot carry) is printed as a QR code, and the label's ``note`` says so;
* with a QR code asked for, the bars go beside it where they fit, else the QR code alone;
* a label that fits no symbol is left out of the job and reported in its page's
  ``skipped_labels``; the others print (only a job with nothing printable is an error);
* text shrinks to :data:`MIN_TEXT_PT`, then elides (on labels with a QR code a long line
  first wraps into the free height); its boxes never touch a barcode or its quiet zone;
  lines that have no room at all are left out and named in ``omitted``.
"""

from __future__ import annotations

import dataclasses
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
    SkippedLabel,
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
from desktop.labels.text_fit import fit_text, line_height_mm, wrap_text

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
#: On labels with a QR code, a line that would shrink below this share of its size wraps.
WRAP_BELOW = 0.8
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
    column: Rect  # where the text rows and the linear bars are stacked
    dots: int  # module of the linear barcode in dots; 0 when the label has none
    bar_x: float
    bar_width: float
    min_bar: float
    max_bar: float
    qr: tuple[int, Rect, Rect] | None  # module dots, symbol, quiet zone
    rows: tuple[tuple[int, str, float], ...]  # wanted index, align, size
    omitted: tuple[int, ...]  # wanted indices left out, in the order they were given up
    free: float  # height the rows and the bars may still share (mm)
    wrap: bool  # long lines wrap into the free height (labels with a QR code)
    note: str  # why the label carries another symbol than the one asked for


def _qr_spots(
    template: Template, size_modules: int, cell: Rect, content: Rect, alone: bool = False
) -> list[tuple[int, Rect, Rect]]:
    """Every way a QR code fits at the right of the label, the largest module first.

    ``alone``: no linear barcode shares the label, so the code may take more of its width.
    """
    dot = template.dot_mm
    side_limit = min(content.height, content.width * (0.6 if alone else 0.4))
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


def _symbols(
    template: Template,
    options: LabelOptions,
    modules: int,
    qr_modules: int,
    cell: Rect,
    content: Rect,
) -> tuple[tuple[int, float] | None, tuple[int, Rect, Rect] | None, str]:
    """Where the linear barcode (dots, x) and the QR code go, and a note when a symbol
    other than the one asked for carries the tag. ``modules`` 0: no linear encoding."""
    symbology = options.symbology.label
    if options.qr:
        spots = _qr_spots(template, qr_modules, cell, content)
        for spot in spots if modules else ():
            try:
                return (
                    _linear_spot(template, modules, (content.x, spot[2].x), (cell.x, spot[2].x)),
                    spot,
                    "",
                )
            except _NoRoom:
                continue
        alone = _qr_spots(template, qr_modules, cell, content, alone=True)
        if not alone:
            raise _NoRoom(0, 0, 0, 0)
        return None, alone[0], f"QR code only: no room for {symbology} beside it"
    no_room: _NoRoom | None = None
    if modules:
        try:
            linear = _linear_spot(
                template, modules, (content.x, content.right), (cell.x, cell.right)
            )
            return linear, None, ""
        except _NoRoom as exc:
            no_room = exc
    alone = _qr_spots(template, qr_modules, cell, content, alone=True)
    if not alone:
        raise no_room or _NoRoom(0, 0, 0, 0)
    why = (
        f"as {symbology} it needs {no_room.needed:.1f} mm with its quiet zones at the "
        f"narrowest scannable module, the label has {no_room.room:.1f} mm"
        if no_room
        else f"it cannot be encoded as {symbology}"
    )
    return None, alone[0], f"printed as a QR code: {why}"


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
    linear, qr, note = _symbols(template, options, modules, qr_modules, cell, content)
    column_right = qr[2].x if qr else content.right
    column = Rect(content.x, content.y, column_right - content.x, content.height)
    scale = max(1.0, min(1.8, content.height / 25.0))
    if linear is not None:
        dots, bar_x = linear
        bar_width = modules * dots * dot
        min_bar = max(MIN_BAR_HEIGHT_MM, 0.15 * bar_width)
        max_bar = max(min_bar, 25.0, column.height * 0.5)
        spare = min_bar + dot  # a dot spare: bars start on the grid
    else:
        dots, bar_x, bar_width, min_bar, max_bar, spare = 0, 0.0, 0.0, 0.0, 0.0, 0.0
    kept, sizes = _row_plan(roles, column.height - spare, scale)
    text_height = sum(line_height_mm(size) for size in sizes)
    free = column.height - text_height - ROW_GAP_MM * len(kept) - spare
    rows = tuple(
        (index, "left" if roles[index] == "organisation" else "center", size)
        for index, size in zip(kept, sizes, strict=True)
    )
    dropped = sorted(
        (i for i in range(len(roles)) if i not in kept), key=lambda i: (roles[i] != "field", -i)
    )
    return _Plan(
        cell, column, dots, bar_x, bar_width, min_bar, max_bar, qr, rows, tuple(dropped),
        max(free, 0.0), qr is not None, note,
    )  # fmt: skip


def _encode_linear(
    value: str, symbology: Symbology
) -> tuple[int, tuple[tuple[int, int], ...], str]:
    """Modules, bars and encoded data of ``value``; (0, (), reason) when it cannot be encoded."""
    try:
        symbol = encode_linear(value, symbology)
    except DesktopError as exc:
        return 0, (), exc.message
    return symbol.modules, symbol.runs, symbol.data


def layout_label(
    template: Template,
    item: LabelItem,
    options: LabelOptions,
    origin: tuple[float, float],
    plans: dict[tuple[object, ...], _Plan] | None = None,
) -> LabelLayout:
    """Lay out one label whose top-left corner is ``origin`` (mm on the page).

    A tag whose linear barcode does not fit (or cannot be encoded) is printed as a QR code,
    and the layout's ``note`` says so. ``plans`` memoises the text-independent geometry
    within one run of many labels.

    Raises:
        DesktopError: naming the tag, when no symbol fits the label.
    """
    modules, runs, data = _encode_linear(item.value, options.symbology)
    wanted = (
        [("organisation", options.organisation)] if options.organisation or options.logo else []
    )
    wanted.append(("tag", item.readable))
    wanted += [("field", line) for line in item.lines[:3]]
    roles = tuple(role for role, _ in wanted)
    qr_symbol = None
    try:
        needs_qr = options.qr or not modules or not _fits_linear(template, modules, origin)
        qr_symbol = encode_qr(item.value) if needs_qr else None
        qr_modules = qr_symbol.size if qr_symbol else 0
        key = (origin, roles, modules, qr_modules)
        plan = plans.get(key) if plans is not None else None
        if plan is None:
            plan = _plan(template, options, roles, modules, qr_modules, origin)
            if plans is not None:
                plans[key] = plan
    except _NoRoom as no_room:
        raise _no_room_error(template, item, options, no_room, modules, data) from None
    except DesktopError as exc:
        raise DesktopError(
            f"'{item.value}' cannot be printed on {template.name}: {exc.message}"
        ) from None
    note = plan.note
    if not modules and note:
        note = f"printed as a QR code: {data}"
    texts, bars_y, bar_height, logo = _stack(template, plan, wanted, options.logo)
    omitted = tuple(
        f"field '{wanted[i][1]}'" if wanted[i][0] == "field" else wanted[i][0] for i in plan.omitted
    )
    barcode = None
    if plan.dots:
        module = plan.dots * template.dot_mm
        quiet = LINEAR_QUIET_MODULES * module
        bars = Rect(plan.bar_x, bars_y, plan.bar_width, bar_height)
        quiet_rect = Rect(bars.x - quiet, bars.y, bars.width + 2 * quiet, bar_height)
        barcode = LinearBox(options.symbology, data, module, plan.dots, bars, quiet_rect, runs)
    qr = None
    if plan.qr is not None and qr_symbol is not None:
        dots, rect, quiet_zone = plan.qr
        qr = QrBox(qr_symbol.data, dots * template.dot_mm, dots, rect, quiet_zone, qr_symbol.runs)
    return LabelLayout(
        item, plan.cell, template.corner_radius, barcode, qr, tuple(texts), logo, omitted, note
    )


def _fits_linear(template: Template, modules: int, origin: tuple[float, float]) -> bool:
    cell = Rect(origin[0], origin[1], template.label_width, template.label_height)
    pad = template.padding
    try:
        _linear_spot(template, modules, (cell.x + pad, cell.right - pad), (cell.x, cell.right))
    except _NoRoom:
        return False
    return True


def _no_room_error(
    template: Template,
    item: LabelItem,
    options: LabelOptions,
    no_room: _NoRoom,
    modules: int,
    reason: str,
) -> DesktopError:
    size = f"template '{template.name}' ({template.describe_size()})"
    if not no_room.dots:
        if not modules and not options.qr:
            return DesktopError(f"{reason}, and its QR code does not fit a label of {size}")
        return DesktopError(
            f"'{item.value}' fits no symbol on a label of {size}: its QR code does not fit"
            + ("" if options.qr else f" and as {options.symbology.label} it is too long")
        )
    return DesktopError(
        f"'{item.value}' is too long for a label of template '{template.name}': as "
        f"{options.symbology.label} it needs {no_room.needed:.1f} mm with its quiet zones at "
        f"the narrowest scannable module ({no_room.module:.3f} mm = {no_room.dots} dots at "
        f"{template.dpi} dpi), but there are {no_room.room:.1f} mm, and its QR code does not "
        "fit either. Choose a larger template"
    )


def _stack(
    template: Template, plan: _Plan, wanted: list[tuple[str, str]], logo: bool
) -> tuple[list[TextBox], float, float, Rect | None]:
    """The text boxes, top to bottom, with the bars right above the tag's readable line;
    the bars' top and height, and the logo's box (beside the organisation line).

    On labels with a QR code a line too long for its box wraps onto the free height (a
    serial number is shown whole rather than cut off); what height is left goes to the bars.
    """
    dot = template.dot_mm
    column = plan.column
    free = plan.free
    rows: list[tuple[str, str, float, tuple[str, ...]]] = []  # role, align, size, lines
    for index, align, size in plan.rows:
        role, text = wanted[index]
        height = line_height_mm(size)
        width = column.width - (_logo_width(column.width, height) + 1.0) * (
            logo and role == "organisation"
        )
        parts: tuple[str, ...] = (text,)
        shrunk = max(MIN_TEXT_PT, WRAP_BELOW * size)
        if plan.wrap and free >= height and fit_text(text, width, size, shrunk).elided:
            parts = wrap_text(text, width, size, 1 + int((free + 1e-9) // height))
            free -= (len(parts) - 1) * height
        rows.append((role, align, size, parts))
    bar_height = 0.0
    if plan.dots:
        bar_height = _snap_down(min(plan.max_bar, plan.min_bar + free), dot)
    text_height = sum(line_height_mm(size) * len(parts) for _, _, size, parts in rows)
    total = text_height + ROW_GAP_MM * len(rows) + bar_height
    spare = dot if plan.dots else 0.0
    y = column.y + max(0.0, (column.height - total - spare) / 2)
    texts: list[TextBox] = []
    bars_y = y
    logo_box: Rect | None = None
    for role, align, size, parts in rows:
        height = line_height_mm(size)
        if role == "tag" and plan.dots:  # the bars come right above their readable text
            bars_y = math.ceil(y / dot - 1e-9) * dot
            y = bars_y + bar_height + ROW_GAP_MM
        left = column.x
        if logo and role == "organisation":
            logo_box = Rect(column.x, y, _logo_width(column.width, height), height)
            left = logo_box.right + 1.0
        for part in parts:
            box = Rect(left, y, column.right - left, height)
            fitted = fit_text(part, box.width, size, MIN_TEXT_PT)
            if fitted.text:
                texts.append(
                    TextBox(
                        role,
                        fitted.text,
                        fitted.size_pt,
                        box,
                        align,
                        fitted.elided,
                        fitted.width_mm,
                    )
                )
            y += height
        y += ROW_GAP_MM
    return texts, bars_y, bar_height, logo_box


def _logo_width(column_width: float, height: float) -> float:
    return min(3 * height, column_width * 0.3)


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
    left_out: list[SkippedLabel] = []
    for done, item in enumerate(items):
        if cancel is not None and cancel.is_set():
            raise DesktopError("printing labels was cancelled; nothing was written")
        x, y = template.cell_origin(slot)
        try:
            labels.append(layout_label(template, item, options, (x + dx, y + dy), plans))
        except DesktopError as exc:  # this label is left out; the others print
            left_out.append(SkippedLabel(item.value, exc.message))
        else:
            slot += 1
        if slot == template.per_page:
            pages.append(
                _page(template, len(pages) + 1, labels, skipped if not pages else (), left_out)
            )
            labels, slot, left_out = [], 0, []
        if progress is not None:
            progress(done + 1, len(items))
    if labels:
        pages.append(
            _page(template, len(pages) + 1, labels, skipped if not pages else (), left_out)
        )
    elif left_out and pages:
        last = pages[-1]
        pages[-1] = dataclasses.replace(last, skipped_labels=last.skipped_labels + tuple(left_out))
    elif left_out:
        shown = "; ".join(f"{s.reason}" for s in left_out[:3])
        more = f" (and {len(left_out) - 3} more)" if len(left_out) > 3 else ""
        raise DesktopError(f"no label can be printed on {template.name}: {shown}{more}")
    return pages


def _page(
    template: Template,
    number: int,
    labels: list[LabelLayout],
    skipped: tuple[Rect, ...],
    left_out: list[SkippedLabel],
) -> PageLayout:
    return PageLayout(
        number, template.page_width, template.page_height, tuple(labels), skipped, tuple(left_out)
    )
