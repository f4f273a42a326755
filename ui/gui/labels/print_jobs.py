"""Worker jobs that lay out and paint many labels (run by ``ui.gui.worker.Worker``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter

from desktop.labels.calibration import CalibrationPage, calibration_page
from desktop.labels.geometry import LabelItem, PageLayout
from desktop.labels.layout import LabelOptions, layout_pages
from desktop.labels.report import job_notes
from desktop.labels.templates import Template
from ui.gui.labels.painter import paint_pages, prepare_paged_device, write_pdf

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LabelRun:
    """Everything a print run needs; plain values, safe to hand to a worker thread."""

    template: Template
    items: tuple[LabelItem, ...]
    options: LabelOptions
    start_at: int = 1
    logo_path: str = ""
    calibration: bool = False

    def pages(
        self,
        offset: tuple[float, float],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Sequence[PageLayout | CalibrationPage]:
        if self.calibration:
            return [calibration_page(self.template, offset)]
        return layout_pages(
            self.template,
            self.items,
            self.options,
            start_at=self.start_at,
            offset=offset,
            progress=progress,
            cancel=cancel,
        )

    def logo(self) -> QImage | None:
        if not (self.options.logo and self.logo_path):
            return None
        image = QImage(self.logo_path)
        return None if image.isNull() else image


def _halves(progress: Progress) -> tuple[Progress, Progress]:
    """Layout reports the first half of the bar, painting the second."""

    def layout(done: int, total: int) -> None:
        progress(done, 2 * total)

    def paint(done: int, total: int) -> None:
        progress(total + done, 2 * total)

    return layout, paint


def pdf_job(
    run: LabelRun, path: Path, offset: tuple[float, float]
) -> Callable[..., tuple[int, list[str]]]:
    """Writes the PDF; returns the pages written and the job's notes (``job_notes``)."""

    def job(progress: Progress, cancel: threading.Event) -> tuple[int, list[str]]:
        layout_progress, paint_progress = _halves(progress)
        pages = run.pages(offset, layout_progress, cancel)
        title = "Calibration page" if run.calibration else f"Labels — {run.template.name}"
        count = write_pdf(
            path, pages, title=title, logo=run.logo(), progress=paint_progress, cancel=cancel
        )
        return count, job_notes(pages)

    return job


def printer_job(
    run: LabelRun, printer: QPrinter, offset: tuple[float, float]
) -> Callable[..., tuple[int, list[str]]]:
    """Paints on the printer; returns the pages painted and the job's notes."""

    def job(progress: Progress, cancel: threading.Event) -> tuple[int, list[str]]:
        layout_progress, paint_progress = _halves(progress)
        pages = run.pages(offset, layout_progress, cancel)
        prepare_paged_device(printer, run.template.page_width, run.template.page_height)
        printer.setFullPage(True)
        printer.setDocName(f"Labels — {run.template.name}")
        count = paint_pages(printer, pages, logo=run.logo(), progress=paint_progress, cancel=cancel)
        return count, job_notes(pages)

    return job
