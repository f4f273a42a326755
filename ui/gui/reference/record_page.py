"""One page of the reference data dialog: a filterable list beside an edit form.

Subclasses say what the rows are, how the form shows one, and which service call saves
or deletes it; this class runs those calls on workers, shows refusals and conflicts,
and reloads the list afterwards.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ConflictError, DesktopError, ValidationError
from desktop.services.reference import administer
from desktop.storage.database import Database
from ui.gui.reference.jobs import DialogJobs
from ui.gui.reference.record_table_model import Column, RecordTableModel, RowRole, SortRole
from ui.gui.worker import Progress

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b7f3b;"


class RecordPage(QWidget):
    """Signals:
    changed(): something was saved or deleted (other pages may show it).
    """

    changed = Signal()
    #: Words for messages and buttons ("location", "category", ...).
    noun = "record"
    plural = ""
    #: The share of the page's width the edit form gets at first.
    form_share = 0.4
    columns: Sequence[Column] = ()

    def __init__(self, database: Database, jobs: DialogJobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.jobs = jobs
        self.actor = ""  # the user name of the person editing (set by the dialog)
        self.current: Any = None  # the row being edited; None while creating a new one
        self.read_only_reason = ""  # why edits are not taken here (a field kit), if so
        self._select_after_load: uuid.UUID | None = None
        self._created: uuid.UUID | None = None  # shown in the list after the reload

        self.model = RecordTableModel(self.columns, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(SortRole)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(f"Filter {self.plural or self.noun + 's'}…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(self.fontMetrics().height() + 6)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(lambda current, _previous: self._selected(current))

        self.new_button = QPushButton(f"Ne&w {self.noun}")  # &Name: is the form's
        self.new_button.clicked.connect(self.start_new)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip(f"Delete the {self.noun} (only while nothing uses it)")
        self.delete_button.clicked.connect(self.delete_current)

        self.form_box = QGroupBox()
        self.form = QFormLayout(self.form_box)
        self.build_form(self.form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_current)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setToolTip("Show the saved values again")
        self.revert_button.clicked.connect(lambda: self.fill(self.current))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.table, 1)
        # The buttons sit on bars so that a read-only page (a field kit) disables them
        # whatever a row's selection enables.
        self.list_button_bar = QWidget()
        row = QHBoxLayout(self.list_button_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        left_layout.addWidget(self.list_button_bar)
        self.list_layout, self.list_buttons = left_layout, row
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.form_box)
        right_layout.addWidget(self.message)
        self.form_button_bar = QWidget()
        buttons = QHBoxLayout(self.form_button_bar)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        right_layout.addWidget(self.form_button_bar)
        right_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([int(1000 * (1 - self.form_share)), int(1000 * self.form_share)])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.fill(None)

    # -- what subclasses provide ----------------------------------------------------

    def load(self, session: Session) -> list[Any]:
        raise NotImplementedError

    def build_form(self, form: QFormLayout) -> None:
        raise NotImplementedError

    def fill(self, row: Any) -> None:
        """Show ``row`` in the form (None: an empty form for a new one)."""
        raise NotImplementedError

    def form_values(self) -> dict[str, Any]:
        """The form's values, read on the GUI thread before saving."""
        raise NotImplementedError

    def save(self, session: Session, row: Any, values: dict[str, Any]) -> uuid.UUID:
        """Create (row is None) or update; runs on a worker inside a transaction."""
        raise NotImplementedError

    def delete(self, session: Session, row: Any) -> None:
        raise NotImplementedError

    def title_for(self, row: Any) -> str:
        return f"New {self.noun}" if row is None else str(row.name)

    # -- behaviour -----------------------------------------------------------------

    def set_read_only(self, reason: str) -> None:
        """Show the records but take no edits (a field kit): every edit control is
        disabled and says ``reason`` as its tooltip."""
        self.read_only_reason = reason
        for bar in (self.list_button_bar, self.form_box, self.form_button_bar):
            bar.setEnabled(False)
            bar.setToolTip(reason)
        buttons = self.list_button_bar.findChildren(QPushButton)
        for button in [*buttons, self.save_button, self.revert_button]:
            button.setToolTip(reason)

    def reload(self, select: uuid.UUID | None = None) -> None:
        self._select_after_load = select or (self.current.id if self.current else None)
        self.run(lambda session: self.load(session), self._loaded, write=False)

    def _loaded(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.after_load(rows)
        created, self._created = self._created, None
        if created is not None:
            self.ready_for_next(created)
            return
        wanted = self._select_after_load
        if wanted is not None:
            source_row = self.model.row_of(wanted)
            if source_row >= 0:
                index = self.proxy.mapFromSource(self.model.index(source_row, 0))
                self.table.selectRow(index.row())
                return
        if self.current is not None:
            self.fill(None)

    def after_load(self, rows: list[Any]) -> None:
        """Hook: other widgets of the page that depend on the rows."""

    def _selected(self, index: Any) -> None:
        row = self.proxy.data(index, RowRole) if index.isValid() else None
        if row is not None and self._keep_edits_for(row):
            self.current = row  # the newer version, for saving the user's values over it
            return
        self.fill(row)

    def _keep_edits_for(self, row: Any) -> bool:
        return (
            self.message.property("conflict") is True
            and self.current is not None
            and row.id == self.current.id
        )

    def start_new(self) -> None:
        self.table.clearSelection()
        self.table.setCurrentIndex(self.proxy.index(-1, -1))
        self.fill(None)

    def ready_for_next(self, created: uuid.UUID) -> None:
        """After a create: the form is empty for the next record (a list is entered one
        after another), the one just made is highlighted in the list and selecting it
        edits it. The form kept showing the created record once, and the next name typed
        after Alt+N renamed it."""
        self.start_new()
        source_row = self.model.row_of(created)
        if source_row >= 0:
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            # Selected but not current: a click on it makes it current, and so edits it.
            self.table.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
        self.focus_first_field()

    def focus_first_field(self) -> None:
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def set_current(self, row: Any) -> None:
        """Subclasses' ``fill`` calls this first."""
        self.current = row
        self.form_box.setTitle(self.title_for(row))
        self.delete_button.setEnabled(row is not None)
        self.show_message("")

    def save_current(self) -> None:
        try:
            values = self.form_values()
        except DesktopError as exc:
            self.show_message(exc.message, error=True)
            return
        row = self.current
        name = str(values.get("name") or "").strip()
        self.run(
            lambda session: self.save(session, row, values),
            lambda saved_id: self._saved(saved_id, created=row is None, name=name),
            write=True,
        )

    def _saved(self, saved_id: uuid.UUID, *, created: bool, name: str = "") -> None:
        self.changed.emit()
        self.message.setProperty("conflict", False)
        self.current = None
        if created:
            self._created = saved_id
            self.reload()
            said = (
                f"Created '{name}'." if name else "Created."
            ) + f" Enter the next {self.noun} here, or select it to change it."
            self.jobs.when_idle(lambda: self.show_message(said, ok=True))
            return
        self.reload(select=saved_id)
        self.jobs.when_idle(lambda: self.show_message("Saved.", ok=True))

    def delete_current(self) -> None:
        row = self.current
        if row is None:
            return
        self.run(
            lambda session: self.delete(session, row), lambda _: self._deleted(row), write=True
        )

    def _deleted(self, row: Any) -> None:
        self.changed.emit()
        self.current = None
        self.reload()
        self.jobs.when_idle(lambda: self.show_message(f"Deleted '{row.name}'.", ok=True))

    def run(
        self, work: Callable[[Session], Any], on_success: Callable[[Any], None], *, write: bool
    ) -> None:
        database, actor = self.database, self.actor

        def job(progress: Progress, cancel: threading.Event) -> Any:
            with administer(database, actor) if write else database.read() as session:
                return work(session)

        self.jobs.start(job, on_success, self._failed)

    def _failed(self, error: DesktopError) -> None:
        if isinstance(error, ConflictError):
            details = "; ".join(
                f"{c.field}: yours '{c.yours}', now '{c.theirs}'" for c in error.conflicts
            )
            self.show_message(
                f"{error.subject[:1].upper()}{error.subject[1:]} was changed by someone else "
                f"meanwhile ({details or 'its membership or roles'}). Save again to apply your "
                "values over theirs, or Revert to see theirs.",
                error=True,
            )
            self.message.setProperty("conflict", True)
            self.reload()
            return
        if isinstance(error, ValidationError):
            self.show_message("\n".join(p.message for p in error.problems), error=True)
            return
        self.show_message(error.message, error=True)

    def show_message(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        if not error:
            self.message.setProperty("conflict", False)
        self.message.setText(("✖ " if error else "✔ " if ok else "") + text if text else "")
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE if ok else "")
