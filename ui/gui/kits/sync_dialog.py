"""Field kit › Sync…: replay a kit's offline records on the database it came from.

The kit is the one the window works in, or — when the window is on the shared database
— a kit file the person names. "Preview" is a dry run: it says what each record would
become and writes nothing. "Sync" replays them on a worker with progress and cancel
(cancel stops between records: what was replayed stays replayed, the rest waits in the
kit), then shows each record's outcome. "Check in" syncs the same way and then ends the
checkout: the database drops its "checked out by …" marks and the kit file is closed for
good (it takes no more work and is not synced again).

Signals:
    synced(object): the engine's :class:`SyncReport` after a sync that wrote something.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.storage.database import Database
from ui.gui import file_dialogs
from ui.gui.dialog_work import DialogWork
from ui.gui.kits.password_dialog import AskedPassword
from ui.gui.worker import Worker
from ui.kit_files import outcome_counts

#: Outcome → (text colour, background) in the results table.
OUTCOME_COLOURS = {
    "applied": ("#1d6b2a", "#e3f4e6"),
    "already applied": ("#555555", "#eeeeee"),
    "merged": ("#1d4f91", "#e2ecf8"),
    "pending approval": ("#8a5a00", "#fff2d6"),
    "conflict": ("#a32020", "#fbe3e3"),
}
COLUMNS = ("#", "Record", "Outcome", "What", "Why")


#: A result that asks for more work (conflicts to settle), as the label dialog warns.
WARNING_COLOUR = "#8a5a00"


class SyncDialog(QDialog):
    synced = Signal(object)

    def __init__(
        self,
        database: Database,
        kit_info: Any,
        username: str,
        parent: QWidget | None = None,
        *,
        settings: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync a field kit")
        self.database = database
        self.kit_info = kit_info  # the window's kit, or None: a kit file is named here
        self.username = username
        self.settings = settings  # for the person signed in on a named kit's server
        self.target: Any = None  # where and as whom the sync goes (a SyncTarget), once known
        self.report: Any = None
        self.stage: list[str] = [""]
        # A password the person typed (in memory, for this dialog's syncs only).
        self.asked = AskedPassword(
            self,
            where=lambda: self.kit_info.source_description if self.kit_info else None,
            say=lambda text: self._say(text, error=True),
            nothing_done="nothing was synced.",
            retry=lambda: self.start(**self._last_start),
        )
        self._notes: list[str] = []
        self._last_start: dict[str, bool] = {"dry_run": False, "check_in": False}
        self._waiting = [-1]
        # After a sync: the kit's conflicts still open on the database (-1: not known).
        self._open_conflicts = [-1]

        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setObjectName("kit_file")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self._browse)
        self.syncs_with = QLabel()
        self.syncs_with.setObjectName("syncs_with")
        self.syncs_with.setWordWrap(True)
        if kit_info is None:
            row = QHBoxLayout()
            row.addWidget(self.path, 1)
            row.addWidget(self.browse)
            # A kit syncs with the database it was checked out from, whichever window
            # names it: say so, and which database that is, once a file is named.
            self.path.setPlaceholderText("A field kit file (.adkit)")
            self.path.textChanged.connect(self._read_kit_file)
            label = QLabel("Kit &file")
            label.setBuddy(self.path)
            form.addRow(label, row)
            form.addRow("Syncs with", self.syncs_with)
            self.syncs_with.setText("the database the kit was checked out from")
        else:
            self.path.hide()
            self.browse.hide()
            self.kit_label = QLabel(kit_line(kit_info.scope_text, kit_info.waiting))
            form.addRow("Kit", self.kit_label)
            self.syncs_with.setText(kit_info.source_description)
            form.addRow("Syncs with", self.syncs_with)
            self._show_target(database, kit_info, str(database.sqlite_path or database.url))
        self.message = QLabel(
            "Each record made offline is replayed in the order it was made, through the same "
            "rules as online work. A record the database cannot take as it was goes to the "
            "conflict queue (Field kit › Conflicts…); nothing is dropped. Preview first to "
            "see what each record would become."
        )
        self.message.setWordWrap(True)
        self.results = QTableWidget(0, len(COLUMNS))
        self.results.setObjectName("sync_results")
        self.results.setHorizontalHeaderLabels(COLUMNS)
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.results.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the tooltip has it all
        self.progress = QProgressBar()
        self.work = DialogWork(self, self.progress)
        self.preview_button = QPushButton("&Preview")
        self.preview_button.setToolTip("A dry run: what each record would become; nothing written")
        self.preview_button.clicked.connect(lambda: self.start(dry_run=True))
        self.sync_button = QPushButton("&Sync")
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(lambda: self.start(dry_run=False))
        self.check_in_button = QPushButton("Check &in")
        self.check_in_button.setToolTip(
            "Sync, then end the checkout: the kit goes back for good and takes no more work"
        )
        self.check_in_button.clicked.connect(lambda: self.start(dry_run=False, check_in=True))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 3)
        buttons.addStretch(1)
        for button in (
            self.preview_button,
            self.sync_button,
            self.check_in_button,
            self.cancel_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        self.resize(900, 560)

    def _browse(self) -> None:
        dialog = file_dialogs.FileDialog(
            self, "The field kit to sync", self.path.text(), "Field kit (*.adkit)"
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.path.setText)
        dialog.open()

    def _read_kit_file(self, text: str) -> None:
        """Name the database the kit at ``text`` syncs with (its metadata: a few rows)."""
        from ui.kit_files import open_kit_file

        path = Path(text.strip()).expanduser() if text.strip() else None
        self.target = None
        self.syncs_with.setToolTip("")
        if path is None or not path.is_file():
            self.syncs_with.setText("the database the kit was checked out from")
            return
        try:
            kit, info = open_kit_file(path)
        except DesktopError as exc:
            self.syncs_with.setText(exc.sentence)
            return
        try:
            self._show_target(kit, info, text.strip())
        finally:
            kit.dispose()

    def _user_for(self, info: Any) -> str:
        """Who the sync acts as: in the window's kit, the window's person; a kit file named
        here, the person signed in on the kit's own database (never the window's, which
        is another database's), else the person who checked it out (as ``kit sync``)."""
        if self.kit_info is not None:
            return self.username or info.checked_out_by
        from desktop.settings import signed_in_person

        configured = (
            signed_in_person(self.settings, info.source_url) if self.settings is not None else ""
        )
        return str(configured or info.checked_out_by)

    def _show_target(self, kit: Database, info: Any, kit_name: str) -> None:
        """Say, before anything starts, the database and the login the kit syncs with
        (whoever runs the sync: a kit finds its server and login itself)."""
        from desktop.kits import sync_target

        self.target = sync_target(kit, info, self._user_for(info), kit_name=kit_name)
        self.syncs_with.setText(f"{self.target.server} as {self.target.who()}")
        self.syncs_with.setToolTip(self.target.sentence())

    def kit_read_again(self, info: Any) -> None:
        """The window's kit as read just now: the Kit line counts what waits now (it
        said what waited at the banner's last read, up to 20 s before, while a scan made
        by the command line meanwhile waited too). Not after a sync said what is left."""
        if (
            self.kit_info is None
            or info is None
            or getattr(info, "kit_id", None) != getattr(self.kit_info, "kit_id", None)
            or self.report is not None
            or self.work.busy
        ):
            return
        self.kit_info = info
        self.kit_label.setText(kit_line(info.scope_text, info.waiting))

    # -- the work ----------------------------------------------------------------------

    def start(self, *, dry_run: bool, check_in: bool = False) -> None:
        from ui.gui.kits.password_dialog import remember_password
        from ui.kit_files import open_kit_file, open_kit_server

        self._last_start = {"dry_run": dry_run, "check_in": check_in}
        password, remember, notes = self.asked.password, self.asked.remember, self._notes
        notes.clear()
        self._waiting = waiting = [-1]  # after a cancelled sync: how many records still wait
        self._open_conflicts = open_conflicts = [-1]
        window_kit = self.database if self.kit_info is not None else None
        text = self.path.text().strip()
        if window_kit is None and not text:
            self._say("Name the kit file to sync.", error=True)
            return
        path = Path(text).expanduser() if text else None
        stage, window_info = self.stage, self.kit_info
        target = self.target
        username = target.username if target is not None else self.username

        def job(progress: Any, cancel: threading.Event) -> Any:
            from desktop.kits import sync

            def report(done: int, total: int, text: str) -> None:
                stage[0] = text
                progress(done, total)

            kit, info = (window_kit, window_info) if window_kit is not None else open_kit_file(path)
            try:
                server = open_kit_server(kit, info, password=password)
                if password and remember:
                    notes.append(remember_password(kit, password))
                try:
                    user = username or (info.checked_out_by if info is not None else "")
                    done = sync(
                        kit,
                        server,
                        user,
                        dry_run=dry_run,
                        check_in=check_in,
                        progress=report,
                        cancel=cancel.is_set,
                    )
                    if done.cancelled or (window_kit is not None and not dry_run):
                        # What still waits: said after a cancel, and on the Kit line.
                        from desktop.kits import kit_info

                        left = kit_info(kit)
                        waiting[0] = left.waiting if left is not None else -1
                    if not dry_run:  # the kit's conflicts still open, an earlier sync's too
                        from desktop.kits import note_open_conflicts

                        # The sync's own report stands if this fails; the banner counts later.
                        with contextlib.suppress(DesktopError):
                            open_conflicts[0] = note_open_conflicts(kit, server)
                    return done
                finally:
                    server.dispose()
            finally:
                if kit is not window_kit:
                    kit.dispose()

        self.results.setRowCount(0)
        if target is not None:  # the line kit sync prints first
            what = " (preview)" if dry_run else " (check in)" if check_in else ""
            self._say(f"{target.sentence()}{what}…")
        else:
            self._say("Previewing…" if dry_run else "Checking in…" if check_in else "Syncing…")
        for button in (self.preview_button, self.sync_button, self.check_in_button):
            button.setEnabled(False)
        self.cancel_button.setText("Cancel")  # it stops the run (it said Close after one)
        self.work.start(
            job,
            succeeded=self._done,
            failed=self._failed,
            finished=self._finished,
            progress=self._progress,
        )

    @property
    def worker(self) -> Worker | None:
        return self.work.worker

    def _progress(self, done: int, total: int) -> None:
        if self.stage[0] and self.work.busy and not self.work.cancelled:
            self._say(running_text(self.stage[0], done, total, **self._last_start))

    def _done(self, report: Any) -> None:
        self.report = report
        self.show_results(report)
        text = report_text(report, waiting=self._waiting[0])
        if self.kit_info is not None and not report.dry_run and self._waiting[0] >= 0:
            # The line counted what waited when the dialog opened (it said "2 records
            # wait" after a sync had sent them all).
            self.kit_label.setText(
                kit_line(
                    self.kit_info.scope_text,
                    self._waiting[0],
                    returned=bool(getattr(report, "returned", False)),
                )
            )
        # A conflict left to settle is no success: "Synced 1 record: 1 conflict." stood in
        # the same green as a clean sync (newuser23), now in the colour of a warning; so
        # does a preview that foresees one (it stood in green too).
        settle = bool(report.counts().get(_conflict_outcome(report), 0))
        earlier = earlier_conflicts_text(report, self._open_conflicts[0])
        if earlier:
            # A sync after one that left a conflict (or was cancelled after one) said
            # "Synced 2 records: 2 applied." in green: the conflict still waiting was
            # only on the banner, behind the dialog; a check-in said nothing of it either
            # (newuser25, under Xvfb).
            text, settle = f"{text} {earlier}", True
        text = " ".join([text, *self._notes])
        self._say(text, warn=settle, good=not report.cancelled)
        self.cancel_button.setText("Close")
        if not report.dry_run:
            self.synced.emit(report)

    def show_results(self, report: Any) -> None:
        self.results.setRowCount(len(report.results))
        for row, result in enumerate(report.results):
            outcome = str(result.outcome.value)
            why = result.reason
            if result.server_number is not None:
                why = f"{why}; incident #{result.server_number} on the server".lstrip("; ")
            cells = (str(result.seq), result.record, outcome, result.summary, why)
            colour, background = OUTCOME_COLOURS.get(outcome, ("#000000", "#ffffff"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 2:
                    item.setForeground(QBrush(QColor(colour)))
                    item.setBackground(QBrush(QColor(background)))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.results.setItem(row, column, item)

    def rows(self) -> list[list[str]]:
        """What the results table shows, row by row (for tests and the state dump)."""
        return [
            [
                item.text() if (item := self.results.item(r, c)) is not None else ""
                for c in range(self.results.columnCount())
            ]
            for r in range(self.results.rowCount())
        ]

    def _failed(self, error: object) -> None:
        from ui.kit_files import KitServerUnreachableError, PasswordNeededError, nothing_synced

        if isinstance(error, PasswordNeededError):
            self.asked.ask(error)
            return
        if isinstance(error, KitServerUnreachableError):
            # Say what became of the records, not only why (newuser27: the server gone,
            # the dialog named it twice and said nothing of the three records waiting).
            waiting = self.kit_info.waiting if self.kit_info is not None else 0
            self._say(f"{error.sentence}. {nothing_synced(waiting)}.", error=True)
            return
        if isinstance(error, DesktopError):
            self._say(error.sentence, error=True)
            return
        raise error if isinstance(error, BaseException) else RuntimeError(error)

    def _finished(self) -> None:
        returned = self.report is not None and getattr(self.report, "returned", False)
        for button in (self.preview_button, self.sync_button, self.check_in_button):
            button.setEnabled(not returned)  # a returned kit is not synced again

    def _say(
        self, text: str, *, error: bool = False, warn: bool = False, good: bool = False
    ) -> None:
        self.message.setStyleSheet(
            "color: #a32020;"
            if error
            else f"color: {WARNING_COLOUR};"
            if warn
            else "color: #1d6b2a;"
            if good
            else ""
        )
        self.message.setText(text)

    def reject(self) -> None:
        """Cancel (or Esc) during a sync stops it after the record being replayed and shows
        what was done; once nothing runs, it closes the dialog."""
        if self.work.cancel(close=False):
            self._say(
                "Cancelling after the record being replayed… what was replayed stays, "
                "the rest waits in the kit."
            )
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.work.cancel(close=True):
            event.ignore()
            return
        super().closeEvent(event)


def kit_line(scope: str, waiting: int, *, returned: bool = False) -> str:
    """The Kit line: the window's kit and how many of its records wait to sync — or, once
    checked in, that it was (it said "nothing waits to sync" of a kit never synced again)."""
    if returned:
        return f"This window's kit: {scope} (checked in: it takes no more work)"
    count = (
        "nothing waits"
        if waiting == 0
        else "1 record waits"
        if waiting == 1
        else f"{waiting} records wait"  # it said "(1 record wait)"
    )
    return f"This window's kit: {scope} ({count} to sync)"


#: The engine's last words of a sync, said while the sync still notes itself on the
#: database and counts what is left: the dialog said "Synced…" while it still ran.
_LAST_STEPS = ("Synced", "Checked in")


def running_text(stage: str, done: int, total: int, *, dry_run: bool, check_in: bool) -> str:
    """What the dialog says while a run goes on: what it is doing, never the result (that
    is :func:`report_text`'s, once the run has ended). ``stage``: the engine's words — the
    record just replayed, or a step ("Refreshing the kit from the server")."""
    if stage in _LAST_STEPS:
        return (
            "Finishing: noting the check-in on the database…"
            if check_in
            else ("Finishing: noting the sync on the database…")
        )
    if stage in ("Ending the checkout", "Refreshing the kit from the server"):
        return f"{stage}…"
    doing = "Previewing" if dry_run else "Checking in" if check_in else "Syncing"
    return f"{doing}… {done} of {total} steps done; last: {stage}"


def report_text(report: Any, *, waiting: int = -1) -> str:
    """One paragraph about a sync report: counts by outcome, and what to do next.
    ``waiting``: after a cancelled sync, how many records still wait (-1: not known)."""
    counts = outcome_counts(report)
    total = len(report.results)
    if report.dry_run:
        head = (
            f"Preview: {total} record{'s' if total != 1 else ''} would be replayed ({counts}). "
            "Nothing was written."
            if total
            else "Preview: nothing waits to sync."
        )
        if report.counts().get(_conflict_outcome(report), 0):
            head += " A sync would leave conflicts to settle (Field kit › Conflicts…)."
        return head
    if report.cancelled:
        left = (
            "nothing else waits: the kit was not refreshed (sync again to refresh it)."
            if waiting == 0
            else f"{waiting} record{'s still wait' if waiting != 1 else ' still waits'} in the kit."
            if waiting > 0
            else "the others still wait in the kit."
        )
        if not total:  # "Cancelled after 0 records (none); 1 record still wait in the kit."
            return "Cancelled before any record was synced; " + left
        return f"Cancelled after {total} record{'s' if total != 1 else ''} ({counts}); " + left
    parts = [
        f"Synced {total} record{'s' if total != 1 else ''}" + (f": {counts}." if total else ".")
    ]
    if report.counts().get(_conflict_outcome(report), 0):
        parts.append("Settle the conflicts (Field kit › Conflicts…).")
    if report.refreshed:
        parts.append("The kit now holds the database's current state for its scope.")
    if getattr(report, "returned", False):
        parts.append(
            "Checked in: the checkout has ended on the database; this kit file takes no more work."
        )
    return " ".join(parts)


def earlier_conflicts_text(report: Any, open_conflicts: int) -> str:
    """After a sync (not a preview): the kit's conflicts still open on the database that
    this sync did not make (an earlier sync's, or before a cancel), if any."""
    if report.dry_run or open_conflicts <= 0:
        return ""
    earlier = open_conflicts - report.counts().get(_conflict_outcome(report), 0)
    if earlier <= 0:
        return ""
    return (
        f"{earlier} conflict{'s' if earlier != 1 else ''} from an earlier sync still "
        f"wait{'s' if earlier == 1 else ''} to be settled (Field kit › Conflicts…)."
    )


def _conflict_outcome(report: Any) -> Any:
    from desktop.kits import Outcome

    return Outcome.CONFLICT
