"""The window's database lost and found again: one message, a visible state, quiet retries.

The window reads in the background on timers (the selection's freshness, the approvals
badge, the kit banner). When the database stops answering — a shared server goes away, a
local file becomes unreadable — every one of those reads fails, again and again. Said by
each of them, that was a message box every 20 s and a pile of them by the time the person
came back. Here the first failure is said once (which database, what happened, that what
was typed is kept), the status bar shows the state until it ends, the timers' reads wait,
and one quiet check on a worker retries every ``RETRY_INTERVAL_MS``. When the database
answers again the register is read again and the status bar says so.

A busy database is not a lost one: a local file another program is writing (a long
import from the command line) refuses a read or a write after the busy timeout ("database
is locked"). The status bar says it is busy and who to wait for, with no outage box; an
action the person tried says so in one message naming the database; a quiet check every
``BUSY_RETRY_MS`` (on the connections the window has: they read on while the writer
works, where new ones are refused) reads the register again once the file is free.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop.errors import DatabaseBusyError, DatabaseUnavailableError, DesktopError
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: How often a lost database is tried again (ms).
RETRY_INTERVAL_MS = 15_000
#: How often a busy database (another program writing) is tried again (ms).
BUSY_RETRY_MS = 5_000


class ConnectionWatch(QObject):
    """Says once that the window's database is unavailable and retries until it is back.

    Attributes:
        lost: the failure that started the outage, None while the database answers.
        label: the status bar's permanent "connection lost — retrying" note.
        message_box: the one message of the outage (open until the person closes it).

    Signals:
        answering(): the database answers again after it was busy or lost (the register
            has just been asked for again).
    """

    answering = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.lost: DatabaseUnavailableError | None = None
        #: Another program is writing: the failure that said so, None when free.
        self.busy: DatabaseBusyError | None = None
        self.busy_box: QMessageBox | None = None
        # A background read's failure not yet confirmed by a check of our own: a read that
        # was under way while the database came back fails after the recovery was said, and
        # must not start a second outage (nor a transient glitch a first one).
        self._suspect: DatabaseUnavailableError | None = None
        self._closed = False
        self.message_box: QMessageBox | None = None
        self._checking: Worker | None = None
        self.label = QLabel()
        self.label.setObjectName("connectionLost")
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setInterval(RETRY_INTERVAL_MS)
        self.timer.timeout.connect(self.retry)
        self.busy_timer = QTimer(self)
        self.busy_timer.setSingleShot(True)
        self.busy_timer.setInterval(BUSY_RETRY_MS)
        self.busy_timer.timeout.connect(self._check_busy)

    def report(self, error: object, *, background: bool = False) -> bool:
        """Take ``error`` if it says the database is unavailable (True: it is said, once per
        outage); anything else is the caller's to show.

        ``background``: the failure of a read nobody asked for (timers, refreshes). It starts
        an outage only once a check of our own fails too, so a read that was under way while
        the database came back, or a single glitch, says nothing. What the person did
        (``background=False``) is said at once: they wait for its answer.
        """
        if not isinstance(error, DatabaseUnavailableError):
            return False
        if self._closed:
            return True
        if isinstance(error, DatabaseBusyError):  # it answers: busy, not lost
            self._end_outage()
            self._say_busy(error, background=background)
            return True
        if self.lost is None and background:
            self._suspect = error
            self._check()
            return True
        if self.lost is None:
            self.lost = error
            self._say_lost(error)
        else:  # an action the person tried meanwhile: said where the state is
            self._window.statusBar().showMessage(f"Still unavailable: {error.sentence}", 10_000)
        self._show_state()
        if not self.timer.isActive():
            self.timer.start()
        return True

    def reset(self) -> None:
        """The window now shows another database: whatever was lost is not this one's."""
        self.timer.stop()
        self.lost = None
        self._suspect = None
        self._end_busy()
        self.label.hide()
        if self.message_box is not None:
            self.message_box.close()
            self.message_box = None

    # -- busy: another program is writing ------------------------------------------------

    def _say_busy(self, error: DatabaseBusyError, *, background: bool) -> None:
        """The status bar says who holds the file; an action the person tried, once in a
        box (a second while it is open goes to the status bar); a quiet check follows."""
        self.busy = error
        self.label.setText("Database busy — another program is writing; trying again")
        self.label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; }")
        self.label.setToolTip(error.sentence)
        self.label.show()
        if not background:
            if self.busy_box is None:
                box = QMessageBox(
                    QMessageBox.Icon.Information,
                    "Database busy — Assetdesk",
                    f"The database {self._window.database.description} is busy: another "
                    "program is writing to it.",
                    QMessageBox.StandardButton.Ok,
                    self._window,
                )
                box.setObjectName("databaseBusyMessage")
                box.setInformativeText(
                    "Nothing was changed, and what you typed is kept. Try again in a "
                    "moment, when the other program (an import from the command line, "
                    "for example) has finished."
                )
                box.setDetailedText(error.sentence)
                self.busy_box = box
                box.finished.connect(lambda _result, b=box: self._forget_busy_box(b))
                box.open()
            else:
                self._window.statusBar().showMessage(f"Still busy: {error.sentence}", 10_000)
        if not self.busy_timer.isActive() and not self._closed:
            self.busy_timer.start()

    def _end_outage(self) -> None:
        """The database answers (busy): an outage under way is over; its box, if the
        person has not closed it yet, stays until they do."""
        if self.lost is not None:
            self.lost = None
            self.timer.stop()

    def _forget_busy_box(self, box: QMessageBox) -> None:
        if self.busy_box is box:
            self.busy_box = None

    def _end_busy(self) -> None:
        self.busy = None
        self.busy_timer.stop()
        if self.lost is None:
            self.label.hide()

    def _check_busy(self) -> None:
        if self.busy is not None and self.lost is None:
            self._check(fresh=False)

    def stop(self) -> None:
        """The window closes: no check starts or answers any more."""
        self._closed = True
        self.timer.stop()
        self.busy_timer.stop()
        if self._checking is not None:
            self._checking.cancel()
            self._checking.wait()

    def _say_lost(self, error: DatabaseUnavailableError) -> None:
        database = self._window.database
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Database unavailable — Assetdesk",
            f"Assetdesk cannot use the database {database.description} at the moment.",
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setObjectName("connectionLostMessage")
        box.setInformativeText(
            "What you have typed is kept: forms stay open, and nothing was half-saved. "
            "Assetdesk tries again in the background and reads the register again as soon "
            "as the database answers; save again then. The status bar shows the state."
        )
        box.setDetailedText(error.sentence)
        self.message_box = box
        box.finished.connect(lambda _result, b=box: self._forget_box(b))
        box.open()

    def _forget_box(self, box: QMessageBox) -> None:
        if self.message_box is box:
            self.message_box = None

    def _show_state(self) -> None:
        seconds = RETRY_INTERVAL_MS // 1000
        self.label.setText(f"Database connection lost — retrying every {seconds} s")
        self.label.setStyleSheet("QLabel { color: #b00020; font-weight: bold; }")
        self.label.setToolTip(self.lost.sentence if self.lost is not None else "")
        self.label.show()

    def retry(self) -> None:
        """One quiet check, on a worker: a read of the schema's version (a server that does
        not answer must not freeze the window; a local file is read, not only opened)."""
        if self.lost is None:
            return
        self._check()

    def _check(self, *, fresh: bool = True) -> None:
        if self._checking is not None or self._closed:
            return  # the check under way answers for this one too
        database = self._window.database

        def job(progress: Progress, cancel: threading.Event) -> None:
            # Fresh connections: those pooled before or during the outage may be dead (a
            # server restarted) or hold pages of a file that changed under them (a share
            # mounted again): the check and every read after it open new ones. Not for a
            # busy file: a bulk writer refuses new connections while it works, where the
            # window's own ones read on.
            if fresh:
                database.dispose()
            database.schema_state()

        worker = Worker(job, self)
        self._checking = worker
        worker.succeeded.connect(lambda _result, db=database: self._answered(db))
        worker.failed.connect(self._still_lost)
        worker.finished.connect(self._checked)
        worker.start()

    def _checked(self) -> None:
        self._checking = None

    def _still_lost(self, error: object) -> None:
        if self._closed:
            return
        if not isinstance(error, DesktopError):
            self._window.show_error(error)  # a bug in the check itself is not kept quiet
            return
        if isinstance(error, DatabaseBusyError):  # it answers: another program writes
            self._suspect = None
            self._end_outage()
            self._say_busy(error, background=True)
            return
        if self.lost is None:
            suspect, self._suspect = self._suspect, None
            if suspect is not None and isinstance(error, DatabaseUnavailableError):
                self.report(error)  # the background read was right: the outage starts
            return  # else the database changed meanwhile: not this one's outage
        if isinstance(error, DatabaseUnavailableError):
            self.lost = error
        self._show_state()

    def _answered(self, database: object) -> None:
        window = self._window
        if self._closed or database is not window.database:
            return
        if self.lost is None and self.busy is not None:  # the other program has finished
            description = window.database.description
            self._end_busy()  # (a busy box the person has open stays until they close it)
            window.statusBar().showMessage(
                f"The database {description} is free again: the register was read again.",
                10_000,
            )
            window.refresh()
            self.answering.emit()
            return
        if self.lost is None:  # a background read failed, and the database answers: nothing
            self._suspect = None  # to say (a read under way at the recovery, or a glitch)
            return
        description = window.database.description
        self.reset()
        window.statusBar().showMessage(
            f"The database {description} answers again: the register was read again.", 10_000
        )
        window.refresh()
        self.answering.emit()
