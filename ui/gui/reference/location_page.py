"""Locations: the tree site › building › floor › room › rack; drag a location to move it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
    QWidget,
)

from desktop.services import reference
from desktop.services.reference_queries import LocationRow, list_locations
from desktop.storage.database import Database
from ui.gui.reference.jobs import DialogJobs
from ui.gui.reference.list_import import LOCATIONS, ListImport
from ui.gui.reference.location_tree_model import LocationTreeModel
from ui.gui.reference.record_page import RecordPage

#: The kind a new location inside a location of each kind usually is.
CHILD_KIND = {"site": "building", "building": "floor", "floor": "room", "room": "rack"}


class LocationsPage(RecordPage):
    noun = "location"

    def __init__(self, database: Database, jobs: DialogJobs, parent: QWidget | None = None) -> None:
        self._new_parent: uuid.UUID | None = None
        #: The location just created and highlighted, while the form waits for the next.
        self._just_created: uuid.UUID | None = None
        super().__init__(database, jobs, parent)
        self.tree_model = LocationTreeModel(self)
        self.tree_model.move_requested.connect(self.move_location)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        # DragDrop rather than InternalMove: the model accepts only location ids anyway.
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 0px; }")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.setToolTip(
            "Drag a location onto another to move it there (or onto the empty area: top level)"
        )
        self.tree.selectionModel().currentChanged.connect(
            lambda current, _previous: self._tree_selected(current)
        )
        self.list_layout.replaceWidget(self.table, self.tree)
        self.table.hide()
        self.filter_edit.hide()
        # Any kind may be at the top level (a small office's "Room 101" is no site): the
        # button says where the new location goes, the Kind says what it is.
        self.new_button.setText("New at &top level")  # &Save is Alt+S
        self.new_button.setToolTip(
            "A new location with nothing above it: a site, or a room, a building… (Kind)"
        )
        self.inside_button = QPushButton("New &inside")
        self.inside_button.setToolTip("A new location inside the selected one")
        self.inside_button.clicked.connect(self.start_new_inside)
        self.list_buttons.insertWidget(1, self.inside_button)
        # A list of places from another tool (Snipe-IT's or GLPI's locations export).
        self.list_import = ListImport(self, LOCATIONS)
        self.import_button = self.list_import.button(
            "Add the places a spreadsheet or CSV file lists: a Name a row, with a Parent "
            "column or a path (Site > Building > Room); Kind and Code when given"
        )
        self.list_buttons.insertWidget(3, self.import_button)

    def set_read_only(self, reason: str) -> None:
        super().set_read_only(reason)
        self.tree.setDragEnabled(False)  # a drop would move the location
        self.tree.setAcceptDrops(False)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.tree.setToolTip(reason)

    def build_form(self, form: QFormLayout) -> None:
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        for kind in reference.LOCATION_KINDS:
            self.kind_combo.addItem(kind.capitalize(), kind)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("printed on the location label; generated if empty")
        form.addRow("Inside:", self.path_label)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Kind:", self.kind_combo)
        self.kind_hint = QLabel()
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("", self.kind_hint)
        # Until the person picks a kind, a new location's name that starts with one
        # ("Room 101", "Rack 3") says it: a top-level room is not made a site unasked.
        self._kind_picked = False
        self.kind_combo.activated.connect(self._kind_was_picked)
        self.name_edit.textEdited.connect(self._name_edited)
        form.addRow("&Code:", self.code_edit)

    def _kind_was_picked(self) -> None:
        self._kind_picked = True
        self._say_kind()

    def _name_edited(self, name: str) -> None:
        if self.current is not None or self._kind_picked:
            return
        first = name.strip().split(" ", 1)[0].lower()
        if first in reference.LOCATION_KINDS:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(first))
        self._say_kind()

    def _say_kind(self) -> None:
        """Under Kind, for a new top-level location: that any kind may be at the top."""
        new_top = self.current is None and self._new_parent is None
        kind = self.kind_combo.currentText().lower()
        self.kind_hint.setText(
            f"A new {kind} with nothing above it. A room, a building or a rack may be at "
            "the top level too: choose its Kind."
            if new_top
            else ""
        )
        self.kind_hint.setVisible(new_top)

    def load(self, session: Session) -> list[Any]:
        return list_locations(session)

    def _loaded(self, rows: list[Any]) -> None:
        self.tree_model.set_rows(rows)
        self.tree.expandAll()
        created, self._created = self._created, None
        if created is not None:
            self.ready_for_next(created)
            return
        wanted = self._select_after_load
        if wanted is not None and self.tree_model.index_of(wanted).isValid():
            self.tree.setCurrentIndex(self.tree_model.index_of(wanted))
        elif self.current is not None:
            self.fill(None)

    def ready_for_next(self, created: uuid.UUID) -> None:
        """After a create: a new location in the same place and of the same kind (the
        rooms of a floor are entered one after another); the one made is highlighted in
        the tree and selecting it edits it."""
        parent, kind, picked = self._new_parent, self.kind_combo.currentData(), self._kind_picked
        selection = self.tree.selectionModel()
        selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        self.start_new()
        if parent is not None and self.tree_model.index_of(parent).isValid():
            self._new_parent = parent
            self.path_label.setText(self.tree_model.path(parent))
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self._kind_picked = picked
        self._say_kind()
        index = self.tree_model.index_of(created)
        if index.isValid():
            selection.select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.tree.scrollTo(index)
            # The one made is highlighted: "New inside" goes inside it (a site made, then
            # its rooms). It was greyed beside the highlighted row (newuser13).
            self._just_created = created
            self.inside_button.setEnabled(True)
            self.inside_button.setToolTip(
                f"A new location inside '{self.tree_model.path(created)}', the one just made"
            )

    def _tree_selected(self, index: QModelIndex) -> None:
        row = self.tree_model.location(index)
        if row is not None and self._keep_edits_for(row):
            self.current = row
            return
        self.fill(row)

    def start_new(self) -> None:
        self._new_parent = None
        self.tree.clearSelection()
        self.fill(None)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData("site"))
        self._say_kind()
        self.name_edit.setFocus()

    def start_new_inside(self) -> None:
        parent = self.current
        if parent is None and self._just_created is not None:
            parent = self.tree_model.location(self.tree_model.index_of(self._just_created))
        self.start_new()
        if parent is not None:
            self._new_parent = parent.id
            self.path_label.setText(self.tree_model.path(parent.id))
            kind = CHILD_KIND.get(parent.kind, "room")
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
            self._say_kind()

    def fill(self, row: LocationRow | None) -> None:
        self._just_created = None
        self.set_current(row)
        self.path_label.setText(
            self.tree_model.path(row.parent_id) if row and hasattr(self, "tree_model") else ""
        )
        self.path_label.setText(self.path_label.text() or "(top level)")
        self.name_edit.setText(row.name if row else "")
        # A new location at the top level is a site by default (the page
        # opened on "(top level)" with Kind: Room, and "New site" then said Site).
        new_kind = "site" if self._new_parent is None else "room"
        self.kind_combo.setCurrentIndex(
            max(self.kind_combo.findData(row.kind if row else new_kind), 0)
        )
        self.code_edit.setText(row.code if row else "")
        self._kind_picked = False
        self._say_kind()
        if hasattr(self, "inside_button"):
            self.inside_button.setEnabled(row is not None)
            self.inside_button.setToolTip("A new location inside the selected one")

    def title_for(self, row: Any) -> str:
        return "New location" if row is None else f"{row.name} ({row.kind})"

    def form_values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text(),
            "kind": self.kind_combo.currentData(),
            "code": self.code_edit.text(),
        }

    def save(self, session: Session, row: LocationRow | None, values: dict[str, Any]) -> uuid.UUID:
        if row is None:
            return reference.create_location(
                session,
                name=values["name"],
                kind=values["kind"],
                code=values["code"] or None,
                parent_id=self._new_parent,
            ).id
        return reference.update_location(
            session, location_id=row.id, expected_version=row.version, **values
        ).id

    def delete(self, session: Session, row: LocationRow) -> None:
        reference.delete_location(session, location_id=row.id)

    def move_location(self, location_id: uuid.UUID, new_parent_id: uuid.UUID | None) -> None:
        """Record a drag: the location now lies below ``new_parent_id``."""
        row = self.tree_model.location(self.tree_model.index_of(location_id))
        version = row.version if row else None
        where = self.tree_model.path(new_parent_id) or "the top level"
        name = row.name if row else "the location"

        def moved(_: Any) -> None:
            self.changed.emit()
            self.reload(select=location_id)
            self.jobs.when_idle(lambda: self.show_message(f"Moved '{name}' to {where}.", ok=True))

        self.run(
            lambda session: (
                reference.move_location_checked(
                    session,
                    location_id=location_id,
                    new_parent_id=new_parent_id,
                    expected_version=version,
                ).id
            ),
            moved,
            write=True,
        )
