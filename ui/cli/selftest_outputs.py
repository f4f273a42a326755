"""The outputs ``assetdesk selftest`` produces, through the app's own code paths: a workbook
export (:mod:`desktop.spreadsheets.export`) and a label PDF (the label layout in
:mod:`desktop.labels` painted by :mod:`ui.gui.labels.painter`).

The label PDF is the only place the command line touches Qt: it is imported here, lazily,
after ``QT_QPA_PLATFORM=offscreen`` has been set.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.labels.items import asset_items, assets_by_tags, location_items
from desktop.labels.layout import LabelOptions, layout_pages
from desktop.labels.store import find_template
from desktop.spreadsheets.export import ExportResult, export_assets
from desktop.storage.database import Database

#: An A4 sheet of 21 labels: asset labels and location labels side by side.
LABEL_TEMPLATE = "Avery L7160"


@dataclass(frozen=True)
class LabelPdf:
    template: str
    labels: int
    pages: int
    page_width_mm: float
    page_height_mm: float


def export_workbook(database: Database, path: Path, *, exported_by: str) -> ExportResult:
    """Export the whole register to ``path`` (.xlsx), as *File › Export* does."""
    return export_assets(database, path, exported_by=exported_by)


def render_label_pdf(
    database: Database, tags: Sequence[str], location_ids: Sequence[uuid.UUID], path: Path
) -> LabelPdf:
    """Asset labels for ``tags`` and location labels, with QR codes, to a PDF at ``path``."""
    from PySide6.QtGui import QGuiApplication

    from ui.gui.labels.painter import write_pdf

    with database.read() as session:
        template = find_template(session, LABEL_TEMPLATE)
        items = [
            *asset_items(assets_by_tags(session, list(tags)), ["name", "serial_number"]),
            *location_items(session, list(location_ids)),
        ]
    pages = layout_pages(template, items, LabelOptions(qr=True, organisation="Assetdesk self-test"))
    _app = QGuiApplication.instance() or QGuiApplication(["assetdesk"])
    written = write_pdf(path, pages, title="Assetdesk self-test labels")
    return LabelPdf(
        template=template.name,
        labels=sum(len(page.labels) for page in pages),
        pages=written,
        page_width_mm=template.page_width,
        page_height_mm=template.page_height,
    )
