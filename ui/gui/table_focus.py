"""The register's table, reached from the keyboard (Tab from the search box) with no row
selected, selects its current row: a new user saw a current cell on row 1 with nothing
selected, pressed Down, and row 2 was the first row selected. Now row 1 is selected as
the table takes the focus, and Down goes on to row 2 from it.

Down in the search box goes to the results (a new user searched for a serial number,
pressed Down to reach the one result, and nothing happened; Tab goes on to the filters
first, the table eight Tabs away)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

#: Focus reasons of the keyboard: Tab, Shift+Tab, a shortcut or Alt letter. A click
#: selects its own row; a window coming back to the front keeps what was (not) selected.
KEYBOARD_REASONS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)


class SelectCurrentOnKeyboardFocus(QObject):
    """Installed on ``view``: when the keyboard gives it the focus and no row is
    selected, its current row (the first if none is current) is selected."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason() in KEYBOARD_REASONS
        ):
            # After the view's own focus-in, which makes a cell of row 1 current.
            QTimer.singleShot(0, self._select_current)
        return False

    def _select_current(self) -> None:
        view = self._view
        model, selection = view.model(), view.selectionModel()
        if model is None or selection is None or not view.hasFocus():
            return
        if selection.hasSelection() or model.rowCount() == 0:
            return  # a scan, a click or the saved selection came first: it stays
        current = selection.currentIndex()
        if not current.isValid():
            current = model.index(0, 0)
        selection.setCurrentIndex(
            current,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )


class DownToResults(QObject):
    """Installed on a search ``field``: Down (no modifier) moves the focus to ``view``
    when it shows rows, which selects its first row (see SelectCurrentOnKeyboardFocus)."""

    def __init__(self, field: QLineEdit, view: QAbstractItemView) -> None:
        super().__init__(field)
        self._view = view
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            model = self._view.model()
            if model is not None and model.rowCount() > 0:
                self._view.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
        return False
