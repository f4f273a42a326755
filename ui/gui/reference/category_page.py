"""Categories: name, tag prefix, audit interval and the custom fields their assets carry."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.services import reference
from desktop.services.reference_queries import CategoryRow, list_categories
from ui.gui.reference.record_page import RecordPage
from ui.gui.reference.record_table_model import Column

TYPE_LABELS = {
    "text": "Text",
    "number": "Number",
    "date": "Date",
    "yesno": "Yes / no",
    "choice": "Choice",
}
KEY, LABEL, TYPE, REQUIRED, CHOICES = range(5)


class CustomFieldsEditor(QWidget):
    """A table of custom field definitions: key, label, type, required, choices."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Key", "Label", "Type", "Required", "Choices (comma-separated)"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(150)
        add = QPushButton("Add &field")  # &Audit every: is a label
        add.clicked.connect(lambda: self.add_field({}))
        remove = QPushButton("Remo&ve field")
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def set_fields(self, fields: tuple[dict[str, Any], ...]) -> None:
        self.table.setRowCount(0)
        for definition in fields:
            self.add_field(definition)

    def add_field(self, definition: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        key_item = QTableWidgetItem(str(definition.get("key", "")))
        self.table.setItem(row, KEY, key_item)
        self.table.setItem(row, LABEL, QTableWidgetItem(str(definition.get("label", ""))))
        type_combo = QComboBox()
        for key, label in TYPE_LABELS.items():
            type_combo.addItem(label, key)
        type_combo.setCurrentIndex(max(type_combo.findData(definition.get("type", "text")), 0))
        self.table.setCellWidget(row, TYPE, type_combo)
        required = QCheckBox()
        required.setChecked(bool(definition.get("required")))
        self.table.setCellWidget(row, REQUIRED, required)
        choices = ", ".join(definition.get("choices", ()))
        self.table.setItem(row, CHOICES, QTableWidgetItem(choices))
        if not definition:
            self.table.setCurrentCell(row, KEY)
            self.table.editItem(key_item)

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.currentRow()]:
            if row >= 0:
                self.table.removeRow(row)

    def fields(self) -> list[dict[str, Any]]:
        result = []
        for row in range(self.table.rowCount()):
            key = self._text(row, KEY)
            if not key:
                raise DesktopError(f"custom field {row + 1}: give it a key (letters, digits or _)")
            type_combo = self.table.cellWidget(row, TYPE)
            required = self.table.cellWidget(row, REQUIRED)
            assert isinstance(type_combo, QComboBox) and isinstance(required, QCheckBox)
            definition: dict[str, Any] = {
                "key": key,
                "label": self._text(row, LABEL) or key.replace("_", " ").capitalize(),
                "type": type_combo.currentData(),
                "required": required.isChecked(),
            }
            if definition["type"] == "choice":
                definition["choices"] = [
                    c.strip() for c in self._text(row, CHOICES).split(",") if c.strip()
                ]
            result.append(definition)
        return result

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""


class CategoriesPage(RecordPage):
    noun = "category"
    plural = "categories"
    form_share = 0.6
    columns = (
        Column("Category", lambda r: r.name),
        Column("Tag prefix", lambda r: r.tag_prefix),
        Column(
            "Audit every",
            lambda r: f"{r.audit_interval_days} days" if r.audit_interval_days else "never",
        ),
        Column(
            "Custom fields", lambda r: ", ".join(f.get("label", f["key"]) for f in r.custom_fields)
        ),
        Column("Assets", lambda r: r.asset_count, align_right=True),
    )

    def build_form(self, form: QFormLayout) -> None:
        self.name_edit = QLineEdit()
        self.prefix_edit = QLineEdit()
        self.prefix_edit.setMaxLength(16)
        self.prefix_edit.setPlaceholderText("e.g. LAP → tags LAP-000001, LAP-000002, …")
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(0, 3650)
        self.interval_spin.setSuffix(" days")
        self.interval_spin.setSpecialValueText("never audited")
        self.interval_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.custom_fields = CustomFieldsEditor()
        form.addRow("&Name:", self.name_edit)
        form.addRow("Tag &prefix:", self.prefix_edit)
        form.addRow("&Audit every:", self.interval_spin)
        form.addRow("Custom fields:", self.custom_fields)

    def load(self, session: Session) -> list[Any]:
        return list_categories(session)

    def fill(self, row: CategoryRow | None) -> None:
        self.set_current(row)
        self.name_edit.setText(row.name if row else "")
        self.prefix_edit.setText(row.tag_prefix if row else "")
        self.interval_spin.setValue((row.audit_interval_days or 0) if row else 365)
        self.custom_fields.set_fields(row.custom_fields if row else ())

    def form_values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text(),
            "tag_prefix": self.prefix_edit.text(),
            "audit_interval_days": self.interval_spin.value() or None,
            "custom_fields": self.custom_fields.fields(),
        }

    def save(self, session: Session, row: CategoryRow | None, values: dict[str, Any]) -> uuid.UUID:
        if row is None:
            return reference.create_category(session, **values).id
        return reference.update_category(
            session, category_id=row.id, expected_version=row.version, **values
        ).id

    def delete(self, session: Session, row: CategoryRow) -> None:
        reference.delete_category(session, category_id=row.id)
