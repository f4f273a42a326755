"""Define a label template of your own: page, margins, label size, pitch, grid, resolution.

Saved in the database (``label_templates``) through :func:`desktop.labels.store.save_user_template`,
which validates it; every problem is shown next to its field and nothing is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError, ValidationError
from desktop.labels.store import save_user_template
from desktop.labels.templates import Template
from desktop.storage.database import Database

#: Field → (title, attribute of Template) for the lengths, all in millimetres here.
LENGTHS = {
    "page_width": "Page width",
    "page_height": "Page height",
    "label_width": "Label width",
    "label_height": "Label height",
    "left": "Left margin (to the first label)",
    "top": "Top margin (to the first label)",
    "pitch_x": "Horizontal pitch (label to label)",
    "pitch_y": "Vertical pitch (row to row)",
    "padding": "Padding inside a label",
    "corner_radius": "Corner radius",
}


class TemplateDialog(QDialog):
    """A form for a user-defined label template, started from ``base``.

    Signals:
        saved(str): the name of the template that was saved.
    """

    saved = Signal(str)

    def __init__(self, database: Database, base: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowTitle("New label template")
        form = QFormLayout()
        self.name_edit = QLineEdit(base.name if base.user_defined else f"{base.name} (my printer)")
        form.addRow("&Name:", self.name_edit)
        self.kind_box = QComboBox()
        self.kind_box.addItem("Sheet of labels", "sheet")
        self.kind_box.addItem("Label printer roll (one label a page)", "roll")
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(base.kind), 0))
        form.addRow("&Kind:", self.kind_box)
        self.length_boxes: dict[str, QDoubleSpinBox] = {}
        for key, title in LENGTHS.items():
            box = QDoubleSpinBox()
            box.setRange(0, 1000)
            box.setDecimals(2)
            box.setSuffix(" mm")
            box.setValue(round(float(getattr(base, key)), 2))
            self.length_boxes[key] = box
            form.addRow(f"{title}:", box)
        self.columns_box = self._count_box(base.columns, 50)
        self.rows_box = self._count_box(base.rows, 100)
        self.dpi_box = self._count_box(base.dpi, 2400)
        form.addRow("&Columns:", self.columns_box)
        form.addRow("&Rows:", self.rows_box)
        form.addRow("Printer reso&lution (dpi):", self.dpi_box)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems_label)
        layout.addWidget(buttons)

    @staticmethod
    def _count_box(value: int, maximum: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, maximum)
        box.setValue(value)
        return box

    def definition(self) -> dict[str, object]:
        definition: dict[str, object] = {
            "name": self.name_edit.text(),
            "kind": self.kind_box.currentData(),
            "unit": "mm",
            "columns": self.columns_box.value(),
            "rows": self.rows_box.value(),
            "dpi": self.dpi_box.value(),
        }
        definition.update({key: box.value() for key, box in self.length_boxes.items()})
        return definition

    def save(self) -> None:
        for box in [*self.length_boxes.values(), self.columns_box, self.rows_box, self.dpi_box]:
            box.setStyleSheet("")
        try:
            template = save_user_template(self.database, self.definition())
        except ValidationError as exc:
            boxes = {**self.length_boxes, "columns": self.columns_box, "rows": self.rows_box}
            boxes["dpi"] = self.dpi_box
            for field in exc.fields():
                if field in boxes:
                    boxes[field].setStyleSheet("background: #fde7ea")
            self.problems_label.setText("\n".join(f"{p.field}: {p.message}" for p in exc.problems))
            return
        except DesktopError as exc:
            self.problems_label.setText(exc.message)
            return
        self.saved.emit(template.name)
        self.accept()
