"""A category, location, person or group the register lacks, added from the form itself.

A new user scanned LAP-000101 into an empty register, typed "Laptop" as its category and
met "'Laptop' is not a known category" with no way on: the form is modal, so Data ›
Categories could be reached only by discarding what was entered. Under the field a button
now offers to add it — the name as typed, the tag prefix read off the asset tag (LAP of
LAP-000101) or the name — after one question; the service refuses it as it refuses the
reference window (not an administrator, a field kit), and the refusal is shown there.
A name one category's name holds, or that holds one ("Lapt" beside "Laptop"), is asked
with Cancel as the default and the existing name said; Enter and Tab in the field take the
existing one before any of that (``ui.gui.folding_completer``).

Location, required by Receive and Install, met the same dead end on a new register
("'Store room' is not a known location", and "add one in Data › Locations" behind the
modal form, newuser18): it is offered the same way, as a room at the top of the tree
with a generated code, to be put in its place later in Data › Locations. Install then
asked for "an assignee or an owning group" that the new register had neither of: a person
("Maria Lopez", user name maria.lopez, no role) and a group are offered likewise.

The answer comes from a worker, and the field may have moved on meanwhile: a name added is
chosen only while the field still holds it (a person who chose another entry while a slow
server answered kept theirs), and a refusal is said only while it does — and stays said
when the field is left (its own "not a known …" check wrote over the reason, or emptied
it, whenever the focus left it after the refusal arrived).

Tab from the field reaches the button, but a person typing the next field without looking
("Laptop", Tab, "ThinkPad T14 Gen 4") typed on the button: its letters were lost and each
space pressed it, opening question after question (newuser21). A key that types text
other than a space, pressed on the button, goes on to the next field with the focus
(:class:`_TypeOn`); Space and Enter still press the button. A question already open is
not opened again.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QMessageBox, QPushButton, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import DesktopError, ValidationError
from desktop.services import reference
from desktop.services.reference_queries import Choice
from desktop.storage.database import Database
from desktop.storage.folding import fold
from ui.gui.procedure_form.editors import FieldEditor, ReferenceEditor
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


#: What a new entry's question says and how it is made, given the name typed.
_Plan = tuple[str, str, Callable[[Session], Choice]]


class AddChoiceOffer(QObject):
    """The "Add the <noun> '…'" button under a form's pick list (see the module)."""

    #: The asset field whose pick list it serves.
    FIELD = ""

    def __init__(
        self,
        view: FormView,
        database: Database,
        username: str,
        jobs: DialogJobs,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        editor = view.asset_editors.get(self.FIELD)
        assert isinstance(editor, ReferenceEditor)
        self._view, self._editor = view, editor
        self._noun = editor.type.value
        self._database, self._username, self._jobs = database, username, jobs
        self._parent = parent
        self._choices = list(view.context.choices.by_type.get(editor.type, ()))
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
        self.button.installEventFilter(_TypeOn(self.button))
        self.button.clicked.connect(self.ask)
        editor.changed.connect(self._update)
        editor.left.connect(lambda: self._update(left=True))
        self._update()

    def _plan(self, name: str) -> _Plan:
        """The question, what it adds in plain words, and the job's work in a session."""
        raise NotImplementedError

    def _update(self, *, left: bool = False) -> None:
        """Offered with the field's problem: once no entry can complete the text, or
        once the field is left (see ReferenceEditor.shown_problem)."""
        typed = self._editor.combo.typed_text()
        unknown = self._editor.combo.is_unknown() and (
            left or self._editor.shown_problem() is not None
        )
        self.button.setText(f"Add the {self._noun} '{typed}'…" if unknown else "")
        self.button.setVisible(unknown)
        # After the field's own check (connected first, by the form view): the reason the
        # name was not added is not written over by "not a known …" on leaving.
        if self._refusal is not None and self._holds(self._refusal[0]):
            self._view.show_error(self.FIELD, self._refusal[1])
        else:
            self._refusal = None

    def _holds(self, name: str) -> bool:
        """The field holds ``name`` as typed (accents and case ignored)."""
        return fold(self._editor.combo.typed_text()) == fold(name.strip())

    def ask(self) -> None:
        if self.question is not None and self.question.isVisible():
            return  # asked already (a second Space on the button)
        name = self._editor.combo.typed_text()
        text, details, create = self._plan(name)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Add a {self._noun}",
            text,
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        similar = [c.label for c in self._choices if _near(name, c.label)]
        box.setInformativeText(
            (
                f"There is a {self._noun} '{similar[0]}' already: to use it, cancel and "
                "choose it in the list. "
                if similar
                else ""
            )
            + details
        )
        add = box.addButton("&Add it", QMessageBox.ButtonRole.AcceptRole)
        # A near-duplicate ("Lapt" beside "Laptop") is added only by choosing Add it.
        box.setDefaultButton(QMessageBox.StandardButton.Cancel if similar else add)
        box.buttonClicked.connect(lambda b: self._add(name, create) if b is add else None)
        self.question = box
        box.open()

    def _add(self, name: str, create: Callable[[Session], Choice]) -> None:
        self.button.setEnabled(False)
        self._refusal = None
        self._jobs.start(
            _job(self._database, self._username, create),
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
        self._view.show_error(self.FIELD, self._refusal[1])


class AddCategoryOffer(AddChoiceOffer):
    """A category named as typed, its tag prefix read off the asset tag or the name."""

    FIELD = "category"

    def _plan(self, name: str) -> _Plan:
        tag = self._view.asset_editors.get("tag")
        prefix = prefix_for(str(tag.value() or "") if tag is not None else "", name)

        def create(session: Session) -> Choice:
            category = reference.create_category(session, name=name, tag_prefix=prefix)
            return Choice(category.id, category.name, category.tag_prefix)

        return (
            f"Add the category '{name}' with the tag prefix {prefix or '(none)'}?",
            f"Its generated tags read {prefix}-000001, {prefix}-000002, …; its prefix and "
            "audit interval can be changed later in Data › Categories.",
            create,
        )


class AddLocationOffer(AddChoiceOffer):
    """A location named as typed: a room at the top of the tree, with a generated code."""

    FIELD = "location"

    def _plan(self, name: str) -> _Plan:
        def create(session: Session) -> Choice:
            location = reference.create_location(session, name=name, kind="room")
            return Choice(location.id, location.name, location.code)

        return (
            f"Add the location '{name}' as a room?",
            "It is added at the top of the location tree with a generated code; its place "
            "(site › building › room), kind and code can be changed later in Data › "
            "Locations.",
            create,
        )


class AddPersonOffer(AddChoiceOffer):
    """A person named as typed, with a user name made of it and no role: someone assets
    are assigned to ("Assigned to" of Install or Change on a new register)."""

    FIELD = "assigned_to"

    def _plan(self, name: str) -> _Plan:
        wanted = reference.username_from_name(name)

        def create(session: Session) -> Choice:
            username = reference.unused_username(session, wanted)
            person = reference.create_person(session, name=name, username=username)
            return Choice(person.id, person.name, person.username)

        return (
            f"Add the person '{name}' with the user name {wanted}?",
            "They are added with no role, as someone assets are assigned to (numbered, "
            f"as {wanted}2, if the user name is taken); their e-mail, groups and roles can "
            "be set later in Data › People.",
            create,
        )


class AddGroupOffer(AddChoiceOffer):
    """A group (a team) named as typed, with nobody in it yet."""

    FIELD = "owning_group"

    def _plan(self, name: str) -> _Plan:
        def create(session: Session) -> Choice:
            group = reference.create_group(session, name=name)
            return Choice(group.id, group.name)

        return (
            f"Add the group '{name}'?",
            "It is added with nobody in it; its members can be set later in Data › Groups.",
            create,
        )


#: The offers a form makes under its pick lists, by field (Category: Receive only).
OFFERS: dict[str, type[AddChoiceOffer]] = {
    "location": AddLocationOffer,
    "assigned_to": AddPersonOffer,
    "owning_group": AddGroupOffer,
}


def offered_here(view: FormView, editor: FieldEditor) -> bool:
    """Whether the form offers to add an entry to ``editor``'s pick list (the offers above:
    Category on a Receive form, Location, Assigned to and Owning group on any form)."""
    key = editor.key
    if view.asset_editors.get(key) is not editor or not isinstance(editor, ReferenceEditor):
        return False
    return key in OFFERS or (key == "category" and view.context.kind is ProcedureKind.RECEIVE)


class _TypeOn(QObject):
    """On an offer's button: a key that types text (not a space) goes to the next field;
    so does every key that follows within :data:`TYPING_ON_SECONDS`, Space and Enter too.

    The scan detector delivers a held burst of keys to the widget they were sent to: under
    X11 the rest of "iPad Air 5" still reached the button after its "i" had moved the
    focus on, and each space pressed it (newuser21, xdotool under Xvfb).
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._typing_until = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QPushButton):
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text()
        if event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        ):
            return False  # Alt+letter, Ctrl+letter: shortcuts
        typing_on = time.monotonic() < self._typing_until
        starts_text = bool(text) and text.isprintable() and not text.isspace()
        if not (starts_text or (typing_on and event.key() in _TYPED_ON_KEYS)):
            return False  # Space and Enter press the button; Tab and arrows move on
        focused = QApplication.focusWidget()
        if focused is None or focused is watched:
            target = _next_field(watched)
            if target is None:
                return False
            target.setFocus(Qt.FocusReason.TabFocusReason)
            focused = QApplication.focusWidget() or target
        self._typing_until = time.monotonic() + TYPING_ON_SECONDS
        copy = QKeyEvent(event.type(), event.key(), event.modifiers(), text, event.isAutoRepeat())
        copy.setTimestamp(event.timestamp())
        QApplication.sendEvent(focused, copy)
        return True


#: After a key went on from an offer's button, how long the next keys sent to it follow.
TYPING_ON_SECONDS = 1.0
#: Keys that follow typed text on, not press the button, while it goes on.
_TYPED_ON_KEYS = frozenset({Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter})


def _next_field(button: QWidget) -> QWidget | None:
    """The widget Tab would move the focus to from ``button``."""
    widget = button.nextInFocusChain()
    while widget is not None and widget is not button:
        if (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.window() is button.window()
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


def _job(
    database: Database, username: str, create: Callable[[Session], Choice]
) -> Callable[[Progress, threading.Event], Choice]:
    def job(progress: Progress, cancel: threading.Event) -> Choice:
        with reference.administer(database, username) as session:
            return create(session)

    return job
