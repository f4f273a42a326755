"""The zoom control of the label preview: fit the page, or the page at its real size.

"Actual size" uses the physical resolution of the screen the preview is on, so that a
38.1 mm label measures 38.1 mm on the screen (as far as the screen reports its size).
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.labels.templates import MM_PER_INCH
from ui.gui.labels.preview_widget import LabelPreview

#: (title, times the actual size; None fits the page into the preview)
ZOOMS: tuple[tuple[str, float | None], ...] = (
    ("Fit page", None),
    ("Actual size", 1.0),
    ("2 × actual size", 2.0),
    ("4 × actual size", 4.0),
)


def screen_pixels_per_mm(widget: QWidget) -> float:
    """Logical pixels per millimetre of the screen ``widget`` is shown on."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.physicalDotsPerInch() / MM_PER_INCH


def zoom_box(preview: LabelPreview, shortcuts_on: QWidget) -> QComboBox:
    """A combo box that zooms ``preview``; Ctrl++ (or Ctrl+=) / Ctrl+- on ``shortcuts_on`` step it."""
    box = QComboBox()
    box.setToolTip("Zoom the preview; Actual size shows the labels at their real size")
    for title, factor in ZOOMS:
        box.addItem(title, factor)

    def apply(_index: int = 0) -> None:
        factor = box.currentData()
        preview.set_pixels_per_mm(
            None if factor is None else float(factor) * screen_pixels_per_mm(preview)
        )

    def step(delta: int) -> None:
        box.setCurrentIndex(min(max(box.currentIndex() + delta, 0), box.count() - 1))

    box.currentIndexChanged.connect(apply)
    for keys, delta in (("Ctrl++", 1), ("Ctrl+=", 1), ("Ctrl+-", -1)):
        QShortcut(QKeySequence(keys), shortcuts_on, lambda d=delta: step(d))
    return box
