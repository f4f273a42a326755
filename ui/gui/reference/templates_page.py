"""The Templates page of the reference data window: the current procedure templates, their
approval rule and which text fields take a barcode scan; an administrator sets how many
approvals a kind needs and whether a field takes a scan (each a new template version, as
``assetdesk templates set-approval`` and ``set-scan`` do)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import DesktopError
from desktop.services.reference_queries import list_people
from desktop.services.template_admin import (
    APPROVABLE_KINDS,
    list_templates,
    set_approval,
    set_field_scans,
)
from desktop.storage.database import Database
from ui.gui.reference.jobs import DialogJobs

#: What the approvers box offers: "never", then 1 to 3 approvers.
APPROVER_CHOICES = (("never", 0), ("1 approver", 1), ("2 approvers", 2), ("3 approvers", 3))


class TemplatesPage(QWidget):
    def __init__(self, database: Database, jobs: DialogJobs) -> None:
        super().__init__()
        self._database = database
        self._jobs = jobs
        self.actor = ""
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Procedure", "Category", "Version", "Approval", "Fields that take a scan"]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemSelectionChanged.connect(self._follow_row)
        self._rows: list[Any] = []
        self.kind = QComboBox()
        for kind in APPROVABLE_KINDS:
            self.kind.addItem(kind.label, kind.value)
        self.approvers = QComboBox()
        for text, count in APPROVER_CHOICES:
            self.approvers.addItem(text, count)
        self.apply_button = QPushButton("Set approval")
        self.apply_button.clicked.connect(self.apply)
        #: A text field of a current template (kind, category, key) and whether it takes
        #: a scan (an evidence label's number scanned in, as the serial number is).
        self.scan_field = QComboBox()
        # Filled once the templates are read: sized then, not empty ("Audit cor" showed).
        self.scan_field.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scan_field.currentIndexChanged.connect(self._show_scan_state)
        self.takes_scan = QCheckBox("takes a &barcode scan")
        self.scan_button = QPushButton("Set sca&nning")
        self.scan_button.clicked.connect(self.apply_scan)
        self.message = QLabel()
        self.message.setWordWrap(True)
        #: Said when the register has too few approvers for a rule (a register kept by one
        #: person: their decommission waited for two approvers who do not exist).
        self.approvers_note = QLabel()
        self.approvers_note.setWordWrap(True)
        self.approvers_note.hide()
        row = QHBoxLayout()
        for widget in (QLabel("Procedure"), self.kind, QLabel("needs"), self.approvers):
            row.addWidget(widget)
        row.addWidget(self.apply_button)
        row.addStretch(1)
        scan_row = QHBoxLayout()
        scan_widgets: tuple[QWidget, ...] = (
            QLabel("Field"),
            self.scan_field,
            self.takes_scan,
            self.scan_button,
        )
        for scan_widget in scan_widgets:
            scan_row.addWidget(scan_widget)
        scan_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Each procedure kind follows its template's approval rule. Setting it adds a "
                "template version; recorded procedures keep theirs. Administrators only."
            )
        )
        layout.addWidget(self.approvers_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(scan_row)
        layout.addWidget(self.message)

    def set_read_only(self, reason: str) -> None:
        """Show the templates but set no approval rule (a field kit): the controls are
        disabled and say ``reason`` as their tooltip."""
        controls = (self.kind, self.approvers, self.apply_button, self.scan_field)
        for widget in (*controls, self.takes_scan, self.scan_button):
            widget.setEnabled(False)
            widget.setToolTip(f"<p>{reason}</p>")  # rich text: the tip wraps

    def reload(self) -> None:
        def job(_progress: Any, _cancel: Any) -> Any:
            with self._database.read() as session:
                people = list_people(session, active_only=True)
                return list_templates(session), sum("approver" in p.roles for p in people)

        self._jobs.start(job, self._loaded, self._failed)

    def _loaded(self, found: Any) -> None:
        rows, approvers = found
        if approvers < 2:
            waits = (
                "nobody may approve: a kind that needs approval never completes"
                if approvers == 0
                else "only one person may approve, and nobody approves their own procedure: "
                "a kind that needs 2 approvers never completes, one that needs 1 never "
                "does when that person did the work"
            )
            self.approvers_note.setText(
                f"In this register {waits}. Set it to never here, or give more people the "
                "approver role (People)."
            )
        self.approvers_note.setVisible(approvers < 2)
        self._rows = list(rows)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            cells = (
                ProcedureKind(row.kind).label,
                row.category or "all categories",
                str(row.version),
                row.approval,
                ", ".join(label for key, label in row.text_fields if key in row.scan_fields),
            )
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self._fill_scan_fields(rows)

    def _fill_scan_fields(self, rows: Any) -> None:
        """Every current template's text fields, the one chosen before staying chosen."""
        chosen = self.scan_field.currentData()
        self.scan_field.blockSignals(True)
        self.scan_field.clear()
        for row in rows:
            scope = f" ({row.category})" if row.category else ""
            for key, label in row.text_fields:
                self.scan_field.addItem(
                    f"{ProcedureKind(row.kind).label}{scope} › {label}",
                    (row.kind, row.category, key, key in row.scan_fields),
                )
        found = next(
            (
                i
                for i in range(self.scan_field.count())
                if chosen and self.scan_field.itemData(i)[:3] == chosen[:3]
            ),
            0,
        )
        self.scan_field.setCurrentIndex(found)
        self.scan_field.blockSignals(False)
        self._show_scan_state()

    def _follow_row(self) -> None:
        """The row clicked is the one the controls below set: its kind, its approvers and its
        first text field (they stayed on Install whichever row was chosen)."""
        i = self.table.currentRow()
        if not 0 <= i < len(self._rows):
            return
        row = self._rows[i]
        kind = self.kind.findData(row.kind)
        if kind >= 0:
            self.kind.setCurrentIndex(kind)
            found = re.search(r"(\d+) approver", row.approval)
            count = self.approvers.findData(int(found.group(1)) if found else 0)
            if count >= 0:
                self.approvers.setCurrentIndex(count)
        for j in range(self.scan_field.count()):
            if self.scan_field.itemData(j)[:2] == (row.kind, row.category):
                self.scan_field.setCurrentIndex(j)
                break

    def _show_scan_state(self) -> None:
        data = self.scan_field.currentData()
        self.takes_scan.setChecked(bool(data and data[3]))

    def apply_scan(self) -> None:
        data = self.scan_field.currentData()
        if not data:
            return
        kind, category, key, _ = data
        wanted = self.takes_scan.isChecked()
        actor = self.actor
        self.scan_button.setEnabled(False)

        def job(_progress: Any, _cancel: Any) -> Any:
            return set_field_scans(
                self._database,
                actor,
                ProcedureKind(kind),
                field=key,
                accepts_scan=wanted,
                category=category or None,
            )

        def applied(row: Any) -> None:
            label = dict(row.text_fields)[key]
            said = "takes a barcode scan" if key in row.scan_fields else "ignores scans"
            self.message.setText(
                f"✔ {ProcedureKind(row.kind).label}: {label} {said} "
                f"(template version {row.version})."
            )
            self.reload()

        self._jobs.start(
            job, applied, self._failed, on_finished=lambda: self.scan_button.setEnabled(True)
        )

    def apply(self) -> None:
        kind = ProcedureKind(self.kind.currentData())
        count = int(self.approvers.currentData())
        actor = self.actor
        self.apply_button.setEnabled(False)

        def job(_progress: Any, _cancel: Any) -> Any:
            return set_approval(self._database, actor, kind, approvers=count)

        self._jobs.start(
            job,
            self._applied,
            self._failed,
            on_finished=lambda: self.apply_button.setEnabled(True),
        )

    def _applied(self, row: Any) -> None:
        self.message.setText(
            f"✔ {ProcedureKind(row.kind).label}: approval {row.approval} "
            f"(template version {row.version})."
        )
        self.reload()

    def _failed(self, error: DesktopError) -> None:
        self.message.setText(f"✖ {error.message}")
