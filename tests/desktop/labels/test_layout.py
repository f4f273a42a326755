"""Label geometry: inside the cells, on the dot grid, quiet zones clear, text off the bars."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest

from desktop.errors import DesktopError
from desktop.labels.calibration import calibration_page, load_offsets, save_offsets
from desktop.labels.geometry import LabelItem, LabelLayout, Rect
from desktop.labels.layout import (
    MIN_MODULE_MM,
    MIN_TEXT_PT,
    LabelOptions,
    layout_label,
    layout_pages,
)
from desktop.labels.store import shipped_templates
from desktop.labels.symbols import LINEAR_QUIET_MODULES, QR_QUIET_MODULES, Symbology, encode_linear
from desktop.labels.templates import Template
from desktop.settings import Settings

ITEM = LabelItem("LAP-000123", ("ThinkPad T14 Gen 3", "S/N PF3ABC12", "Room A1"))
OPTIONS = [
    LabelOptions(),
    LabelOptions(organisation="Example Ltd — IT department", logo=True),
    LabelOptions(qr=True),
    LabelOptions(symbology=Symbology.CODE39),
]

#: (template, OPTIONS index) whose linear barcode has no room for LAP-000000 (Code 39 is long,
#: a QR code takes room): the QR code carries the tag there.
TOO_SMALL = {("Avery 5267", 3), ("Avery L7651", 2), ("Avery L7651", 3), ("Zebra 2 × 1 in", 3)}


def _template(name: str) -> Template:
    return next(t for t in shipped_templates() if t.name == name)


def _on_grid(value: float, dot: float) -> bool:
    return abs(value / dot - round(value / dot)) < 1e-6


def _check_geometry(template: Template, label: LabelLayout) -> None:
    dot = template.dot_mm
    barcode = label.barcode
    if barcode is None:  # the QR code alone carries the tag
        assert label.qr is not None and label.qr.data == label.item.value and label.note
        _check_qr(template, label)
        return
    content = Rect(
        label.cell.x + template.padding,
        label.cell.y + template.padding,
        template.label_width - 2 * template.padding,
        template.label_height - 2 * template.padding,
    )
    # Modules: whole dots, never narrower than a scanner reads.
    assert barcode.module_dots >= 2
    assert barcode.module_mm == pytest.approx(barcode.module_dots * dot)
    assert barcode.module_mm >= MIN_MODULE_MM - 1e-9
    for bar in barcode.bars:
        assert _on_grid(bar.x, dot) and _on_grid(bar.width, dot) and _on_grid(bar.y, dot)
        assert barcode.rect.contains(bar)
    # Bars inside the content box; bars plus quiet zones inside the label.
    assert content.contains(barcode.rect)
    assert label.cell.contains(barcode.quiet)
    quiet = LINEAR_QUIET_MODULES * barcode.module_mm
    assert barcode.rect.x - barcode.quiet.x == pytest.approx(quiet)
    assert barcode.quiet.right - barcode.rect.right == pytest.approx(quiet)
    assert barcode.rect.width == pytest.approx(
        encode_linear(label.item.value, barcode.symbology).modules * barcode.module_mm
    )
    for text in label.texts:
        assert content.contains(text.rect), text
        assert not text.rect.intersects(barcode.quiet), text
        assert text.size_pt >= MIN_TEXT_PT - 1e-9
        if label.qr is not None:
            assert not text.rect.intersects(label.qr.quiet)
    if label.logo is not None:
        assert content.contains(label.logo)
        assert not label.logo.intersects(barcode.quiet)
    if label.qr is not None:
        assert not label.qr.quiet.intersects(barcode.rect)
        _check_qr(template, label)


def _check_qr(template: Template, label: LabelLayout) -> None:
    qr = label.qr
    assert qr is not None
    dot = template.dot_mm
    content = Rect(
        label.cell.x + template.padding,
        label.cell.y + template.padding,
        template.label_width - 2 * template.padding,
        template.label_height - 2 * template.padding,
    )
    assert content.contains(qr.rect) and label.cell.contains(qr.quiet)
    assert qr.rect.x - qr.quiet.x == pytest.approx(QR_QUIET_MODULES * qr.module_mm)
    assert all(_on_grid(m.x, dot) and _on_grid(m.y, dot) for m in qr.modules)
    for text in label.texts:
        assert content.contains(text.rect), text
        assert not text.rect.intersects(qr.quiet), text
        assert text.size_pt >= MIN_TEXT_PT - 1e-9


@pytest.mark.parametrize("options", OPTIONS, ids=["code128", "organisation", "qr", "code39"])
@pytest.mark.parametrize("template", shipped_templates(), ids=lambda t: t.name)
def test_every_label_on_a_page_respects_the_template_geometry(
    template: Template, options: LabelOptions
) -> None:
    items = [dataclasses.replace(ITEM, value=f"LAP-{n:06d}") for n in range(template.per_page)]
    pages = layout_pages(template, items, options)
    if (template.name, OPTIONS.index(options)) in TOO_SMALL:
        # A 10-character tag cannot scan at 0.19 mm modules here: never squeezed bars, a QR code.
        assert all(label.barcode is None for page in pages for label in page.labels)
        assert all(label.qr is not None for page in pages for label in page.labels)
    else:
        assert all(label.barcode is not None for page in pages for label in page.labels)
    assert len(pages) == 1
    page = pages[0]
    assert (page.width, page.height) == (template.page_width, template.page_height)
    for index, label in enumerate(page.labels):
        x, y = template.cell_origin(index)
        assert (label.cell.x, label.cell.y) == pytest.approx((x, y))
        assert label.cell.right <= page.width + 0.5 and label.cell.bottom <= page.height + 0.5
        _check_geometry(template, label)


def test_the_common_templates_fit_a_typical_tag_with_code_128() -> None:
    for template in shipped_templates():
        label = layout_label(template, ITEM, LabelOptions(), (0, 0))
        assert label.barcode is not None and label.barcode.data == "LAP-000123"


def test_a_tag_too_long_for_the_bars_is_printed_as_a_qr_code_never_squeezed_bars() -> None:
    template = _template("Avery L7651")
    label = layout_label(template, LabelItem("LAP-2026-000123-SPARE"), LabelOptions(), (0, 0))
    assert label.barcode is None
    assert label.qr is not None and label.qr.data == "LAP-2026-000123-SPARE"
    assert label.note.startswith("printed as a QR code: as Code 128 it needs")
    _check_geometry(template, label)
    # Its readable line is whole (wrapped into the free height where it must be).
    tag_lines = [t for t in label.texts if t.role == "tag"]
    assert "".join(t.text for t in tag_lines) == "LAP-2026-000123-SPARE"
    assert not any(t.elided for t in tag_lines)


def test_a_tag_that_fits_no_symbol_is_an_error_naming_it() -> None:
    tag = "LAP-" + "9" * 900
    with pytest.raises(DesktopError) as raised:
        layout_label(_template("Avery L7651"), LabelItem(tag), LabelOptions(), (0, 0))
    message = raised.value.message
    assert f"'{tag}' is too long for a label of template 'Avery L7651'" in message
    assert "0.254 mm = 3 dots at 300 dpi" in message and "QR code does not fit" in message


def test_a_page_skips_a_label_that_fits_nothing_and_prints_the_others() -> None:
    template = _template("Avery L7651")
    items = [LabelItem("LAP-1"), LabelItem("LAP-" + "9" * 900), LabelItem("LAP-3")]
    (page,) = layout_pages(template, items, LabelOptions())
    assert [label.item.value for label in page.labels] == ["LAP-1", "LAP-3"]
    assert [label.cell for label in page.labels] == [
        Rect(*template.cell_origin(i), template.label_width, template.label_height)
        for i in range(2)
    ]
    (skipped,) = page.skipped_labels
    assert skipped.value == items[1].value and "is too long" in skipped.reason
    with pytest.raises(DesktopError, match="no label can be printed on Avery L7651"):
        layout_pages(template, [items[1]], LabelOptions())


def test_with_a_qr_code_a_long_serial_wraps_into_the_free_height() -> None:
    serial = "S/N 5CG1234XYZ-ABCDEF-0042"
    item = LabelItem("LAP-000123", ("ThinkPad T14", serial))
    template = _template("Avery L7160")
    plain = layout_label(template, item, LabelOptions(), (0, 0))
    label = layout_label(template, item, LabelOptions(qr=True), (0, 0))
    _check_geometry(template, label)
    fields = [t for t in label.texts if t.role == "field"]
    assert not any(t.elided for t in fields)
    assert "".join(t.text for t in fields).replace(" ", "") == ("ThinkPad T14" + serial).replace(
        " ", ""
    )
    assert len(fields) > 2  # the serial took a second line
    assert not any(t.elided for t in plain.texts)  # the wide label needed no wrapping


@pytest.mark.parametrize(
    ("tag", "shown"), [("LAP_1", "'_'"), ("PRN 12/B", "'/'"), ("A+B%C", "'%', '+'")]
)
def test_code_39_refuses_characters_that_would_not_scan_as_themselves(tag: str, shown: str) -> None:
    # "/B" and "+B" read as '"' and 'b' on scanners set to Full ASCII Code 39: such a tag is
    # carried by a QR code instead, and the note says why.
    label = layout_label(
        _template("Avery L7163"), LabelItem(tag), LabelOptions(symbology=Symbology.CODE39), (0, 0)
    )
    assert label.barcode is None and label.qr is not None and label.qr.data == tag
    assert re.search(
        rf"printed as a QR code: '{re.escape(tag)}' cannot be printed as Code 39: it contains "
        + re.escape(shown),
        label.note,
    )


def test_modules_are_whole_dots_at_203_dpi() -> None:
    template = _template("Zebra 2 × 1 in")
    label = layout_label(template, ITEM, LabelOptions(), (0, 0))
    assert label.barcode is not None and label.barcode.module_dots == 2
    assert label.barcode.module_mm == pytest.approx(2 * 25.4 / 203)


def test_long_text_shrinks_then_elides_inside_its_box() -> None:
    long_name = "Dell Precision 7680 mobile workstation with docking station and spare charger"
    label = layout_label(
        _template("Avery L7651"), LabelItem("LAP-1", (long_name,)), LabelOptions(), (0, 0)
    )
    field = next(t for t in label.texts if t.role == "field")
    assert field.elided and field.text.endswith("…") and field.size_pt == MIN_TEXT_PT
    assert long_name.startswith(field.text[:-1].rstrip())
    tag = next(t for t in label.texts if t.role == "tag")
    assert tag.text == "LAP-1" and not tag.elided


def test_lines_without_room_are_left_out_and_named() -> None:
    label = layout_label(
        _template("Avery 5267"), ITEM, LabelOptions(organisation="Example"), (0, 0)
    )
    assert [t.role for t in label.texts] == ["organisation", "tag"]
    assert label.omitted == (
        "field 'Room A1'",
        "field 'S/N PF3ABC12'",
        "field 'ThinkPad T14 Gen 3'",
    )


def test_start_at_label_n_skips_the_used_cells_of_the_first_sheet() -> None:
    template = _template("Avery L7160")
    items = [LabelItem(f"LAP-{n:06d}") for n in range(30)]
    pages = layout_pages(template, items, LabelOptions(), start_at=5)
    assert [len(p.labels) for p in pages] == [17, 13]
    first = pages[0].labels[0].cell
    assert (first.x, first.y) == pytest.approx(template.cell_origin(4))
    assert len(pages[0].skipped_cells) == 4 and pages[1].skipped_cells == ()
    assert pages[1].labels[0].cell.x == pytest.approx(template.left)
    with pytest.raises(
        DesktopError, match="cannot start at label 22: a page of 'Avery L7160' has 21"
    ):
        layout_pages(template, items, LabelOptions(), start_at=22)


def test_printer_offsets_move_every_label_by_whole_dots() -> None:
    template = _template("Avery L7163")
    plain = layout_pages(template, [ITEM], LabelOptions())[0].labels[0]
    moved = layout_pages(template, [ITEM], LabelOptions(), offset=(1.0, -0.5))[0].labels[0]
    dot = template.dot_mm
    dx = moved.cell.x - plain.cell.x
    dy = moved.cell.y - plain.cell.y
    assert dx == pytest.approx(round(1.0 / dot) * dot) and dy == pytest.approx(
        round(-0.5 / dot) * dot
    )
    assert moved.barcode is not None and plain.barcode is not None
    assert moved.barcode.rect.x - plain.barcode.rect.x == pytest.approx(dx, abs=dot)
    _check_geometry(template, moved)
    with pytest.raises(DesktopError, match="within ±10 mm"):
        layout_pages(template, [ITEM], LabelOptions(), offset=(12, 0))


def test_offsets_are_remembered_per_printer(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    save_offsets(settings, "Zebra ZD421 (USB)", (-1.25, 0.5))
    save_offsets(settings, "Office laser", (0.3, 0))
    reread = Settings(tmp_path / "settings.ini")
    assert load_offsets(reread, "Zebra ZD421 (USB)") == (-1.25, 0.5)
    assert load_offsets(reread, "Office laser") == (0.3, 0.0)
    assert load_offsets(reread, "Another printer") == (0.0, 0.0)


def test_calibration_page_outlines_every_cell_with_rulers() -> None:
    template = _template("Avery L7160")
    page = calibration_page(template, (0.5, -0.25))
    assert len(page.outlines) == 21
    assert (page.outlines[0].x, page.outlines[0].y) == pytest.approx(
        (template.left + 0.5, template.top - 0.25)
    )
    ruler_labels = {t.text for t in page.texts if t.role == "note"}
    assert {"10", "50", "200", "290"} <= ruler_labels
    ticks = [
        line for line in page.lines if line.x1 == line.x2 and line.y2 - line.y1 in (1.0, 2.0, 3.0)
    ]
    assert len(ticks) == math.floor(template.page_width) - 1


def test_layout_stops_when_cancelled() -> None:
    import threading

    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 3:
            cancel.set()

    with pytest.raises(DesktopError, match="cancelled"):
        layout_pages(
            _template("Avery L7160"), [ITEM] * 10, LabelOptions(), progress=progress, cancel=cancel
        )
    assert seen == [1, 2, 3]
