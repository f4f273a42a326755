"""The main window's Field kit menu and its banner.

Check out… copies a scope of the open database into a kit file; Sync… replays what was
recorded in a kit on the database it came from (Check in… does the same and then ends
the checkout for good) (the kit open in the window, or a kit file
chosen when the window is on the shared database); Conflicts… shows the queue of offline
records the server could not take as they were. When the window works in a kit, the
banner above the register says so: scope, age, how many records wait to sync.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMenu

from ui.gui.kits.kit_banner import KitBanner
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: The banner's age and waiting count are read again this often while the window is open
#: (audit scans and incidents are recorded in other windows) (ms).
BANNER_REFRESH_MS = 20_000


class KitMenu:
    """Adds the Field kit menu and the kit banner to the main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.info: Any = None  # the open kit's KitInfo, None on an ordinary database
        self._closed = False
        self._workers: set[Worker] = set()
        self._reading: Worker | None = None  # the banner's read under way
        self._read_again = False  # asked for meanwhile: read again once it has ended
        # What could not be done about the kit file's mode (another user's kit), said once
        # by the file layer: kept in the banner for as long as the window shows that kit
        # (a status-bar message was gone at the next one).
        self._file_notes: list[str] = []
        self._notes_of: object = None  # the database those notes are about
        self._sync_dialog: Any = None  # the Sync dialog opened last (its Kit line follows)
        menu = QMenu("Field &kit", window)
        # A greyed item says why when the pointer rests on it (a menu shows no status
        # tip for a disabled item): Check out… for a person whose roles may not.
        menu.setToolTipsVisible(True)
        # Between Work and Help.
        window.menuBar().insertMenu(window.features.help_menu.menuAction(), menu)
        self.menu = menu
        self.checkout_action = window._action("&Check out…", None, self.open_checkout)
        self.checkout_action.setToolTip(
            "Copy part of this database into a kit file to work offline"
        )
        self.sync_action = window._action("&Sync…", "F9", self.open_sync)  # Send/Receive
        self.sync_action.setToolTip(
            "Replay what was recorded in a field kit on the database it came from"
        )
        self.check_in_action = window._action(
            "Check &in (return the kit)…", None, self.open_check_in
        )
        self.check_in_action.setToolTip(
            "Sync a field kit, then end its checkout: the kit goes back for good"
        )
        self.conflicts_action = window._action("C&onflicts…", None, self.open_conflicts)
        self.conflicts_action.setToolTip(
            "Offline records the database could not take as they were: settle each one"
        )
        for action in (
            self.checkout_action,
            self.sync_action,
            self.check_in_action,
            self.conflicts_action,
        ):
            menu.addAction(action)
        self.banner = KitBanner()
        self.banner.sync_requested.connect(self.open_sync)
        self.banner.leave_requested.connect(self.leave_kit)
        window.view.banner_area.addWidget(self.banner)
        self._timer = QTimer(window)
        self._timer.setInterval(BANNER_REFRESH_MS)
        self._timer.timeout.connect(self._read_on_time)
        self._timer.start()

    # -- the banner --------------------------------------------------------------------

    def refresh(self) -> None:
        """Read, on a worker, whether the window's database is a kit and what waits."""
        if self._closed or self.window.connection.lost is not None:
            return  # an unavailable database: its watch retries, and refreshes all again
        if self._reading is not None:
            # One read at a time: on a file another program holds, a read waits for the
            # busy timeout, and the timer's reads piled up, one more every tick.
            self._read_again = True
            return
        database = self.window.database

        def job(progress: Progress, cancel: threading.Event) -> object:
            kits = importlib.import_module("desktop.kits")
            info = kits.kit_info(database)
            if info is None:
                return None
            # A loose mode that could not be tightened (another user's kit), said once.
            kitfile = importlib.import_module("desktop.storage.kitfile")
            notes = kitfile.take_file_notes(database.sqlite_path)
            return (info, _holder_name(database, info.checked_out_by), notes)

        worker = Worker(job, self.window)
        self._workers.add(worker)
        worker.succeeded.connect(lambda info, db=database: self._show(db, info))
        worker.failed.connect(self._banner_failed)
        worker.finished.connect(lambda w=worker: self._workers.discard(w))
        worker.finished.connect(self._read)
        self._reading = worker
        worker.start()

    def _read_on_time(self) -> None:
        """The timer's read: none while one is under way (its answer is fresh)."""
        if self._reading is None:
            self.refresh()

    def _read(self) -> None:
        self._reading = None
        if self._read_again:  # asked for after this read began (a scan recorded)
            self._read_again = False
            self.refresh()

    def _show(self, database: object, info: object) -> None:
        if database is not self.window.database:
            return  # the window moved to another database meanwhile
        info, holder, notes = info if isinstance(info, tuple) else (None, "", [])
        if self._notes_of is not database:
            self._notes_of, self._file_notes = database, []
        for note in notes:
            note = note[0].upper() + note[1:]
            self._file_notes.append(note)
            self.window.statusBar().showMessage(note)
        before, self.info = self.info, info
        if (
            before is not None
            and info is not None
            and getattr(before, "kit_id", None) == getattr(info, "kit_id", None)
            and getattr(before, "refreshed_at", None) != getattr(info, "refreshed_at", None)
        ):
            # The kit was synced meanwhile (by the command line, or another window): its
            # rows changed under the table, which reads them again with the banner (the
            # banner followed while the table kept an asset the sync had taken out).
            self.window.refresh()
        self.banner.show_kit(info, holder=holder, notes=self._file_notes)
        sync_dialog = self._sync_dialog
        if sync_dialog is not None and sync_dialog in self.window.open_dialogs:  # not closed
            sync_dialog.kit_read_again(info)
        # A returned kit takes no more procedures; Check out… is offered on the shared
        # database only (and to a role that may check out).
        self.window._update_actions()
        returned = self.returned_note()
        for action, tip in (
            (
                self.sync_action,
                "Replay what was recorded in a field kit on the database it came from",
            ),
            (
                self.check_in_action,
                "Sync a field kit, then end its checkout: the kit goes back for good",
            ),
        ):
            action.setEnabled(returned is None)
            action.setToolTip(
                tip
                if returned is None
                else f"{action.text().replace('&', '').rstrip('…')}: {returned}"
            )
            action.setStatusTip(action.toolTip())

    def show_checkout_state(self, refused: str | None) -> None:
        """Check out… is greyed, saying why, in a kit window and for a person whose roles
        may not check a kit out (``refused``: why not, read by the window's action states;
        the service refuses it anyway, the menu says so before the dialog is filled)."""
        action = self.checkout_action
        if self.info is not None:
            tip = "This window works in a field kit: check out from the shared database"
        elif refused is not None:
            tip = f"Check out a field kit: {refused}"
        else:
            tip = "Copy part of this database into a kit file to work offline"
        action.setEnabled(self.info is None and refused is None)
        action.setToolTip(tip)
        action.setStatusTip(tip)

    def returned_note(self) -> str | None:
        """When the window's kit was checked in (returned): why it takes no more work."""
        returned_at = getattr(self.info, "returned_at", None)
        if returned_at is None:
            return None
        return "this field kit was checked in (returned): check out a new kit"

    # -- the actions -------------------------------------------------------------------

    def open_checkout(self) -> None:
        dialogs = importlib.import_module("ui.gui.kits.checkout_dialog")
        dialog = dialogs.CheckoutDialog(
            self.window.database, self.window.username, self.window.model.filter, self.window
        )
        dialog.checked_out.connect(lambda _summary: self.window.refresh())
        dialog.open_requested.connect(lambda path: self.window.switch_database(f"sqlite:///{path}"))
        self.window._open_dialog(dialog)

    def leave_kit(self) -> None:
        """This window goes back to the database the kit came from."""
        if self.info is not None:
            self.window.switch_database(self.info.source_url)

    def open_sync(self) -> None:
        self._open_sync_dialog(check_in=False)

    def open_check_in(self) -> None:
        """The Sync dialog with Check in as its default button."""
        self._open_sync_dialog(check_in=True)

    def _open_sync_dialog(self, *, check_in: bool) -> None:
        dialogs = importlib.import_module("ui.gui.kits.sync_dialog")
        dialog = dialogs.SyncDialog(
            self.window.database,
            self.info,
            self.window.username,
            self.window,
            settings=self.window.settings,
        )
        if check_in:
            dialog.setWindowTitle("Check a field kit in")
            dialog.sync_button.setDefault(False)
            dialog.check_in_button.setDefault(True)
        dialog.synced.connect(self._after_sync)
        self.window._open_dialog(dialog)
        self._sync_dialog = dialog
        self.refresh()  # what waits now: the Kit line follows (see SyncDialog.kit_read_again)

    def _banner_failed(self, error: object) -> None:
        if not self.window.connection.report(error, background=True):  # a timer's read
            self.window.show_error(error)

    def _after_sync(self, report: object = None) -> None:
        if getattr(report, "returned", False):
            self._close_work_on_the_kit()
        self.window.refresh()
        self.refresh()

    def _close_work_on_the_kit(self) -> None:
        """A check-in ended the kit for good: close the windows and forms working in it
        (an audit's Scanning window, an incident, a procedure form) as a database switch
        does; the Sync dialog that checked it in stays to show its report."""
        sync_dialog = importlib.import_module("ui.gui.kits.sync_dialog")
        self.window.features.close_windows()
        for dialog in list(self.window.open_dialogs):
            if not isinstance(dialog, sync_dialog.SyncDialog):
                dialog.close()

    def open_conflicts(self) -> None:
        queue = importlib.import_module("ui.gui.kits.conflict_queue")
        dialog = queue.ConflictQueue(
            self.window.database, self.info, self.window.username, self.window
        )
        dialog.resolved.connect(lambda _resolution: self._after_sync())
        dialog.counted.connect(self.refresh)
        self.window._open_dialog(dialog)

    # -- closing -----------------------------------------------------------------------

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        for worker in list(self._workers):
            worker.cancel()
            worker.wait()


def _holder_name(database: Any, username: str) -> str:
    """The name of the person who checked the kit out (people are copied into a kit)."""
    from sqlalchemy import func, select

    from desktop.storage.models import Person

    with database.read() as session:
        name = session.execute(
            select(Person.name).where(func.lower(Person.username) == username.lower())
        ).scalar_one_or_none()
    return str(name or username)
