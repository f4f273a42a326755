"""A category the register lacks, added from the Receive form itself.

A new user scanned LAP-000101 into an empty register, typed "Laptop" as its category and
met "'Laptop' is not a known category" with no way on: the form is modal, so Data ›
Categories could be reached only by discarding what was entered. Under the field a button
now offers to add it — the name as typed, the tag prefix read off the asset tag (LAP of
LAP-000101) or the name — after one question; the service refuses it as it refuses the
reference window (not an administrator, a field kit), and the refusal is shown there.
A name one category's name holds, or that holds one ("Lapt" beside "Laptop"), is asked
with Cancel as the default and the existing name said; Enter and Tab in the field take the
existing one before any of that (``ui.gui.folding_completer``).

The answer comes from a worker, and the field may have moved on meanwhile: a category
added is chosen only while the field still holds its name (a person who chose another
category while a slow server answered kept theirs), and a refusal is said only while it
does — and stays said when the field is left (its own "not a known category" check wrote
over the reason, or emptied it, whenever the focus left it after the refusal arrived).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QBoxLayout, QMessageBox, QPushButton, QWidget

from desktop.domain.fields import FieldType
from desktop.errors import DesktopError, ValidationError
from desktop.services import reference
from desktop.services.reference_queries import Choice
from desktop.storage.database import Database
from desktop.storage.folding import fold
from ui.gui.procedure_form.editors import ReferenceEditor
from ui.gui.procedure_form.form_view import FormView
from ui.gui.reference.jobs import DialogJobs
from ui.gui.worker import Progress


def prefix_for(tag: str, name: str) -> str:
    """The tag prefix a new category takes: the asset tag's letters before its number
    ("LAP-000101" → "LAP"), else the name's first three letters or digits ("Laptop" → "LAP")."""
    found = re.match(r"\s*([A-Za-z][A-Za-z0-9]*)[-_ ./]?\d", tag)
    if found:
        return found.group(1).upper()
    return "".join(c for c in name if c.isascii() and c.isalnum())[:3].upper()


def _near(name: str, existing: str) -> bool:
    """One name holds the other, accents and case ignored ("Lapt" and "Laptop")."""
    typed, known = fold(name.strip()), fold(existing)
    return bool(typed) and (typed in known or known in typed)


class AddCategoryOffer(QObject):
    """The "Add the category '…'" button under a Receive form's Category (see the module)."""

    def __init__(
        self,
        view: FormView,
        database: Database,
        username: str,
        jobs: DialogJobs,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        editor = view.asset_editors.get("category")
        assert isinstance(editor, ReferenceEditor)
        self._view, self._editor = view, editor
        self._database, self._username, self._jobs = database, username, jobs
        self._parent = parent
        self._choices = list(view.context.choices.by_type.get(FieldType.CATEGORY, ()))
        self.question: QMessageBox | None = None
        #: The name last refused and why ("Not added: …"), said while the field holds it.
        self._refusal: tuple[str, str] | None = None
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        self.button.hide()
        cell = editor.widget.parentWidget()
        layout = cell.layout() if cell is not None else None
        if isinstance(layout, QBoxLayout):  # under the field and its problem (form_view)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        QWidget.setTabOrder(editor.widget, self.button)  # Tab from the field reaches it
        self.button.clicked.connect(self.ask)
        editor.changed.connect(self._update)
        editor.left.connect(lambda: self._update(left=True))
        self._update()

    def _update(self, *, left: bool = False) -> None:
        """Offered with the field's problem: once no category can complete the text, or
        once the field is left (see ReferenceEditor.shown_problem)."""
        typed = self._editor.combo.typed_text()
        unknown = self._editor.combo.is_unknown() and (
            left or self._editor.shown_problem() is not None
        )
        self.button.setText(f"Add the category '{typed}'…" if unknown else "")
        self.button.setVisible(unknown)
        # After the field's own check (connected first, by the form view): the reason the
        # name was not added is not written over by "not a known category" on leaving.
        if self._refusal is not None and self._holds(self._refusal[0]):
            self._view.show_error("category", self._refusal[1])
        else:
            self._refusal = None

    def _holds(self, name: str) -> bool:
        """The field holds ``name`` as typed (accents and case ignored)."""
        return fold(self._editor.combo.typed_text()) == fold(name.strip())

    def ask(self) -> None:
        name = self._editor.combo.typed_text()
        tag = self._view.asset_editors.get("tag")
        prefix = prefix_for(str(tag.value() or "") if tag is not None else "", name)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Add a category",
            f"Add the category '{name}' with the tag prefix {prefix or '(none)'}?",
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        similar = [c.label for c in self._choices if _near(name, c.label)]
        box.setInformativeText(
            (
                f"There is a category '{similar[0]}' already: to use it, cancel and choose "
                "it in the list. "
                if similar
                else ""
            )
            + f"Its generated tags read {prefix}-000001, {prefix}-000002, …; its prefix and "
            "audit interval can be changed later in Data › Categories."
        )
        add = box.addButton("&Add it", QMessageBox.ButtonRole.AcceptRole)
        # A near-duplicate ("Lapt" beside "Laptop") is added only by choosing Add it.
        box.setDefaultButton(QMessageBox.StandardButton.Cancel if similar else add)
        box.buttonClicked.connect(lambda b: self._add(name, prefix) if b is add else None)
        self.question = box
        box.open()

    def _add(self, name: str, prefix: str) -> None:
        self.button.setEnabled(False)
        self._refusal = None
        self._jobs.start(
            _create_job(self._database, self._username, name, prefix),
            lambda choice: self._added(name, choice),
            lambda error: self._refused(name, error),
            lambda: self.button.setEnabled(True),
        )

    def _added(self, name: str, choice: Choice) -> None:
        self._choices.append(choice)
        self._choices.sort(key=lambda c: c.label.casefold())
        chosen = self._holds(name)  # read before the list changes: it keeps other text
        self._editor.set_choices(self._choices)  # offered from now on, whatever is chosen
        if chosen:
            self._editor.set_value(choice.id)
        self._editor.changed.emit()  # checked again, and the button goes

    def _refused(self, name: str, error: DesktopError) -> None:
        if not self._holds(name):
            return  # the field holds another name now: the reason is not about it
        message = (
            "; ".join(p.message for p in error.problems)
            if isinstance(error, ValidationError)
            else error.message
        )
        self._refusal = (name, f"Not added: {message}")
        self._view.show_error("category", self._refusal[1])


def _create_job(
    database: Database, username: str, name: str, prefix: str
) -> Callable[[Progress, threading.Event], Choice]:
    def job(progress: Progress, cancel: threading.Event) -> Choice:
        with reference.administer(database, username) as session:
            category = reference.create_category(session, name=name, tag_prefix=prefix)
            category_id: uuid.UUID = category.id
            return Choice(category_id, category.name, category.tag_prefix)

    return job
