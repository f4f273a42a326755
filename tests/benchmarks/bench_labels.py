"""Benchmark: 1,000 asset labels to a PDF, against a floor measured in the same run.

Measured: encoding (python-barcode), layout (desktop.labels) and painting to QPdfWriter
(ui.gui.labels.painter), from label items to a finished file.
Floor: QPdfWriter painting the same bars as plain rectangles and the same text lines from
numbers precomputed in device units (no encoding, no layout, no text fitting; the timed part
only makes the Qt rectangles and paints them). Target: ratio <= 1.5.
What the floor includes: the painting of the same bars and lines onto the same QPdfWriter
(the bare work of the output). Not included: barcode encoding, layout, text fitting, the
database read of the assets (none: both start from label items). No database is written,
so no triggers or indexes are involved (issue 17's bare-work rule holds as it is).

Run: ``uv run python tests/benchmarks/bench_labels.py`` (or with pytest).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPainter, QPdfWriter

from desktop.labels.geometry import LabelItem, PageLayout
from desktop.labels.layout import LabelOptions, layout_pages
from desktop.labels.layout import _plan as layout_plans
from desktop.labels.store import shipped_templates
from desktop.labels.symbols import encode_linear, encode_qr
from desktop.labels.text_fit import fit_text
from ui.gui.labels.painter import PDF_RESOLUTION, prepare_paged_device, write_pdf

LABELS = 1000
TARGET_RATIO = 1.5
REPEATS = 11


def _items() -> list[LabelItem]:
    return [
        LabelItem(f"LAP-{n:06d}", (f"ThinkPad T14 Gen 3 #{n}", f"S/N PF{n * 7919:08d}", "Room A1"))
        for n in range(LABELS)
    ]


def _full(path: Path, items: list[LabelItem]) -> float:
    # Cold caches: every run encodes every tag and plans every label position afresh.
    encode_linear.cache_clear()
    encode_qr.cache_clear()
    layout_plans.cache_clear()
    fit_text.cache_clear()
    template = next(t for t in shipped_templates() if t.name == "Avery L7160")
    started = time.perf_counter()
    pages = layout_pages(template, items, LabelOptions(organisation="Example Ltd — IT"))
    write_pdf(path, pages)
    return time.perf_counter() - started


def _floor(path: Path, pages: list[PageLayout]) -> float:
    """Paint the same rectangles and text from plain numbers: what any label PDF must cost.

    Everything is precomputed in device units: no encoding, no layout, no text fitting.
    The timed part makes the Qt rectangles from those numbers and paints them.
    """
    k = PDF_RESOLUTION / 25.4
    prepared = [
        (
            [
                (b.x * k, b.y * k, b.width * k, b.height * k)
                for label in page.labels
                if label.barcode is not None
                for b in label.barcode.bars
            ],
            [
                (
                    (t.rect.x * k, t.rect.y * k, t.rect.width * k, t.rect.height * k),
                    t.text,
                    t.size_pt,
                )
                for label in page.labels
                for t in label.texts
            ],
        )
        for page in pages
    ]
    family = QFont()
    family.setFamilies(["Helvetica", "Arial", "Liberation Sans", "DejaVu Sans"])
    fonts: dict[float, QFont] = {}
    started = time.perf_counter()
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    prepare_paged_device(writer, pages[0].width, pages[0].height)
    painter = QPainter(writer)
    for index, (bars, texts) in enumerate(prepared):
        if index:
            writer.newPage()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(Qt.GlobalColor.black)
        painter.drawRects([QRectF(x, y, w, h) for x, y, w, h in bars])
        painter.setPen(Qt.GlobalColor.black)
        for (x, y, w, h), text, size in texts:
            font = fonts.get(size)
            if font is None:
                font = fonts[size] = QFont(family)
                font.setPointSizeF(size)
            painter.setFont(font)
            painter.drawText(QRectF(x, y, w, h), int(Qt.AlignmentFlag.AlignCenter), text)
    painter.end()
    del writer
    return time.perf_counter() - started


def run() -> float:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    template = next(t for t in shipped_templates() if t.name == "Avery L7160")
    pages = layout_pages(template, _items(), LabelOptions(organisation="Example Ltd — IT"))
    items = _items()
    fulls: list[float] = []
    floors: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(REPEATS):  # interleaved, best of each: the machine is shared
            fulls.append(_full(Path(folder) / f"full{i}.pdf", items))
            floors.append(_floor(Path(folder) / f"floor{i}.pdf", pages))
        size_kib = (Path(folder) / "full0.pdf").stat().st_size / 1024
    full, floor = min(fulls), min(floors)
    ratio = full / floor
    print(f"labels:  {LABELS} on {len(pages)} pages of {template.name} ({size_kib:.0f} KiB PDF)")
    print(f"full:    {full:.3f} s  ({LABELS / full:,.0f} labels/s)  encode + layout + paint")
    print(
        f"floor:   {floor:.3f} s  ({LABELS / floor:,.0f} labels/s)  precomputed rectangles and text"
    )
    print(f"ratio:   {ratio:.2f}  (target <= {TARGET_RATIO})")
    return ratio


def test_labels_to_pdf_benchmark() -> None:
    assert run() <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(0 if run() <= TARGET_RATIO else 1)
