"""One editor per field type: line edits, typed dates, searchable pick lists.

Every editor answers the same questions — its value, whether it is empty, what is wrong
with what was typed — so that the form can validate and submit any template.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QWidget,
)

from desktop.domain.fields import FieldType
from desktop.domain.lifecycle import STATUS_LABELS, AssetStatus
from desktop.domain.typed_dates import describe_order, order_of, parse_typed_date
from desktop.services.reference_queries import PATH_SEPARATOR, Choice
from desktop.storage.folding import fold
from desktop.wording import with_detail
from ui.gui.folding_completer import FOLDED_ROLE, FoldingCompleter, fold_item_texts


class OptionalDateEdit(QLineEdit):
    """A date typed as text, in ISO or the user's order, with any usual separator.

    "2024-02-15", "15/02/2024", "15.02.2024" (or "02/15/2024" where month comes first)
    are read as typed (:func:`desktop.domain.typed_dates.parse_typed_date`); a text that
    is no date is shown as a problem, never adjusted. Leaving the field shows the date in
    the display format. Up/Down step a day (from today when empty); Delete at the end of
    the text empties it; the calendar button picks a date.

    Signals:
        dateChanged(): the typed or picked date changed.
    """

    dateChanged = Signal()

    def __init__(self, display_format: str = "yyyy-MM-dd", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = display_format
        self.order = order_of(display_format, _locale_order())
        example = QDate(2024, 2, 15).toString(display_format)
        self.setPlaceholderText(f"e.g. {example}")
        self.setToolTip(
            f"Type a date as {example} or 2024-02-15 ({describe_order(self.order)} or ISO);"
            " Up/Down step a day; Delete empties it"
        )
        self.setMaximumWidth(220)
        self._calendar = self.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        self._calendar.setToolTip("Pick a date")
        self._calendar.triggered.connect(self._pick)
        self.textEdited.connect(lambda _text: self.dateChanged.emit())
        self.editingFinished.connect(self._tidy)

    def value(self) -> dt.date | None:
        """The date typed (None if empty or not a date; see :meth:`problem`)."""
        try:
            return parse_typed_date(self.text(), self.order)
        except ValueError:
            return None

    def problem(self) -> str | None:
        try:
            parse_typed_date(self.text(), self.order)
        except ValueError as exc:
            return str(exc)
        return None

    def set_value(self, value: dt.date | None) -> None:
        text = QDate(value.year, value.month, value.day).toString(self._format) if value else ""
        if text != self.text():
            self.setText(text)
            self.dateChanged.emit()

    def _tidy(self) -> None:
        """Show a date that was typed in another form in the display format."""
        value = self.value()
        if value is not None:
            self.set_value(value)

    def _pick(self) -> None:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        value = self.value()
        if value is not None:
            calendar.setSelectedDate(QDate(value.year, value.month, value.day))

        def picked(date: QDate) -> None:
            self._picked(date)
            calendar.close()

        calendar.clicked.connect(picked)
        calendar.activated.connect(picked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.show()

    def _picked(self, date: QDate) -> None:
        self.set_value(dt.date(date.year(), date.month(), date.day()))
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Delete and (
            self.cursorPosition() == len(self.text()) or self.selectedText() == self.text()
        ):
            self.set_value(None)
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            start = self.value()
            if start is None:
                self.set_value(dt.date.today())
            else:
                step = 1 if key == Qt.Key.Key_Up else -1
                self.set_value(start + dt.timedelta(days=step))
            return
        super().keyPressEvent(event)


def _locale_order() -> str:
    """The user's locale's order of day, month and year (day first if it starts with the year)."""
    return order_of(QLocale().dateFormat(QLocale.FormatType.ShortFormat), "dmy")


class _NoWheelCombo(QComboBox):
    """A pick list the mouse wheel does not change unless it has the focus: scrolling the
    form over a field must not pick another supplier or method by accident."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # the form scrolls instead


class ReferenceCombo(_NoWheelCombo):
    """A pick list with type-to-search: typing any part of a name narrows the choices.

    Signals:
        left(): the focus left the field (not for its own suggestion list).
    """

    left = Signal()

    def __init__(self, choices: Sequence[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        #: Folded item text → row, and last path segment → rows (for "Room A1"); folded
        #: as the search folds (accents and case ignored): "zurich office" names it.
        self._by_text: dict[str, int] = {}
        self._by_tail: dict[str, list[int]] = {}
        #: Folded detail (a location's code, a person's user name…) → rows: a code
        #: typed as on the CLI (LON-B1.04) names its location.
        self._by_detail: dict[str, list[int]] = {}
        #: Folded short names → rows: a room's number before its description ("A0.10" of
        #: "A0.10 IT store") and a code's part after its prefix ("A0.10" of "LON-A0.10").
        self._by_short: dict[str, list[int]] = {}
        self._fill(choices)
        # "zurich" offers "Zürich office", as the register's search finds it.
        # Enter takes the highlighted suggestion — the one the text names, else the
        # first — and Tab an only one ("Lapt" → Laptop).
        self.setCompleter(FoldingCompleter(self.model(), self, self._matching_index))
        self.setCurrentIndex(0)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _fill(self, choices: Sequence[Choice]) -> None:
        self.addItem("", None)
        for row, choice in enumerate(choices, start=1):
            label = with_detail(choice.label, choice.detail)
            self.addItem(label, str(choice.id))  # strings: QVariant compares them by value
            self._by_text.setdefault(fold(label), row)
            self._by_text.setdefault(fold(choice.label), row)
            tail = fold(choice.label.rsplit(PATH_SEPARATOR, 1)[-1])
            self._by_tail.setdefault(tail, []).append(row)
            shorts = {tail.split(" ", 1)[0]} if " " in tail else set()
            if choice.detail:
                code = fold(choice.detail.strip())
                self._by_detail.setdefault(code, []).append(row)
                if "-" in code:
                    shorts.add(code.rsplit("-", 1)[1])
            for short in shorts - {""}:
                self._by_short.setdefault(short, []).append(row)
        fold_item_texts(self)

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Offer other choices (the models of the chosen category); the chosen value stays
        when it is still offered, else the box is emptied; typed text that named no
        choice stays (it may name one now). Listeners hear the text, checked again."""
        kept, typed = self.value(), self.typed_text()
        blocked = self.blockSignals(True)
        try:
            self.clear()
            self._by_text.clear()
            self._by_tail.clear()
            self._by_detail.clear()
            self._by_short.clear()
            self._fill(choices)
            self.set_value(kept)
            if kept is None and typed:
                self.setEditText(typed)
        finally:
            self.blockSignals(blocked)
        self.currentTextChanged.emit(self.currentText())

    def value(self) -> uuid.UUID | None:
        index = self._matching_index()
        data = self.itemData(index) if index >= 0 else None
        return uuid.UUID(data) if data else None

    def set_value(self, value: uuid.UUID | None) -> None:
        index = self.findData(str(value)) if value is not None else 0
        self.setCurrentIndex(max(index, 0))

    def typed_text(self) -> str:
        return self.currentText().strip()

    def choose_code(self, code: str) -> bool:
        """Choose the one choice whose code (or user name) is ``code`` — a location's
        label scanned into its field; False, and nothing changed, if none or several."""
        rows = self._by_detail.get(fold(code.strip()), [])
        if len(rows) != 1:
            return False
        self.setCurrentIndex(rows[0])
        return True

    def could_name(self, text: str) -> bool:
        """Some choice's text holds ``text`` (accents and case ignored): typed into the
        box, it would name or complete a choice."""
        folded = fold(text.strip())
        return bool(folded) and any(
            folded in str(self.itemData(row, FOLDED_ROLE) or "") for row in range(1, self.count())
        )

    def is_unknown(self) -> bool:
        """Text was typed that names no choice."""
        return bool(self.typed_text()) and self._matching_index() < 0

    def can_complete(self) -> bool:
        """Some choice's text holds the typed text (accents and case ignored): the
        suggestion list can still complete it, as :class:`FoldingCompleter` matches."""
        text = fold(self.typed_text())
        return any(
            text in str(self.itemData(row, FOLDED_ROLE) or "") for row in range(1, self.count())
        )

    def is_being_typed(self) -> bool:
        """The field has the focus (its line edit or its suggestion list)."""
        line = self.lineEdit()
        return self.hasFocus() or (line is not None and line.hasFocus())

    def _focus_changed(self, old: QWidget | None, now: QWidget | None) -> None:
        """Say the field was left when the focus moves from it to another widget (Tab
        while the suggestions show moves it with no focus-out event to the field)."""
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        if now is None or now is popup or not self._holds(old) or self._holds(now):
            return
        self.left.emit()

    def _holds(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self or self.isAncestorOf(widget))

    def _matching_index(self) -> int:
        """The row the typed text names: its full text, its name, its code or user name
        (when only one choice has it), or — when only one choice ends so — the last part
        of a path ("Room A1"), or — when only one choice has it — a short name: the first
        word of that last part or a code's part after its prefix ("A0.10")."""
        text = fold(self.typed_text())
        if not text:
            return -1
        if text in self._by_text:
            return self._by_text[text]
        for named in (self._by_detail, self._by_tail, self._by_short):
            rows = named.get(text, [])
            if len(rows) == 1:
                return rows[0]
        return -1


class FieldEditor(QObject):
    """A field of the form: its widget, value and problems.

    Signals:
        changed(): the user edited the value.
        left(): the focus left a pick list (its problem is shown from then on).
    """

    changed = Signal()
    left = Signal()

    def __init__(self, key: str, label: str, type_: FieldType, widget: QWidget) -> None:
        super().__init__(widget)
        self.key = key
        self.label = label
        self.type = type_
        self.widget = widget
        #: A barcode scanned while the field has the focus becomes its value (its field or
        #: template says so); other fields ignore scans (see ProcedureDialog._scanned).
        self.accepts_scan = False

    def accept_scans(self) -> None:
        """Take a scan made in the field as its value, and say so in the empty field."""
        self.accepts_scan = True
        if not self.widget.property("placeholderText"):
            self.widget.setProperty("placeholderText", "type or scan")

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        raise NotImplementedError

    def is_empty(self) -> bool:
        value = self.value()
        return value is None or value == ""

    def problem(self) -> str | None:
        """What is wrong with the typed text (not whether it is required)."""
        return None

    def shown_problem(self) -> str | None:
        """The problem to show under the field now (see :meth:`ReferenceEditor.shown_problem`)."""
        return self.problem()


class TextEditor(FieldEditor):
    def __init__(self, key: str, label: str, max_length: int | None = None) -> None:
        self.edit = QLineEdit()
        if max_length:
            self.edit.setMaxLength(max_length)
        super().__init__(key, label, FieldType.TEXT, self.edit)
        self.edit.textEdited.connect(self.changed)

    def value(self) -> object:
        return self.edit.text().strip()

    def set_value(self, value: object) -> None:
        self.edit.setText("" if value is None else str(value))


class LongTextEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(64)
        super().__init__(key, label, FieldType.LONG_TEXT, self.edit)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> object:
        return self.edit.toPlainText().rstrip()

    def set_value(self, value: object) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class NumberEditor(FieldEditor):
    """Numbers and amounts: typed freely, checked as they are typed."""

    def __init__(self, key: str, label: str, type_: FieldType) -> None:
        self.edit = QLineEdit()
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setPlaceholderText("0.00" if type_ is FieldType.MONEY else "")
        self.edit.setMaximumWidth(180)
        super().__init__(key, label, type_, self.edit)
        self.edit.textEdited.connect(self.changed)

    def _parsed(self) -> Decimal | None:
        text = self.edit.text().strip().replace(" ", "").replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
        if not number.is_finite():
            raise ValueError(text)
        return number

    def value(self) -> object:
        try:
            number = self._parsed()
        except ValueError:
            return self.edit.text().strip()
        if number is None:
            return None
        if self.type is FieldType.MONEY:
            return number.quantize(Decimal("0.01"))
        return int(number) if number == number.to_integral_value() else float(number)

    def set_value(self, value: object) -> None:
        self.edit.setText("" if value is None else str(value))

    def problem(self) -> str | None:
        try:
            number = self._parsed()
        except ValueError:
            kind = "an amount" if self.type is FieldType.MONEY else "a number"
            return f"'{self.edit.text().strip()}' is not {kind}"
        if self.type is FieldType.MONEY and number is not None and number < 0:
            return "an amount cannot be negative"
        return None


class DateEditor(FieldEditor):
    def __init__(self, key: str, label: str, display_format: str) -> None:
        self.edit = OptionalDateEdit(display_format)
        super().__init__(key, label, FieldType.DATE, self.edit)
        self.edit.dateChanged.connect(self.changed)

    def value(self) -> object:
        return self.edit.value()

    def is_empty(self) -> bool:
        return not self.edit.text().strip()

    def problem(self) -> str | None:
        return self.edit.problem()

    def set_value(self, value: object) -> None:
        if isinstance(value, str) and value:
            value = dt.date.fromisoformat(value)
        self.edit.set_value(value if isinstance(value, dt.date) else None)


class ChoiceEditor(FieldEditor):
    """A fixed list (template choices, yes/no, status): the first entry means "not set"."""

    def __init__(
        self, key: str, label: str, type_: FieldType, options: Sequence[tuple[str, object]]
    ) -> None:
        self.combo = _NoWheelCombo()
        self.combo.addItem("", None)
        for text, data in options:
            self.combo.addItem(text, data)
        super().__init__(key, label, type_, self.combo)
        self.combo.currentIndexChanged.connect(self.changed)

    def value(self) -> object:
        return self.combo.currentData()

    def set_value(self, value: object) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))


class ReferenceEditor(FieldEditor):
    def __init__(self, key: str, label: str, type_: FieldType, choices: Sequence[Choice]) -> None:
        self.combo = ReferenceCombo(choices)
        super().__init__(key, label, type_, self.combo)
        self.combo.currentTextChanged.connect(self.changed)
        self.combo.left.connect(self.left)

    def value(self) -> object:
        return self.combo.value()

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self.combo.set_choices(choices)

    def set_value(self, value: object) -> None:
        if isinstance(value, str) and value:
            value = uuid.UUID(value)
        self.combo.set_value(value if isinstance(value, uuid.UUID) else None)

    def is_empty(self) -> bool:
        return not self.combo.typed_text()

    def problem(self) -> str | None:
        if self.combo.is_unknown():
            return f"'{self.combo.typed_text()}' is not a known {self.type.value}"
        return None

    def shown_problem(self) -> str | None:
        """Not while the person is still typing a name a suggestion can complete ("ali" of
        "Alice Admin"): shown once the field is left, or once no choice holds the text."""
        problem = self.problem()
        if problem is not None and self.combo.is_being_typed() and self.combo.can_complete():
            return None
        return problem


def make_editor(
    key: str,
    label: str,
    type_: FieldType,
    *,
    choices: Sequence[Choice] = (),
    options: Sequence[str] = (),
    statuses: Sequence[AssetStatus] = (),
    max_length: int | None = None,
    date_format: str = "yyyy-MM-dd",
) -> FieldEditor:
    """The editor for a field of ``type_`` (asset field, template field or custom field)."""
    match type_:
        case FieldType.TEXT:
            return TextEditor(key, label, max_length)
        case FieldType.LONG_TEXT:
            return LongTextEditor(key, label)
        case FieldType.NUMBER | FieldType.MONEY:
            return NumberEditor(key, label, type_)
        case FieldType.DATE:
            return DateEditor(key, label, date_format)
        case FieldType.CHOICE:
            return ChoiceEditor(key, label, type_, [(o, o) for o in options])
        case FieldType.YESNO:
            return ChoiceEditor(key, label, type_, [("Yes", True), ("No", False)])
        case FieldType.STATUS:
            return ChoiceEditor(key, label, type_, [(STATUS_LABELS[s], s.value) for s in statuses])
        case _:
            return ReferenceEditor(key, label, type_, choices)
