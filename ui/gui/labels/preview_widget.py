"""On-screen preview of one page of labels, painted by the same painter as PDFs and prints."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.labels.calibration import CalibrationPage
from desktop.labels.geometry import PageLayout
from ui.gui.labels.painter import LabelPainter

MARGIN_PX = 12


class LabelPreview(QWidget):
    """Shows a page scaled to fit (or at a set number of screen pixels per millimetre, in a
    scroll area), with label outlines and the skipped cells dashed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixels_per_mm: float | None = None
        self._page: PageLayout | CalibrationPage | None = None
        self._logo: QImage | None = None
        self._message = ""
        self.setMinimumSize(320, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Label preview")

    def sizeHint(self) -> QSize:
        return QSize(460, 560)

    def set_pixels_per_mm(self, pixels_per_mm: float | None) -> None:
        """Paint at this many pixels per millimetre of the page; None: fit the widget."""
        self._pixels_per_mm = pixels_per_mm
        self._update_minimum()
        self.update()

    def scale(self) -> float:
        """Pixels per millimetre of the page as painted now (0 with no page)."""
        page = self._page
        if page is None:
            return 0.0
        if self._pixels_per_mm is not None:
            return self._pixels_per_mm
        available_w = self.width() - 2 * MARGIN_PX
        available_h = self.height() - 2 * MARGIN_PX
        return max(0.01, min(available_w / page.width, available_h / page.height))

    def _update_minimum(self) -> None:
        page = self._page
        if self._pixels_per_mm is None or page is None:
            self.setMinimumSize(320, 320)
            return
        k = self._pixels_per_mm
        self.setMinimumSize(
            round(page.width * k) + 2 * MARGIN_PX + 4, round(page.height * k) + 2 * MARGIN_PX + 4
        )

    def show_page(
        self, page: PageLayout | CalibrationPage | None, logo: QImage | None = None
    ) -> None:
        self._page = page
        self._logo = logo
        self._message = ""
        self._update_minimum()
        self.update()

    def show_message(self, message: str) -> None:
        """Instead of a page (e.g. when the labels cannot be laid out)."""
        self._page = None
        self._message = message
        self.update()

    @property
    def page(self) -> PageLayout | CalibrationPage | None:
        return self._page

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        page = self._page
        if page is None:
            painter.setPen(self.palette().text().color())
            painter.drawText(
                self.rect().adjusted(MARGIN_PX, MARGIN_PX, -MARGIN_PX, -MARGIN_PX),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self._message,
            )
            painter.end()
            return
        scale = self.scale()
        width, height = page.width * scale, page.height * scale
        left = max(MARGIN_PX, (self.width() - width) / 2)
        top = max(MARGIN_PX, (self.height() - height) / 2)
        painter.fillRect(QRectF(left + 3, top + 3, width, height), QColor(0, 0, 0, 60))
        painter.fillRect(QRectF(left, top, width, height), Qt.GlobalColor.white)
        painter.translate(left, top)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        labels = LabelPainter(painter, scale, outlines=True, logo=self._logo)
        if isinstance(page, CalibrationPage):
            labels.paint_calibration(page)
        else:
            labels.paint_page(page)
        painter.end()
