"""Pick lists that find a name as the search box does: accents and case ignored.

The register's search finds "Zürich office" for "zurich" (desktop.storage.folding); the
pick lists of the procedure form and of Start audit used Qt's own matching, which is
accent-sensitive, so "zurich" offered nothing there. A :class:`FoldingCompleter` matches
the typed text, folded, against each item's folded text (kept in :data:`FOLDED_ROLE`) and
still shows and inserts the item's own text.

Enter while the list shows exactly one suggestion takes it: "stor" + Enter under a list
offering only "Storage  ·  STO" left "stor" in the field, which named nothing ("'stor' is
not a known category", with a button to add a category of that name; in Settings, "bo"
was saved as the signed-in person, who does not exist, and every procedure was disabled).

The list stays against its field (:class:`_KeepAgainstField`): Qt places it under the
field when it filters, and choosing a category rebuilds the form, whose layout squeezed
the rows for a moment while the list was placed — it then covered the typed text.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget
from shiboken6 import isValid

from desktop.storage.folding import fold

#: The item data role holding an item's folded text (what the completer matches).
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 40


class FoldingCompleter(QCompleter):
    """Popup completion on any part of an item's text, accents and case ignored."""

    def __init__(self, model: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(model, parent)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        _KeepAgainstField(self)

    def splitPath(self, path: str) -> list[str]:
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        return "" if text is None else str(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the open list with no row highlighted takes its one suggestion (Qt
        only closes the list then, leaving the typed part in the field)."""
        popup = self.popup()
        if (
            watched is popup
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and popup.isVisible()
            and not popup.currentIndex().isValid()
            and self.completionCount() == 1
        ):
            popup.setCurrentIndex(self.completionModel().index(0, 0))
        return super().eventFilter(watched, event)


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
