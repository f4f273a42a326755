"""A model the register lacks, added from the form itself, with its manufacturer.

On a new register, Model was a dead end: "'ThinkPad T14 Gen 4' is not a known model" and
no way on but Data › Manufacturers and models behind the modal form, while Category,
Location, Person and Group offered to add what was typed (newuser21). A model needs a
manufacturer, so its offer asks for one in the question: a field offering the known
manufacturers, where a new name can be typed too. A known manufacturer whose name starts
the typed text is filled in ("Lenovo ThinkPad T14" → Lenovo and "ThinkPad T14"); the
model is never filed under the import's "Unknown manufacturer", which would name the
asset "Unknown manufacturer ThinkPad T14" (``desktop.domain.naming.name_after_model``).

The model and a new manufacturer are made as an import makes them
(``desktop.spreadsheets.create_references.ReferenceCreator``: found by name first, case
ignored), in a transaction refused to anyone who may not edit reference data, as the
other offers are (``add_reference``). A new model fits any category (as an import's); its
category and model number are set in Data › Manufacturers and models.

Cancel is the question's default, so Enter pressed out of habit adds nothing; Alt+A adds.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.fields import FieldType
from desktop.domain.naming import name_after_model
from desktop.services.reference_queries import Choice
from desktop.spreadsheets.create_references import ReferenceCreator
from desktop.spreadsheets.references import PendingReference
from desktop.storage.database import Database
from desktop.storage.folding import fold
from desktop.storage.models import AssetModel, Manufacturer
from ui.gui.procedure_form import add_reference
from ui.gui.procedure_form.add_reference import AddChoiceOffer
from ui.gui.procedure_form.form_view import FormView
from ui.gui.reference.jobs import DialogJobs
from ui.gui.worker import Progress


def split_maker(typed: str, makers: Sequence[str]) -> tuple[str, str]:
    """The known manufacturer the typed text starts with (the longest, case and accents
    ignored) and the rest: ("Lenovo", "ThinkPad T14") for "lenovo ThinkPad T14"; ("",
    typed) when none does."""
    text = typed.strip()
    for maker in sorted(makers, key=len, reverse=True):
        head, rest = text[: len(maker)], text[len(maker) :]
        if maker.strip() and fold(head) == fold(maker) and (not rest or rest[0] == " "):
            return maker, rest.strip()
    return "", text


class ModelQuestion(QDialog):
    """ "Add the model '…'?" with its manufacturer and name to check or type."""

    def __init__(self, typed: str, makers: Sequence[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a model")
        # Wide enough for its note in three lines, not seven (seen under Xvfb).
        self.setMinimumWidth(60 * self.fontMetrics().averageCharWidth())
        self._makers = list(makers)
        maker, name = split_maker(typed, makers)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.maker = QComboBox()
        self.maker.setEditable(True)
        self.maker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.maker.addItems(self._makers)
        completer = QCompleter(self._makers, self.maker)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.maker.setCompleter(completer)
        self.maker.setEditText(maker)
        line = self.maker.lineEdit()
        if line is not None:
            line.setPlaceholderText("a known one, or a new name")
        self.name = QLineEdit(name)
        form = QFormLayout()
        form.addRow("&Manufacturer:", self.maker)
        form.addRow("Model &name:", self.name)
        self.details = QLabel()
        self.details.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = QPushButton("&Add it")
        buttons.addButton(self.add, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.add.setAutoDefault(False)
        self.cancel.setDefault(True)  # Enter out of habit adds nothing
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.maker.editTextChanged.connect(self._update)
        self.name.textChanged.connect(self._update)
        self._update()
        self.maker.setFocus(Qt.FocusReason.OtherFocusReason)
        if line is not None:
            line.selectAll()

    def values(self) -> tuple[str, str]:
        """The manufacturer (a known one as it is spelt) and the model's name."""
        typed = self.maker.currentText().strip()
        known = next((m for m in self._makers if fold(m) == fold(typed)), typed)
        return known, self.name.text().strip()

    def _update(self) -> None:
        maker, name = self.values()
        self.add.setEnabled(bool(maker and name))
        if not (maker and name):
            self.question.setText(
                "Add a model: which manufacturer makes it?"
                if not maker
                else f"Add a model of {maker}: what is its name?"
            )
        else:
            self.question.setText(f"Add the model '{name_after_model(maker, name)}'?")
        new_maker = bool(maker) and not any(fold(m) == fold(maker) for m in self._makers)
        self.details.setText(
            (f"'{maker}' is a new manufacturer: it is added too. " if new_maker else "")
            + "The model fits any category; its category and model number can be set later "
            "in Data › Manufacturers and models. Alt+A adds it; Enter or Esc cancels."
        )


class AddModelOffer(AddChoiceOffer):
    """The "Add the model '…'" button under Model (see the module)."""

    FIELD = "model"

    def __init__(
        self,
        view: FormView,
        database: Database,
        username: str,
        jobs: DialogJobs,
        parent: QWidget,
    ) -> None:
        super().__init__(view, database, username, jobs, parent)
        self.model_question: ModelQuestion | None = None
        self._asking = False  # the manufacturers are being read for the question
        #: Each model added (or found) here and its category, for the form's model list.
        self._categories: dict[uuid.UUID, uuid.UUID | None] = {}

    def ask(self) -> None:
        question = self.model_question
        if self._asking or (question is not None and question.isVisible()):
            return  # asked already (a second Space on the button)
        name = self._editor.combo.typed_text()
        self._asking = True
        self._jobs.start(
            _makers_job(self._database),
            lambda makers: self._ask(name, makers),
            lambda error: self._refused(name, error),
            self._asked,
        )

    def _asked(self) -> None:
        self._asking = False

    def _ask(self, name: str, makers: list[str]) -> None:
        if self.model_question is not None:
            self.model_question.deleteLater()  # answered: one question is kept at a time
        question = ModelQuestion(name, makers, self._parent)
        self.model_question = question

        def answered(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                maker, model = question.values()
                self._add(name, self._create(maker, model))

        question.finished.connect(answered)
        question.open()

    def _create(self, maker: str, model: str) -> Callable[[Session], Choice]:
        def create(session: Session) -> Choice:
            wanted = PendingReference("model", model, manufacturer=maker)
            row = session.get(AssetModel, ReferenceCreator(session).create(wanted))
            assert row is not None
            self._categories[row.id] = row.category_id
            label = name_after_model(row.manufacturer.name, row.name)
            return Choice(row.id, label, row.model_number or "")

        return create

    def _added(self, name: str, choice: Choice) -> None:
        """Offered from now on, under whichever category is chosen (the form's list is
        remade from its choices when the category changes), and chosen if the field
        still holds what was typed."""
        choices = self._view.context.choices
        models = choices.by_type.get(FieldType.MODEL, ())
        if all(m.id != choice.id for m in models):
            ordered = sorted((*models, choice), key=lambda c: c.label.casefold())
            choices.by_type[FieldType.MODEL] = tuple(ordered)
            choices.model_categories[choice.id] = self._categories.get(choice.id)
        chosen = self._holds(name)  # read before the list changes: it keeps other text
        self._view.offer_category_models()
        if chosen:
            self._editor.set_value(choice.id)
        self._editor.changed.emit()  # checked again, and the button goes


def _makers_job(database: Database) -> Callable[[Progress, threading.Event], list[str]]:
    def job(progress: Progress, cancel: threading.Event) -> list[str]:
        with database.read() as session:
            return list(
                session.execute(select(Manufacturer.name).order_by(Manufacturer.name)).scalars()
            )

    return job


#: Every offer a form makes under its pick lists, by field (``add_reference.OFFERS`` and
#: Model's; Category's is made on a Receive form only).
OFFERS: dict[str, type[AddChoiceOffer]] = {**add_reference.OFFERS, "model": AddModelOffer}
