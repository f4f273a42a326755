"""The procedure form's layout, generated from a template: header, asset fields, the
category's custom fields, the template's own fields, checklist, risk and approval."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.fields import CUSTOM_PREFIX, FIELDS_BY_KEY, FieldType
from desktop.domain.lifecycle import (
    CHANGE_SETTABLE_STATUSES,
    DECOMMISSIONED_CHANGEABLE_FIELDS,
    AssetStatus,
    ProcedureKind,
)
from desktop.errors import Problem
from desktop.services.reference_queries import Choice
from ui.gui.procedure_form.editors import FieldEditor, ReferenceEditor, TextEditor, make_editor
from ui.gui.procedure_form.form_data import FormContext
from ui.gui.procedure_form.risk_panel import RiskPanel

ERROR_STYLE = "color: #b00020;"
#: Labels share one width so that the sections' fields line up; longer ones wrap.
LABEL_WIDTH = 190
#: Pick lists show this many characters at least and never ask for more width than that
#: (a long location path or choice would otherwise widen the form past the screen).
COMBO_CHARACTERS = 24
#: The form's width from which the checklist and the risk panel make a second column.
TWO_COLUMNS_WIDTH = 940
CUSTOM_TYPES = {
    "text": FieldType.TEXT,
    "number": FieldType.NUMBER,
    "date": FieldType.DATE,
    "yesno": FieldType.YESNO,
    "choice": FieldType.CHOICE,
}


class FormView(QWidget):
    """Every editor of one procedure form, laid out in sections.

    Signals:
        changed(): any value changed.
    """

    changed = Signal()

    def __init__(
        self, context: FormContext, username: str, date_format: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._date_format = date_format
        definition = context.template.definition
        self._errors: dict[str, QLabel] = {}
        self.required: set[str] = set()
        self.asset_editors: dict[str, FieldEditor] = {}
        self.custom_editors: dict[str, FieldEditor] = {}
        self.answer_editors: dict[str, FieldEditor] = {}
        self.checklist: dict[str, QCheckBox] = {}
        self.marked: set[str] = set()
        self.when_touched = False
        columns = QHBoxLayout(self)
        columns.setSpacing(12)
        self._main = QVBoxLayout()
        self._main.setSpacing(10)
        columns.addLayout(self._main, 3)
        #: The checklist and the risk panel, beside the fields on a wide form (see arrange).
        self.side_column = QWidget()
        self._side = QVBoxLayout(self.side_column)
        self._side.setContentsMargins(0, 0, 0, 0)
        self._side.setSpacing(10)
        self._side.addStretch(1)
        self.side_column.hide()
        columns.addWidget(self.side_column, 2)
        self.two_columns = False
        self._side_offset = 0  # how far the side column follows the scroll (keep_side_in_sight)
        self._scrolled = (0, 0)  # the scroll area's last position and viewport height

        self._main.addWidget(self._header_section(username))
        if definition.asset_fields:
            self._main.addWidget(self._asset_section())
        self.custom_box = QGroupBox()
        self.custom_form = QFormLayout(self.custom_box)
        self._main.addWidget(self.custom_box)
        self._build_custom_fields(self._category_id())
        if definition.fields:
            self._main.addWidget(self._answers_section())
        self._side_boxes: list[QWidget] = []
        if definition.checklist:
            self._side_boxes.append(self._checklist_section())
        risk_box = QGroupBox("Risk and approval")
        self.risk = RiskPanel(definition, possible_approvers=context.possible_approvers)
        self.risk.changed.connect(self.changed)
        QVBoxLayout(risk_box).addWidget(self.risk)
        self._side_boxes.append(risk_box)
        for box in self._side_boxes:
            self._main.addWidget(box)
        self._main.addStretch(1)
        self.fix_tab_order()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.arrange(event.size().width())

    def arrange(self, width: int) -> None:
        """From TWO_COLUMNS_WIDTH on, the checklist and the risk panel stand beside the
        fields instead of below them: on a 1280 × 720 screen the Receive checklist, ticked
        for every asset, began some 500 pixels below the fold. The tab order stays."""
        wide = width >= TWO_COLUMNS_WIDTH
        if wide == self.two_columns:
            return
        self.two_columns = wide
        source, target = (self._main, self._side) if wide else (self._side, self._main)
        for box in self._side_boxes:
            source.removeWidget(box)
            target.insertWidget(target.count() - 1, box)  # before the column's stretch
        self.side_column.setVisible(wide)
        self.keep_side_in_sight(*self._scrolled)

    def keep_side_in_sight(self, scrolled: int, viewport_height: int) -> None:
        """Two columns in a scroll area: the side column (checklist, risk and approval)
        stays at the top of the visible part while the fields scroll, when it fits there.
        A Change opened scrolled to "Type of change", below the fold, and took the risk
        panel's Impact and Likelihood out of sight with the fields above (1280 × 800)."""
        self._scrolled = (scrolled, viewport_height)
        offset = 0
        if self.two_columns:
            spacing = self._side.spacing() * max(0, len(self._side_boxes) - 1)
            side = sum(box.sizeHint().height() for box in self._side_boxes) + spacing
            if side <= viewport_height:  # else it scrolls with the fields, to be read whole
                offset = max(0, min(scrolled, self._main.sizeHint().height() - side))
        if offset != self._side_offset:
            self._side_offset = offset
            self._side.setContentsMargins(0, offset, 0, 0)

    def fix_tab_order(self) -> None:
        """Tab follows the form top to bottom, also after the custom fields were rebuilt."""
        widgets: list[QWidget] = [self.performed_by.widget, self.when, self.ticket.widget]
        widgets.append(self.reason.widget)
        for editor in self.all_editors().values():
            widgets.append(editor.widget)
            widgets += _offer_buttons(editor.widget)  # "Add the model …": Tab reaches it
        widgets += list(self.checklist.values())
        if self.context.template.definition.assess_risk:
            widgets += [self.risk.impact.widget, self.risk.likelihood.widget]
        for first, second in itertools.pairwise(widgets):
            QWidget.setTabOrder(first, second)

    # -- sections ------------------------------------------------------------------

    def _header_section(self, username: str) -> QGroupBox:
        box = QGroupBox("Procedure")
        form = _form(box)
        assets = self.context.assets
        if self.context.kind is ProcedureKind.RECEIVE:
            subject = "A new asset (its tag is generated unless you give one)"
        elif len(assets) == 1:
            a = assets[0]
            subject = f"<b>{a.tag}</b> — {a.name or a.category} ({a.status.label.lower()})"
        else:
            tags = ", ".join(a.tag for a in assets[:8]) + (" …" if len(assets) > 8 else "")
            subject = f"<b>{len(assets)} assets</b>: {tags} — one procedure each"
        self.subject_label = QLabel(subject)
        self.subject_label.setWordWrap(True)
        form.addRow(_label("Asset:"), self.subject_label)

        people = self.context.choices.by_type.get(FieldType.PERSON, ())
        self.performed_by = ReferenceEditor(
            "performed_by", "Performed by", FieldType.PERSON, people
        )
        me = next((p for p in people if p.detail.lower() == username.lower()), None)
        self.performed_by.set_value(me.id if me else None)
        self._add_row(form, self.performed_by, required=True)
        if self.context.performer_fixed and me is not None:
            # A shared server records the login's own person, whoever is chosen here: the
            # field offered everyone, and choosing Tom was refused on Record with words
            # about "--as (or the user in the settings)" (found by a new user).
            self.performed_by.widget.setEnabled(False)
            self.performed_by.widget.setToolTip(
                "On a shared database the person recorded is always the one whose login "
                "is connected: you. Another person records their own work with their login."
            )

        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(self._date_format + " HH:mm")
        self.when.setMaximumDateTime(QDateTime.currentDateTime().addSecs(3600))
        self.when.dateTimeChanged.connect(self._when_changed)
        self.when.setToolTip("When the work was done (now, unless you record it afterwards)")
        form.addRow(_label("&When:", self.when), self.when)

        self.ticket = TextEditor("ticket_ref", "Ticket reference", 100)
        self.ticket.edit.setPlaceholderText("e.g. INC0012345 or CHG0004321")
        self._add_row(form, self.ticket, required=False)
        self.reason = TextEditor("reason", "Reason", 1000)
        self.reason.edit.setPlaceholderText("Why this is done, in a few words")
        self._add_row(form, self.reason, required=False)
        return box

    def _asset_section(self) -> QGroupBox:
        box = QGroupBox("Asset")
        form = _form(box)
        by_type = self.context.choices.by_type
        for spec in self.context.template.definition.asset_fields:
            # The statuses a change may set, and the assets' own (shown even where it
            # cannot be chosen, e.g. decommissioned).
            settable = set(CHANGE_SETTABLE_STATUSES) | {a.status for a in self.context.assets}
            statuses = sorted(settable, key=lambda s: list(AssetStatus).index(s))
            editor = make_editor(
                spec.key,
                spec.label,
                spec.type,
                choices=by_type.get(spec.type, ()),
                statuses=statuses,
                max_length=_max_length(spec.key),
                date_format=self._date_format,
            )
            self.asset_editors[spec.key] = editor
            if spec.accepts_scan:
                editor.accept_scans()
            self._add_row(form, editor, required=spec.required, help_text=spec.help)
        if "tag" in self.asset_editors and self.context.kind is ProcedureKind.RECEIVE:
            tag_edit = self.asset_editors["tag"].widget
            tag_edit.setProperty("placeholderText", "generated from the category, e.g. LAP-000124")
        from ui.gui.procedure_form.requests import model_may_name  # it imports this module

        if "name" in self.asset_editors and model_may_name(self, "name"):
            # As on the command line and in an import (desktop.domain.naming); a template
            # without a Model field names nothing after it: its Name is plainly required.
            name_edit = self.asset_editors["name"].widget
            name_edit.setProperty("placeholderText", "empty: named after its model")
        if "category" in self.asset_editors:
            self.asset_editors["category"].changed.connect(self._category_changed)
        self.offer_category_models()
        self._lock_decommissioned_fields()
        return box

    def _lock_decommissioned_fields(self) -> None:
        """A change of decommissioned assets may set their notes only: the other fields are
        shown but not editable, with the reason (they were refused only on Record)."""
        assets = self.context.assets
        if self.context.kind is not ProcedureKind.CHANGE or not assets:
            return
        if any(a.status != AssetStatus.DECOMMISSIONED.value for a in assets):
            return
        reason = "The asset is decommissioned: only disposal or a change of its notes is possible"
        for key, editor in self.asset_editors.items():
            if key not in DECOMMISSIONED_CHANGEABLE_FIELDS:
                editor.widget.setEnabled(False)
                editor.widget.setToolTip(reason)

    def _answers_section(self) -> QGroupBox:
        box = QGroupBox("Details")
        form = _form(box)
        by_type = self.context.choices.by_type
        for spec in self.context.template.definition.fields:
            editor = make_editor(
                spec.key,
                spec.label,
                spec.type,
                choices=by_type.get(spec.type, ()),
                options=spec.choices,
                max_length=spec.max_length,
                date_format=self._date_format,
            )
            self.answer_editors[spec.key] = editor
            if spec.accepts_scan:
                editor.accept_scans()
            self._add_row(form, editor, required=spec.required, help_text=spec.help)
        return box

    def _checklist_section(self) -> QGroupBox:
        # Alt+K moves to its first item: on Receive it was 9 Tabs past Location, below the
        # Details on Install and Decommission (newuser21). (Alt+C could be Cancel's.)
        box = _ChecklistBox("Chec&klist")
        box.setToolTip("Alt+K moves here; Space ticks an item, Tab goes to the next")
        column = QVBoxLayout(box)
        for item in self.context.template.definition.checklist:
            check = WrappingCheckBox(item.label + ("  *" if item.required else ""))
            if item.required:
                self.required.add(item.key)
                check.setToolTip("Required: the procedure cannot be recorded until this is done")
            check.toggled.connect(self.changed)
            self.checklist[item.key] = check
            column.addWidget(check.row)
            column.addWidget(self._error_label(item.key))
        return box

    # -- custom fields follow the category ----------------------------------------------

    def _category_id(self) -> uuid.UUID | None:
        if self.context.assets:
            return self.context.assets[0].category_id
        editor = self.asset_editors.get("category")
        value = editor.value() if editor else None
        return value if isinstance(value, uuid.UUID) else None

    def _category_changed(self) -> None:
        self.offer_category_models()
        if self.context.kind is ProcedureKind.RECEIVE:
            self._build_custom_fields(self._category_id())

    def offer_category_models(self) -> None:
        """The model list offers the chosen category's models (and those of no category);
        assets of several categories at once keep every model."""
        editor = self.asset_editors.get("model")
        if not isinstance(editor, ReferenceEditor):
            return
        chosen = self.asset_editors.get("category")
        category = chosen.value() if chosen is not None else None
        if not isinstance(category, uuid.UUID):
            own = {a.category_id for a in self.context.assets}
            category = own.pop() if len(own) == 1 else None
        offered = self.context.choices.models_for(category)
        # An asset's own model stays offered (older data may file it elsewhere): the form
        # never empties a field the user did not touch.
        own_models = {a.values.get("model") for a in self.context.assets} - {None}
        ids = {m.id for m in offered}
        extra = [
            m
            for m in self.context.choices.by_type.get(FieldType.MODEL, ())
            if m.id in own_models and m.id not in ids
        ]
        editor.set_choices((*offered, *extra))

    def _build_custom_fields(self, category_id: uuid.UUID | None) -> None:
        kind = self.context.kind
        definitions = (
            self.context.choices.category_fields.get(category_id, ()) if category_id else ()
        )
        if kind not in (ProcedureKind.RECEIVE, ProcedureKind.CHANGE) or (
            kind is ProcedureKind.CHANGE and len(self.context.assets) != 1
        ):
            definitions = ()
        wanted = tuple(d["key"] for d in definitions)
        if wanted == tuple(k[len(CUSTOM_PREFIX) :] for k in self.custom_editors):
            self.custom_box.setVisible(bool(wanted))
            return
        while self.custom_form.rowCount():
            self.custom_form.removeRow(0)
        for key in self.custom_editors:
            self._errors.pop(key, None)
            self.required.discard(key)
        self.custom_editors.clear()
        category = self.context.choices.label(FieldType.CATEGORY, category_id)
        self.custom_box.setTitle(f"{category} fields")
        for definition in definitions:
            key = CUSTOM_PREFIX + definition["key"]
            editor = make_editor(
                key,
                str(definition.get("label", definition["key"])),
                CUSTOM_TYPES.get(definition.get("type", "text"), FieldType.TEXT),
                options=definition.get("choices", ()),
                date_format=self._date_format,
            )
            self.custom_editors[key] = editor
            self._add_row(self.custom_form, editor, required=bool(definition.get("required")))
        self.custom_box.setVisible(bool(definitions))
        if hasattr(self, "risk"):  # not while the form is first built
            self.fix_tab_order()
        self.changed.emit()

    # -- rows and errors ---------------------------------------------------------------

    def _add_row(
        self, form: QFormLayout, editor: FieldEditor, *, required: bool, help_text: str = ""
    ) -> None:
        label = _label(f"{editor.label}{' *' if required else ''}:")
        for combo in [editor.widget, *editor.widget.findChildren(QComboBox)]:
            if isinstance(combo, QComboBox):
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                combo.setMinimumContentsLength(COMBO_CHARACTERS)
        if required:
            self.required.add(editor.key)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        label.setBuddy(editor.widget)
        if help_text:
            editor.widget.setToolTip(help_text)
            if hasattr(editor.widget, "setPlaceholderText") and not editor.widget.property(
                "placeholderText"
            ):
                editor.widget.setProperty("placeholderText", help_text)
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor.widget)
        column.addWidget(self._error_label(editor.key))
        form.addRow(label, cell)
        editor.changed.connect(self.changed)
        # A pick list's "not a known person" waits while a suggestion can complete the text.
        editor.changed.connect(lambda: self.show_error(editor.key, editor.shown_problem()))
        editor.left.connect(lambda: self.show_error(editor.key, editor.problem()))

    def _error_label(self, key: str) -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self._errors[key] = label
        return label

    def show_error(self, key: str, message: str | None) -> bool:
        """Show ``message`` next to field ``key``; False when the form has no such field."""
        label = self._errors.get(key)
        if label is None:
            return False
        label.setText(message or "")
        label.setVisible(bool(message))
        return True

    def clear_errors(self) -> None:
        for key in self._errors:
            self.show_error(key, None)
        self.marked.clear()

    def mark_problems(self, problems: Sequence[Problem]) -> QWidget | None:
        """Show each problem next to its field (kept until it is fixed); the first field."""
        first: QWidget | None = None
        for problem in problems:
            if self.show_error(problem.field, problem.message):
                self.marked.add(problem.field)
                first = first or self.field_widget(problem.field)
        return first

    def unmark_fixed(self, problems: Sequence[Problem]) -> None:
        """Hide the marks of fields that no longer have a problem."""
        remaining = {p.field for p in problems}
        for key in sorted(self.marked - remaining):
            self.show_error(key, None)
            self.marked.discard(key)

    def show_starts(self) -> None:
        """Pick lists show the start of a long value (a location's site, not its code's end)."""
        for combo in self.findChildren(QComboBox):
            line = combo.lineEdit()
            if line is not None and not line.hasFocus():
                line.setCursorPosition(0)

    def field_widget(self, key: str) -> QWidget | None:
        if key == "performed_by":
            return self.performed_by.widget
        editor = self.all_editors().get(key)
        return editor.widget if editor is not None else self.checklist.get(key)

    def editor_owning(self, widget: QWidget | None) -> FieldEditor | None:
        """The editor ``widget`` belongs to (a pick list's line edit belongs to its editor)."""
        if widget is None:
            return None
        for editor in (self.performed_by, *self.all_editors().values()):
            if widget is editor.widget or editor.widget.isAncestorOf(widget):
                return editor
        return None

    def error_label(self, key: str) -> QLabel | None:
        """The label under field ``key`` that shows its problem (hidden when it has none)."""
        return self._errors.get(key)

    def error_text(self, key: str) -> str:
        label = self._errors.get(key)
        return label.text() if label is not None and label.isVisibleTo(self) else ""

    def _when_changed(self) -> None:
        self.when_touched = True
        self.changed.emit()

    # -- values --------------------------------------------------------------------

    def performed_at(self) -> dt.datetime | None:
        if not self.when_touched:
            return None
        local: Any = self.when.dateTime().toPython()
        return local.astimezone(dt.UTC) if isinstance(local, dt.datetime) else None

    def performer_username(self) -> str:
        person_id = self.performed_by.value()
        people: tuple[Choice, ...] = self.context.choices.by_type.get(FieldType.PERSON, ())
        return next((p.detail for p in people if p.id == person_id), "")

    def all_editors(self) -> dict[str, FieldEditor]:
        return {**self.asset_editors, **self.custom_editors, **self.answer_editors}


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return form


def _label(text: str, buddy: QWidget | None = None) -> QLabel:
    """A field's label: one width for the whole form, wrapped onto more lines when long."""
    label = QLabel(text)
    label.setFixedWidth(LABEL_WIDTH)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


class _ChecklistBox(QGroupBox):
    """The checklist's group: its key (Alt+K) always goes to the first item. Qt's group box
    goes back to the child focused last, so after Receive & next Space ticked the item the
    laptop before ended on, not the first (newuser27)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut:
            first = next(
                (box for box in self.findChildren(QCheckBox) if box.isVisibleTo(self)), None
            )
            if first is not None:
                first.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
        return super().event(event)


class WrappingCheckBox(QCheckBox):
    """A checklist item whose long text wraps instead of widening the form.

    QCheckBox cannot wrap its text; the text is shown by a word-wrapped label beside an
    empty box, and a click on the label toggles the box as a click on the text would.
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(text)
        self.label = _ToggleLabel(text, self)
        self.row = QWidget()
        row = QHBoxLayout(self.row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)

    def text(self) -> str:
        return self.label.text()


def _max_length(key: str) -> int | None:
    return FIELDS_BY_KEY[key].max_length


class _ToggleLabel(QLabel):
    """The wrapped text of a :class:`WrappingCheckBox`: a click on it toggles the box."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
            self._box.setFocus(Qt.FocusReason.MouseFocusReason)
        event.accept()


def _offer_buttons(field: QWidget) -> list[QWidget]:
    """The buttons under ``field`` in its cell (an "Add the … '…'…" offer): after a
    rebuild of the custom fields (a category chosen) Tab went from Model straight to the
    serial number, past its offer (seen under Xvfb: a Laptop of the demo has custom
    fields)."""
    cell = field.parentWidget()
    if cell is None:
        return []
    return [
        button
        for button in cell.findChildren(
            QPushButton, options=Qt.FindChildOption.FindDirectChildrenOnly
        )
        if button is not field
    ]
