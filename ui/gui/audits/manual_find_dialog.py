""" "Found without a readable label": search the asset, say why, record it as found.

Keyboard only: type to search (tag, serial, name, model, assignee, location), Down to the
list, Enter on the reason records it. The dialog only *chooses*; the scan screen stores.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.queries import AssetFilter, list_assets
from desktop.storage.database import Database

RESULT_LIMIT = 30


class ManualFindDialog(QDialog):
    """Signals:
    chosen(object, str): the asset id and the reason, when the user confirms.
    """

    chosen = Signal(object, str)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Found without a readable label")
        self._database = database
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tag, serial number, name, model, person or location")
        self.results = QListWidget(self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("e.g. label torn off, label faded, no label")
        self.message = QLabel("", self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record as found")
        self.ok_button.setEnabled(False)
        form = QFormLayout()
        form.addRow("&Search:", self.search)
        form.addRow("&Asset:", self.results)
        form.addRow("&Reason:", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self._run_search)
        self.results.currentItemChanged.connect(lambda *_: self._update_ok())
        self.reason.textChanged.connect(lambda _: self._update_ok())
        self.reason.returnPressed.connect(self._confirm)
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        self.resize(560, 420)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus() and self.results.count():
            self.results.setFocus()
            self.results.setCurrentRow(0)
            return
        super().keyPressEvent(event)

    def _run_search(self) -> None:
        self._debounce.stop()
        text = self.search.text().strip()
        self.results.clear()
        if len(text) < 2:
            self.message.setText("Type at least two characters.")
            return
        with self._database.read() as session:
            rows = list_assets(session, AssetFilter(search=text), limit=RESULT_LIMIT)
        for row in rows:
            item = QListWidgetItem(f"{row.tag}  —  {row.name}  ({row.location or 'no location'})")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        more = " (first 30)" if len(rows) == RESULT_LIMIT else ""
        self.message.setText(f"{len(rows)} assets{more}" if rows else "No asset matches.")
        if rows:
            self.results.setCurrentRow(0)
        self._update_ok()

    def _selected(self) -> uuid.UUID | None:
        item = self.results.currentItem()
        if item is None:
            return None
        asset_id: uuid.UUID = item.data(Qt.ItemDataRole.UserRole)
        return asset_id

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self._selected() is not None and bool(self.reason.text().strip()))

    def _confirm(self) -> None:
        asset_id = self._selected()
        if asset_id is None:
            self.message.setText("Choose the asset first.")
            return
        if not self.reason.text().strip():
            self.message.setText("Say why it has no readable label.")
            self.reason.setFocus()
            return
        self.chosen.emit(asset_id, self.reason.text().strip())
        self.accept()
