"""Start an audit: a name, a scope (a location and everything below it), some categories."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.audits import (
    AuditSummary,
    category_choices,
    location_choices,
    start_audit,
)
from desktop.storage.database import Database
from desktop.storage.folding import fold
from desktop.wording import with_detail
from ui.gui.audits.jobs import JobList
from ui.gui.discard_question import DiscardAsker
from ui.gui.folding_completer import FOLDED_ROLE, FoldingCompleter, fold_item_texts

#: What the dialog says under its fields while nothing is wrong.
EXPECTED_NOTE = (
    "Expected: every asset of the scope that is in stock, in service or in repair. "
    "No category ticked means all categories."
)
#: Said once Enter in the scope field has named a room: a person pressing Enter again to
#: start waited, as the Enter only names the room (a scanned room label ends with Enter).
NAMED_NOTE = (
    f"{EXPECTED_NOTE}\nEnter in Scope only names the room, as a scanned room label does: "
    "Alt+S starts the audit."
)


class StartAuditDialog(QDialog):
    """Signals:
    started(object): the new audit's :class:`AuditSummary`.
    """

    started = Signal(object)

    def __init__(self, database: Database, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start an audit")
        self._database = database
        self._username = username
        self.jobs = JobList(self)
        self.discard_asker = DiscardAsker(self, self.discard)  # its question while open
        with database.read() as session:
            locations = location_choices(session)
            categories = category_choices(session)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Default: the scope's name and today's date")
        self.scope = QComboBox(self)
        self.scope.setEditable(True)  # type to find a location among thousands
        self.scope.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        #: Folded code, path and name of each location → its ids: a whole code or name
        #: typed ("LON", "Head office") names its location though the rooms below it
        #: hold the same letters ("LON-STORE", "Head office › Room 1").
        self._by_word: list[dict[str, list[uuid.UUID]]] = [{}, {}, {}]
        for choice in locations:
            for named, key in zip(
                self._by_word,
                (choice.code or "", choice.label, choice.label.rsplit(" › ", 1)[-1]),
                strict=True,
            ):
                if key:
                    named.setdefault(fold(key.strip()), []).append(choice.id)
            self.scope.addItem(with_detail(choice.label, choice.code), choice.id)
        # Typing finds a location by any part of its path or code ("a2", "building a").
        # Accents and case ignored, as in the register's search ("zurich").
        fold_item_texts(self.scope)
        # The list highlights the location the text names (a scanned room label), else
        # its first suggestion: Enter takes what the highlight shows.
        completer = FoldingCompleter(self.scope.model(), self.scope, self._chosen_scope_row)
        self.scope.setCompleter(completer)
        # Enter under the open list: the field reads its Enter (returnPressed) while it
        # still holds the typed text, and the list writes the pick after. The pick is
        # shown once written ("room a" said no single location matched, under Room A1).
        completer.activated.connect(self._show_chosen_scope)
        self.scope.setCurrentIndex(-1)  # nothing audited by accident: the user names it
        scope_edit = self.scope.lineEdit()
        if scope_edit is not None:
            scope_edit.setPlaceholderText("Type any part of a location's path or code")
            # A room label scanned (or a code typed) and Enter: the field shows the room it
            # named as every list does, "Name  ·  CODE" (it kept "LON-A0.10" as scanned),
            # and that Enter does not start the audit (see eventFilter). With the suggestion
            # list open, the list hands Enter to the field past its event filters.
            scope_edit.returnPressed.connect(self._field_entered)
            scope_edit.installEventFilter(self)
        self.scope.installEventFilter(self)  # the combo box has the focus; its field, keys
        self.categories = QListWidget(self)
        for choice in categories:
            item = QListWidgetItem(with_detail(choice.label, choice.code))
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.categories.addItem(item)
        self.message = QLabel(EXPECTED_NOTE, self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Start audit")
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("S&cope:", self.scope)
        form.addRow("C&ategories:", self.categories)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.resize(560, 460)

    def chosen_categories(self) -> list[object]:
        return [
            self.categories.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.categories.count())
            if self.categories.item(i).checkState() == Qt.CheckState.Checked
        ]

    def chosen_scope(self) -> uuid.UUID | None:
        """The location the scope field names: the item whose text was picked, else the
        one location whose whole code, path or name is what was typed, else the one whose
        path or code contains it; None if none or several."""
        typed = self.scope.currentText().strip()
        if not typed:
            return None
        exact = self.scope.findText(typed, Qt.MatchFlag.MatchFixedString)
        if exact >= 0:
            return _location_id(self.scope.itemData(exact))
        needle = fold(typed)  # as the list offers them: "zurich" is in "Zürich office"
        for named in self._by_word:
            ids = named.get(needle, [])
            if len(ids) == 1:
                return ids[0]
        hits = [
            i
            for i in range(self.scope.count())
            if needle in str(self.scope.itemData(i, FOLDED_ROLE))
        ]
        return _location_id(self.scope.itemData(hits[0])) if len(hits) == 1 else None

    def _chosen_scope_row(self) -> int:
        scope = self.chosen_scope()
        return -1 if scope is None else self.scope.findData(scope)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the scope field names the room a scan or a typed code points to and
        stays in the dialog (categories may still be ticked): a scanner ends every label
        with Enter. The audit starts with its button (Alt+S) or Enter in another field.
        Without this the scan's Enter started the audit or not depending on whether the
        suggestion list had opened yet (a loaded machine: it had not)."""
        if (
            watched in (self.scope, self.scope.lineEdit())
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self._show_chosen_scope()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def _field_entered(self) -> None:
        """Enter handed to the field by the open suggestion list: the list writes its pick
        after (activated), so the text read now is the one typed, not the pick."""
        completer = self.scope.completer()
        popup = completer.popup() if completer is not None else None
        if popup is None or not popup.isVisible():
            self._show_chosen_scope()

    def _show_chosen_scope(self) -> None:
        """Show the location the scope field names as the list does, or say why the text
        names none (Enter said nothing when it named several)."""
        scope = self.chosen_scope()
        if scope is not None:
            self.scope.setCurrentIndex(self.scope.findData(scope))
            self.message.setText(NAMED_NOTE)
        elif self.scope.currentText().strip():
            self._say_no_scope()

    def _say_no_scope(self) -> None:
        typed = self.scope.currentText().strip()
        self.message.setText(
            f"No single location matches '{typed}': pick one from the list."
            if typed
            else "Choose the location to audit."
        )

    def submit(self) -> None:
        scope = self.chosen_scope()
        if scope is None:
            self._say_no_scope()
            return
        categories = self.chosen_categories()
        name = self.name.text()
        self.buttons.setEnabled(False)
        self.message.setText("Taking the snapshot of the expected assets…")
        self.jobs.run(
            lambda: start_audit(
                self._database,
                scope_location_id=scope,
                category_ids=categories,  # type: ignore[arg-type]
                name=name,
                started_by=self._username,
            ),
            self._on_started,
            on_finished=lambda: self.buttons.setEnabled(True),
        )

    def unsaved_input(self) -> str:
        """What Quit would lose (ui/gui/quit.py): a name, a scope or a category chosen; ""
        when nothing was, or once the audit is being started (it is kept)."""
        if not self.isVisible() or self.jobs.busy():
            return ""
        chosen = self.name.text().strip() or self.scope.currentText().strip()
        if chosen or self.chosen_categories():
            return "Discard the audit you were starting?"
        return ""

    def discard(self) -> None:
        """Close without asking (an audit being started is waited for: it is kept)."""
        if not self.jobs.defer_close():
            super().reject()

    def reject(self) -> None:
        """Esc, Cancel or the window's close: asks first when what was typed or chosen
        would be lost (Esc closed at once, the name and scope with it)."""
        self.discard_asker.ask(self.unsaved_input(), "Nothing has been started yet.")

    @property
    def discard_box(self) -> QMessageBox | None:
        """The "Discard …?" question while it is open."""
        return self.discard_asker.box

    def closeEvent(self, event):
        if not self.jobs.defer_close(event):
            super().closeEvent(event)

    def _on_started(self, summary: AuditSummary) -> None:
        self.started.emit(summary)
        self.accept()


def _location_id(data: object) -> uuid.UUID:
    assert isinstance(data, uuid.UUID)
    return data
