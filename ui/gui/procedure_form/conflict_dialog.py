"""Someone changed the asset while the form was open: show both values, let the user
re-apply theirs over the new version or discard them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ConflictError


class ConflictDialog(QDialog):
    """``accepted`` means re-apply, ``rejected`` means discard."""

    def __init__(self, error: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Changed by someone else")
        self.error = error
        intro = QLabel(
            f"<b>{error.subject[:1].upper()}{error.subject[1:]} was changed by someone else</b> "
            f"while you filled in the form (you started from version {error.expected_version}; "
            f"it is now version {error.current_version}).<br>"
            "Compare the values, then re-apply yours on top of the new version or discard them."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(error.conflicts), 3)
        self.table.setHorizontalHeaderLabels(["Field", "Your value", "Now in the database"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, conflict in enumerate(error.conflicts):
            for column, text in enumerate(
                (conflict.field, str(conflict.yours or "—"), str(conflict.theirs or "—"))
            ):
                item = QTableWidgetItem(text)
                if column and conflict.yours != conflict.theirs:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setVisible(bool(error.conflicts))
        rows_height = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(
            rows_height + self.table.horizontalHeader().sizeHint().height() + 4
        )
        buttons = QDialogButtonBox()
        self.reapply_button = QPushButton("&Re-apply my values")
        self.reapply_button.setToolTip("Record the procedure again against the new version")
        self.discard_button = QPushButton("&Discard my changes")
        buttons.addButton(self.reapply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())
        self.reapply_button.setDefault(True)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as the user reads it: field, yours, theirs."""
        rows = []
        for r in range(self.table.rowCount()):
            field, yours, theirs = (self._text(r, c) for c in range(3))
            rows.append((field, yours, theirs))
        return rows

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""
