"""Barcode labels, Qt-free: templates, symbols and the layout in millimetres.

``ui.gui.labels`` paints a computed :class:`PageLayout` to a PDF, a printer or a preview.
"""

from desktop.labels.geometry import LabelItem, LabelLayout, PageLayout, Rect, TextBox
from desktop.labels.layout import LabelOptions, layout_label, layout_pages
from desktop.labels.symbols import Symbology
from desktop.labels.templates import Template, parse_template

__all__ = [
    "LabelItem",
    "LabelLayout",
    "LabelOptions",
    "PageLayout",
    "Rect",
    "Symbology",
    "Template",
    "TextBox",
    "layout_label",
    "layout_pages",
    "parse_template",
]
