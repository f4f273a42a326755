"""A pick list's first suggestion is the one Enter takes, and Tab takes the only one.

"Lapt" typed into Receive's Category while "Laptop" exists: the list offered "Laptop  ·
LAP" with nothing highlighted, so Enter closed it and kept "Lapt", and Tab left the field
with "'Lapt' is not a known category" and the button "Add the category 'Lapt'…" — a
near-duplicate of Laptop a key or two away, the existing name nowhere the keys went. Now
the list opens with a suggestion highlighted — the one the text names (a code typed or
scanned), else the first — and Enter takes it, as it takes a row chosen with the arrows;
Tab takes the only suggestion (with several, it leaves the text for the person to
choose). Escape closes the list and keeps the text as typed.

Keys reach the list, not the field, while it shows (Qt gives an open popup the keyboard),
so the list's keys are watched here, before the completer's own handling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QAbstractProxyModel, QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox


class FirstSuggestion(QObject):
    """Highlights ``combo``'s first (or named) suggestion; Tab takes an only suggestion.

    ``named_row``: the combo row the typed text names, or -1.
    """

    def __init__(self, combo: QComboBox, named_row: Callable[[], int]) -> None:
        super().__init__(combo)
        completer = combo.completer()
        assert completer is not None
        self._combo, self._completer, self._named_row = combo, completer, named_row
        popup = completer.popup()
        assert popup is not None
        self._popup: QAbstractItemView = popup
        # After the completer's own filter is installed: this one sees the keys first.
        self._popup.installEventFilter(self)
        # The suggestions are filtered again on every key: highlight once they are.
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
            return
        source = model.mapToSource(model.index(0, 0))
        self._combo.setCurrentIndex(source.row())
