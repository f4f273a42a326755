"""PDF output: vector pages at the template's paper size, one page per sheet or label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

from desktop.errors import DesktopError
from desktop.labels.calibration import calibration_page
from desktop.labels.geometry import LabelItem
from desktop.labels.layout import LabelOptions, layout_pages
from desktop.labels.store import shipped_templates
from ui.gui.labels.painter import write_pdf

POINT_MM = 25.4 / 72


def _media_boxes(path: Path) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", path.read_bytes())
    return [(float(w) * POINT_MM, float(h) * POINT_MM) for w, h in boxes]


@pytest.mark.parametrize("template", shipped_templates(), ids=lambda t: t.name)
def test_pdf_pages_have_the_exact_paper_size(qapp: QApplication, tmp_path: Path, template) -> None:
    count = template.per_page + 1  # one more than a sheet: two pages
    items = [LabelItem(f"LAP-{n:06d}", ("ThinkPad T14",)) for n in range(count)]
    pages = layout_pages(template, items, LabelOptions(organisation="Example Ltd"))
    output = tmp_path / "labels.pdf"
    assert write_pdf(output, pages) == len(pages)
    boxes = _media_boxes(output)
    assert len(boxes) == len(pages) == (count if template.per_page == 1 else 2)
    for width, height in boxes:
        # PDF page sizes are whole points: within half a point of the template's paper.
        assert width == pytest.approx(template.page_width, abs=POINT_MM / 2)
        assert height == pytest.approx(template.page_height, abs=POINT_MM / 2)
    data = output.read_bytes()
    assert b"/Subtype /Image" not in data  # bars are vector rectangles, not a bitmap
    assert not (tmp_path / "labels.pdf.part").exists()


def test_calibration_page_is_written(qapp: QApplication, tmp_path: Path) -> None:
    template = next(t for t in shipped_templates() if t.name == "Avery L7160")
    output = tmp_path / "calibration.pdf"
    assert write_pdf(output, [calibration_page(template, (0.5, 0.0))]) == 1
    assert len(_media_boxes(output)) == 1


def test_no_labels_is_a_clear_error_and_no_file(qapp: QApplication, tmp_path: Path) -> None:
    with pytest.raises(DesktopError, match="no labels to print"):
        write_pdf(tmp_path / "empty.pdf", [])
    assert not list(tmp_path.iterdir())
