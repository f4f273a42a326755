"""The main window's menus for labels, approvals, incidents, audits and help.

Kept apart from ``main_window.py`` so that the register window stays about the
register; each feature's window is imported only when it is first opened.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.errors import DesktopError
from ui.gui.layout_state import remember_place
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: How often the approvals badge is refreshed while the window is open (ms).
BADGE_REFRESH_MS = 60_000
#: The most assets one label run takes from a search result.
MAX_LABELS_FROM_SEARCH = 10_000


class FeatureMenus:
    """Adds the Asset › Print labels / Log an incident actions, the Work and Help menus,
    and the approvals badge on the toolbar."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._windows: list[QWidget] = []
        self._workers: set[Worker] = set()
        self._counting: Worker | None = None  # the badge's count under way
        self._count_again = False  # asked for meanwhile: counted again once it has ended
        self._closed = False
        bar = window.menuBar()
        asset_menu = window.asset_menu
        asset_menu.addSeparator()
        self.print_labels_action = window._action(
            "Print &labels…", QKeySequence.StandardKey.Print, self.print_labels
        )
        self.print_labels_action.setToolTip(
            "Print labels for the selected assets, or for every asset the view shows"
        )
        self.incident_action = window._action(
            "Log an i&ncident…", "Ctrl+Shift+N", self.log_incident
        )
        asset_menu.addAction(self.print_labels_action)
        asset_menu.addAction(self.incident_action)

        work_menu = bar.addMenu("&Work")
        self.approvals_action = window._action("&Approvals…", "Ctrl+Shift+A", self.open_approvals)
        self.incidents_action = window._action("&Incidents…", "Ctrl+Shift+J", self.open_incidents)
        self.audits_action = window._action("Inventory a&udits…", "Ctrl+Shift+U", self.open_audits)
        self._work_tips = {
            self.approvals_action: "Procedures waiting for approval",
            self.incidents_action: "The incidents: move them on, assign, resolve",
            self.audits_action: "Inventory audits: start, scan, reconcile",
        }
        for action in (self.approvals_action, self.incidents_action, self.audits_action):
            work_menu.addAction(action)
        self.show_returned(None)
        window.view.toolbar.addSeparator()
        window.view.toolbar.addAction(self.approvals_action)

        help_menu = self.help_menu = bar.addMenu("&Help")
        self.shortcuts_action = window._action("&Keyboard shortcuts…", None, self.open_shortcuts)
        self.shortcuts_action.setShortcuts(_help_keys())  # F1 (some key schemes have none)
        self.about_action = window._action("&About Assetdesk", None, self.open_about)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

        self._badge_timer = QTimer(window)
        self._badge_timer.setInterval(BADGE_REFRESH_MS)
        self._badge_timer.timeout.connect(self.refresh_badge_unless_counting)
        self._badge_timer.start()  # the window refreshes it first after its first paint

    def show_returned(self, returned: str | None) -> None:
        """In a returned (checked-in) kit the work windows still open, to read: their
        actions say so (each window disables its writing controls with the reason)."""
        for action, text in self._work_tips.items():
            tip = text if returned is None else f"{text} — read-only: {returned}"
            action.setToolTip(tip)
            action.setStatusTip(tip)

    # -- approvals -------------------------------------------------------------------

    def refresh_badge(self) -> None:
        """Count, on a worker, the pending procedures the signed-in person may decide (the
        worker imports the approvals services: the GUI thread does not wait for them)."""
        if self._closed or self.window.connection.lost is not None:
            return  # the database is unavailable: its watch retries, and counts again
        if self._counting is not None:
            # One count at a time: on a file another program holds, a count waits for
            # the busy timeout, and the timer's counts piled up, one more every tick
            # (with the kit banner's, they took every connection of the pool and the
            # register's read after F5 waited behind them).
            self._count_again = True
            return
        database, username = self.window.database, self.window.username

        def job(progress: Progress, cancel: threading.Event) -> int:
            badge = importlib.import_module("ui.gui.approvals.badge")
            return int(badge.pending_decision_count(database, username))

        # A count in the background: a failure is not put in front of the person (a
        # returned kit refuses the read, and said so in a message box at every count).
        worker = self._start(job, quiet=True)
        self._counting = worker
        worker.succeeded.connect(lambda count: self._show_badge(int(count)))
        worker.finished.connect(self._counted)

    def refresh_badge_unless_counting(self) -> None:
        """A count on a timer (this one's, the selection's freshness): none while one is
        under way (its answer is fresh)."""
        if self._counting is None:
            self.refresh_badge()

    def _counted(self) -> None:
        self._counting = None
        if self._count_again:  # a count asked for after this one began (a decision made)
            self._count_again = False
            self.refresh_badge()

    def _show_badge(self, count: int) -> None:
        badge = importlib.import_module("ui.gui.approvals.badge")  # imported by the worker
        # Its Alt letter and "…" kept in the menu ("Approvals (1)" had neither); the
        # toolbar's button shows "Approvals (1)" (an action's icon text drops both).
        self.approvals_action.setText(badge.badge_text(count, label="&Approvals") + "…")

    def open_approvals(self) -> None:
        inbox = importlib.import_module("ui.gui.approvals.inbox_dialog")
        dialog = inbox.ApprovalsInbox(self.window.database, self.window.username, self.window)
        dialog.decided.connect(lambda _outcome: self._register_changed())
        dialog.withdrawn.connect(lambda _outcome: self._register_changed())
        dialog.loaded.connect(self._show_badge)  # what the inbox counts, the badge shows
        dialog.finished.connect(lambda _result: self.refresh_badge())
        self.window._open_dialog(dialog)

    def _register_changed(self) -> None:
        self.window.refresh()
        self.window._show_selected_detail()

    # -- incidents -------------------------------------------------------------------

    def log_incident(self) -> None:
        dialogs = importlib.import_module("ui.gui.incidents.incident_dialog")
        tags = [row.tag for row in self.window.selected_rows()]
        dialog = dialogs.IncidentDialog(
            self.window.database,
            self.window.username,
            tags,
            self.window,
            scanner_config=self.window.scanner.config,
        )
        dialog.logged.connect(self._incident_logged)
        self.window._open_dialog(dialog)

    def _incident_logged(self, row: Any) -> None:
        """The detail shows the new incident; the status bar says it was logged (nothing
        did: the form closed without a word, as if Log incident had been Cancel)."""
        self.window._show_selected_detail()
        self.window.statusBar().showMessage(incident_logged_message(row), 8000)

    def open_incidents(self) -> None:
        report = importlib.import_module("ui.gui.incidents.report_view")
        view = report.IncidentReportView(self.window.database, self.window.username, self.window)
        self._show_window(view, "Incidents", (1100, 700))

    # -- audits ----------------------------------------------------------------------

    def open_audits(self) -> None:
        audits = importlib.import_module("ui.gui.audits")
        window = audits.AuditWindow(
            self.window.database, self.window.username, self.window, layout=self.window._layout
        )
        # Moves recorded by a reconciliation show in the register (they waited for F5).
        window.register_changed.connect(self._register_changed)
        window.recorded.connect(self.window.kit.refresh)  # the kit banner's count
        self._show_window(window, "Inventory audits", None)

    # -- labels ----------------------------------------------------------------------

    def print_labels(self) -> None:
        """The selection, or — with nothing selected — every asset the view shows."""
        tags = [row.tag for row in self.window.selected_rows()]
        if tags:
            self.print_labels_for(tags)
            return
        database, flt = self.window.database, self.window.model.filter

        def job(progress: Progress, cancel: threading.Event) -> list[str]:
            from desktop.services.queries import list_assets

            with database.read() as session:
                rows = list_assets(session, flt, limit=MAX_LABELS_FROM_SEARCH)
            return [row.tag for row in rows]

        worker = self._start(job)
        worker.succeeded.connect(self.print_labels_for)

    def print_labels_for(self, tags: list[str]) -> None:
        labels = importlib.import_module("ui.gui.labels")
        try:
            labels.print_asset_labels(self.window.database, list(tags), self.window)
        except DesktopError as exc:
            self.window.show_error(exc)

    # -- help ------------------------------------------------------------------------

    def open_shortcuts(self) -> None:
        shortcuts = importlib.import_module("ui.gui.shortcuts_dialog")
        window = self.window
        window._open_dialog(shortcuts.ShortcutsDialog(window.menuBar(), window))

    def open_about(self) -> None:
        about = importlib.import_module("ui.gui.about_dialog")
        about.open_about_dialog(self.window.database, self.window)

    # -- plumbing --------------------------------------------------------------------

    def _show_window(self, widget: QWidget, title: str, size: tuple[int, int] | None) -> None:
        widget.setWindowFlag(Qt.WindowType.Window, True)
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if not widget.windowTitle():
            widget.setWindowTitle(f"{title} — Assetdesk")
        # Where it was left, as the main window is (saved as it closes: Quit included).
        name = f"{title.lower().replace(' ', '_')}_window"
        if not remember_place(self.window._layout, name, widget) and size is not None:
            widget.resize(*size)
        self._windows.append(widget)
        widget.destroyed.connect(lambda _obj=None, w=widget: self._forget(w))
        widget.show()

    def _forget(self, widget: QWidget) -> None:
        if widget in self._windows:
            self._windows.remove(widget)
        self.window.kit.refresh()  # scans and incidents made there may wait to sync

    def _start(self, job: Any, *, quiet: bool = False) -> Worker:
        worker = Worker(job, self.window)
        self._workers.add(worker)
        worker.failed.connect(self._quiet_failure if quiet else self.window.show_error)
        worker.finished.connect(lambda w=worker: self._workers.discard(w))
        worker.start()
        return worker

    def _quiet_failure(self, error: object) -> None:
        """A refusal (DesktopError) of background work is left unsaid; a bug is not; a
        database that stopped answering is said once by the window's connection watch."""
        if self.window.connection.report(error, background=True):
            return
        if not isinstance(error, DesktopError):
            self.window.show_error(error)

    def close_windows(self) -> None:
        """Close the feature windows (audits, incidents…): they work on one database."""
        for widget in list(self._windows):
            widget.close()

    def shutdown(self) -> None:
        self._closed = True
        self._badge_timer.stop()
        for worker in list(self._workers):
            worker.cancel()
            worker.wait()
        for widget in list(self._windows):
            widget.close()

    def actions(self) -> tuple[QAction, ...]:
        return (
            self.print_labels_action,
            self.incident_action,
            self.approvals_action,
            self.incidents_action,
            self.audits_action,
            self.shortcuts_action,
            self.about_action,
        )


def _help_keys() -> list[QKeySequence]:
    """F1, and the platform's own help keys beside it."""
    keys = [QKeySequence("F1")]
    keys += [
        k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.HelpContents) if k not in keys
    ]
    return keys


def incident_logged_message(row: Any) -> str:
    """The status bar's line once an incident is logged: its number, title, assets and
    group ("Logged incident 9: Screen flickers (LAP-00011), routed to Service desk.")."""
    number = f"{row.number} (the kit's number until it syncs)" if row.provisional else row.number
    tags = f" ({', '.join(row.asset_tags)})" if row.asset_tags else ""
    routed = f", routed to {row.routed_group}" if row.routed_group else ""
    return f"Logged incident {number}: {row.title}{tags}{routed}."
