"""Receive an audit's unknown tags as new assets: the category, a name, the receive checklist.

The category comes chosen when every tag carries the prefix of the same one (LAP-999999
is a Laptop, as on the Receive form a scan of it opens); else the person chooses it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.audits import category_choices
from desktop.services.reference_queries import Choice
from desktop.services.templates import current_template
from desktop.storage.database import Database
from desktop.wording import plural, with_detail
from ui.gui.discard_question import DiscardAsker
from ui.gui.procedure_form.form_data import category_for_tag


class ReceiveUnknownDialog(QDialog):
    """Asks what the unknown tags are; the caller records the receive procedures.

    Signals:
        chosen(object, str, dict): category id, name (may be empty), checklist answers.
    """

    chosen = Signal(object, str, dict)

    def __init__(self, database: Database, tags: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receive unknown tags as new assets")
        self._tags = list(tags)
        self.discard_asker = DiscardAsker(self, self.discard)  # its question while open
        with database.read() as session:
            categories = category_choices(session)
            checklist = current_template(session, ProcedureKind.RECEIVE).definition.checklist
        shown = ", ".join(tags[:8]) + (f" and {len(tags) - 8} more" if len(tags) > 8 else "")
        self.intro = QLabel(
            f"{plural(len(tags), 'tag')}: {shown}.\nEach becomes a new asset in stock, in the room "
            "where it was scanned.",
            self,
        )
        self.intro.setWordWrap(True)
        self.category = QComboBox(self)
        for choice in categories:
            self.category.addItem(with_detail(choice.label, choice.code), choice.id)
        self.category.setCurrentIndex(-1)  # chosen by the person: not the first by accident
        prefixes = [Choice(c.id, c.label, c.code) for c in categories]
        named = {category_for_tag(tag, prefixes) for tag in tags}
        if len(named) == 1 and (category := named.pop()) is not None:
            self.category.setCurrentIndex(self.category.findData(category))
        self._suggested = self.category.currentIndex()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Default: “Found during audit: TAG”")
        self.checks: dict[str, QCheckBox] = {}
        self._required: dict[str, str] = {}  # key → label of the checks that must be ticked
        form = QFormLayout()
        form.addRow("&Category:", self.category)
        form.addRow("&Name:", self.name)
        for item in checklist:
            box = QCheckBox(item.label + (" (required)" if item.required else ""), self)
            self.checks[item.key] = box
            if item.required:
                self._required[item.key] = item.label
            form.addRow("", box)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Receive")
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def unsaved_input(self) -> str:
        """What Quit or Esc would lose (ui/gui/quit.py): a category chosen other than the
        one suggested, a name, a ticked check; "" when none."""
        if not self.isVisible():
            return ""
        # A category cleared is nothing to lose (the suggestion comes back with the dialog).
        chosen = self.category.currentIndex() not in (self._suggested, -1)
        changed = chosen or self.name.text().strip()
        if changed or any(box.isChecked() for box in self.checks.values()):
            return f"Discard what you chose for receiving {plural(len(self._tags), 'unknown tag')}?"
        return ""

    def discard(self) -> None:
        """Close without asking."""
        super().reject()

    def reject(self) -> None:
        """Esc, Cancel or the window's close: asks first when choices would be lost."""
        self.discard_asker.ask(self.unsaved_input(), "No asset has been received yet.")

    @property
    def discard_box(self) -> QMessageBox | None:
        """The "Discard …?" question while it is open."""
        return self.discard_asker.box

    def _confirm(self) -> None:
        category = self.category.currentData()
        if category is None:
            self.message.setText("Choose a category.")
            return
        answers = {key: box.isChecked() for key, box in self.checks.items()}
        if missing := [key for key in self._required if not answers[key]]:
            # Said here, the dialog open (it closed, and a box named the template's keys:
            # "inspected: checklist: '…' must be done"; the choices had to be made again).
            labels = "; ".join(f"'{self._required[key]}'" for key in missing)
            checks = "check" if len(missing) == 1 else "checks"
            self.message.setText(f"Tick the required {checks} first: {labels}.")
            self.checks[missing[0]].setFocus()
            return
        self.chosen.emit(category, self.name.text(), answers)
        self.accept()
