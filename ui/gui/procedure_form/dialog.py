"""The procedure form: one dialog for every procedure template.

It loads the template, the asset(s) and the pick lists on a worker, builds the form from
the template, checks it as the user types, and records one procedure per asset (all or
nothing) on a worker. A conflict shows both values and lets the user re-apply or discard.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.fields import FieldType
from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.permissions import work_for
from desktop.errors import ConflictError, DesktopError, Problem, ValidationError
from desktop.scanning import ScannerConfig
from desktop.services.approvals import possible_approvers
from desktop.services.permissions import require
from desktop.services.procedures import ProcedureOutcome, ProcedureRequest, record_procedures
from desktop.settings import DATE_FORMAT, Settings
from desktop.storage.database import Database
from desktop.wording import plural
from ui.gui.discard_question import DiscardAsker
from ui.gui.procedure_form.add_model import OFFERS
from ui.gui.procedure_form.add_reference import AddCategoryOffer, AddChoiceOffer
from ui.gui.procedure_form.conflict_dialog import ConflictDialog
from ui.gui.procedure_form.editors import ReferenceEditor
from ui.gui.procedure_form.final_step import ask_final_step, is_final
from ui.gui.procedure_form.form_data import FormContext, load_form, read_assets
from ui.gui.procedure_form.form_view import FormView
from ui.gui.procedure_form.receive_next import NextAsset
from ui.gui.procedure_form.requests import build_requests, form_problems, model_may_name, prefill
from ui.gui.procedure_form.tag_category import CategoryFromTag
from ui.gui.procedure_form.type_ahead import TypeAhead
from ui.gui.reference.jobs import DialogJobs
from ui.gui.scanner import ScanDetector
from ui.gui.worker import Progress

VERBS = {
    ProcedureKind.RECEIVE: "Receive",
    ProcedureKind.INSTALL: "Install",
    ProcedureKind.CHANGE: "Record change",
    ProcedureKind.DECOMMISSION: "Decommission",
    ProcedureKind.DISPOSE: "Dispose",
    ProcedureKind.AUDIT_CORRECTION: "Record correction",
}
WARNING_STYLE = "color: #8a5a00;"
ERROR_STYLE = "color: #b00020; font-weight: bold;"
#: Room left around the dialog for the window frame and panels when the screen is small.
FRAME_ALLOWANCE = 60
#: The height the form opens at when the screen has room (less on a smaller screen). At
#: 820 a Receive form's checklist, ticked for every asset received, began some 90 pixels
#: below the fold of a 1600 × 1000 screen (the asset's fields above it take 450): a mouse
#: user scrolled for it every time. 1000 opens it as tall as such a screen allows (940).
PREFERRED_HEIGHT = 1000
#: The width it opens at where the screen has room: wide enough for the checklist and the
#: risk panel to stand beside the fields (FormView.arrange), as on a 1280 × 720 screen.
PREFERRED_WIDTH = 1160


class ProcedureDialog(QDialog):
    """Fill in and record a procedure for one or more assets (or a new asset).

    Signals:
        recorded(list): the ``ProcedureOutcome`` of every asset, after success.
        ready(): the form has been built (the template and pick lists are loaded).
    """

    recorded = Signal(list)
    ready = Signal()

    def __init__(
        self,
        database: Database,
        username: str,
        kind: ProcedureKind,
        tags: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._username = username
        self._kind = kind
        self._tags = list(tags)
        self._versions: dict[uuid.UUID, int] = {}
        self._recording = False
        self._jobs = DialogJobs(self)
        self.view: FormView | None = None
        self._category_from_tag: CategoryFromTag | None = None  # Receive: see tag_category
        self._next_asset: NextAsset | None = None  # Receive: see receive_next
        self.conflict_dialog: ConflictDialog | None = None
        self.add_category: AddCategoryOffer | None = None  # Receive: see add_reference
        # Location, Assigned to, Owning group, in any form that has them: likewise.
        self.add_offers: dict[str, AddChoiceOffer] = {}
        self.discard_asker = DiscardAsker(self, self.discard)  # its question while open
        self.final_question: QMessageBox | None = None  # Decommission, Dispose: final_step
        self._entered = False
        self._recorded_tags: list[str] = []  # by Receive & next, before the entries now shown
        self._discarding = False
        self._watching_focus = False
        self.setWindowTitle(f"{kind.label} — Assetdesk")
        self._fit_to_screen(PREFERRED_WIDTH, PREFERRED_HEIGHT)

        self.title = QLabel(kind.label)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.description = QLabel()
        self.description.setWordWrap(True)
        banner = QFrame()
        banner.setObjectName("banner")
        banner.setStyleSheet(
            "#banner { background: palette(base); border-bottom: 1px solid palette(mid); }"
        )
        banner_layout = QVBoxLayout(banner)
        banner_layout.addWidget(self.title)
        banner_layout.addWidget(self.description)

        self.stack = QStackedWidget()
        self.loading = QLabel("Loading the form…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # The form wraps its long labels and narrows its pick lists: never scroll sideways.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack.addWidget(self.scroll_area)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Two lines are kept for it (and as many as it ever took): a line that shrank as the
        # form filled moved the whole form up, and a click landed on the wrong tick box.
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status_label.setMinimumHeight(2 * self.status_label.fontMetrics().lineSpacing())
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton(VERBS.get(kind, "Record"))
        self.ok_button.setEnabled(False)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        #: Receive only: record this asset and keep the form for the next one.
        self.next_button: QPushButton | None = None
        self._next = False  # the recording under way was asked with "Receive & next"
        if kind is ProcedureKind.RECEIVE:
            self.next_button = QPushButton("Receive && &next")
            self.next_button.setToolTip(
                "Record this asset and keep the form for the next one of the same delivery "
                "(Ctrl+Shift+Enter)"
            )
            self.next_button.setEnabled(False)
            self.next_button.clicked.connect(self.submit_and_next)
            self.buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ActionRole)
            for keys in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
                QShortcut(QKeySequence(keys), self).activated.connect(self.submit_and_next)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.submit)

        footer = QVBoxLayout()
        footer.setContentsMargins(12, 6, 12, 12)
        # What became of a scan made while the form has the focus (see _scanned).
        self.scan_label = QLabel()
        self.scan_label.setWordWrap(True)
        self.scan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scan_label.hide()
        footer.addWidget(self.scan_label)
        footer.addWidget(self.status_label)
        footer.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(banner)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

        settings = Settings()
        date_format = settings.get(DATE_FORMAT)
        # A scan is told from typing as in the main window: it never lands in the field
        # that has the focus, and its Enter does not move on to the next field.
        self.scanner = ScanDetector(self, ScannerConfig.from_settings(settings))
        self.scanner.scanned.connect(self._scanned)
        # Keys typed before the form is built wait for the field it opens on (type_ahead).
        self.type_ahead = TypeAhead(self)
        self._jobs.start(
            _load_job(database, kind, self._tags, username),
            lambda context: self._build(context, date_format),
            self._load_failed,
        )

    # -- building ------------------------------------------------------------------

    def is_ready(self) -> bool:
        return self.view is not None

    def is_busy(self) -> bool:
        return self._jobs.busy

    def _load_failed(self, error: DesktopError) -> None:
        self.type_ahead.drop()
        self.loading.setText(f"The form cannot be opened: {error.message}")
        self.loading.setStyleSheet(ERROR_STYLE)
        self.loading.setWordWrap(True)

    def _build(self, context: FormContext, date_format: str) -> None:
        definition = context.template.definition
        self.title.setText(definition.name)
        self.description.setText(
            definition.description
            + f"  <span style='color: gray'>(template version {context.template.version})</span>"
        )
        if len(context.assets) > 1:
            self.ok_button.setText(
                f"{VERBS.get(self._kind, 'Record')} {len(context.assets)} assets"
            )
        self.view = FormView(context, self._username, date_format)
        prefill(self.view)
        tag, category = (self.view.asset_editors.get(k) for k in ("tag", "category"))
        if self._kind is ProcedureKind.RECEIVE and tag is not None and category is not None:
            # A new tag typed or scanned names its category by its prefix.
            categories = context.choices.by_type.get(FieldType.CATEGORY, ())
            self._category_from_tag = CategoryFromTag(tag, category, categories)
        if self._kind is ProcedureKind.RECEIVE:
            self._next_asset = NextAsset(self.view)
        if self._kind is ProcedureKind.RECEIVE and isinstance(category, ReferenceEditor):
            # A category the register lacks is added here, not by discarding the form.
            self.add_category = AddCategoryOffer(
                self.view, self._database, self._username, self._jobs, self
            )
        for key, offer in OFFERS.items():
            if isinstance(self.view.asset_editors.get(key), ReferenceEditor):
                self.add_offers[key] = offer(
                    self.view, self._database, self._username, self._jobs, self
                )
        if self._kind is ProcedureKind.RECEIVE and self._tags and tag is not None:
            # "Receive a new asset with tag X" after a scan of an unknown tag.
            tag.set_value(self._tags[0])
            if self._category_from_tag is not None:
                self._category_from_tag.follow_tag()
        self.view.show_starts()
        self.scroll_area.setWidget(self.view)
        self.stack.setCurrentWidget(self.scroll_area)
        # The checklist and the risk panel beside the fields stay in sight as they scroll.
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._keep_side_in_sight)
        self.scroll_area.verticalScrollBar().rangeChanged.connect(self._keep_side_in_sight)
        self.view.changed.connect(self._revalidate)
        for editor in (self.view.performed_by, *self.view.all_editors().values()):
            editor.left.connect(self._revalidate)  # a name typed and left is listed now
        self.view.changed.connect(self._entries_made)
        # The scan's note is about that scan: the next edit of the form makes it old news
        # (a new user typed the serial a scan had been refused for; the note stayed).
        self.view.changed.connect(self.scan_label.hide)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
            self._watching_focus = True
        self._revalidate()
        self._focus_first()
        first = self.focusWidget()
        if first is not None:
            self.type_ahead.replay(first)
        else:
            self.type_ahead.drop()
        self.ready.emit()

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Open at the preferred size, or smaller on a small screen (e.g. 1280 × 720)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, available.width() - FRAME_ALLOWANCE)
            height = min(height, available.height() - FRAME_ALLOWANCE)
        self.resize(width, height)

    def _keep_side_in_sight(self, *_: int) -> None:
        if self.view is not None:
            bar = self.scroll_area.verticalScrollBar()
            self.view.keep_side_in_sight(bar.value(), self.scroll_area.viewport().height())

    def _focus_first(self) -> None:
        assert self.view is not None
        editors = [*self.view.asset_editors.values(), *self.view.answer_editors.values()]
        # Notes are never the first thing to fill in: a Decommission opened in them, above
        # the sanitisation method it needs (newuser4).
        empty = [e for e in editors if e.is_empty() and e.type is not FieldType.LONG_TEXT]
        needed = [e for e in empty if e.key in self.view.required]
        if self._kind is not ProcedureKind.RECEIVE and needed:
            # What the form still needs first: a Change of an asset without an owning
            # group opened in Owning group, "Type of change *" waiting below (newuser17).
            # Not Receive: its first field is the tag, where a scanner's keys must go.
            empty = needed
        tag = self.view.asset_editors.get("tag")
        if self._kind is ProcedureKind.RECEIVE and tag is not None and not tag.is_empty():
            # Opened on a scanned tag: the scanner is in hand, and the serial scanned next
            # went into Name as typed. The serial number (a field that takes a scan) first.
            empty = [e for e in empty if e.accepts_scan] or empty
        target = (empty or editors)[0].widget if editors else self.view.ticket.widget
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        # Opened by a shortcut or a scan: the field is drawn focused, as after Tab (a
        # drop-down list it opened on looked like any other; newuser21). Set after
        # setFocus, which clears it for any reason but Tab and a shortcut.
        self.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        # setFocus does not scroll: a Change of a fully filled asset opened in "Type of
        # change", below the fold, and the first keys went into a field out of sight
        # (newuser8). The form is laid out first so that the field's place is known.
        layout = self.view.layout()
        if layout is not None:
            layout.activate()
        self.scroll_area.ensureWidgetVisible(target)

    # -- checking ------------------------------------------------------------------

    def problems(self) -> list[str]:
        """What the form still needs, as the OK button's tooltip lists it."""
        return [p.message for p in form_problems(self.view)] if self.view else ["loading"]

    def _revalidate(self) -> None:
        if self.view is None:
            return
        found = form_problems(self.view)
        self.view.unmark_fixed(found)
        problems = [p.message for p in found]
        self.ok_button.setEnabled(not problems)
        if self.next_button is not None:
            self.next_button.setEnabled(not problems)
        if problems:
            # A name still being typed that a suggestion can complete ("Lapt" of Laptop)
            # is not listed yet, as under its field; the OK button's tooltip has it.
            listed = [p.message for p in found if not self._being_typed(p.field)]
            shown = "; ".join(listed[:3]) + (
                f"; and {len(listed) - 3} more" if len(listed) > 3 else ""
            )
            self.status_label.setText(f"⚠ Still needed: {shown}" if listed else "")
            self.status_label.setStyleSheet(WARNING_STYLE)
            self.ok_button.setToolTip("Cannot be recorded yet:\n• " + "\n• ".join(problems))
        else:
            approvals = self.view.risk.approvals_required()
            missing = self.view.risk.approvers_missing()
            self.status_label.setText(
                "Ready. Ctrl+Enter records it"
                + (f"; it then waits for {plural(approvals, 'approval')}" if approvals else "")
                + (
                    f", but {missing} may approve your work: it would wait for ever (see "
                    "Risk and approval)."
                    if missing
                    else "."
                )
            )
            self.status_label.setStyleSheet(WARNING_STYLE if missing else "")
            self.ok_button.setToolTip("Record the procedure (Ctrl+Enter)")
        self._keep_status_height()

    def _being_typed(self, key: str) -> bool:
        """Field ``key`` holds a text its suggestions may still complete (see
        :meth:`ReferenceEditor.shown_problem`)."""
        assert self.view is not None
        editor = (
            self.view.performed_by if key == "performed_by" else self.view.all_editors().get(key)
        )
        return (
            editor is not None and editor.problem() is not None and editor.shown_problem() is None
        )

    def _keep_status_height(self) -> None:
        """The status line never gives back height it took: the form above it stays still."""
        label = self.status_label
        width = label.width() if label.width() > 0 else label.sizeHint().width()
        needed = label.heightForWidth(width) if width > 0 else label.sizeHint().height()
        if needed > label.minimumHeight():
            label.setMinimumHeight(needed)

    # -- submitting ----------------------------------------------------------------

    def submit(self) -> None:
        if self.view is None or self._recording:
            return
        if self.final_question is not None:
            return  # asked already: Ctrl+Enter again does not record it unasked
        if not self.ok_button.isEnabled():
            # Not only the footer: every field that still needs something is marked, and
            # the first one comes into view with the focus.
            self.status_label.setStyleSheet(ERROR_STYLE)
            first = self.view.mark_problems(form_problems(self.view))
            if first is not None:
                self.scroll_area.ensureWidgetVisible(first)
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.view.clear_errors()
        requests = build_requests(self.view, self._versions)
        if is_final(self._kind, self.view.risk.approvals_required()):
            # Nothing undoes it: asked first, Cancel the default (final_step).
            tags = [asset.tag for asset in self.view.context.assets]
            self.final_question = ask_final_step(
                self, self._kind, tags, lambda: self._record(requests)
            )
            self.final_question.finished.connect(self._final_answered)
            return
        self._record(requests)

    def _final_answered(self) -> None:
        self.final_question = None  # deleted on close

    def submit_and_next(self) -> None:
        """Record this asset; the form then stays for the next one (receive_next)."""
        if self.next_button is None or self._recording:
            return
        self._next = True
        self.submit()
        self._next = self._recording  # not recorded (something still needed): a plain form

    def _record(self, requests: Sequence[ProcedureRequest]) -> None:
        self._recording = True
        self.ok_button.setEnabled(False)
        if self.next_button is not None:
            self.next_button.setEnabled(False)
        self.status_label.setStyleSheet("")
        self.status_label.setText("Recording…")
        self._jobs.start(
            _record_job(self._database, list(requests)),
            self._recorded,
            self._record_failed,
            self._record_finished,
        )

    def _record_finished(self) -> None:
        self._recording = False
        self._revalidate()

    def _recorded(self, outcomes: list[ProcedureOutcome]) -> None:
        # Announced once the worker thread has ended, so that whoever listens may close
        # or delete this dialog at once.
        def announce() -> None:
            self.recorded.emit(outcomes)
            if not self._next:
                self.accept()
                return
            self._next = False
            assert self._next_asset is not None
            self._next_asset.clear_for_next()
            self._entered = False  # nothing typed for the next asset yet
            recorded = [o.asset_tag for o in outcomes if getattr(o, "asset_tag", None)]
            self._recorded_tags.extend(recorded)
            tags = ", ".join(recorded)
            self._show_scan(f"Recorded {tags}. Scan or type the next asset's tag.")
            self._revalidate()

        self._after_job(announce)

    def _record_failed(self, error: DesktopError) -> None:
        assert self.view is not None
        if isinstance(error, ConflictError):
            self._show_conflict(error)
            return
        if isinstance(error, ValidationError):
            elsewhere = [p for p in error.problems if not self.view.show_error(p.field, p.message)]
            where = f" ({error.subject})" if error.subject else ""
            text = f"Not recorded{where}: " + (
                "; ".join(p.message for p in elsewhere) if elsewhere else "see the marked fields."
            )
            self._show_failure(text)
            # The first marked field comes into view (it was scrolled out of sight).
            marked = [p.field for p in error.problems if p not in elsewhere]
            first = self.view.field_widget(marked[0]) if marked else None
            if first is not None:
                self.scroll_area.ensureWidgetVisible(first)
            return
        self._show_failure(f"Not recorded: {error.message}")

    def _show_failure(self, text: str) -> None:
        # _revalidate runs when the worker has finished; keep the failure visible after it.
        def show() -> None:
            self.status_label.setText("✖ " + text)
            self.status_label.setStyleSheet(ERROR_STYLE)

        self._after_job(show)

    def _after_job(self, callback: Any) -> None:
        self._jobs.when_idle(callback)

    def _show_conflict(self, error: ConflictError) -> None:
        dialog = ConflictDialog(error, self)
        self.conflict_dialog = dialog
        dialog.accepted.connect(self._reapply)
        dialog.rejected.connect(self.discard)
        self._after_job(dialog.open)

    def _reapply(self) -> None:
        """Re-read the assets' versions and record the same values again."""
        assert self.view is not None
        self.status_label.setText("Reading the new version…")

        def refreshed(versions: dict[uuid.UUID, int]) -> None:
            self._versions = versions
            assert self.view is not None
            self._after_job(lambda: self._record(build_requests(self.view, versions)))

        self._jobs.start(_versions_job(self._database, self._tags), refreshed, self._record_failed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Enter records; a plain Enter (a barcode scanner ends every scan with one)
        moves to the next field instead of submitting a half-filled form."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.submit()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    # -- scans ---------------------------------------------------------------------

    def _scanned(self, code: str) -> None:
        """A scan while the form has the focus. Into a field that accepts scans (a serial
        number, a template's evidence number), it is that field's value; into a pick list
        whose one choice has it as its code, it is that choice; a room's label (a
        location's code) anywhere else in a form with Location is the new location; on a
        Receive form whose Asset tag is still empty, it is the new asset's tag label; an
        asset's tag scanned into a pick list (Assigned to) is said to be one and left out;
        anything else is ignored (a stray scan never changes a field), except in a text
        field: there it may have been a person typing fast, so it is typed into the field
        as it came. The line above the buttons says which."""
        # Not yet active (a scan typed while it loaded, replayed by type_ahead): its own.
        focused = QApplication.focusWidget() if self.isActiveWindow() else self.focusWidget()
        editor = self.view.editor_owning(focused) if self.view is not None else None
        if editor is not None and editor.accepts_scan and editor.widget.isEnabled():
            editor.set_value(code)
            editor.changed.emit()  # checked and counted as typed
            self._show_scan(f"Scanned {code} into {editor.label}.")
            self.focusNextChild()
            return
        if (
            isinstance(editor, ReferenceEditor)
            and editor.widget.isEnabled()
            and editor.combo.choose_code(code)
        ):
            # A pick list's own code scanned into it: a room's label into Location.
            editor.changed.emit()
            self._show_scan(f"Scanned {code} into {editor.label}.")
            self.focusNextChild()
            return
        location = self.view.asset_editors.get("location") if self.view is not None else None
        if (
            isinstance(location, ReferenceEditor)
            and location.widget.isEnabled()
            and location.combo.choose_code(code)
        ):
            # A room's label scanned wherever the focus is (the Type of change just chosen,
            # the field the form opened on): the new location, as a room scanned in an
            # audit is that room. It was ignored, or typed into the Model as text.
            location.changed.emit()
            self._show_scan(f"Scanned {code} into {location.label}.")
            return
        tag = self.view.asset_editors.get("tag") if self.view is not None else None
        if self._kind is ProcedureKind.RECEIVE and tag is not None and tag.is_empty():
            in_tag = focused is not None and (
                focused is tag.widget or tag.widget.isAncestorOf(focused)
            )
            tag.set_value(code)
            if self._category_from_tag is not None:
                self._category_from_tag.follow_tag()
            self._show_scan(f"Scanned {code} into {tag.label}.")
            if in_tag:
                self._focus_after_scanned_tag()
            return
        if (
            isinstance(editor, ReferenceEditor)
            and editor.widget.isEnabled()
            and not editor.combo.could_name(code)
            and self._is_asset_tag(code)
        ):
            # An asset's tag label scanned into a pick list (Assigned to, the focus left
            # there): it names no person, location or group, and typed in as text it
            # stood in the field as if it were one. The field is left as it was.
            noun = _choice_noun(editor)
            self._show_scan(
                f"{code} is an asset tag, not {noun}: {editor.label} was left as it was. "
                f"Choose {noun} by name{' or scan their badge' if noun == 'a person' else ''}."
            )
            return
        if editor is not None and _takes_text(focused):
            # Perhaps a person typing fast: what was typed stays where it was typed, and
            # the Enter or Tab after it does what it does after typing.
            self.scanner.give_back()
            self._show_scan(
                f"{code} went into {editor.label} as typed: only a field marked “type or "
                "scan” takes a scan."
            )
            return
        self._show_scan(
            f"Scan ignored in the form: {code}. Only a field marked “type or scan” takes a "
            "scan; type a new tag by hand if one is needed."
        )

    def _focus_after_scanned_tag(self) -> None:
        """On to the next empty field that takes a scan (the serial number): the scanner is
        in hand, and the serial scanned next went into Name as typed. Without one, on to
        the next field, as after typing the tag."""
        assert self.view is not None
        for editor in self.view.asset_editors.values():
            if editor.accepts_scan and editor.widget.isEnabled() and editor.is_empty():
                editor.widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.focusNextChild()

    def _is_asset_tag(self, code: str) -> bool:
        """Whether ``code`` is the tag of an asset: one of the form's, or one in the
        register (one indexed read; a database that does not answer says no)."""
        from desktop.domain.tags import normalize_tag
        from desktop.services.tags import tag_in_use

        key = normalize_tag(code)
        if any(normalize_tag(tag) == key for tag in self._tags):
            return True
        try:
            with self._database.read() as session:
                return tag_in_use(session, code)
        except DesktopError:
            return False

    def _show_scan(self, text: str) -> None:
        self.scan_label.setText(text)
        self.scan_label.show()

    # -- leaving -------------------------------------------------------------------

    def _entries_made(self) -> None:
        self._entered = True

    def _focus_moved(self, old: QWidget | None, new: QWidget | None) -> None:
        """A required field left empty is marked as the focus leaves it."""
        if self.view is None or old is None or not self.isVisible():
            return
        if isinstance(old, QLineEdit) and isinstance(old.parentWidget(), QComboBox):
            old.setCursorPosition(0)  # the start of a long path, once the user has left it
        if new is None or not self.view.isAncestorOf(new):
            return  # to the buttons or another window: not "left empty" yet
        editor = self.view.editor_owning(old)
        if editor is None or editor is self.view.editor_owning(new):
            return
        if editor.key in self.view.required and editor.is_empty():
            if model_may_name(self.view, editor.key):
                return  # left empty as its placeholder says: the Model below names it
            self.view.mark_problems([Problem(editor.key, f"{editor.label} is required")])

    def reject(self) -> None:
        """Escape, Cancel or the window's close button: ask first when entries would be lost."""
        if not self._entered or self._discarding or self._recording or not self.isVisible():
            self.discard()
            return
        done = self._recorded_tags
        self.discard_asker.ask(
            "Discard what you entered on this form?",
            f"Already recorded, and kept: {', '.join(done)}. Only the entries shown are lost."
            if done
            else "Nothing has been recorded yet.",
            keep="&Keep editing",  # Alt+K, as Discard has Alt+D
        )

    @property
    def discard_box(self) -> QMessageBox | None:
        """The "Discard …?" question while it is open."""
        return self.discard_asker.box

    def unsaved_input(self) -> str:
        """What closing would lose, as Quit asks about it ("the Install form for
        LAP-0042"), or "" (nothing entered since it opened or last recorded, or being
        recorded now)."""
        if not self._entered or self._discarding or self._recording or not self.isVisible():
            return ""
        tags = self._tags
        tag = self.view.asset_editors.get("tag") if self.view is not None else None
        if not tags and tag is not None and not tag.is_empty():
            tags = [str(tag.value())]  # a Receive: the new asset's tag, once typed
        more = f" and {plural(len(tags) - 1, 'more asset')}" if len(tags) > 1 else ""
        return f"the {self._kind.label} form" + (f" for {tags[0]}{more}" if tags else "")

    def discard(self) -> None:
        """Close without recording and without asking."""
        self._discarding = True
        QDialog.reject(self)

    def done(self, result: int) -> None:
        self.scanner.uninstall()
        self.type_ahead.drop()
        app = QApplication.instance()
        if self._watching_focus and isinstance(app, QApplication):
            app.focusChanged.disconnect(self._focus_moved)
            self._watching_focus = False
        self.hide()
        self._jobs.cancel_then(lambda: QDialog.done(self, result))


def _load_job(database: Database, kind: ProcedureKind, tags: list[str], username: str) -> Any:
    def job(progress: Progress, cancel: threading.Event) -> FormContext:
        with database.read() as session:  # refused before anybody types into the form
            performer = require(session, username, work_for(kind))
            approvers = possible_approvers(session, performer)
        return replace(load_form(database, kind, tags), possible_approvers=approvers)

    return job


def _record_job(database: Database, requests: list[ProcedureRequest]) -> Any:
    def job(progress: Progress, cancel: threading.Event) -> list[ProcedureOutcome]:
        return record_procedures(database, requests)

    return job


def _versions_job(database: Database, tags: list[str]) -> Any:
    def job(progress: Progress, cancel: threading.Event) -> dict[uuid.UUID, int]:
        with database.read() as session:
            return {asset.id: asset.version for asset in read_assets(session, tags)}

    return job


def _choice_noun(editor: ReferenceEditor) -> str:
    """What a pick list's choices are, with an article: "a person", "a location"."""
    word = editor.type.value.replace("_", " ")
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _takes_text(widget: QWidget | None) -> bool:
    """Whether ``widget`` is an enabled, editable text field (a pick list's own included)."""
    if isinstance(widget, QComboBox):  # an editable pick list keeps the focus itself
        return widget.isEditable() and widget.isEnabled()
    if isinstance(widget, QLineEdit):
        return widget.isEnabled() and not widget.isReadOnly()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.isEnabled() and not widget.isReadOnly()
    return False
