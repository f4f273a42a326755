"""The approvals inbox: pending procedures, who may decide them, approve or reject.

Every pending procedure is listed; those the signed-in person may decide come first and
the others are greyed with the reason they are not theirs (their own request, no approver
role, a group shared with the requester, already decided). Reading and deciding run on
worker threads; the segregation-of-duties rules are the services' (the buttons only
mirror them).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lifecycle import PROCEDURE_NOUNS, ProcedureKind, ProcedureState
from desktop.errors import DesktopError
from desktop.local_time import shown_text
from desktop.services.approvals import (
    DecisionOutcome,
    PendingItem,
    WithdrawOutcome,
    approve,
    pending_approvals,
    reject,
    withdraw,
)
from desktop.storage.database import Database
from desktop.storage.kitfile import database_is_kit, database_returned_note
from desktop.wording import plural
from ui.gui.approvals.inbox_model import InboxModel
from ui.gui.approvals.jobs import finish_workers, start_worker
from ui.gui.confirm_box import ask_before
from ui.gui.procedure_form.final_step import FINAL_KINDS
from ui.gui.worker import Progress, Worker

ERROR_STYLE = "color: #b00020;"
#: How the service says the signed-in approver decided already ("already decided on it
#: (approved)"): their own decision, said as such, not as a refusal.
_DECIDED = "already decided on it"
OK_STYLE = "color: #1b7f3b;"


class ApprovalsInbox(QDialog):
    """Pending approvals for ``username``.

    Signals:
        loaded(int): the list was (re)read; the number of items the person may decide.
        decided(object): a :class:`DecisionOutcome` after an approval or rejection.
        withdrawn(object): a :class:`WithdrawOutcome` after the person took back their own
            request.
    """

    loaded = Signal(int)
    decided = Signal(object)
    withdrawn = Signal(object)

    def __init__(self, database: Database, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Approvals")
        self.resize(1000, 620)
        self._database = database
        self._username = username
        #: In a returned (checked-in) field kit: why nothing may be decided or withdrawn.
        self.read_only_reason = database_returned_note(database)
        self._in_kit = database_is_kit(database)
        self._workers: list[Worker] = []
        self._all: list[PendingItem] = []
        self._next_after_decision = False
        #: The question asked before an approval that cannot be undone, while it is open.
        self._final_question: QMessageBox | None = None
        self.model = InboxModel(self)
        self._build()
        self.refresh()

    # -- layout --------------------------------------------------------------------

    def _build(self) -> None:
        self.summary_label = QLabel("Reading…")
        self.mine_only = QCheckBox("&Only what I may decide")
        self.mine_only.toggled.connect(self._show_items)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.mine_only)
        top.addWidget(self.refresh_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setMinimumHeight(140)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(ERROR_STYLE)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setPlaceholderText("Comment (required to reject)")
        self.comment_edit.setMaximumHeight(90)
        self.approve_button = QPushButton("&Approve")
        self.approve_button.setToolTip("Approve the selected procedure (Ctrl+Return)")
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button = QPushButton("Re&ject")
        self.reject_button.setToolTip("Reject the selected procedure; say why in the comment")
        self.reject_button.clicked.connect(self.reject_selected)
        self.withdraw_button = QPushButton("&Withdraw my request")
        self.withdraw_button.setToolTip(
            "Take back a procedure you requested; the comment says why (optional)"
        )
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.approve_selected)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        # No default button: an Enter in the list refreshed it (Refresh, made first, was
        # the dialog's default); a decision takes its button, its mnemonic or Ctrl+Return.
        for button in (
            self.refresh_button,
            self.withdraw_button,
            self.reject_button,
            self.approve_button,
        ):
            button.setAutoDefault(False)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail, 1)
        side_layout.addWidget(self.reason_label)
        comment_label = QLabel("&Comment:")
        comment_label.setBuddy(self.comment_edit)
        side_layout.addWidget(comment_label)
        side_layout.addWidget(self.comment_edit)
        side_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        # The list has the keys when the inbox opens (the first control, "Only what I may
        # decide", had them: End and the arrows moved nothing, and Alt+A approved the
        # request selected on opening instead of the one picked).
        self.table.setFocus()
        self._show_selected(None)

    # -- reading -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the pending procedures again (on a worker thread)."""
        self.refresh_button.setEnabled(False)
        database, username = self._database, self._username

        def job(progress: Progress, cancel: threading.Event) -> list[PendingItem]:
            with database.read() as session:
                items = pending_approvals(session, for_user=username)
            return sorted(items, key=lambda i: not i.decidable)  # yours first, stable

        worker = self._start(job)
        worker.succeeded.connect(self._loaded)
        worker.failed.connect(self._failed)
        worker.finished.connect(lambda: self.refresh_button.setEnabled(True))

    def _loaded(self, items: list[PendingItem]) -> None:
        self._all = items
        self._show_items()
        self.loaded.emit(sum(1 for i in items if i.decidable))

    def _show_items(self) -> None:
        selected = self.selected_item()
        items = [i for i in self._all if i.decidable or not self.mine_only.isChecked()]
        self.model.set_rows(items)
        mine = sum(1 for i in self._all if i.decidable)
        others = len(self._all) - mine
        self.summary_label.setText(
            f"<b>{mine}</b> waiting for your decision"
            + (f" · {others} pending for others" if others else "")
        )
        if self._next_after_decision:  # decided: on to the next one waiting for you
            self._next_after_decision = False
            selected = next((i for i in items if i.decidable), selected)
        row = next(
            (
                n
                for n, i in enumerate(items)
                if selected and i.procedure_id == selected.procedure_id
            ),
            0 if items else -1,
        )
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_selected(None)

    # -- the selected item ---------------------------------------------------------

    def selected_item(self) -> PendingItem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def select_procedure(self, procedure_id: Any) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row(row).procedure_id == procedure_id:
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_selected(self.selected_item())

    def _show_selected(self, item: PendingItem | None) -> None:
        self.detail.setHtml(_describe(item) if item else "<i>Nothing selected.</i>")
        decidable = item is not None and item.decidable
        own = item is not None and self._is_own(item)
        if self.read_only_reason is not None:  # a returned kit: nothing is decided here
            decidable = own = False
            reason = self.read_only_reason + "."
        elif own:
            reason = "You requested this: nobody approves their own procedure. You may withdraw it."
        elif item is not None and item.why_not.startswith(_DECIDED):
            # Their own decision, just made: no refusal in red beside the green success.
            waiting = item.approvals_required - item.approvals_given
            reason = f"You {item.why_not.removeprefix(_DECIDED).strip(' ()')} it" + (
                f"; it waits for {plural(waiting, 'more approval')}." if waiting > 0 else "."
            )
        elif item is not None and not item.decidable:
            reason = f"Not yours to decide: {item.why_not}."
        else:
            reason = ""
        decided = (
            item is not None
            and item.why_not.startswith(_DECIDED)
            and not own
            and self.read_only_reason is None
        )
        if reason and self.read_only_reason is None and self._in_kit:
            # Nobody decides in a kit, whoever signs in: say where it will be decided (the
            # sign-in advice below sent a technician to File › Settings — newuser27).
            if own:
                reason += (
                    " In a field kit nobody decides: it waits for an approver on the shared"
                    " database once the kit is synced (Field kit › Sync…)."
                )
        elif reason and self.read_only_reason is None and self._database.is_sqlite:
            # On a local file anyone may be signed in here: say how an approver is (a new
            # user with a change waiting for approval did not find out).
            reason += (
                " For the other approvals on this computer, another approver"
                if decided
                else " To decide it on this computer, an approver"
            ) + " signs in: File › Settings › Signed-in person (type “approver” to list them)."
        self.reason_label.setStyleSheet("" if decided else ERROR_STYLE)
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        for widget in (self.approve_button, self.reject_button):
            widget.setEnabled(decidable)
        self.comment_edit.setEnabled(decidable or own)
        self.withdraw_button.setVisible(own)
        self.withdraw_button.setEnabled(own)

    def _is_own(self, item: PendingItem) -> bool:
        return item.performed_by_username.casefold() == self._username.strip().casefold()

    # -- deciding ------------------------------------------------------------------

    def approve_selected(self) -> None:
        self._decide(approve_it=True)

    def reject_selected(self) -> None:
        self._decide(approve_it=False)

    def _decide(self, *, approve_it: bool) -> None:
        item = self.selected_item()
        if item is None or not item.decidable or not self.approve_button.isEnabled():
            return
        comment = self.comment_edit.toPlainText().strip()
        if not approve_it and not comment:
            self._status("Say why in the comment: a rejection needs one.", ok=False)
            self.comment_edit.setFocus()
            return
        if approve_it and _takes_effect_for_good(item):
            # The last approval of a decommission or a disposal ends the asset's life at
            # once: ask first, as the form asks the technician when no approval is needed.
            self._final_question = _ask_final_approval(
                self, item, lambda: self._record_decision(item, approve_it, comment)
            )
            return
        self._record_decision(item, approve_it, comment)

    def _record_decision(self, item: PendingItem, approve_it: bool, comment: str) -> None:
        database, username = self._database, self._username

        def job(progress: Progress, cancel: threading.Event) -> DecisionOutcome:
            decide = approve if approve_it else reject
            return decide(
                database, procedure_id=item.procedure_id, approver=username, comment=comment
            )

        self.approve_button.setEnabled(False)
        self.reject_button.setEnabled(False)
        self._status("Recording your decision…", ok=True)
        worker = self._start(job)
        worker.succeeded.connect(self._decided)
        worker.failed.connect(self._failed)
        worker.failed.connect(lambda _exc: self._show_selected(self.selected_item()))

    def withdraw_selected(self) -> None:
        item = self.selected_item()
        if item is None or not self._is_own(item) or not self.withdraw_button.isEnabled():
            return
        reason = self.comment_edit.toPlainText().strip()
        database, username = self._database, self._username

        def job(progress: Progress, cancel: threading.Event) -> WithdrawOutcome:
            return withdraw(
                database, procedure_id=item.procedure_id, requester=username, reason=reason
            )

        self.withdraw_button.setEnabled(False)
        worker = self._start(job)
        worker.succeeded.connect(self._withdrawn)
        worker.failed.connect(self._failed)
        worker.failed.connect(lambda _exc: self._show_selected(self.selected_item()))

    def _withdrawn(self, outcome: WithdrawOutcome) -> None:
        self.comment_edit.clear()
        self._status(f"Withdrew your request on asset {outcome.asset_tag}.", ok=True)
        self.withdrawn.emit(outcome)
        self.refresh()

    def _decided(self, outcome: DecisionOutcome) -> None:
        self._next_after_decision = True
        self.comment_edit.clear()
        self._status(outcome.message, ok=outcome.state is not ProcedureState.CONFLICT)
        self.decided.emit(outcome)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DesktopError):
            raise exc
        self._status(exc.sentence, ok=False)

    def _status(self, text: str, *, ok: bool) -> None:
        self.status_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status_label.setText(text)

    # -- workers -------------------------------------------------------------------

    def _start(self, job: Any) -> Worker:
        return start_worker(self, self._workers, job)

    def done(self, result: int) -> None:
        finish_workers(self._workers)  # a dialog owns its workers: let them end
        super().done(result)


def _takes_effect_for_good(item: PendingItem) -> bool:
    """Whether approving ``item`` now applies a change nothing can undo: it is the last
    approval a decommission or a disposal waits for."""
    try:
        kind = ProcedureKind(item.kind)
    except ValueError:
        return False
    return kind in FINAL_KINDS and item.approvals_given + 1 >= item.approvals_required


def _ask_final_approval(
    parent: QWidget, item: PendingItem, on_confirmed: Callable[[], None]
) -> QMessageBox:
    """Ask before the approval that ends an asset's life. Cancel is the default and Esc;
    the named button has a letter of its own (Alt+D, Alt+P), so an Alt+A pressed twice,
    or an Enter out of habit, approves nothing."""
    kind = ProcedureKind(item.kind)
    verb = {ProcedureKind.DECOMMISSION: "Approve and &decommission"}.get(
        kind, "Approve and dis&pose"
    )
    effect = FINAL_KINDS[kind][1].format(it="it")
    noun = PROCEDURE_NOUNS[kind].split(" ", 1)[1]  # "disposal", not "dispose"
    return ask_before(
        parent,
        title=f"Approve the {noun} — Assetdesk",
        question=(
            f"Approve the {noun} of {item.asset_tag}? Yours is the last approval"
            " it waits for: it takes effect now and cannot be undone."
        ),
        details=(
            f"Approving {effect} Requested by {item.performed_by}. Cancel leaves it"
            " waiting, undecided."
        ),
        verb=verb,
        on_confirmed=on_confirmed,
    )


def _answer_text(key: str, value: object) -> str:
    """An answer as the form offered it: the risk evaluation's "high" is "High"."""
    return str(value).capitalize() if key in ("impact", "likelihood") else str(value)


def _describe(item: PendingItem) -> str:
    """The selected procedure as rich text: what it changes and the decisions so far."""
    e = html.escape
    lines = [
        f"<b>{e(item.kind.replace('_', ' ').capitalize())}</b> of <b>{e(item.asset_tag)}</b> "
        f"{e(item.asset_name)} — requested by {e(item.performed_by)} on "
        f"{item.performed_at.astimezone():%Y-%m-%d %H:%M}"
    ]
    meta = [
        f"Risk: {e(item.risk_level.capitalize())}" if item.risk_level else "",
        f"Ticket: {e(item.ticket_ref)}" if item.ticket_ref else "",
        f"Reason: {e(item.reason)}" if item.reason else "",
    ]
    if any(meta):
        lines.append(" · ".join(m for m in meta if m))
    if item.changes:
        rows = "".join(
            f"<tr><td>{e(item.change_label(c))}</td><td>{e(shown_text(str(c.get('before_text') or '—')))}</td>"
            f"<td>→</td><td><b>{e(shown_text(str(c.get('after_text') or '—')))}</b></td></tr>"
            for c in item.changes
        )
        lines.append(f"<table cellspacing='4'>{rows}</table>")
    answers = [
        f"{e(k.replace('_', ' ').capitalize())}: {e(_answer_text(k, v))}"
        for k, v in item.answers.items()
        if not k.startswith("checklist.")
    ]
    if answers:
        lines.append("<br>".join(answers))
    chain = [
        f"{e(d.decision.capitalize())}d by {e(d.approver)} ({e(', '.join(d.groups) or 'no group')})"
        + (f": {e(d.comment)}" if d.comment else "")
        for d in item.decisions
    ]
    lines.append(
        f"Approvals: {item.approvals_given} of {item.approvals_required}"
        + ("<br>" + "<br>".join(chain) if chain else "")
    )
    return "<p>" + "</p><p>".join(lines) + "</p>"
