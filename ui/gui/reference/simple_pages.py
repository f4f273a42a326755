"""Pages for suppliers, manufacturers, models and people."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from desktop.errors import Problem, ValidationError
from desktop.services import reference
from desktop.services.reference_queries import (
    ManufacturerRow,
    ModelRow,
    PersonRow,
    SupplierRow,
    list_categories,
    list_manufacturers,
    list_models,
    list_people,
    list_suppliers,
)
from desktop.storage.database import Database
from desktop.storage.models import Manufacturer
from ui.gui.reference.jobs import DialogJobs
from ui.gui.reference.list_import import PEOPLE, ListImport
from ui.gui.reference.record_page import RecordPage
from ui.gui.reference.record_table_model import Column


class SuppliersPage(RecordPage):
    noun = "supplier"
    columns = (Column("Supplier", lambda r: r.name), Column("Contact", lambda r: r.contact))

    def build_form(self, form: QFormLayout) -> None:
        self.name_edit = QLineEdit()
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText("account manager, phone, e-mail")
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Contact:", self.contact_edit)

    def load(self, session: Session) -> list[Any]:
        return list_suppliers(session)

    def fill(self, row: SupplierRow | None) -> None:
        self.set_current(row)
        self.name_edit.setText(row.name if row else "")
        self.contact_edit.setText(row.contact if row else "")

    def form_values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text(), "contact": self.contact_edit.text()}

    def save(self, session: Session, row: SupplierRow | None, values: dict[str, Any]) -> uuid.UUID:
        if row is None:
            return reference.create_supplier(session, **values).id
        return reference.update_supplier(
            session, supplier_id=row.id, expected_version=row.version, **values
        ).id

    def delete(self, session: Session, row: SupplierRow) -> None:
        reference.delete_supplier(session, supplier_id=row.id)


class ManufacturersPage(RecordPage):
    noun = "manufacturer"
    columns = (
        Column("Manufacturer", lambda r: r.name),
        Column("Models", lambda r: r.model_count, align_right=True),
    )

    def build_form(self, form: QFormLayout) -> None:
        self.name_edit = QLineEdit()
        form.addRow("&Name:", self.name_edit)

    def load(self, session: Session) -> list[Any]:
        return list_manufacturers(session)

    def fill(self, row: ManufacturerRow | None) -> None:
        self.set_current(row)
        self.name_edit.setText(row.name if row else "")

    def form_values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text()}

    def save(
        self, session: Session, row: ManufacturerRow | None, values: dict[str, Any]
    ) -> uuid.UUID:
        if row is None:
            return reference.create_manufacturer(session, **values).id
        return reference.update_manufacturer(
            session, manufacturer_id=row.id, expected_version=row.version, **values
        ).id

    def delete(self, session: Session, row: ManufacturerRow) -> None:
        reference.delete_manufacturer(session, manufacturer_id=row.id)


class ModelsPage(RecordPage):
    noun = "model"
    columns = (
        Column("Manufacturer", lambda r: r.manufacturer),
        Column("Model", lambda r: r.name),
        Column("Model number", lambda r: r.model_number),
        Column("Category", lambda r: r.category),
    )

    def build_form(self, form: QFormLayout) -> None:
        self.manufacturer_combo = QComboBox()
        self.name_edit = QLineEdit()
        self.number_edit = QLineEdit()
        self.category_combo = QComboBox()
        form.addRow("&Manufacturer:", self.manufacturer_combo)
        form.addRow("M&odel:", self.name_edit)  # &Manufacturer: above
        form.addRow("Model n&umber:", self.number_edit)  # the manufacturers' &Name: beside
        form.addRow("&Category:", self.category_combo)

    def load(self, session: Session) -> list[Any]:
        self._manufacturers = [(m.name, str(m.id)) for m in list_manufacturers(session)]
        self._categories = [(c.name, str(c.id)) for c in list_categories(session)]
        return list_models(session)

    def after_load(self, rows: list[Any]) -> None:
        for combo, items, empty in (
            (self.manufacturer_combo, self._manufacturers, None),
            (self.category_combo, self._categories, "(any category)"),
        ):
            selected = combo.currentData()
            combo.clear()
            if empty:
                combo.addItem(empty, None)
            for name, key in items:
                combo.addItem(name, key)
            combo.setCurrentIndex(max(combo.findData(selected), 0))

    def fill(self, row: ModelRow | None) -> None:
        self.set_current(row)
        self.manufacturer_combo.setEnabled(row is None)
        if row is not None:
            self.manufacturer_combo.setCurrentIndex(
                max(self.manufacturer_combo.findData(str(row.manufacturer_id)), 0)
            )
            self.category_combo.setCurrentIndex(
                max(self.category_combo.findData(str(row.category_id)), 0)
            )
        self.name_edit.setText(row.name if row else "")
        self.number_edit.setText(row.model_number if row else "")

    def form_values(self) -> dict[str, Any]:
        category = self.category_combo.currentData()
        manufacturer = self.manufacturer_combo.currentData()
        return {
            "manufacturer_id": uuid.UUID(manufacturer) if manufacturer else None,
            "name": self.name_edit.text(),
            "model_number": self.number_edit.text(),
            "category_id": uuid.UUID(category) if category else None,
        }

    def save(self, session: Session, row: ModelRow | None, values: dict[str, Any]) -> uuid.UUID:
        manufacturer_id = values.pop("manufacturer_id")
        if row is None:
            if manufacturer_id is None:
                raise ValidationError(
                    Problem("manufacturer", "choose the manufacturer (add it first)")
                )
            manufacturer = session.get(Manufacturer, manufacturer_id)
            assert manufacturer is not None
            category_id = values.pop("category_id")
            model = reference.create_model(session, manufacturer=manufacturer, **values)
            model.category_id = category_id
            session.flush()
            return model.id
        return reference.update_model(
            session, model_id=row.id, expected_version=row.version, **values
        ).id

    def title_for(self, row: Any) -> str:
        return "New model" if row is None else f"{row.manufacturer} {row.name}"

    def delete(self, session: Session, row: ModelRow) -> None:
        reference.delete_model(session, model_id=row.id)


class PeoplePage(RecordPage):
    noun = "person"
    plural = "people"
    form_share = 0.45
    # The roles beside the name: last, they were behind the horizontal scroll bar once
    # the e-mail addresses were long (a new user looking for an approver did not see them).
    columns = (
        Column("Name", lambda r: r.name),
        Column("User name", lambda r: r.username),
        Column("Roles", lambda r: ", ".join(role.capitalize() for role in r.roles)),
        Column("Active", lambda r: r.active),
        Column("E-mail", lambda r: r.email),
    )

    def __init__(self, database: Database, jobs: DialogJobs, parent: QWidget | None = None) -> None:
        super().__init__(database, jobs, parent)
        # A list of people from another tool (Snipe-IT's users export, a directory extract).
        self.list_import = ListImport(self, PEOPLE)
        self.import_button = self.list_import.button(
            "Add the people a spreadsheet or CSV file lists: Name (or First and Last name), "
            "User name, E-mail, and Group or Department when given; nobody gets a role"
        )
        self.list_buttons.insertWidget(2, self.import_button)

    def build_form(self, form: QFormLayout) -> None:
        self.name_edit = QLineEdit()
        self.username_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.active_check = QCheckBox("&Active (may sign in, perform and approve procedures)")
        self.role_checks = {name: QCheckBox(name.capitalize()) for name in reference.ROLE_NAMES}
        roles = QWidget()
        roles_layout = QHBoxLayout(roles)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        for check in self.role_checks.values():
            roles_layout.addWidget(check)
        roles_layout.addStretch(1)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&User name:", self.username_edit)
        form.addRow("&E-mail:", self.email_edit)
        form.addRow("", self.active_check)
        form.addRow("Roles:", roles)

    def load(self, session: Session) -> list[Any]:
        return list_people(session)

    def fill(self, row: PersonRow | None) -> None:
        self.set_current(row)
        self.name_edit.setText(row.name if row else "")
        self.username_edit.setText(row.username if row else "")
        self.email_edit.setText(row.email if row else "")
        self.active_check.setChecked(row.active if row else True)
        for name, check in self.role_checks.items():
            check.setChecked(bool(row and name in row.roles))
        self.delete_button.setEnabled(False)
        self.delete_button.setToolTip(
            self.read_only_reason or "People are never deleted (history names them): deactivate"
        )

    def form_values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text(),
            "username": self.username_edit.text(),
            "email": self.email_edit.text() or None,
            "active": self.active_check.isChecked(),
            "roles": [name for name, check in self.role_checks.items() if check.isChecked()],
        }

    def save(self, session: Session, row: PersonRow | None, values: dict[str, Any]) -> uuid.UUID:
        if row is None:
            active = values.pop("active")
            person = reference.create_person(session, **values)
            person.active = active
            session.flush()
            return person.id
        return reference.update_person(
            session, person_id=row.id, expected_version=row.version, **values
        ).id

    def delete(self, session: Session, row: PersonRow) -> None:  # pragma: no cover - disabled
        raise ValidationError(
            Problem("delete", f"{row.name} is named in history: deactivate instead")
        )
