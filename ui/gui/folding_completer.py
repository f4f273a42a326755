"""Pick lists that find a name as the search box does: accents and case ignored.

The register's search finds "Zürich office" for "zurich" (desktop.storage.folding); the
pick lists of the procedure form and of Start audit used Qt's own matching, which is
accent-sensitive, so "zurich" offered nothing there. A :class:`FoldingCompleter` matches
the typed text, folded, against each item's folded text (kept in :data:`FOLDED_ROLE`) and
still shows and inserts the item's own text.

One rule for every pick list (:class:`_FirstSuggestion`): the list opens with a
suggestion highlighted — the one the text names (a code typed or scanned), else the first
— and Enter takes it, as it takes a row chosen with the arrows; Tab takes the only
suggestion (with several, it leaves the text for the person to choose); Escape closes the
list and keeps the text as typed. The highlight shows what Enter will take. "stor" + Enter
under a list offering only "Storage  ·  STO" left "stor" in the field, which named nothing
("'stor' is not a known category"; in Settings, "bo" was saved as the signed-in person,
who does not exist, and every procedure was disabled); the procedure form then highlighted
its first suggestion while Settings, Start audit, the filter bar and the import's default
fields took a suggestion on Enter only when the list showed exactly one — the same keys
did different things by place, and with several Enter took nothing, silently.

The list stays against its field (:class:`_KeepAgainstField`): Qt places it under the
field when it filters, and choosing a category rebuilds the form, whose layout squeezed
the rows for a moment while the list was placed — it then covered the typed text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QCompleter, QLineEdit, QWidget
from shiboken6 import isValid

from desktop.storage.folding import fold

#: The item data role holding an item's folded text (what the completer matches).
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 40

#: Between a choice's name and its detail (code, user name) as every list shows them
#: (desktop.wording.with_detail), and before a person's roles (Settings).
_PARTS = re.compile(r"  ·  | — ")


class FoldingCompleter(QCompleter):
    """Popup completion on any part of an item's text, accents and case ignored; the
    list opens with a suggestion highlighted, which Enter takes (module docstring).

    ``named_row``: the row of ``model`` the typed text names, or -1 (the procedure form
    and Start audit know codes, paths and short names); by default the row whose whole
    text, name or detail (code, user name) is the text typed, when only one has it.
    """

    def __init__(
        self,
        model: QAbstractItemModel,
        parent: QObject | None = None,
        named_row: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(model, parent)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        # Down on the last suggestion (Up on the first) keeps it highlighted: Qt's wrap
        # took the highlight off — "Down, Enter" under one suggestion took nothing.
        self.setWrapAround(False)
        _KeepAgainstField(self)
        _FirstSuggestion(self, named_row or self._row_named_by_its_text)

    def splitPath(self, path: str) -> list[str]:
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        return "" if text is None else str(text)

    def _row_named_by_its_text(self) -> int:
        typed = fold(self.completionPrefix().strip())
        model = self.model()
        if not typed or model is None:
            return -1
        parts: list[int] = []
        for row in range(model.rowCount()):
            text = model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
            if text is None:
                continue
            if fold(str(text)) == typed:
                return row
            if typed in (fold(part.strip()) for part in _PARTS.split(str(text))):
                parts.append(row)
        return parts[0] if len(parts) == 1 else -1


class _FirstSuggestion(QObject):
    """Highlights ``completer``'s named (else first) suggestion whenever the suggestions
    are filtered again, so Enter takes it; Tab takes an only suggestion.

    Keys reach the list, not the field, while it shows (Qt gives an open popup the
    keyboard): the list's keys are watched here, before the completer's own handling
    (which, on Enter, completes the highlighted row and else only closes the list).
    """

    def __init__(self, completer: QCompleter, named_row: Callable[[], int]) -> None:
        super().__init__(completer)
        self._completer, self._named_row = completer, named_row
        popup = completer.popup()
        assert popup is not None
        self._popup: QAbstractItemView = popup
        # After the completer's own filter (installed as popup() made the list): the
        # last filter installed runs first, so Tab is seen here before the completer's.
        self._popup.installEventFilter(self)
        completer.completionModel().modelReset.connect(self._highlight)

    def _suggestions(self) -> QAbstractProxyModel:
        return cast(QAbstractProxyModel, self._completer.completionModel())

    def _highlight(self) -> None:
        model = self._suggestions()
        if model.rowCount() == 0:
            return
        row, named = 0, self._named_row()
        if named >= 0:
            for candidate in range(model.rowCount()):
                if model.mapToSource(model.index(candidate, 0)).row() == named:
                    row = candidate
                    break
        selection = self._popup.selectionModel()
        # Quietly: a highlighted suggestion replaces the text only when Enter takes it
        # (the completer writes the highlighted row into the field as it changes).
        blocked = selection.blockSignals(True)
        try:
            selection.setCurrentIndex(
                model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            selection.blockSignals(blocked)
        self._popup.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._popup
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self._popup.isVisible()
        ):
            self._take_the_only_suggestion()
        return False  # the completer closes the list and Tab moves on as ever

    def _take_the_only_suggestion(self) -> None:
        model = self._suggestions()
        if model.rowCount() != 1 or self._named_row() >= 0:
            return  # a named row: the field's own reading of the text stands
        index = model.index(0, 0)
        field = self._completer.widget()
        if isinstance(field, QComboBox):
            field.setCurrentIndex(model.mapToSource(index).row())
        elif isinstance(field, QLineEdit):
            field.setText(self._completer.pathFromIndex(index))


class _KeepAgainstField(QObject):
    """Places ``completer``'s open list under its field again when the field moves or
    changes size (or above it, when the screen has no room below), as Qt places it when
    it opens: the list never hides the text being typed.

    Qt places the list only when the suggestions are filtered. Typing "lap" into Receive's
    Category chose Laptop, the form rebuilt the category's fields and the list was placed
    while the layout had the rows squeezed (the field 18 px high, 8 px higher); the rows
    then took their height back and the list stayed where it was, over the field.
    """

    _GEOMETRY = (QEvent.Type.Move, QEvent.Type.Resize)

    def __init__(self, completer: QCompleter) -> None:
        super().__init__(completer)
        self._completer = completer
        popup = completer.popup()
        assert popup is not None
        self._popup: QWidget = popup
        self._watched: list[QWidget] = []
        popup.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._popup:
            if kind == QEvent.Type.Show:
                self._watch()
                self._place()
            elif kind == QEvent.Type.Hide:
                self._unwatch()
        elif kind in self._GEOMETRY and self._popup.isVisible():
            self._place()
        return False

    def _watch(self) -> None:
        """Watch the field and the widgets holding it up to its window: any of them moving
        or changing size moves the field on the screen."""
        self._unwatch()
        widget: QWidget | None = self._completer.widget()
        while widget is not None:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = None if widget.isWindow() else widget.parentWidget()

    def _unwatch(self) -> None:
        for widget in self._watched:
            if isValid(widget):  # a closed dialog's fields may be gone
                widget.removeEventFilter(self)
        self._watched.clear()

    def _place(self) -> None:
        field = self._completer.widget()
        screen = field.screen() if field is not None else None
        if field is None or screen is None:
            return
        area = screen.availableGeometry()
        # As Qt does: the list's top on the field's bottom frame, as wide as the field.
        top_left = field.mapToGlobal(QPoint(0, 0))
        below = top_left.y() + field.height() - 2
        width = min(field.width(), area.width())
        x = max(area.left(), min(top_left.x(), area.right() + 1 - width))
        height = self._popup.height()
        room_below = area.bottom() - below
        room_above = top_left.y() - area.top()
        if height <= room_below or room_below >= room_above:
            y, height = below, min(height, room_below)
        else:  # the list's bottom on the field's top
            height = min(height, room_above)
            y = top_left.y() - height
        place = QRect(x, y, width, height)
        if self._popup.geometry() != place:
            self._popup.setGeometry(place)


def fold_item_texts(combo: QComboBox, first: int = 0) -> None:
    """Store the folded text of ``combo``'s items from row ``first`` on."""
    for row in range(first, combo.count()):
        combo.setItemData(row, fold(combo.itemText(row)), FOLDED_ROLE)
