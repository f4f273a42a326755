"""The search box and filters above the asset table.

Signals:
    filter_changed(object): the :class:`AssetFilter` to show, after each change (keys that
        arrive together, such as a paste, make one change; the model interrupts a search
        that the next key has made stale, so typing needs no longer delay).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from desktop.domain.lifecycle import STATUS_LABELS
from desktop.services.register_rows import AssetFilter
from desktop.storage.database import Database
from desktop.storage.folding import fold
from ui.gui.folding_completer import FOLDED_ROLE, FoldingCompleter
from ui.gui.worker import Progress, Worker

#: Coalesces keys that arrive together (a paste, released held keys): the next turn of the
#: event loop. Longer is not needed: a stale search is interrupted, not waited for.
SEARCH_DELAY_MS = 0
ANY = "any"


@dataclass(frozen=True)
class FilterChoices:
    """What the drop-downs offer (read on a worker thread after start-up)."""

    categories: list[tuple[uuid.UUID, str]]
    locations: list[tuple[uuid.UUID, str, int]]  # id, name, depth in the tree
    people: list[tuple[uuid.UUID, str]]
    groups: list[tuple[uuid.UUID, str]]


def read_filter_choices(database: Database) -> FilterChoices:
    # The models import the ORM: read on a worker after the window's first paint.
    from desktop.storage.models import Category, Group, Location, Person

    with database.read() as session:
        categories = [
            (i, n)
            for i, n in session.execute(select(Category.id, Category.name).order_by(Category.name))
        ]
        rows = list(session.execute(select(Location.id, Location.parent_id, Location.name)))
        people = [
            (i, n)
            for i, n in session.execute(
                select(Person.id, Person.name).where(Person.active).order_by(Person.name)
            )
        ]
        groups = [
            (i, n) for i, n in session.execute(select(Group.id, Group.name).order_by(Group.name))
        ]
    children: dict[Any, list[tuple[uuid.UUID, str]]] = {}
    for location_id, parent_id, name in rows:
        children.setdefault(parent_id, []).append((location_id, name))
    locations: list[tuple[uuid.UUID, str, int]] = []

    def walk(parent: Any, depth: int) -> None:
        for location_id, name in sorted(children.get(parent, []), key=lambda c: c[1]):
            locations.append((location_id, name, depth))
            walk(location_id, depth + 1)

    walk(None, 0)
    return FilterChoices(categories, locations, people, groups)


class ChoiceModel(QAbstractListModel):
    """A drop-down's entries: "everything" first, then (id, text) pairs. Filled in one go
    (a register with 50,000 people fills its "Assigned to" list in about a millisecond;
    50,000 ``addItem`` calls hold the window for ~200 ms)."""

    def __init__(self, everything: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Any, str]] = [(ANY, everything)]
        self._folded: dict[int, str] = {}  # row → folded text, made when first asked

    def set_choices(self, choices: list[tuple[Any, str]]) -> None:
        self.beginResetModel()
        self._rows = [self._rows[0], *choices]
        self._folded.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value, text = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == FOLDED_ROLE:  # what a FoldingCompleter matches typed text against
            row = index.row()
            if row not in self._folded:
                self._folded[row] = fold(text)
            return self._folded[row]
        return None


class FilterBar(QWidget):
    filter_changed = Signal(object)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._filter = AssetFilter()
        self._loader: Worker | None = None

        self.search = QLineEdit()
        # Short enough that "(Ctrl+F)" shows in the box on a 1280 × 720 screen (the
        # whole list cut it off: "… person or location (…"); the tooltip says all.
        self.search.setPlaceholderText("Search tag, serial, name, person…  (Ctrl+F)")
        self.search.setToolTip(
            "Search the tag, serial number, name, model, assigned person or location (Ctrl+F)"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)  # the window fits a 1024-pixel-wide screen
        self.status = self._combo("Status", "All statuses")
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status.value)
        self.category = self._choice_combo("Category", "All categories")
        self.location = self._choice_combo("Location (with everything below it)", "All locations")
        self.assignee = self._choice_combo("Assigned to", "Anyone")
        self.assignee.setEditable(True)
        self.assignee.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # Any part of a name, accents ignored as in the search ("joao" offers "João").
        self.assignee.setCompleter(FoldingCompleter(self.assignee.model(), self.assignee))
        self.group = self._choice_combo("Owning group", "All groups")
        self.overdue = self._toggle(
            "Overdue for audit", "Active assets whose audit interval has passed"
        )
        self.warranty = self._toggle("Warranty ≤ 90 days", "Warranty ends in the next 90 days")
        self.clear = QToolButton()
        self.clear.setText("Clear")
        self.clear.setToolTip("Show every asset again")
        self.clear.clicked.connect(self.clear_filters)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(6)
        layout.addWidget(self.search, 3)
        for widget in (self.status, self.category, self.location, self.assignee, self.group):
            layout.addWidget(widget, 1)
        for button in (self.overdue, self.warranty, self.clear):
            layout.addWidget(button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.status, self.category, self.location, self.assignee, self.group):
            combo.currentIndexChanged.connect(self._emit)
        self.overdue.toggled.connect(self._emit)
        self.warranty.toggled.connect(self._emit)

    @property
    def current_filter(self) -> AssetFilter:
        return self._filter

    def chosen_names(self) -> dict[uuid.UUID, str]:
        """The names the drop-downs show for what they filter by, by id: for the filter in
        words (``AssetFilter.describe``) - "category Laptop", not "1 categories"."""
        names = {}
        for combo in (self.category, self.location, self.assignee, self.group):
            value = combo.currentData()
            if isinstance(value, uuid.UUID):
                names[value] = combo.currentText().split("  ·  ")[0].strip()
        return names

    def expect_key(self, text: str) -> None:
        """Start the search the search box will ask for once ``text``, a key press held
        back by the scanner detector, reaches it: the rows are read while the detector
        waits to see whether a scan follows. If one does, :meth:`settle` goes back."""
        box = self.search
        if box.hasSelectedText():
            start = box.selectionStart()
            end = start + len(box.selectedText())
        else:
            start = end = box.cursorPosition()
        typed = box.text()[:start] + text + box.text()[end:]
        self._emit(search=typed)

    def settle(self) -> None:
        """Show what the filters say (after :meth:`expect_key` expected a key that a scan
        took instead)."""
        self._emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def load_choices(self) -> Worker:
        """Fill the drop-downs from the database on a worker thread."""
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> FilterChoices:
            return read_filter_choices(database)

        worker = Worker(job, self)
        # Only the latest read fills the lists (an earlier one may answer after it).
        worker.succeeded.connect(
            lambda choices: self._fill(choices) if worker is self._loader else None
        )
        self._loader = worker
        worker.start()
        return worker

    def set_database(self, database: Database) -> None:
        """Offer the choices of another database (the filters are cleared)."""
        self.shutdown()
        self._database = database
        for combo in (self.category, self.location, self.assignee, self.group):
            combo.blockSignals(True)
            _choices(combo).set_choices([])
            combo.blockSignals(False)
        self.clear_filters()
        self.load_choices()

    def clear_filters(self) -> None:
        for widget in (self.status, self.category, self.location, self.assignee, self.group):
            widget.blockSignals(True)
            widget.setCurrentIndex(0)
            widget.blockSignals(False)
        for button in (self.overdue, self.warranty):
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._emit()

    def shutdown(self) -> None:
        if self._loader is not None and self._loader.is_running:
            self._loader.wait()

    # -- internals -------------------------------------------------------------------

    def _combo(self, tooltip: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(tooltip)
        combo.addItem(everything, ANY)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(5)
        return combo

    def _choice_combo(self, tooltip: str, everything: str) -> QComboBox:
        combo = self._combo(tooltip, everything)
        combo.setModel(ChoiceModel(everything, combo))
        return combo

    def _toggle(self, text: str, tooltip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tooltip)
        button.setCheckable(True)
        return button

    def _fill(self, choices: object) -> None:
        """The lists as read: what each filters by stays chosen (read again after an
        import, a procedure or F5, they had kept the people, categories and locations of
        the window's start: after a first import "Anyone" offered nobody, newuser18); one
        that is gone shows everything again."""
        assert isinstance(choices, FilterChoices)
        locations = [(i, "    " * depth + name) for i, name, depth in choices.locations]
        gone = False
        for combo, items in (
            (self.category, choices.categories),
            (self.location, locations),
            (self.assignee, choices.people),
            (self.group, choices.groups),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            _choices(combo).set_choices(list(items))
            # (by equality: findData compares the ids read anew as different objects)
            index = next((i for i in range(combo.count()) if combo.itemData(i) == chosen), 0)
            gone = gone or (index == 0 and chosen not in (None, ANY))
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        if gone:
            self._emit()

    def _emit(self, *, search: str | None = None) -> None:
        def chosen(combo: QComboBox) -> Any:
            value = combo.currentData()
            return None if value == ANY else value

        status = chosen(self.status)
        category = chosen(self.category)
        flt = replace(
            self._filter,
            search=(self.search.text() if search is None else search).strip(),
            statuses=(status,) if status else (),
            category_ids=(category,) if category else (),
            location_id=chosen(self.location),
            assigned_to_id=chosen(self.assignee),
            owning_group_id=chosen(self.group),
            overdue_audit=self.overdue.isChecked(),
            warranty_within_days=90 if self.warranty.isChecked() else None,
        )
        if flt != self._filter:
            self._filter = flt
            self.filter_changed.emit(flt)


def _choices(combo: QComboBox) -> ChoiceModel:
    model = combo.model()
    assert isinstance(model, ChoiceModel)
    return model
