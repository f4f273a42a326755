"""Move the selected incident on: assign it, start work, resolve (root cause and
resolution), close, or reopen — only the moves its status allows are offered."""

from __future__ import annotations

import html
import threading
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError, ValidationError
from desktop.services.incidents import (
    INCIDENT_MOVES,
    FixCandidate,
    IncidentDetail,
    IncidentRow,
    IncidentStatus,
    fix_candidates,
    incident_detail,
    move_incident,
)
from desktop.services.reference_queries import PersonRow, list_people
from desktop.storage.database import Database
from desktop.storage.kitfile import database_returned_note
from desktop.wording import with_detail
from ui.gui.approvals.jobs import finish_workers, start_worker
from ui.gui.worker import Progress, Worker

#: What the button says for each target status.
ACTIONS = {
    IncidentStatus.ASSIGNED: "Assign",
    IncidentStatus.IN_PROGRESS: "Start work",
    IncidentStatus.RESOLVED: "Resolve",
    IncidentStatus.CLOSED: "Close",
}


class IncidentMovePanel(QWidget):
    """Signals:
    moved(object): the :class:`IncidentRow` after the move.
    """

    moved = Signal(object)

    def __init__(self, database: Database, username: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._database = database
        self._username = username
        #: In a returned (checked-in) field kit: why no incident may be moved on.
        self.read_only_reason = database_returned_note(database)
        self._workers: list[Worker] = []
        self.incident: IncidentRow | None = None
        self._fix_request = 0
        self.setMinimumWidth(340)
        self._build()
        self._load_people()
        self.show_incident(None)

    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.target_combo = QComboBox()
        self.target_combo.currentIndexChanged.connect(self._target_changed)
        self.assignee_combo = QComboBox()
        self.root_cause_edit = QPlainTextEdit()
        self.root_cause_edit.setTabChangesFocus(True)
        self.root_cause_edit.setMaximumHeight(70)
        self.resolution_edit = QPlainTextEdit()
        self.resolution_edit.setTabChangesFocus(True)
        self.resolution_edit.setMaximumHeight(70)
        self.fix_combo = QComboBox()
        self.fix_combo.setToolTip("The change procedure that fixed it (on one of its assets)")
        self.note_edit = QLineEdit()
        self.move_button = QPushButton("&Move")
        self.move_button.clicked.connect(self.apply)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Move to", self.target_combo)
        self.form.addRow("Assign to *", self.assignee_combo)
        self.form.addRow("Root cause *", self.root_cause_edit)
        self.form.addRow("Resolution *", self.resolution_edit)
        self.form.addRow("Fixed by", self.fix_combo)
        self.form.addRow("Note", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.form)
        layout.addWidget(self.move_button)
        layout.addWidget(self.message)
        layout.addWidget(self.history)
        layout.addStretch(1)

    def _load_people(self) -> None:
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> list[PersonRow]:
            with database.read() as session:
                return list_people(session, active_only=True)

        worker = self._start(job)
        worker.succeeded.connect(self._fill_people)
        worker.failed.connect(self._failed)

    def _fill_people(self, people: list[PersonRow]) -> None:
        for person in people:
            self.assignee_combo.addItem(with_detail(person.name, person.username), person.username)
        mine = self.assignee_combo.findData(self._username)
        if mine >= 0:  # taking an incident yourself is the common case
            self.assignee_combo.setCurrentIndex(mine)

    # -- showing -------------------------------------------------------------------

    def show_incident(self, row: IncidentRow | None) -> None:
        self.incident = row
        self.target_combo.clear()
        self.message.clear()
        self.history.clear()
        if row is None:
            self.summary.setText("<i>Select an incident to move it on.</i>")
        else:
            e = html.escape
            text = (
                f"<b>{e(row.number_text)} {e(row.title)}</b><br>{IncidentStatus(row.status).label}"
                f" · {e(row.severity)} · {e(', '.join(row.asset_tags))}"
            )
            if row.root_cause:
                text += f"<br>Root cause: {e(row.root_cause)}<br>Resolution: {e(row.resolution)}"
            self.summary.setText(text)
            self._load_fix_candidates(row.number)
            for target in sorted(INCIDENT_MOVES[IncidentStatus(row.status)]):
                reopen = target is IncidentStatus.IN_PROGRESS and row.status == "resolved"
                self.target_combo.addItem("Reopen" if reopen else ACTIONS[target], target.value)
        can_move = (
            bool(self._username) and self.target_combo.count() > 0 and self.read_only_reason is None
        )
        self.move_button.setEnabled(can_move)
        self.target_combo.setEnabled(can_move)
        if self.read_only_reason is not None:
            self.move_button.setToolTip(self.read_only_reason)
            self.message.setText(self.read_only_reason + ".")
        elif not self._username:
            self.message.setText("Set who uses this computer in the settings to move incidents.")
        self._target_changed()

    def _target_changed(self) -> None:
        target = self.target_combo.currentData()
        for widget, wanted in (
            (self.assignee_combo, IncidentStatus.ASSIGNED),
            (self.root_cause_edit, IncidentStatus.RESOLVED),
            (self.resolution_edit, IncidentStatus.RESOLVED),
            (self.fix_combo, IncidentStatus.RESOLVED),
        ):
            self.form.setRowVisible(widget, target == wanted.value)

    def _load_fix_candidates(self, number: int) -> None:
        self._fix_request += 1
        request = self._fix_request
        self.fix_combo.clear()
        self.fix_combo.addItem("No change linked", None)
        database = self._database

        def job(
            progress: Progress, cancel: threading.Event
        ) -> tuple[IncidentDetail, list[FixCandidate]]:
            with database.read() as session:
                return incident_detail(session, number), fix_candidates(session, number)

        worker = self._start(job)
        worker.succeeded.connect(lambda found: self._fill_details(request, *found))
        worker.failed.connect(self._failed)

    def _fill_details(
        self, request: int, detail: IncidentDetail, found: list[FixCandidate]
    ) -> None:
        if request != self._fix_request or self.incident is None:
            return  # the panel was shown again meanwhile: a newer read fills it
        self.history.setText(_history_html(detail))
        for candidate in found:
            self.fix_combo.addItem(candidate.describe(), candidate.procedure_id)
        if self.incident.fixed_by_procedure_id is not None:
            index = self.fix_combo.findData(self.incident.fixed_by_procedure_id)
            self.fix_combo.setCurrentIndex(max(index, 0))

    # -- moving --------------------------------------------------------------------

    def apply(self) -> None:
        row, target = self.incident, self.target_combo.currentData()
        if row is None or not target or not self.move_button.isEnabled():
            return
        database, username = self._database, self._username
        arguments: dict[str, Any] = {
            "number": row.number,
            "to_status": target,
            "by": username,
            "note": self.note_edit.text(),
            "expected_version": row.version,
        }
        if target == IncidentStatus.ASSIGNED.value:
            arguments["assignee"] = self.assignee_combo.currentData()
        if target == IncidentStatus.RESOLVED.value:
            arguments["root_cause"] = self.root_cause_edit.toPlainText()
            arguments["resolution"] = self.resolution_edit.toPlainText()
            arguments["fixed_by_procedure"] = self.fix_combo.currentData()

        def job(progress: Progress, cancel: threading.Event) -> IncidentRow:
            return move_incident(database, **arguments)

        self.move_button.setEnabled(False)
        worker = self._start(job)
        worker.succeeded.connect(self._moved)
        worker.failed.connect(self._failed)
        worker.failed.connect(lambda _exc: self.move_button.setEnabled(True))

    def _moved(self, row: IncidentRow) -> None:
        for edit in (self.root_cause_edit, self.resolution_edit):
            edit.clear()
        self.note_edit.clear()
        self.show_incident(row)
        self.message.setStyleSheet("color: #1b7f3b;")
        self.message.setText(f"Incident #{row.number} is now {row.status.replace('_', ' ')}.")
        self.moved.emit(row)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DesktopError):
            raise exc
        self.message.setStyleSheet("color: #b00020;")
        if isinstance(exc, ValidationError):
            self.message.setText("\n".join(p.message for p in exc.problems))
        else:
            self.message.setText(exc.message)

    def wait_for_workers(self) -> None:
        """Let reads and moves in flight end (before the window goes)."""
        finish_workers(self._workers)

    def _start(self, job: Any) -> Worker:
        return start_worker(self, self._workers, job)


def _history_html(detail: IncidentDetail) -> str:
    """The incident's description and its events, oldest first."""
    e = html.escape
    lines = []
    for event in detail.events:
        when = event.at.astimezone().strftime("%Y-%m-%d %H:%M")
        move = f"{IncidentStatus(event.to_status).label.lower()}" if event.to_status else "note"
        lines.append(
            f"{when} · {e(event.person)} · {move}" + (f": {e(event.note)}" if event.note else "")
        )
    description = f"<p>{e(detail.description)}</p>" if detail.description else ""
    return f"{description}<p><b>History</b><br>{'<br>'.join(lines)}</p>"
