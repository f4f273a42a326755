"""Groups (teams) and who belongs to them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import reference
from desktop.services.reference_queries import GroupRow, list_groups, list_people
from desktop.wording import with_detail
from ui.gui.reference.record_page import RecordPage
from ui.gui.reference.record_table_model import Column

IdRole = Qt.ItemDataRole.UserRole + 1


class GroupsPage(RecordPage):
    noun = "group"
    columns = (
        Column("Group", lambda r: r.name),
        Column("Members", lambda r: len(r.member_ids), align_right=True),
    )

    def build_form(self, form: QFormLayout) -> None:
        self.name_edit = QLineEdit()
        self.member_filter = QLineEdit()
        self.member_filter.setPlaceholderText("Filter people…")
        self.member_filter.setClearButtonEnabled(True)
        self.member_filter.textChanged.connect(self._filter_members)
        self.members = QListWidget()
        self.members.setMinimumHeight(220)
        members = QWidget()
        column = QVBoxLayout(members)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.member_filter)
        column.addWidget(self.members)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Members:", members)
        self._people: list[tuple[uuid.UUID, str, bool]] = []

    def load(self, session: Session) -> list[Any]:
        self._people = [
            (p.id, with_detail(p.name, p.username) + ("" if p.active else " — inactive"), p.active)
            for p in list_people(session)
        ]
        return list_groups(session)

    def fill(self, row: GroupRow | None) -> None:
        self.set_current(row)
        self.name_edit.setText(row.name if row else "")
        self._show_people(set(row.member_ids) if row else set())

    def after_load(self, rows: list[Any]) -> None:
        """The people just read are listed at once, ticks kept: on a register without
        groups nothing was selected after the first load, and the form for the first
        group listed nobody to tick until "New group" was pressed (found by a new
        user)."""
        current = set(self.current.member_ids) if self.current else set()
        self._show_people(set(self.checked_members()) if self.members.count() else current)

    def _show_people(self, members: set[uuid.UUID]) -> None:
        self.members.clear()
        for person_id, text, _active in self._people:
            item = QListWidgetItem(text)
            item.setData(IdRole, str(person_id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if person_id in members else Qt.CheckState.Unchecked
            )
            self.members.addItem(item)
        self._filter_members(self.member_filter.text())

    def _filter_members(self, text: str) -> None:
        for i in range(self.members.count()):
            item = self.members.item(i)
            item.setHidden(text.lower() not in item.text().lower())

    def checked_members(self) -> list[uuid.UUID]:
        return [
            uuid.UUID(self.members.item(i).data(IdRole))
            for i in range(self.members.count())
            if self.members.item(i).checkState() == Qt.CheckState.Checked
        ]

    def form_values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text(), "members": self.checked_members()}

    def save(self, session: Session, row: GroupRow | None, values: dict[str, Any]) -> uuid.UUID:
        if row is None:
            group = reference.create_group(session, name=values["name"])
            group_id, version = group.id, group.version
        else:
            group = reference.rename_group(
                session, group_id=row.id, expected_version=row.version, name=values["name"]
            )
            group_id, version = group.id, group.version
        reference.set_group_members(
            session, group_id=group_id, expected_version=version, person_ids=values["members"]
        )
        return group_id

    def delete(self, session: Session, row: GroupRow) -> None:
        reference.delete_group(session, group_id=row.id)
