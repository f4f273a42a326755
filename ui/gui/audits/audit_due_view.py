"""Audit due: overdue, due soon (never audited included) and never-audited assets."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lifecycle import AssetStatus
from desktop.services.audit_due import (
    DEFAULT_WITHIN_DAYS,
    DueList,
    DueRow,
    count_due,
    list_due,
)
from desktop.storage.database import Database
from ui.gui.audits.jobs import JobList
from ui.gui.audits.rows_model import Column, RowsModel

PAGE = 500

DUE_COLUMNS: list[Column[DueRow]] = [
    Column("Asset tag", lambda r: r.tag),
    Column("Name", lambda r: r.name),
    Column("Category", lambda r: r.category),
    Column("Location", lambda r: r.location),
    Column("Status", lambda r: AssetStatus(r.status).label),
    Column("Last audited", lambda r: r.last_audited_at or "never"),
    Column("Interval (days)", lambda r: r.interval_days, align_right=True),
    Column("Next audit", lambda r: r.next_audit or "now"),
]


class AuditDueView(QWidget):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self.jobs = JobList(self)
        self._asked: tuple[DueList, int] | None = None
        self._shown: tuple[DueList, int] | None = None
        self.which = QComboBox(self)
        for item in DueList:
            self.which.addItem(item.label, item)
        self.within = QSpinBox(self)
        self.within.setRange(0, 3650)
        self.within.setValue(DEFAULT_WITHIN_DAYS)
        self.within.setSuffix(" days")
        self.counts = QLabel("", self)
        self.model: RowsModel[DueRow] = RowsModel(DUE_COLUMNS, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        bar = QHBoxLayout()
        list_label = QLabel("&List", self)
        list_label.setBuddy(self.which)
        bar.addWidget(list_label)
        bar.addWidget(self.which)
        within_label = QLabel("Due &within", self)
        within_label.setBuddy(self.within)
        bar.addWidget(within_label)
        bar.addWidget(self.within)
        bar.addStretch(1)
        bar.addWidget(self.counts)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.which.currentIndexChanged.connect(lambda _: self.reload())
        self.within.valueChanged.connect(lambda _: self.reload())

    def reload(self) -> None:
        which: DueList = self.which.currentData()
        within = self.within.value()
        self._asked = (which, within)
        if self.jobs.busy():
            return  # asked again when the running query ends
        today = dt.date.today()

        def work() -> tuple[DueList, int, dict[DueList, int], list[DueRow]]:
            with self._database.read() as session:
                counts = count_due(session, today=today, within_days=within)
                rows = list_due(session, which, today=today, within_days=within, limit=PAGE)
            return which, within, counts, rows

        self.counts.setText("Counting…")
        self.jobs.run(work, self._show, on_finished=self._done)

    def _done(self) -> None:
        if self._shown is not None and self._asked != self._shown:
            self.reload()

    def _show(self, answer: tuple[DueList, int, dict[DueList, int], list[DueRow]]) -> None:
        which, within, counts, rows = answer
        self._shown = (which, within)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        more = f" (first {PAGE} shown)" if len(rows) == PAGE else ""
        self.counts.setText(" · ".join(f"{item.label}: {counts[item]}" for item in DueList) + more)
