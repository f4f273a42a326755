"""The scan screen: built for a USB scanner and no mouse.

A large scan field keeps the focus (nothing else on the screen takes it); the scanner
types a tag and Enter, the scan is stored in its own transaction and answered at once
with colour, text and a sound cue (:mod:`ui.gui.audits.scan_feedback`). Scanning a room
label sets the current room. Counts per room and for the whole audit follow every scan.

Keys: Enter scans, Ctrl+Z undoes the last scan, Ctrl+M records an asset found without a
readable label (search + reason), Ctrl+R finishes or re-opens the current room, Ctrl+K
shows what is still missing (the audit's reconciliation as it stands, on its Missing tab).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.scanning import ScannerConfig
from desktop.services.audit_log import ScanLog, recent_scans
from desktop.services.audit_scan_state import current_room
from desktop.services.audit_scans import (
    ScanClass,
    ScanResult,
    record_manual_find,
    record_scan,
    set_room_finished,
    undo_last_scan,
)
from desktop.services.audit_tally import AuditTally, RoomCounts
from desktop.services.audits import AuditSummary, audit_summary, checkpoint_wal, single_room
from desktop.services.people import person_by_username
from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.kitfile import database_returned_note
from desktop.storage.models import Location
from ui.gui.audits.jobs import JobList
from ui.gui.audits.manual_find_dialog import ManualFindDialog
from ui.gui.audits.reconciliation_view import MISSING_TAB, ReconciliationView
from ui.gui.audits.scan_feedback import Feedback, SoundCue, feedback_for, row_colour

COUNT_COLUMNS = (
    "Room",
    "Expected",
    "Found",
    "Misplaced here",
    "Unknown",
    "Retired",
    "Repeats",
    "Missing",
)
RECENT_LIMIT = 200
#: Quiet time after a scan before SQLite's log is checkpointed (off the answer path).
IDLE_CHECKPOINT_MS = 1500


class ScanField(QLineEdit):
    """The scan input. Ctrl+Z means "undo the last scan", never "undo typing".

    Signals:
        undo_requested(): Ctrl+Z was pressed.
    """

    undo_requested = Signal()
    #: Whether Tab ends a scan (a scanner set up to send Tab instead of Enter).
    tab_ends_scan = True

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.tab_ends_scan
            and self.text().strip()
        ):
            event.accept()
            self.returnPressed.emit()
            return True
        is_key = event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if is_key and isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Undo):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self.undo_requested.emit()
            return True
        return super().event(event)


class ScanScreen(QWidget):
    """Scanning into one open audit.

    Signals:
        scanned(object): the :class:`ScanResult` of every stored scan.
        closed(): the screen was closed.
    """

    scanned = Signal(object)
    closed = Signal()

    def __init__(
        self,
        database: Database,
        username: str,
        audit_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        beep: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._username = username
        self._audit_id = audit_id
        self._cue = SoundCue(self, beep)
        self._scanner = ScannerConfig.from_settings(Settings())
        self._manual: ManualFindDialog | None = None
        self.jobs = JobList(self)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_CHECKPOINT_MS)
        self._idle.timeout.connect(self._checkpoint)
        with database.read() as session:
            self._summary: AuditSummary = audit_summary(session, audit_id)
            self._tally = AuditTally.load(session, audit_id)
            person = person_by_username(session, username)
            self._room_id = current_room(session, audit_id, person.id)
            room = session.get(Location, self._room_id) if self._room_id else None
            self._room_name = room.name if room else ""
            only = single_room(session, audit_id)
            # A scope of one room: scanning starts in it (no label to scan; nothing stored).
            self._only_room = (only.id, only.name) if only is not None else None
        self._in_only_room()
        self.setWindowTitle(f"Scanning — {self._summary.name}")
        self._build()
        self._show_room()
        self._show_counts()
        # Reopened in a room: go on there (it said "Scan a room label" under "Room: A0.04").
        if self._only_room is not None:
            start = f"Scanning in {self._room_name}, the audit's only room: scan its assets."
        elif self._room_id is not None:
            start = f"Still in {self._room_name}: scan its assets, or another room's label."
        else:
            start = "Scan a room label, then every asset in the room."
        self._show_answer(None, start, neutral=True)
        self._live: set[int] = set()  # sequences of the scans made on this screen
        self._older = 0  # earlier scans not listed, said by the log's last line
        self._more: QListWidgetItem | None = None
        self.earlier_read = False  # the audit's earlier scans are listed (read on a worker)
        audit = self._audit_id
        self.jobs.run(lambda: _read_recent(database, audit, RECENT_LIMIT), self._show_earlier)

    # -- layout ---------------------------------------------------------------------

    def show_missing(self) -> ReconciliationView:
        """The audit's reconciliation as it stands, on its Missing tab (Escape closes it
        and the scan field has the keyboard again)."""
        view = ReconciliationView(
            self._database,
            self._username,
            self._audit_id,
            self,
            read_only_reason=database_returned_note(self._database),
        )
        view.setWindowFlag(Qt.WindowType.Window, True)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        view.tabs.setCurrentIndex(MISSING_TAB)
        view.show()
        return view

    def _build(self) -> None:
        big = QFont(self.font())
        big.setPointSize(22)
        self.title = QLabel(f"{self._summary.name} — scope {self._summary.scope}", self)
        self.room_label = QLabel(self)
        self.room_label.setFont(big)
        self.scan_field = ScanField(self)
        self.scan_field.tab_ends_scan = "tab" in self._scanner.terminators
        self.scan_field.setFont(big)
        self.scan_field.setMinimumHeight(64)
        self.scan_field.setPlaceholderText("Scan a tag or a room label (or type a room's name)")
        self.scan_field.returnPressed.connect(self._on_return)
        self.scan_field.undo_requested.connect(self.undo)
        self.answer = QLabel(self)
        self.answer.setWordWrap(True)
        self.answer.setMinimumHeight(110)
        answer_font = QFont(self.font())
        answer_font.setPointSize(18)
        answer_font.setBold(True)
        self.answer.setFont(answer_font)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.total_label = QLabel(self)
        total_font = QFont(self.font())
        total_font.setPointSize(13)
        self.total_label.setFont(total_font)

        self.counts = QTableWidget(0, len(COUNT_COLUMNS), self)
        self.counts.setHorizontalHeaderLabels(list(COUNT_COLUMNS))
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.counts.verticalHeader().hide()
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent = QListWidget(self)
        # Each answer wraps in the column (it was cut at the right edge, to be scrolled to).
        self.recent.setWordWrap(True)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setResizeMode(QListWidget.ResizeMode.Adjust)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.counts)
        splitter.addWidget(self.recent)
        splitter.setSizes([640, 360])

        self.undo_button = QPushButton("&Undo last scan (Ctrl+Z)", self)
        self.undo_button.clicked.connect(self.undo)
        self.manual_button = QPushButton("Found without &label… (Ctrl+M)", self)
        self.manual_button.clicked.connect(self.open_manual_find)
        self.room_button = QPushButton(self)
        self.room_button.clicked.connect(self.toggle_room_finished)
        # What is left to find, without leaving the scan screen (a new auditor saw "14 still
        # missing" and had to close it and reconcile to learn which).
        self.missing_button = QPushButton("Still m&issing… (Ctrl+K)", self)
        self.missing_button.clicked.connect(self.show_missing)
        # Closed by keys too (a new user without a window manager's close box had none).
        self.close_button = QPushButton("Close (Ctrl+W)", self)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.undo_button, self.manual_button, self.room_button, self.missing_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        QShortcut(QKeySequence("Ctrl+M"), self, self.open_manual_find)
        QShortcut(QKeySequence("Ctrl+R"), self, self.toggle_room_finished)
        QShortcut(QKeySequence("Ctrl+K"), self, self.show_missing)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        # Esc as in the reconciliation: every scan is stored the moment it is made.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.room_label)
        layout.addWidget(self.scan_field)
        layout.addWidget(self.answer)
        layout.addWidget(self.total_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        # Nothing but the scan field takes the keyboard: a scanner's Enter always scans.
        for widget in (self.counts, self.recent, splitter, *self.findChildren(QPushButton)):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scan_field.installEventFilter(self)
        self.resize(1000, 720)

    def showEvent(self, event):
        super().showEvent(event)
        self.scan_field.setFocus()

    def closeEvent(self, event):
        self._idle.stop()
        if self.jobs.defer_close(event):
            return
        self.closed.emit()
        super().closeEvent(event)

    def _checkpoint(self) -> None:
        """While the scanner is idle, keep SQLite's log short (see ``checkpoint_wal``);
        when the screen's worker is still busy (a slow machine), try again later rather
        than skip the checkpoint until the next scan."""
        if self.jobs.busy():
            self._idle.start()
        else:
            self.jobs.run(lambda: checkpoint_wal(self._database), lambda _: None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scan_field and event.type() == QEvent.Type.FocusOut:
            manual_open = self._manual is not None and self._manual.isVisible()
            if not manual_open and self.isActiveWindow():
                self.scan_field.setFocus()
        return super().eventFilter(watched, event)

    # -- actions ----------------------------------------------------------------------

    def _on_return(self) -> None:
        text = self._scanner.code(self.scan_field.text())  # the scanner's prefix/suffix go
        self.scan_field.clear()
        if text.strip():
            self.scan(text)

    def scan(self, text: str) -> ScanResult | None:
        return self._run(
            lambda: record_scan(
                self._database,
                audit_id=self._audit_id,
                raw=text,
                scanned_by=self._username,
                room_id=self._room_id,
            )
        )

    def undo(self) -> ScanResult | None:
        return self._run(
            lambda: undo_last_scan(
                self._database,
                audit_id=self._audit_id,
                scanned_by=self._username,
                room_id=self._room_id,
            )
        )

    def record_manual(self, asset_id: uuid.UUID, reason: str) -> ScanResult | None:
        return self._run(
            lambda: record_manual_find(
                self._database,
                audit_id=self._audit_id,
                asset_id=asset_id,
                reason=reason,
                scanned_by=self._username,
                room_id=self._room_id,
            )
        )

    def toggle_room_finished(self) -> ScanResult | None:
        if self._room_id is None:
            self._refuse("Scan a room label first.")
            return None
        room_id = self._room_id
        finished = not self._tally.room(room_id).finished
        return self._run(
            lambda: set_room_finished(
                self._database,
                audit_id=self._audit_id,
                room_id=room_id,
                finished=finished,
                scanned_by=self._username,
            )
        )

    def open_manual_find(self) -> None:
        self._manual = ManualFindDialog(self._database, self)
        self._manual.chosen.connect(self.record_manual)
        self._manual.finished.connect(lambda _: self.scan_field.setFocus())
        self._manual.open()

    def _run(self, action: Callable[[], ScanResult]) -> ScanResult | None:
        try:
            result = action()
        except DesktopError as exc:
            self._refuse(exc.sentence)
            return None
        if result.classification is ScanClass.UNDO:
            with self._database.read() as session:
                self._tally = AuditTally.load(session, self._audit_id)
        else:
            self._tally.apply_result(result)
        if result.classification in (ScanClass.ROOM, ScanClass.UNDO):
            self._room_id, self._room_name = result.room_id, result.room
            self._in_only_room()
        self._show_answer(result.classification, self._answer_text(result))
        self._add_recent(result)
        self._show_room()
        self._show_counts()
        self.scan_field.setFocus()
        self._idle.start()
        self.scanned.emit(result)
        return result

    def _answer_text(self, result: ScanResult) -> str:
        """What the banner says of a scan: its message; for a room finished with expected
        assets not seen, how many too. "W1.03 Open office finished" with ten of its twelve
        assets unseen read like a room done (a new auditor walked on; only the room table
        beside it said 10 missing)."""
        if result.classification is not ScanClass.ROOM_CLOSED or result.room_id is None:
            return result.message
        counts = self._tally.room(result.room_id)
        if counts.missing <= 0:
            return result.message
        unseen = (
            f"none of its {counts.expected} expected assets seen"
            if counts.missing == counts.expected
            else f"{counts.missing} of its {counts.expected} expected assets not seen"
        )
        return f"{result.message}: {unseen} (Still missing: Ctrl+K)"

    def _in_only_room(self) -> None:
        """No room yet (or an undone label) in a scope of one room: that room."""
        if self._room_id is None and self._only_room is not None:
            self._room_id, self._room_name = self._only_room

    # -- showing ----------------------------------------------------------------------

    def _refuse(self, message: str) -> None:
        self._show_answer(None, message)
        self.scan_field.setFocus()

    def _show_answer(
        self, classification: ScanClass | None, message: str, *, neutral: bool = False
    ) -> None:
        if neutral:
            self.answer.setStyleSheet("background: #eceff1; color: #263238; border-radius: 8px;")
            self.answer.setText(message)
            return
        feedback: Feedback = feedback_for(classification)
        self.answer.setStyleSheet(
            f"background: {feedback.background}; color: white; border-radius: 8px; padding: 8px;"
        )
        self.answer.setText(f"{feedback.headline}\n{message}")
        self.answer.setProperty(
            "classification", classification.value if classification else "refused"
        )
        self._cue.play(feedback)

    def _add_recent(self, result: ScanResult) -> None:
        self._live.add(result.sequence)
        self.recent.insertItem(0, _log_item(result.sequence, result.classification, result.message))
        self._keep_newest()

    def _show_earlier(self, log: ScanLog) -> None:
        """The audit's scans from before this screen opened, below those made since."""
        for scan in log.scans:
            if scan.sequence not in self._live:
                self.recent.addItem(_log_item(scan.sequence, scan.classification, scan.text))
        self._keep_newest(log.older)
        self.earlier_read = True

    def _keep_newest(self, older: int = 0) -> None:
        """The newest RECENT_LIMIT lines; the last line says how many earlier ones are not."""
        scans = self.recent.count() - (self._more is not None)
        while scans > RECENT_LIMIT:
            self.recent.takeItem(scans - 1)
            scans -= 1
            older += 1
        if not older:
            return
        self._older += older
        if self._more is None:
            self._more = QListWidgetItem()
            self._more.setForeground(QColor("#555"))
            self.recent.addItem(self._more)
        self._more.setText(
            f"… and {self._older:,} earlier scans (every scan is in the audit report)"
        )

    def _show_room(self) -> None:
        finished = self._room_id is not None and self._tally.room(self._room_id).finished
        if self._room_id is None:
            self.room_label.setText("Room: none yet — scan a room label")
        else:
            state = " (finished)" if finished else ""
            self.room_label.setText(f"Room: {self._room_name}{state}")
        self.room_button.setText("Re-open room (Ctrl+R)" if finished else "Finish room (Ctrl+R)")
        self.room_button.setEnabled(self._room_id is not None)

    def _show_counts(self) -> None:
        t = self._tally.total
        # Seen = expected and no longer missing (an asset found here from outside the
        # audit's scope is misplaced, but was never one of the expected).
        self.total_label.setText(
            f"Whole audit: {t.expected - t.missing:,} of {t.expected:,} expected seen · "
            f"{t.found:,} found · {t.misplaced:,} misplaced · {t.unknown:,} unknown · "
            f"{t.retired:,} retired · {t.missing:,} still missing · {t.duplicates:,} repeats"
        )
        rows = self._tally.room_rows()
        self.counts.setRowCount(len(rows))
        for r, (room_id, name, counts) in enumerate(rows):
            label = f"{name} ✓" if counts.finished else name
            values = _count_values(counts)
            for c, value in enumerate((label, *values)):
                item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else str(value))
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if room_id is not None and room_id == self._room_id:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.counts.setItem(r, c, item)

    # -- for tests and the window -------------------------------------------------------

    @property
    def tally(self) -> AuditTally:
        return self._tally

    @property
    def room_id(self) -> uuid.UUID | None:
        return self._room_id


def _read_recent(database: Database, audit_id: uuid.UUID, limit: int) -> ScanLog:
    with database.read() as session:
        return recent_scans(session, audit_id, limit)


def _log_item(sequence: int, classification: ScanClass, text: str) -> QListWidgetItem:
    item = QListWidgetItem(f"{sequence}. {text}")
    item.setToolTip(text)
    colour = row_colour(classification.value)
    if colour is not None:
        item.setBackground(colour)
    return item


def _count_values(counts: RoomCounts) -> tuple[int, ...]:
    return (
        counts.expected,
        counts.found,
        counts.misplaced,
        counts.unknown,
        counts.retired,
        counts.duplicates,
        counts.missing,
    )
