"""Every barcode we print decodes: render pages to bitmaps at printer resolutions, read them
back with a real decoder (zxing-cpp), and compare with the exact text."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pytest
import zxingcpp

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop.labels.geometry import LabelItem, PageLayout, Rect
from desktop.labels.layout import LabelOptions, layout_pages
from desktop.labels.store import shipped_templates
from desktop.labels.symbols import Symbology
from desktop.labels.templates import Template
from ui.gui.labels.painter import render_image

TAGS = [
    "LAP-000123", "MON-9", "X7", "SRV-0042", "lap-7", "PRN 12/B", "A+B%C",
    "UPS-000001", "SW-48P-3", "PHN-77", "TAB-010203", "DOCK-5",
]  # fmt: skip
FIELDS = ("Dell Latitude 7440 with a name far too long for any small label", "S/N 5CG1234XYZ")
#: Sheets, label printers at 300 dpi and thermal printers at 203 dpi.
TEMPLATES = [
    "Avery L7160", "Avery L7163", "Avery L7651", "Avery 5160", "Avery 5163", "Avery 5267",
    "Brother DK 62 × 29 mm", "Dymo 99012", "Dymo 30252", "Zebra 2 × 1 in", "Zebra 2.25 × 1.25 in",
]  # fmt: skip


def _template(name: str, dpi: int) -> Template:
    """The template as driven by a printer of ``dpi`` (the layout snaps to that printer's dots)."""
    template = next(t for t in shipped_templates() if t.name == name)
    return dataclasses.replace(template, dpi=dpi)


def _items(template: Template) -> list[LabelItem]:
    count = min(template.per_page, len(TAGS))
    return [LabelItem(TAGS[i % len(TAGS)], FIELDS) for i in range(count)]


def _decoded(image: QImage, formats: Any) -> Counter[str]:
    return Counter(r.text for r in zxingcpp.read_barcodes(image, formats=formats))


def _pages(template: Template, items: list[LabelItem], options: LabelOptions) -> list[PageLayout]:
    return (
        [layout_pages(template, [item], options)[0] for item in items]
        if template.per_page == 1
        else layout_pages(template, items, options)
    )


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_code_128_label_decodes_to_its_exact_tag(
    qapp: QApplication, name: str, dpi: int
) -> None:
    template = _template(name, dpi)
    items = _items(template)
    decoded: Counter[str] = Counter()
    for page in _pages(template, items, LabelOptions(organisation="Example Ltd — IT")):
        decoded += _decoded(render_image(page, dpi), zxingcpp.BarcodeFormat.Code128)
    assert decoded == Counter(item.value for item in items)


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize(
    "name", ["Avery L7160", "Avery 5160", "Zebra 2 × 1 in", "Dymo 99012", "Brother DK 62 × 29 mm"]
)
def test_every_qr_code_decodes_to_its_exact_tag(qapp: QApplication, name: str, dpi: int) -> None:
    template = _template(name, dpi)
    items = _items(template)
    decoded_qr: Counter[str] = Counter()
    decoded_linear: Counter[str] = Counter()
    for page in _pages(template, items, LabelOptions(qr=True)):
        image = render_image(page, dpi)
        decoded_qr += _decoded(image, zxingcpp.BarcodeFormat.QRCode)
        decoded_linear += _decoded(image, zxingcpp.BarcodeFormat.Code128)
    expected = Counter(item.value for item in items)
    assert decoded_qr == expected
    assert decoded_linear == expected


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("name", ["Avery L7163", "Avery 5163", "Dymo 99012"])
def test_code_39_labels_decode(qapp: QApplication, name: str, dpi: int) -> None:
    template = _template(name, dpi)
    items = [i for i in _items(template) if not set(i.value) & set("/+%")]
    decoded: Counter[str] = Counter()
    for page in _pages(template, items, LabelOptions(symbology=Symbology.CODE39)):
        decoded += _decoded(render_image(page, dpi), zxingcpp.BarcodeFormat.Code39)
    assert decoded == Counter(item.value.upper() for item in items)


def test_location_labels_decode_to_their_codes(qapp: QApplication) -> None:
    template = _template("Avery L7163", 300)
    items = [
        LabelItem("ROOM-A1", ("Room A1", "Head office › Building A")),
        LabelItem("SITE-HQ", ("Head office",)),
    ]
    page = layout_pages(template, items, LabelOptions())[0]
    assert _decoded(render_image(page, 300), zxingcpp.BarcodeFormat.Code128) == Counter(
        ["ROOM-A1", "SITE-HQ"]
    )


def _dark_pixels(image: QImage, rect: Rect, dpi: int) -> int:
    """Dark pixels whose centre lies inside ``rect`` (mm)."""
    k = dpi / 25.4
    dark = 0
    for py in range(round(rect.y * k), round(rect.bottom * k)):
        for px in range(round(rect.x * k), round(rect.right * k)):
            if image.pixelColor(px, py).lightness() < 128:
                dark += 1
    return dark


@pytest.mark.parametrize(
    ("name", "dpi"), [("Zebra 2 × 1 in", 203), ("Avery L7651", 300), ("Avery 5267", 300)]
)
def test_quiet_zones_and_the_gap_between_bars_and_text_stay_blank(
    qapp: QApplication, name: str, dpi: int
) -> None:
    template = _template(name, dpi)
    long_item = LabelItem("LAP-000123", ("W" * 60, "S/N " + "8" * 40))
    page = layout_pages(template, [long_item], LabelOptions(organisation="M" * 80))[0]
    image = render_image(page, dpi)
    label = page.labels[0]
    assert label.barcode is not None
    bars = label.barcode.rect
    quiet = label.barcode.quiet
    assert _dark_pixels(image, Rect(quiet.x, quiet.y, bars.x - quiet.x, quiet.height), dpi) == 0
    assert (
        _dark_pixels(image, Rect(bars.right, quiet.y, quiet.right - bars.right, quiet.height), dpi)
        == 0
    )
    # Every pixel row just above and just below the bars (over the quiet zone's width) is blank:
    # the elided, shrunk text never runs into the bars.
    dot = 25.4 / dpi
    assert _dark_pixels(image, Rect(quiet.x, bars.y - dot, quiet.width, dot), dpi) == 0
    assert _dark_pixels(image, Rect(quiet.x, bars.bottom, quiet.width, dot), dpi) == 0
    # The bars themselves are solid: every pixel of the first bar is black.
    first = label.barcode.bars[0]
    k = dpi / 25.4
    assert _dark_pixels(image, first, dpi) == round(first.width * k) * round(first.height * k)


def test_the_logo_is_painted_in_its_box_and_the_label_still_scans(qapp: QApplication) -> None:
    template = _template("Avery L7163", 300)
    logo = QImage(60, 20, QImage.Format.Format_RGB32)
    logo.fill(Qt.GlobalColor.black)
    options = LabelOptions(organisation="Example Ltd", logo=True)
    page = layout_pages(template, [LabelItem("LAP-000123", ("ThinkPad T14",))], options)[0]
    image = render_image(page, 300, logo=logo)
    label = page.labels[0]
    assert label.logo is not None and label.barcode is not None
    assert _dark_pixels(image, label.logo, 300) > 0
    assert not label.logo.intersects(label.barcode.quiet)
    assert _decoded(image, zxingcpp.BarcodeFormat.Code128) == Counter(["LAP-000123"])


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("name", TEMPLATES)
def test_qr_mode_prints_on_every_template_and_every_symbol_decodes(
    qapp: QApplication, name: str, dpi: int
) -> None:
    template = _template(name, dpi)
    items = _items(template)
    decoded_qr: Counter[str] = Counter()
    decoded_linear: Counter[str] = Counter()
    with_bars: Counter[str] = Counter()
    for page in _pages(template, items, LabelOptions(qr=True)):
        assert not page.skipped_labels
        image = render_image(page, dpi)
        decoded_qr += _decoded(image, zxingcpp.BarcodeFormat.QRCode)
        decoded_linear += _decoded(image, zxingcpp.BarcodeFormat.Code128)
        with_bars += Counter(label.item.value for label in page.labels if label.barcode)
    assert decoded_qr == Counter(item.value for item in items)
    assert decoded_linear == with_bars  # where bars were printed beside the QR code


#: Up to the longest tag the register allows (64 characters).
LONG_TAGS = ["LAP-2026-000123-SPARE", "DCK-000019/BUILDING-A/FLOOR-2", "SRV-" + "0123456789" * 6]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("name", TEMPLATES)
def test_tags_too_long_for_the_bars_fall_back_to_qr_codes_that_decode(
    qapp: QApplication, name: str, dpi: int
) -> None:
    template = _template(name, dpi)
    items = [LabelItem(tag, FIELDS) for tag in LONG_TAGS]
    decoded: Counter[str] = Counter()
    for page in _pages(template, items, LabelOptions()):
        assert not page.skipped_labels
        for label in page.labels:
            # Bars where they fit; else a QR code, and the label's note says so.
            assert (label.barcode is None) == bool(label.note) == (label.qr is not None)
        decoded += _decoded(
            render_image(page, dpi),
            (zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.QRCode),
        )
    assert decoded == Counter(LONG_TAGS)
