"""Field kit › Conflicts…: the queue of offline records the database could not take as
they were, and settling each one.

For each conflict the screen shows the procedure it came from (kind, asset, who, when,
why it conflicts), who made the server's change and who made the kit's (the person and
when), and, field by field, the value when the kit was checked out, the
server's value now and the kit's value. A person settles it by keeping the server's
values, re-applying the kit's as a new procedure, or recording values they type in the
"Your value" column; the resolution is recorded by the engine. Nothing is settled
automatically and nothing leaves the queue unsettled.

The queue lives on the shared database: when the window works in a kit, the screen
connects to the database the kit came from.

Signals:
    resolved(object): the engine's :class:`Resolution` after each settled conflict.
"""

from __future__ import annotations

import html
import threading
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.storage.database import Database
from ui.gui.kits.age import local_time_text
from ui.gui.kits.keep_server_question import ask_keep_server
from ui.gui.kits.password_dialog import AskedPassword
from ui.gui.worker import Worker

FIELD_COLUMNS = ("Field", "At checkout", "On the server", "In the kit", "Your value")
EDIT_COLUMN = 4


REAPPLY_TIP = "Record the kit's values as a new procedure on the asset as it is now"
EDIT_TIP = "Record the values typed in the 'Your value' column as a new procedure"


class ConflictQueue(QDialog):
    resolved = Signal(object)
    #: Read from a kit: the kit's count of conflicts was written anew (for its banner).
    counted = Signal()

    def __init__(
        self,
        database: Database,
        kit_info: Any,
        username: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Field kit conflicts")
        self.database = database
        self.kit_info = kit_info
        self.username = username
        self.server: Database | None = None if kit_info is not None else database
        self.conflicts: list[Any] = []
        self._workers: set[Worker] = set()
        # A password the person typed for the kit's database (in memory only).
        self.asked = AskedPassword(
            self,
            where=lambda: self.kit_info.source_description if self.kit_info else None,
            say=lambda text: self._say(text, error=True),
            nothing_done="the queue is on that database.",
            retry=self.load,
        )
        self._close_when_done = False
        self.question: QMessageBox | None = None  # "Keep the server's …?" while it is open
        self._pending_message = ""  # said once the queue has been read again

        self.show_settled = QCheckBox("Show se&ttled conflicts too")
        self.show_settled.toggled.connect(lambda _on: self.load())
        self.listing = QListWidget()
        self.listing.setObjectName("conflict_list")
        self.listing.currentRowChanged.connect(self._show_current)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.listing, 1)
        left_layout.addWidget(self.show_settled)

        self.heading = QLabel()
        self.heading.setObjectName("conflict_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QTableWidget(0, len(FIELD_COLUMNS))
        self.fields.setObjectName("conflict_fields")
        self.fields.setHorizontalHeaderLabels(FIELD_COLUMNS)
        self.fields.verticalHeader().setVisible(False)
        header = self.fields.horizontalHeader()
        for column in range(1, len(FIELD_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.note = QLineEdit()
        self.note.setPlaceholderText("A note kept with the resolution (why you chose so)")
        self.take_server = QPushButton("Keep the &server's")
        self.take_server.setToolTip(
            "Keep what the database holds now; the kit's record is not applied "
            "(the decision is recorded)"
        )
        self.reapply_kit = QPushButton("Re-apply the &kit's")
        self.reapply_kit.setToolTip(REAPPLY_TIP)
        self.record_edit = QPushButton("Record &my values")
        self.record_edit.setToolTip(EDIT_TIP)
        self.take_server.clicked.connect(self.ask_keep_server)
        self.reapply_kit.clicked.connect(lambda: self.settle("kit"))
        self.record_edit.clicked.connect(lambda: self.settle("edit"))
        choice_row = QHBoxLayout()
        for button in (self.take_server, self.reapply_kit, self.record_edit):
            choice_row.addWidget(button)
        choice_row.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.fields, 1)
        # A label with its Alt letter: the note was reachable only with the mouse (Tab
        # goes from cell to cell in the table above it and never got there).
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note)
        note_row = QHBoxLayout()
        note_row.addWidget(note_label)
        note_row.addWidget(self.note, 1)
        right_layout.addLayout(note_row)
        right_layout.addLayout(choice_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([340, 760])
        self.message = QLabel()
        self.message.setObjectName("conflict_message")
        self.message.setWordWrap(True)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(1100, 620)
        self._show_current(-1)
        self.load()

    # -- reading -----------------------------------------------------------------------

    def load(self, select_id: Any = None) -> None:
        """Read the queue on a worker (connecting to the kit's database first if needed)."""
        include = self.show_settled.isChecked()
        server, window_db, info = self.server, self.database, self.kit_info
        password, remember = self.asked.password, self.asked.remember

        def job(progress: Any, cancel: threading.Event) -> Any:
            from desktop.kits import conflicts, note_open_conflicts
            from ui.gui.kits.password_dialog import remember_password
            from ui.kit_files import open_kit_server

            if server is not None:
                db = server
            else:
                db = open_kit_server(window_db, info, password=password)
                if password and remember:
                    remember_password(window_db, password)
            found = conflicts(db, include_resolved=include)
            if info is not None:  # the kit's banner counts its records waiting here
                note_open_conflicts(window_db, db)
            return db, found

        self._say("Reading the conflict queue…")
        self._run(job, lambda result: self._loaded(result, select_id))

    def _loaded(self, result: Any, select_id: Any) -> None:
        server, found = result
        if self.server is None:
            self.server = server
        elif server is not self.server:
            server.dispose()
        if self.kit_info is not None:
            self.counted.emit()
        self.conflicts = list(found)
        self.listing.blockSignals(True)
        self.listing.clear()
        for conflict in self.conflicts:
            item = QListWidgetItem(list_text(conflict))
            item.setToolTip(conflict.summary)
            if not conflict.is_open:
                item.setForeground(Qt.GlobalColor.gray)
            self.listing.addItem(item)
        self.listing.blockSignals(False)
        open_count = sum(c.is_open for c in self.conflicts)
        self._say(
            f"{open_count} open conflict{'s' if open_count != 1 else ''}."
            if open_count
            else "No open conflicts: every offline record has been applied or settled."
        )
        row = next((i for i, c in enumerate(self.conflicts) if c.id == select_id), 0)
        self.listing.setCurrentRow(row if self.conflicts else -1)
        self._show_current(self.listing.currentRow())

    def current(self) -> Any:
        row = self.listing.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show_current(self, _row: int) -> None:
        conflict = self.current()
        self.fields.setRowCount(0)
        if conflict is None:
            self.heading.setText("<span style='color:#777'>No conflict selected.</span>")
            self._enable_choices(None)
            return
        self.heading.setText(heading_html(conflict))
        self.fields.setRowCount(len(conflict.fields))
        for row, diff in enumerate(conflict.fields):
            cells = (diff.label, diff.base_text, diff.server_text, diff.kit_text)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text or "—")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(text)
                self.fields.setItem(row, column, item)
            mine = QTableWidgetItem(diff.kit_text)  # start from the kit's, change what you like
            mine.setToolTip("Type the value to record (with Record my values)")
            self.fields.setItem(row, EDIT_COLUMN, mine)
        self._enable_choices(conflict)

    def _enable_choices(self, conflict: Any) -> None:
        usable = conflict is not None and conflict.is_open and not self._workers
        # Only a procedure can be recorded again; a scan or an incident's move is done
        # again on the server if it is still needed (the engine refuses the others).
        redoable = usable and conflict.record == "procedure" and bool(conflict.procedure_kind)
        self.take_server.setEnabled(usable)
        self.reapply_kit.setEnabled(redoable)
        self.record_edit.setEnabled(redoable and bool(conflict.fields))
        self.note.setEnabled(usable)
        if usable and not redoable:
            why = (
                f"Conflict #{conflict.number} is about a {conflict.record.replace('_', ' ')}: "
                "only the server's can be kept (do it again on the server if it is still "
                "needed)"
            )
        else:
            why = ""
        self.reapply_kit.setToolTip(why or REAPPLY_TIP)
        self.record_edit.setToolTip(why or EDIT_TIP)

    # -- settling ----------------------------------------------------------------------

    def edits(self) -> dict[str, object]:
        """The "Your value" column: a value shown in another column is sent as that value
        (a location's id, not its name); anything else as typed, for the engine to read."""
        conflict = self.current()
        if conflict is None:
            return {}
        values: dict[str, object] = {}
        for row, diff in enumerate(conflict.fields):
            item = self.fields.item(row, EDIT_COLUMN)
            typed = item.text().strip() if item is not None else ""
            shown = {
                diff.kit_text: diff.kit,
                diff.server_text: diff.server,
                diff.base_text: diff.base,
            }
            values[diff.field] = shown.get(typed, typed)
        return values

    def ask_keep_server(self) -> None:
        """ "Keep the server's": asked first (the kit's work is left unapplied for good)."""
        conflict = self.current()
        if conflict is None or self.server is None or self.busy():
            return
        self.question = ask_keep_server(self, conflict, lambda: self.settle("server"))
        self.question.finished.connect(self._answered)

    def _answered(self) -> None:
        # The queue takes the keys again (a window manager — openbox — may leave no
        # window active once a box closes: Alt+S then reached nothing).
        self.question = None
        self.activateWindow()

    def settle(self, how: str) -> None:
        from desktop.kits import Choice

        conflict, server = self.current(), self.server
        if conflict is None or server is None:
            return
        choice = Choice(how)
        edits = self.edits() if choice is Choice.EDIT else None
        note, user = self.note.text().strip(), self.username
        window_db, in_kit = self.database, self.kit_info is not None

        def job(progress: Any, cancel: threading.Event) -> Any:
            from desktop.kits import note_open_conflicts, resolve
            from ui.kit_files import edits_with_ids

            typed = edits_with_ids(server, edits) if edits else None
            resolution = resolve(server, conflict.id, choice, user, edits=typed, note=note)
            if in_kit:  # before ``resolved`` reaches the banner
                note_open_conflicts(window_db, server)
            return resolution

        self._say(f"Settling conflict #{conflict.number}…")
        self._run(job, self._settled)

    def _settled(self, resolution: Any) -> None:
        conflict = resolution.conflict
        self.note.clear()
        # Each message a sentence: "… (completed) The shared database has it" ran on.
        extra = " ".join(m if m.endswith(".") else f"{m}." for m in resolution.messages)
        recorded = (
            f" Recorded as the procedure {resolution.procedure_id}."
            if resolution.procedure_id
            else ""
        )
        self.resolved.emit(resolution)
        self.load(select_id=conflict.id)
        # Settled on the shared database: a kit shows the outcome once it is synced (a new
        # user saw the kit's old value beside "its data is fresh" and thought it lost).
        returned = getattr(self.kit_info, "returned_at", None) is not None
        later = (
            ""
            if self.kit_info is None or not resolution.procedure_id
            # A checked-in kit is never synced again (its Sync is greyed): "after its next
            # sync" sent a person to a door that was shut (newuser25, under Xvfb).
            else " The shared database has it; this kit was checked in and keeps its old "
            "values (Back to the database shows the new ones)."
            if returned
            else " The shared database has it; this kit shows it after its next sync "
            "(Field kit › Sync…)."
        )
        self._pending_message = (
            f"Conflict #{conflict.number} ({conflict.asset_tag}) settled: "
            f"{choice_words(conflict.resolution)}.{recorded} {extra}".strip()
            + later
        )

    # -- plumbing ----------------------------------------------------------------------

    def _run(self, job: Any, on_success: Any) -> None:
        worker = Worker(job, self)
        self._workers.add(worker)
        worker.succeeded.connect(on_success)
        worker.failed.connect(self._failed)
        worker.finished.connect(lambda w=worker: self._finished(w))
        self._enable_choices(None)
        worker.start()

    def _failed(self, error: object) -> None:
        from ui.kit_files import PasswordNeededError

        if isinstance(error, PasswordNeededError):
            self.asked.ask(error)
            return
        if isinstance(error, DesktopError):
            self._pending_message = ""
            self._say(error.sentence, error=True)
            return
        raise error if isinstance(error, BaseException) else RuntimeError(error)

    def _finished(self, worker: Worker) -> None:
        self._workers.discard(worker)
        pending = self._pending_message
        if pending and not self._workers:
            self._pending_message = ""
            self._say(pending, good=True)
        self._enable_choices(self.current())
        if self._close_when_done and not self._workers:
            self._close_when_done = False
            self.close()

    def _say(self, text: str, *, error: bool = False, good: bool = False) -> None:
        self.message.setStyleSheet(
            "color: #a32020;" if error else "color: #1d6b2a;" if good else ""
        )
        self.message.setText(text)

    def busy(self) -> bool:
        return bool(self._workers)

    def reject(self) -> None:
        if self._workers:
            self._close_when_done = True
            return
        self._release()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._workers:
            self._close_when_done = True
            event.ignore()
            return
        self._release()
        super().closeEvent(event)

    def _release(self) -> None:
        if self.server is not None and self.server is not self.database:
            self.server.dispose()
        self.server = None if self.kit_info is not None else self.database


def list_text(conflict: Any) -> str:
    kind = (conflict.procedure_kind or conflict.record).replace("_", " ")
    fields = ", ".join(diff.label for diff in conflict.fields) or "; ".join(conflict.reasons)
    state = "" if conflict.is_open else f"  [settled: {choice_words(conflict.resolution)}]"
    return f"#{conflict.number}  {conflict.asset_tag or '—'}  {kind}: {fields}{state}"


def heading_html(conflict: Any) -> str:
    kind = (conflict.procedure_kind or conflict.record).replace("_", " ").capitalize()
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in conflict.reasons)
    settled = ""
    if not conflict.is_open:
        settled = (
            f"<div style='color:#1d6b2a'>Settled by {html.escape(conflict.resolved_by or '')} "
            f"at {local_time_text(conflict.resolved_at) if conflict.resolved_at else ''}: "
            f"{html.escape(choice_words(conflict.resolution))}"
            + (f" — {html.escape(conflict.resolution_note)}" if conflict.resolution_note else "")
            + "</div>"
        )
    return (
        f"<div style='font-size:13pt; font-weight:600'>Conflict #{conflict.number}: "
        f"{html.escape(conflict.asset_tag or kind.lower())}</div>"
        f"<div>Made offline: <b>{html.escape(kind)}</b> — {html.escape(conflict.summary)}</div>"
        f"<div style='color:#666'>{html.escape(conflict.record.replace('_', ' ').capitalize())} "
        f"{conflict.record_id} · found at sync "
        f"{local_time_text(conflict.detected_at)}</div>"
        f"{who_changed_html(conflict)}"
        f"<div style='margin-top:4px'>Why it was not applied:<ul style='margin:0'>{reasons}"
        f"</ul></div>{settled}"
    )


def who_changed_html(conflict: Any) -> str:
    """Who made each side's change and when: the server's (the last record on the server
    that set a conflicting field since the checkout) and the kit's (its record)."""
    if not conflict.fields:
        return ""
    kit_by = conflict.performed_by_name or conflict.performed_by or "someone"
    kit = f"{html.escape(kit_by)}, {local_time_text(conflict.performed_at)}"
    if conflict.server_changed_at is not None:
        server = (
            f"{html.escape(conflict.server_changed_by or 'someone')}, "
            f"{local_time_text(conflict.server_changed_at)}"
        )
    else:
        server = "<span style='color:#777'>no record on the server says who</span>"
    return (
        "<table style='margin-top:4px' cellspacing='0' cellpadding='1'>"
        f"<tr><td style='padding-right:6px'>On the server, changed by</td><td><b>{server}</b></td>"
        "</tr>"
        f"<tr><td style='padding-right:6px'>In the kit, changed by</td><td><b>{kit}</b></td></tr>"
        "</table>"
    )


def choice_words(choice: Any) -> str:
    value = getattr(choice, "value", choice)
    return {
        "server": "the server's values kept",
        "kit": "the kit's values re-applied",
        "edit": "values edited and recorded",
    }.get(str(value), str(value))
