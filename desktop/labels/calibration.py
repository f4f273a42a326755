"""Printer calibration: a test page with rulers, and per-printer offsets remembered.

Print the test page on plain paper or a label sheet: the tick marked 50 on the
horizontal ruler must lie 50 mm from the left edge of the paper. If it lies at 51.5 mm,
the printer shifts everything 1.5 mm right: enter an x offset of -1.5 mm. The same goes
for y from the top edge. Offsets are remembered per printer name in the settings file.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from desktop.labels.geometry import Rect, TextBox
from desktop.labels.layout import MAX_OFFSET_MM
from desktop.labels.templates import Template
from desktop.labels.text_fit import text_width_mm
from desktop.settings import Settings

OFFSETS_SECTION = "label_offsets"
#: The name used for offsets of PDF files (printed later from a viewer).
PDF_PRINTER = "PDF file"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class CalibrationPage:
    width: float
    height: float
    lines: tuple[Line, ...]
    outlines: tuple[Rect, ...]
    texts: tuple[TextBox, ...]


def _ruler_texts(value: float, rect: Rect) -> TextBox:
    text = f"{value:g}"
    return TextBox("note", text, 6.0, rect, "center", False, text_width_mm(text, 6.0))


def calibration_page(
    template: Template, offset: tuple[float, float] = (0.0, 0.0)
) -> CalibrationPage:
    """Label outlines, centre crosses and a ruler along each axis, shifted by ``offset``."""
    dx, dy = offset
    width, height = template.page_width, template.page_height
    lines: list[Line] = []
    texts: list[TextBox] = []
    ruler_y = height / 2
    ruler_x = width / 2
    for mm in range(1, int(width)):
        tick = 3.0 if mm % 10 == 0 else 2.0 if mm % 5 == 0 else 1.0
        lines.append(Line(mm + dx, ruler_y + dy, mm + dx, ruler_y + dy + tick))
        if mm % 10 == 0:
            texts.append(_ruler_texts(mm, Rect(mm + dx - 3, ruler_y + dy + 3.2, 6, 2.6)))
    for mm in range(1, int(height)):
        tick = 3.0 if mm % 10 == 0 else 2.0 if mm % 5 == 0 else 1.0
        lines.append(Line(ruler_x + dx, mm + dy, ruler_x + dx + tick, mm + dy))
        if mm % 10 == 0:
            texts.append(_ruler_texts(mm, Rect(ruler_x + dx + 3.3, mm + dy - 1.3, 6, 2.6)))
    lines.append(Line(dx, ruler_y + dy, width + dx, ruler_y + dy))
    lines.append(Line(ruler_x + dx, dy, ruler_x + dx, height + dy))
    outlines = []
    for index in range(template.per_page):
        x, y = template.cell_origin(index)
        cell = Rect(x + dx, y + dy, template.label_width, template.label_height)
        outlines.append(cell)
        cx, cy = cell.x + cell.width / 2, cell.y + cell.height / 2
        arm = min(3.0, cell.width / 4, cell.height / 4)
        lines.append(Line(cx - arm, cy, cx + arm, cy))
        lines.append(Line(cx, cy - arm, cx, cy + arm))
    if template.kind == "sheet":
        notes = (
            f"{template.name} calibration: offset now x {dx:+.1f} mm, y {dy:+.1f} mm.",
            "Tick 50 must lie 50 mm from the paper's left edge (and top edge).",
        )
        note_width = ruler_x - 14
        for row, note in enumerate(notes):
            box = Rect(10 + dx, 3 + 3.4 * row + dy, note_width, 3.2)
            texts.append(TextBox("note", note, 7.0, box, "left", False, text_width_mm(note, 7.0)))
    return CalibrationPage(width, height, tuple(lines), tuple(outlines), tuple(texts))


def _key(printer: str) -> str:
    return quote(printer.strip().casefold(), safe="") or "default"


def load_offsets(settings: Settings, printer: str) -> tuple[float, float]:
    """The x/y offsets (mm) remembered for ``printer``; (0, 0) when none or unreadable."""
    raw = settings.get_raw(OFFSETS_SECTION, _key(printer))
    try:
        x, y = (float(part) for part in raw.split(","))
    except ValueError:
        return 0.0, 0.0
    if abs(x) > MAX_OFFSET_MM or abs(y) > MAX_OFFSET_MM:
        return 0.0, 0.0
    return x, y


def save_offsets(settings: Settings, printer: str, offset: tuple[float, float]) -> None:
    x, y = (max(-MAX_OFFSET_MM, min(MAX_OFFSET_MM, round(v, 2))) for v in offset)
    settings.set_raw(OFFSETS_SECTION, _key(printer), f"{x:g},{y:g}")
