"""Incidents: the list (all or open), and the report — assets by incident count, open
incidents by group. The selected incident can be moved on through the move panel."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.services.incidents import (
    AssetIncidentCount,
    GroupIncidentCount,
    IncidentRow,
    assets_by_incident_count,
    list_incidents,
    open_incidents_by_group,
)
from desktop.storage.database import Database
from ui.gui.approvals.jobs import finish_workers, start_worker
from ui.gui.incidents.incident_list_model import TITLE, IncidentListModel
from ui.gui.incidents.move_panel import IncidentMovePanel
from ui.gui.worker import Progress, Worker


@dataclass(frozen=True)
class IncidentReport:
    incidents: list[IncidentRow]
    by_asset: list[AssetIncidentCount]
    by_group: list[GroupIncidentCount]


class IncidentReportView(QWidget):
    """The incidents window's content.

    Signals:
        loaded(): the list and the report were (re)read.
    """

    loaded = Signal()

    def __init__(self, database: Database, username: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._database = database
        self._workers: list[Worker] = []
        self.model = IncidentListModel(self)
        self.move_panel = IncidentMovePanel(database, username, self)
        self.move_panel.moved.connect(lambda _row: self.refresh())
        self._build()
        # Closed by keys, as the audits windows and every dialog (it had none: Esc did
        # nothing, and there is no Close button).
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Ctrl+W")):
            QShortcut(keys, self, self.close)
        self.refresh()

    def _build(self) -> None:
        self.open_only = QCheckBox("&Open only")
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(self.refresh)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.summary_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.open_only)
        top.addWidget(self.refresh_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.by_asset = _report_table(("Asset", "Name", "Incidents", "Open"), stretch=1)
        self.by_group = _report_table(
            ("Group", "New", "Assigned", "In progress", "Open"), stretch=0
        )
        asset_box = QGroupBox("Assets by incident count")
        QVBoxLayout(asset_box).addWidget(self.by_asset)
        group_box = QGroupBox("Open incidents by group")
        QVBoxLayout(group_box).addWidget(self.by_group)
        report = QHBoxLayout()
        report.addWidget(asset_box, 3)
        report.addWidget(group_box, 2)
        report_widget = QWidget()
        report_widget.setLayout(report)

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.table)
        upper.addWidget(self.move_panel)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(report_widget)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)

    # -- reading -------------------------------------------------------------------

    def refresh(self) -> None:
        database, open_only = self._database, self.open_only.isChecked()

        def job(progress: Progress, cancel: threading.Event) -> IncidentReport:
            with database.read() as session:
                return IncidentReport(
                    list_incidents(session, open_only=open_only),
                    assets_by_incident_count(session),
                    open_incidents_by_group(session),
                )

        self.refresh_button.setEnabled(False)
        worker = start_worker(self, self._workers, job)
        worker.succeeded.connect(self._show)
        worker.failed.connect(self._failed)
        worker.finished.connect(lambda: self.refresh_button.setEnabled(True))

    def _show(self, report: IncidentReport) -> None:
        selected = self.move_panel.incident
        self.model.set_rows(report.incidents)
        self.error_label.hide()
        open_count = sum(g.total for g in report.by_group)
        shown = "open incidents" if self.open_only.isChecked() else "incidents"
        self.summary_label.setText(
            f"{len(report.incidents)} {shown} · {open_count} open in all groups"
        )
        _fill(
            self.by_asset,
            [(a.tag, a.name, a.incidents, a.open_incidents) for a in report.by_asset],
        )
        _fill(
            self.by_group,
            [(g.group, g.new, g.assigned, g.in_progress, g.total) for g in report.by_group],
        )
        row = next(
            (
                n
                for n, r in enumerate(report.incidents)
                if selected is not None and r.id == selected.id
            ),
            -1,
        )
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.move_panel.show_incident(None)
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DesktopError):
            raise exc
        self.error_label.setText(exc.message)
        self.error_label.show()

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.move_panel.show_incident(self.model.row(rows[0].row()) if rows else None)

    def select_number(self, number: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row(row).number == number:
                self.table.selectRow(row)
                return True
        return False

    def closeEvent(self, event: Any) -> None:
        finish_workers(self._workers)
        self.move_panel.wait_for_workers()
        super().closeEvent(event)


def _report_table(headers: tuple[str, ...], *, stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
