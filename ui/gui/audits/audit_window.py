"""The audits window: every audit (open ones first), start one, scan, reconcile, report.

Keys: Ctrl+N start an audit, Enter (or Ctrl+S) scan into the selected open audit, Ctrl+K
reconcile, Ctrl+E save the report, F5 refresh. Past audits stay browsable: a closed
audit opens its reconciliation, read-only. In a returned field kit every audit is
read-only (it takes no more work): start, scan and the reconciliation's actions are
disabled and say why.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QMainWindow,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from desktop.services.audit_report import write_audit_report
from desktop.services.audits import AuditSummary, get_audit, list_audits, scope_locations
from desktop.storage.database import Database
from desktop.storage.kitfile import database_returned_note
from desktop.wording import plural
from ui.gui import file_dialogs
from ui.gui.audits.audit_due_view import AuditDueView
from ui.gui.audits.jobs import JobList
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.rows_model import Column, RowsModel
from ui.gui.audits.scan_screen import ScanScreen
from ui.gui.audits.start_audit_dialog import StartAuditDialog
from ui.gui.layout_state import LayoutState, remember_place

#: After the last scan, how long the audits list waits before reading its counts (ms).
LIST_REFRESH_MS = 400

AUDIT_COLUMNS: list[Column[AuditSummary]] = [
    Column("Name", lambda a: a.name),
    Column("Status", lambda a: "Open" if a.is_open else "Closed"),
    Column("Scope", lambda a: a.scope),
    Column("Categories", lambda a: ", ".join(a.categories) or "all"),
    Column("Started by", lambda a: a.started_by),
    Column("Started", lambda a: a.started_at),
    Column("Closed", lambda a: a.closed_at),
    Column("Expected", lambda a: a.expected, align_right=True),
    Column("Scans", lambda a: a.scans, align_right=True),
]
#: The column that takes the width left over: the audit's name (the last, Scans, took it,
#: a number across half the window; found by a keyboard user).
NAME_COLUMN = 0


def _audit_colour(audit: AuditSummary) -> QColor | None:
    return QColor("#e8f5e9") if audit.is_open else None


class AuditWindow(QMainWindow):
    """Audits for the person ``username`` on ``database`` (the main window opens it).

    Signals:
        register_changed(): an audit action (moves, missing, last audited, receive)
            changed assets: the main window's register shows them again.
        recorded(): an audit was started or a scan recorded (a kit's banner counts them).
    """

    register_changed = Signal()
    recorded = Signal()

    def __init__(
        self,
        database: Database,
        username: str,
        parent: QWidget | None = None,
        *,
        layout: LayoutState | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        #: Where the scan screen and reconciliation windows were left (None: not kept).
        self._layout = layout
        self.setWindowTitle("Inventory audits")
        self._database = database
        self._username = username
        self._children: list[QWidget] = []
        self.jobs = JobList(self)
        #: In a returned (checked-in) field kit: why nothing may be recorded; audits stay
        #: browsable.
        self.read_only_reason = database_returned_note(database)
        self.model: RowsModel[AuditSummary] = RowsModel(
            AUDIT_COLUMNS, colour=_audit_colour, parent=self
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _: self.open_selected())
        self.due_view = AuditDueView(database, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.table, "&Audits")
        self.tabs.addTab(self.due_view, "Audit &due")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self._build_actions()
        # While a scan screen is open, the list's counts follow the scans (a burst of
        # scans reads the list once, after a short pause).
        self._list_stale = QTimer(self)
        self._list_stale.setSingleShot(True)
        self._list_stale.setInterval(LIST_REFRESH_MS)
        self._list_stale.timeout.connect(self.refresh)
        self.resize(1100, 600)
        self.refresh()

    def _build_actions(self) -> None:
        toolbar = QToolBar("Audits", self)
        toolbar.setMovable(False)
        self.addToolBar(toolbar)

        def action(text: str, shortcut: str, slot) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            # The button shows its Alt letter and its shortcut (a tool button shows the
            # action's text without either unless given its own: a new user saw neither).
            act.setIconText(f"{text} ({shortcut})")
            act.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut})")
            act.triggered.connect(slot)
            toolbar.addAction(act)
            return act

        self.start_action = action("&Start audit…", "Ctrl+N", self.open_start_dialog)
        self.scan_action = action("S&can", "Ctrl+S", self.open_scan_screen)
        self.reconcile_action = action("&Reconcile", "Ctrl+K", self.open_reconciliation)
        self.report_action = action("Save re&port…", "Ctrl+E", self.choose_report_path)
        self.labels_action = action("Room &labels…", "Ctrl+P", self.print_room_labels)
        self.refresh_action = action("Re&fresh", "F5", self.refresh)
        # Closed from the keyboard as the scan screen is (Close (Ctrl+W)).
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        # Esc too, as the reconciliation and every dialog (it could only be closed by Ctrl+W).
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self._update_actions()

    # -- the list -----------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_audit()
        with self._database.read() as session:
            audits = list_audits(session)
        self.model.set_rows(audits)
        self.table.resizeColumnsToContents()
        rows = [i for i, a in enumerate(audits) if selected and a.id == selected.id]
        if rows or audits:
            self.table.selectRow(rows[0] if rows else 0)
        self._update_actions()
        counts = f"{plural(sum(a.is_open for a in audits), 'open audit')}, {len(audits):,} in all"
        if self.read_only_reason is not None:
            counts += f" — read-only: {self.read_only_reason}"
        self.statusBar().showMessage(counts)

    def selected_audit(self) -> AuditSummary | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        audit = self.selected_audit()
        self.scan_action.setEnabled(audit is not None and audit.is_open)
        self.scan_action.setToolTip(
            "Scan into the selected audit (Ctrl+S)"
            if audit is None or audit.is_open
            else "The audit is closed: it is read-only"
        )
        if self.read_only_reason is not None:
            for act in (self.start_action, self.scan_action):
                act.setEnabled(False)
                act.setToolTip(
                    f"{act.text().replace('&', '').rstrip('…')}: {self.read_only_reason}"
                )
                act.setStatusTip(act.toolTip())
        self.reconcile_action.setEnabled(audit is not None)
        self.report_action.setEnabled(audit is not None)
        self.labels_action.setEnabled(audit is not None)

    def print_room_labels(self) -> None:
        """Location labels for every room in the selected audit's scope (scanned first in
        each room to set where the following assets are)."""
        audit = self.selected_audit()
        if audit is None:
            return
        with self._database.read() as session:
            ids = [row[0] for row in scope_locations(session, get_audit(session, audit.id))]
        from ui.gui.labels import print_location_labels  # painting code loads when used

        self.location_labels = print_location_labels(self._database, ids, self)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.due_view:
            self.due_view.reload()

    # -- opening things -------------------------------------------------------------------

    def open_start_dialog(self) -> StartAuditDialog | None:
        if self.read_only_reason is not None:
            return None
        dialog = StartAuditDialog(self._database, self._username, self)
        dialog.started.connect(self._started)
        dialog.open()
        return dialog

    def _started(self, summary: AuditSummary) -> None:
        self.recorded.emit()
        self.refresh()
        self._select(summary.id)
        self.open_scan_screen()

    def _select(self, audit_id: uuid.UUID) -> None:
        for row, audit in enumerate(self.model.rows()):
            if audit.id == audit_id:
                self.table.selectRow(row)

    def open_selected(self) -> None:
        audit = self.selected_audit()
        if audit is not None and audit.is_open and self.read_only_reason is None:
            self.open_scan_screen()
        elif audit is not None:
            self.open_reconciliation()

    def open_scan_screen(self) -> ScanScreen | None:
        audit = self.selected_audit()
        if audit is None or not audit.is_open or self.read_only_reason is not None:
            return None
        screen = ScanScreen(self._database, self._username, audit.id, self)
        screen.setWindowFlag(Qt.WindowType.Window, True)
        screen.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        screen.closed.connect(self.refresh)
        screen.scanned.connect(lambda _result: self._list_stale.start())  # the Scans count
        screen.scanned.connect(lambda _result: self.recorded.emit())
        self._keep(screen, "scan_window")
        screen.show()
        return screen

    def open_reconciliation(self) -> ReconciliationView | None:
        audit = self.selected_audit()
        if audit is None:
            return None
        view = ReconciliationView(
            self._database,
            self._username,
            audit.id,
            self,
            read_only_reason=self.read_only_reason,
        )
        view.setWindowFlag(Qt.WindowType.Window, True)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        view.changed.connect(self.refresh)
        view.changed.connect(self.register_changed)
        self._keep(view, "reconciliation_window")
        view.show()
        return view

    def _keep(self, widget: QWidget, name: str) -> None:
        """A window of this one's, reopened where it was left (its first size else)."""
        if self._layout is not None:
            remember_place(self._layout, name, widget)
        self._children.append(widget)
        widget.destroyed.connect(lambda *_: self._children.remove(widget))

    def choose_report_path(self) -> None:
        audit = self.selected_audit()
        if audit is None:
            return
        suggested = str(Path.home() / f"{audit.name}.xlsx")  # not the program's folder
        dialog = file_dialogs.FileDialog(
            self, "Save the audit report", suggested, "Excel workbook (*.xlsx)"
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("xlsx")
        dialog.fileSelected.connect(lambda path: self.save_report(audit.id, Path(path)))
        dialog.open()

    def save_report(self, audit_id: uuid.UUID, path: Path) -> None:
        self.statusBar().showMessage(f"Writing {path}…")
        worker = self.jobs.run(
            lambda: write_audit_report(self._database, audit_id=audit_id, path=path),
            lambda _: self.statusBar().showMessage(f"Report saved: {path}"),
        )
        # Refused: not "Writing …" for good (see ReconciliationView.save_report).
        worker.failed.connect(lambda _: self.statusBar().showMessage(f"Report not saved: {path}"))

    def closeEvent(self, event):
        self.due_view.jobs.wait()  # counting due assets: ends within a second or so
        # Its Scanning and reconciliation windows go with it: their reads end first (a
        # thread still reading when its window was deleted aborted the whole program).
        for child in [*self._children, *self.findChildren(StartAuditDialog)]:
            jobs = getattr(child, "jobs", None)
            if jobs is not None:
                jobs.wait()
        if not self.jobs.defer_close(event):  # a report being written: close when it is
            # Closed, not only deleted with this window: each saves where it was left.
            for child in list(self._children):
                child.close()
            super().closeEvent(event)
