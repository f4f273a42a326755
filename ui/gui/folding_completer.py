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
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter

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


def fold_item_texts(combo: QComboBox, first: int = 0) -> None:
    """Store the folded text of ``combo``'s items from row ``first`` on."""
    for row in range(first, combo.count()):
        combo.setItemData(row, fold(combo.itemText(row)), FOLDED_ROLE)
