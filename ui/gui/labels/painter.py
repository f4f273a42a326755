"""The one label painter: a computed layout onto a PDF, a printer, an image or the screen.

Positions come from :mod:`desktop.labels` in millimetres; here they are only multiplied
by the device's units per millimetre. Bars and QR modules are painted as filled
rectangles straight from the encoding. Text is drawn in the box the layout gave it, with
the real font: if that font is wider than the layout assumed, the line shrinks to the
minimum size and then elides, and it is clipped to its box, so it never reaches the bars.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter

from desktop.errors import DesktopError
from desktop.labels.calibration import CalibrationPage
from desktop.labels.geometry import LabelLayout, PageLayout, Rect, TextBox
from desktop.labels.layout import MIN_TEXT_PT
from desktop.labels.templates import MM_PER_INCH

FONT_FAMILIES = ["Helvetica", "Arial", "Liberation Sans", "DejaVu Sans"]
PDF_RESOLUTION = 1200
OUTLINE = QColor(170, 170, 170)
#: Lines whose estimated width exceeds this share of their box are measured with the real font.
MEASURE_ABOVE = 0.85
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)


def _font() -> QFont:
    """The first installed of the Helvetica-metric families, else the default sans serif."""
    font = QFont()
    installed = [f for f in FONT_FAMILIES if QFontDatabase.hasFamily(f)]
    font.setFamilies(installed[:1] or FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


class LabelPainter:
    """Paints pages of labels with ``painter``, at ``units_per_mm`` device units per mm.

    ``outlines`` draws label edges and the skipped cells of a partly used sheet (for the
    preview); ``logo`` fills the layout's logo box, keeping its aspect ratio.
    """

    def __init__(
        self,
        painter: QPainter,
        units_per_mm: float,
        *,
        outlines: bool = False,
        logo: QImage | None = None,
    ) -> None:
        self.painter = painter
        self.k = units_per_mm
        self.outlines = outlines
        self.logo = logo
        # A point on this device is device_dpi / 72 units; we want k * 25.4 / 72 units.
        device_dpi = painter.device().logicalDpiY()
        self._point_scale = self.k * MM_PER_INCH / device_dpi
        self._font = _font()
        self._metrics: dict[float, QFontMetricsF] = {}
        self._current_size = -1.0
        self._fonts: dict[float, QFont] = {}

    def _rect(self, rect: Rect) -> QRectF:
        k = self.k
        return QRectF(rect.x * k, rect.y * k, rect.width * k, rect.height * k)

    def paint_page(self, page: PageLayout) -> None:
        """Outlines (preview only), then every bar of the page at once, then the text."""
        painter = self.painter
        if self.outlines:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(OUTLINE, 0, Qt.PenStyle.DashLine))
            for cell in page.skipped_cells:
                painter.drawRect(self._rect(cell))
            painter.setPen(QPen(OUTLINE, 0))
            for label in page.labels:
                radius = label.corner_radius * self.k
                painter.drawRoundedRect(self._rect(label.cell), radius, radius)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(Qt.GlobalColor.black)
        rects: list[QRectF] = []
        for label in page.labels:
            self._add_modules(label, rects)
        painter.drawRects(rects)
        painter.setPen(Qt.GlobalColor.black)
        for label in page.labels:
            for text in label.texts:
                self.paint_text(text)
            if label.logo is not None and self.logo is not None and not self.logo.isNull():
                self._paint_logo(self._rect(label.logo))

    def paint_label(self, label: LabelLayout) -> None:
        """One label on its own (as on a page, without the page's other labels)."""
        self.paint_page(PageLayout(0, 0, 0, (label,)))

    def _add_modules(self, label: LabelLayout, rects: list[QRectF]) -> None:
        """The label's bars and QR modules as device rectangles, straight from the runs."""
        k = self.k
        barcode = label.barcode
        if barcode is not None:
            x, y, _, height = barcode.rect
            x, y, height, module = x * k, y * k, height * k, barcode.module_mm * k
            rects += [QRectF(x + s * module, y, (e - s) * module, height) for s, e in barcode.runs]
        if label.qr is not None:
            qr = label.qr
            x, y, module = qr.rect.x * k, qr.rect.y * k, qr.module_mm * k
            rects += [
                QRectF(x + c * module, y + r * module, n * module, module) for r, c, n in qr.runs
            ]

    def paint_text(self, text: TextBox) -> None:
        painter = self.painter
        box = self._rect(text.rect)
        size = text.size_pt
        shown = text.text
        # The layout's estimate is generous (Helvetica widths plus 12 %); measure with the real
        # font only when the line comes near the edge of its box.
        if text.width > MEASURE_ABOVE * text.rect.width:
            metrics = self._metrics_for(size)
            width = metrics.horizontalAdvance(shown)
            if width > box.width():
                size = max(MIN_TEXT_PT, size * box.width() / width)
                metrics = self._metrics_for(size)
                shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, box.width())
        # The line now fits its box's width, and the box is a line high: no clipping needed.
        if size != self._current_size:
            painter.setFont(self._font_at(size))
            self._current_size = size
        painter.drawText(box, _LEFT if text.align == "left" else _CENTER, shown)

    def _font_at(self, size_pt: float) -> QFont:
        font = self._fonts.get(size_pt)
        if font is None:
            font = self._fonts[size_pt] = QFont(self._font)
            font.setPointSizeF(size_pt * self._point_scale)
        return font

    def _metrics_for(self, size_pt: float) -> QFontMetricsF:
        key = round(size_pt, 2)
        metrics = self._metrics.get(key)
        if metrics is None:
            metrics = QFontMetricsF(self._font_at(key), self.painter.device())
            self._metrics[key] = metrics
        return metrics

    def _paint_logo(self, box: QRectF) -> None:
        assert self.logo is not None
        scaled = self.logo.size().scaled(box.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(
            box.x(), box.y() + (box.height() - scaled.height()) / 2, scaled.width(), scaled.height()
        )
        self.painter.drawImage(target, self.logo)

    def paint_calibration(self, page: CalibrationPage) -> None:
        painter = self.painter
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(Qt.GlobalColor.black, 0.15 * self.k))
        k = self.k
        for line in page.lines:
            painter.drawLine(
                QRectF(line.x1 * k, line.y1 * k, 0, 0).topLeft(),
                QRectF(line.x2 * k, line.y2 * k, 0, 0).topLeft(),
            )
        for outline in page.outlines:
            painter.drawRect(self._rect(outline))
        painter.setPen(Qt.GlobalColor.black)
        for text in page.texts:
            self.paint_text(text)


def page_size(width_mm: float, height_mm: float) -> QPageSize:
    return QPageSize(
        QSizeF(width_mm, height_mm),
        QPageSize.Unit.Millimeter,
        "",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )


def prepare_paged_device(device: QPagedPaintDevice, width_mm: float, height_mm: float) -> None:
    """Exact paper size, no margins, portrait: (0, 0) is the paper's top-left corner."""
    layout = QPageLayout(
        page_size(width_mm, height_mm), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
    )
    layout.setMode(QPageLayout.Mode.FullPageMode)
    if not device.setPageLayout(layout):
        raise DesktopError(f"the output cannot take a page of {width_mm:g} × {height_mm:g} mm")


def paint_pages(
    device: QPagedPaintDevice,
    pages: Sequence[PageLayout | CalibrationPage],
    *,
    logo: QImage | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Paint ``pages`` on a PDF writer or a printer already set up with its page size."""
    if not pages:
        raise DesktopError("there are no labels to print")
    painter = QPainter()
    if not painter.begin(device):
        raise DesktopError("the PDF or printer could not be opened for painting")
    try:
        units = _units_per_mm(device)
        labels = LabelPainter(painter, units, logo=logo)
        for index, page in enumerate(pages):
            if cancel is not None and cancel.is_set():
                if isinstance(device, QPrinter):
                    device.abort()  # nothing half-printed reaches the printer
                raise DesktopError("printing labels was cancelled")
            if index:
                device.newPage()
            if isinstance(page, CalibrationPage):
                labels.paint_calibration(page)
            else:
                labels.paint_page(page)
            if progress is not None:
                progress(index + 1, len(pages))
    finally:
        painter.end()
    return len(pages)


def _units_per_mm(device: QPaintDevice) -> float:
    return device.logicalDpiX() / MM_PER_INCH


def write_pdf(
    path: Path,
    pages: Sequence[PageLayout | CalibrationPage],
    *,
    title: str = "Asset labels",
    logo: QImage | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """A vector PDF at the exact paper size of the pages; returns the number of pages."""
    if not pages:
        raise DesktopError("there are no labels to print")
    temporary = path.with_name(path.name + ".part")
    try:  # a folder that is not there or not writable, said as such (Qt only says "false")
        temporary.open("wb").close()
    except OSError as exc:
        raise DesktopError(f"cannot write {path}: {exc.strerror or exc}") from exc
    writer = QPdfWriter(str(temporary))
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("Assetdesk")
    prepare_paged_device(writer, pages[0].width, pages[0].height)
    try:
        count = paint_pages(writer, pages, logo=logo, progress=progress, cancel=cancel)
    except BaseException:
        del writer
        temporary.unlink(missing_ok=True)
        raise
    del writer  # the file is complete once the writer is gone
    temporary.replace(path)
    return count


def render_image(
    page: PageLayout | CalibrationPage,
    dpi: float,
    *,
    outlines: bool = False,
    logo: QImage | None = None,
) -> QImage:
    """The page as a grayscale bitmap at ``dpi`` (tests decode these; the preview shows them)."""
    units = dpi / MM_PER_INCH
    image = QImage(
        round(page.width * units), round(page.height * units), QImage.Format.Format_Grayscale8
    )
    dots_per_meter = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        labels = LabelPainter(painter, units, outlines=outlines, logo=logo)
        if isinstance(page, CalibrationPage):
            labels.paint_calibration(page)
        else:
            labels.paint_page(page)
    finally:
        painter.end()
    return image
