"""Reconciliation: found, missing, misplaced, unknown and retired-but-present, with actions.

Every action goes through procedures (see :mod:`desktop.services.audit_actions`) on a
worker thread. An open audit shows its result so far and offers to close it; the actions
are offered once it is closed (its result can no longer change).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lifecycle import ACTIVE_STATUSES, AssetStatus, ProcedureKind
from desktop.domain.permissions import work_for
from desktop.services.audit_actions import (
    ActionOutcome,
    AuditAction,
    apply_audit_actions,
    receive_unknown_tags,
)
from desktop.services.audit_report import write_audit_report
from desktop.services.audit_tally import Reconciliation, ReconciliationItem, reconcile
from desktop.services.audits import close_audit
from desktop.services.permissions import refusals
from desktop.storage.database import Database
from desktop.wording import plural
from ui.gui import file_dialogs
from ui.gui.audits.jobs import JobList
from ui.gui.audits.receive_unknown_dialog import ReceiveUnknownDialog
from ui.gui.audits.rows_model import Column, RowsModel
from ui.gui.audits.scan_feedback import row_colour

ITEM_COLUMNS: list[Column[ReconciliationItem]] = [
    Column("Asset tag", lambda i: i.tag),
    Column("Name", lambda i: i.name),
    Column("Category", lambda i: i.category),
    Column("Status", lambda i: i.status),
    Column("Expected in", lambda i: i.expected_location),
    Column("Scanned in", lambda i: i.room),
    Column("Recorded location now", lambda i: i.current_location),
    Column("Scanned at", lambda i: i.scanned_at),
    Column("Scanned by", lambda i: i.scanned_by),
    Column("Note", lambda i: i.note),
]
LISTS = (
    ("found", "Found", "found"),
    ("missing", "Missing", "unknown"),
    ("misplaced", "Misplaced", "misplaced"),
    ("unknown", "Unknown tags", "unknown"),
    ("retired", "Retired but present", "retired"),
)


#: The Missing tab's index (the scan screen's "Still missing…" opens on it).
MISSING_TAB = [key for key, _, _ in LISTS].index("missing")


class ReconciliationView(QWidget):
    """Signals:
    changed(): the audit was closed or an action changed the register.
    """

    changed = Signal()

    def __init__(
        self,
        database: Database,
        username: str,
        audit_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        read_only_reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        #: Why nothing may be recorded (a returned field kit), else None.
        self.read_only_reason = read_only_reason
        self._database = database
        self._username = username
        self._audit_id = audit_id
        self._result: Reconciliation | None = None
        #: Why this person may not receive the unknown tags (read with the result), or None.
        self.receive_refusal: str | None = None
        self.jobs = JobList(self)
        self.setWindowTitle("Audit reconciliation")
        self.header = QLabel("Loading…", self)
        self.header.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.models: dict[str, RowsModel[ReconciliationItem]] = {}
        self.tables: dict[str, QTableView] = {}
        for key, title, tint in LISTS:
            model: RowsModel[ReconciliationItem] = RowsModel(
                ITEM_COLUMNS, colour=_tint(tint), parent=self
            )
            table = QTableView(self)
            table.setModel(model)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.horizontalHeader().setStretchLastSection(True)
            table.verticalHeader().hide()
            self.models[key], self.tables[key] = model, table
            self.tabs.addTab(table, title)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.close_button = QPushButton("&Close audit…", self)
        self.moves_button = QPushButton("Record &moves", self)
        self.missing_button = QPushButton("Mark m&issing", self)
        self.audited_button = QPushButton("Set last &audited", self)
        self.receive_button = QPushButton("&Receive unknown tags…", self)
        # Each shortcut shown on its button, as the audits window's toolbar and the scan
        # screen show theirs (Ctrl+E and F5 worked here unseen; a keyboard user found them
        # only in the audits window).
        self.report_button = QPushButton("Save re&port… (Ctrl+E)", self)
        self.refresh_button = QPushButton("Re&fresh (F5)", self)
        self.confirmation: QMessageBox | None = None
        self.close_button.clicked.connect(self.ask_close_audit)
        self.moves_button.clicked.connect(self.ask_record_moves)
        self.missing_button.clicked.connect(self.ask_mark_missing)
        self.audited_button.clicked.connect(self.ask_set_audited)
        self.receive_button.clicked.connect(self.open_receive)
        self.report_button.clicked.connect(self.choose_report_path)
        self.refresh_button.clicked.connect(self.reload)
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence("Ctrl+E"), self, self.choose_report_path)
        # Closed from the keyboard as the scan screen is (a new user found no way but the
        # title bar's; it has no Close button: "Close audit…" closes the audit).
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        # and with Esc, as the Approvals window is (it has nothing to cancel: a result).
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        #: What changes the audit or the register after it (greyed while read-only).
        self.action_buttons = (
            self.moves_button,
            self.missing_button,
            self.audited_button,
            self.receive_button,
        )
        buttons = QHBoxLayout()
        for button in (self.close_button, *self.action_buttons):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(1100, 640)
        self._update_buttons()
        self.reload()

    # -- loading ------------------------------------------------------------------------

    def _run(self, work, on_success):
        self.jobs.run(work, on_success)

    def closeEvent(self, event):
        if not self.jobs.defer_close(event):
            super().closeEvent(event)

    def reload(self) -> None:
        database, username = self._database, self._username

        def work() -> tuple[Reconciliation, str | None]:
            with database.read() as session:
                result = reconcile(session, self._audit_id)
            # An auditor may close the audit and correct it, not receive new assets: the
            # button says so before its dialog is filled (it was refused only after).
            receive = work_for(ProcedureKind.RECEIVE)
            return result, refusals(database, username, [receive]).get(receive)

        self._run(work, self._loaded)

    def _loaded(self, loaded: tuple[Reconciliation, str | None]) -> None:
        result, self.receive_refusal = loaded
        self.show_result(result)

    def show_result(self, result: Reconciliation) -> None:
        self._result = result
        audit = result.audit
        closed = f", closed by {audit.closed_by}" if audit.closed_at else " — still open"
        counts = result.counts()
        self.header.setText(
            f"<b>{audit.name}</b> — scope {audit.scope}{closed}<br>"
            f"{counts['expected']:,} expected · {counts['found']:,} found · "
            f"{counts['missing']:,} missing · {counts['misplaced']:,} misplaced · "
            f"{plural(counts['unknown'], 'unknown tag')} · "
            f"{counts['retired']:,} retired but present · "
            f"{plural(counts['duplicates'], 'repeated scan')}"
        )
        for index, (key, title, _) in enumerate(LISTS):
            items = getattr(result, key)
            self.models[key].set_rows(items)
            self.tabs.setTabText(index, f"{title} ({len(items)})")
            self.tables[key].resizeColumnsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        closed = self._result is not None and not self._result.audit.is_open
        # Stays in its place once the audit is closed (greyed): the buttons beside it do
        # not move under the mouse.
        self.close_button.setEnabled(self._result is not None and not closed)
        self.close_button.setToolTip("The audit is closed" if closed else "")
        for button in self.action_buttons:
            button.setEnabled(closed)
            button.setToolTip(
                "" if closed else "Close the audit first: its result may still change"
            )
        if closed and self._result is not None:  # nothing to act on: say so, greyed
            for button, items, nothing in (
                (
                    self.moves_button,
                    _movable(self._result.misplaced),
                    "Every misplaced asset is recorded where it was found already"
                    if self._result.misplaced
                    else "No asset was found misplaced",
                ),
                (
                    self.missing_button,
                    _markable(self._result.missing),
                    "Every missing asset is marked Missing already (or retired)"
                    if self._result.missing
                    else "No asset of this audit is missing",
                ),
                (
                    self.audited_button,
                    _auditable(self._result),
                    "Every asset found is marked audited already"
                    if self._result.found or self._result.misplaced
                    else "No asset was found",
                ),
                (
                    self.receive_button,
                    [i for i in self._result.unknown if not i.received],
                    "No unknown tag left to receive"
                    if self._result.unknown
                    else "No unknown tag was scanned",
                ),
            ):
                if not items:
                    button.setEnabled(False)
                    button.setToolTip(nothing)
        if closed and self.receive_refusal is not None and self.receive_button.isEnabled():
            self.receive_button.setEnabled(False)
            self.receive_button.setToolTip(f"Receive unknown tags: {self.receive_refusal}")
        if self.read_only_reason is not None:
            for button in (self.close_button, *self.action_buttons):
                button.setEnabled(False)
                button.setToolTip(self.read_only_reason)
            self.status.setText(f"Read-only: {self.read_only_reason}.")

    # -- actions ------------------------------------------------------------------------

    def ask_close_audit(self) -> None:
        """Closing is final (the audit becomes read-only): ask first."""
        result = self._result
        if result is None:
            return
        counts = result.counts()
        self._confirm(
            "Close the audit?",
            f"Close the audit '{result.audit.name}'? No more scans can be added: "
            f"{counts['found']:,} found, {counts['misplaced']:,} misplaced, "
            f"{counts['missing']:,} not seen (missing), {plural(counts['unknown'], 'unknown tag')}"
            # a retired asset found in place was left out of the count it is asked to close
            + (f", {counts['retired']:,} retired but present" if counts["retired"] else "")
            + ".",
            "&Close audit",
            self.close_audit,
        )

    def ask_mark_missing(self) -> None:
        """Marking assets missing changes the register (one audit correction per asset)."""
        missing = _markable(self._result.missing) if self._result is not None else []
        if not missing:
            self.status.setText("No asset of this audit is left to mark missing.")
            return
        tags = ", ".join(i.tag for i in missing[:10]) + (" …" if len(missing) > 10 else "")
        self._confirm(
            "Mark assets missing?",
            f"Record {plural(len(missing), 'asset')} as missing ({tags})? Each gets an audit "
            "correction procedure that sets its status to Missing.",
            "&Mark missing",
            lambda: self.apply(AuditAction.MISSING),
        )

    def ask_record_moves(self) -> None:
        """Recording moves changes the register (one audit correction per asset): asked
        first, naming where each goes, as Mark missing is (it wrote at once, found by
        newuser16: a scan in the wrong room moved the asset without a word)."""
        misplaced = _movable(self._result.misplaced) if self._result is not None else []
        if not misplaced:
            self.status.setText("No misplaced asset of this audit is left to move.")
            return
        moves = ", ".join(f"{i.tag} to {i.room}" for i in misplaced[:10])
        self._confirm(
            "Record the moves?",
            f"Move {plural(len(misplaced), 'asset')} to where the audit found "
            f"{'it' if len(misplaced) == 1 else 'them'} ({moves}"
            f"{' …' if len(misplaced) > 10 else ''})? Each gets an audit correction "
            "procedure that sets its location.",
            "Record &moves",
            lambda: self.apply(AuditAction.MOVES),
        )

    def ask_set_audited(self) -> None:
        """Setting "last audited" changes the register (an audit correction per asset, and
        a Missing asset found goes back In stock): asked first, as the other actions are."""
        found = _auditable(self._result) if self._result is not None else []
        if not found:
            self.status.setText("Every asset found is marked audited already.")
            return
        back = [i.tag for i in found if i.status == AssetStatus.MISSING.label]
        self._confirm(
            "Set last audited?",
            f"Set “last audited” on {plural(len(found), 'asset')} found, to the time each "
            "was scanned? Each gets an audit correction procedure"
            + (
                f"; {plural(len(back), 'asset')} recorded as Missing "
                f"({', '.join(back[:10])}{' …' if len(back) > 10 else ''}) "
                f"{'goes' if len(back) == 1 else 'go'} back In stock."
                if back
                else "."
            ),
            "Set last &audited",
            lambda: self.apply(AuditAction.AUDITED),
        )

    def _confirm(self, title: str, text: str, yes: str, then: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # Enter from a scanner never closes an audit
        box.buttonClicked.connect(lambda button: then() if button is go else None)
        self.confirmation = box
        box.open()

    def close_audit(self) -> None:
        self.status.setText("Closing the audit…")
        self._run(
            lambda: close_audit(self._database, audit_id=self._audit_id, closed_by=self._username),
            lambda _: self._after_change("The audit is closed: it is read-only now."),
        )

    def apply(self, action: AuditAction) -> None:
        self.status.setText(f"{action.label}…")
        self._run(
            lambda: apply_audit_actions(
                self._database,
                audit_id=self._audit_id,
                actions=[action],
                performed_by=self._username,
            ),
            lambda outcomes: self._after_change(_describe(outcomes)),
        )

    def open_receive(self) -> None:
        table = self.tables["unknown"]
        model = self.models["unknown"]
        rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
        chosen = [model.row(r) for r in rows] or model.rows()
        # A tag received already is in the register: receiving it again only failed with
        # "the tag is already used by another asset" (newuser8).
        items = [i for i in chosen if not i.received]
        if not items:
            self.status.setText(
                "The unknown tags chosen have been received already."
                if chosen
                else "There are no unknown tags to receive."
            )
            return
        tags = [i.tag for i in items]
        dialog = ReceiveUnknownDialog(self._database, tags, self)
        dialog.chosen.connect(
            lambda category, name, checks: self.receive(tags, category, name, checks)
        )
        dialog.open()

    def receive(
        self, tags: list[str], category: uuid.UUID, name: str, checklist: dict[str, bool]
    ) -> None:
        self._run(
            lambda: receive_unknown_tags(
                self._database,
                audit_id=self._audit_id,
                tags=tags,
                category_id=category,
                name=name,
                checklist=checklist,
                performed_by=self._username,
            ),
            lambda outcomes: self._after_change(
                f"Received {plural(len(outcomes), 'new asset')}: "
                + ", ".join(o.asset_tag for o in outcomes)
            ),
        )

    def choose_report_path(self) -> None:
        # The audit's name in the home folder, as Save report in the audits window suggests
        # (it was empty, then in the folder the program was started from).
        name = f"{self._result.audit.name}.xlsx" if self._result is not None else ""
        name = str(Path.home() / name) if name else str(Path.home())
        dialog = file_dialogs.FileDialog(
            self, "Save the audit report", name, "Excel workbook (*.xlsx)"
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("xlsx")
        dialog.fileSelected.connect(lambda path: self.save_report(Path(path)))
        dialog.open()

    def save_report(self, path: Path) -> None:
        self.status.setText(f"Writing {path}…")
        worker = self.jobs.run(
            lambda: write_audit_report(self._database, audit_id=self._audit_id, path=path),
            lambda _: self.status.setText(f"Report saved: {path}"),
        )
        # Refused (a name not ending .xlsx, a folder not writable): the line said
        # "Writing …" for good under the message box (newuser21).
        worker.failed.connect(lambda _: self.status.setText(f"Report not saved: {path}"))

    def _after_change(self, message: str) -> None:
        self.status.setText(message)
        self.changed.emit()
        self.reload()


#: The statuses "Mark missing" moves from (the service skips the others).
_ACTIVE_LABELS = frozenset(status.label for status in ACTIVE_STATUSES)


def _markable(missing: Sequence[ReconciliationItem]) -> list[ReconciliationItem]:
    """The missing assets "Mark missing" would still record: not those it marked already
    (it offered to record them again, then said "0 recorded, 1 already done")."""
    return [item for item in missing if item.status in _ACTIVE_LABELS]


def _movable(misplaced: Sequence[ReconciliationItem]) -> list[ReconciliationItem]:
    """The misplaced assets "Record moves" would still move: not those recorded in the room
    they were scanned in already (it stayed offered after recording them, then said "0
    recorded, 1 already done"; newuser16), nor retired ones (the service skips them)."""
    statuses = _ACTIVE_LABELS | {AssetStatus.MISSING.label}
    return [
        item
        for item in misplaced
        if item.room_id is not None
        and item.current_location_id != item.room_id
        and item.status in statuses
    ]


def _auditable(result: Reconciliation) -> list[ReconciliationItem]:
    """The assets found that "Set last audited" would still mark (the service skips those
    marked at the scan's time or later)."""
    return [
        item
        for item in (*result.found, *result.misplaced)
        if item.asset_id is not None
        and item.scanned_at is not None
        and (item.last_audited_at is None or item.last_audited_at < item.scanned_at)
    ]


def _tint(classification: str) -> Callable[[ReconciliationItem], QColor | None]:
    colour = row_colour(classification)
    return lambda _: colour


def _describe(outcomes: list[ActionOutcome]) -> str:
    parts = []
    for o in outcomes:
        pending = f", {o.pending_approval} waiting for approval" if o.pending_approval else ""
        skipped = f", {len(o.skipped)} already done or not possible" if o.skipped else ""
        parts.append(f"{o.action.label}: {o.recorded} recorded{pending}{skipped}.")
    return " ".join(parts)
