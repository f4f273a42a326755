"""The Templates page of the reference data window: the current procedure templates and
their approval rule; an administrator sets how many approvals a kind needs (a new
template version, as ``assetdesk templates set-approval`` does)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
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
from desktop.services.template_admin import APPROVABLE_KINDS, list_templates, set_approval
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
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Procedure", "Category", "Version", "Approval"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.kind = QComboBox()
        for kind in APPROVABLE_KINDS:
            self.kind.addItem(kind.label, kind.value)
        self.approvers = QComboBox()
        for text, count in APPROVER_CHOICES:
            self.approvers.addItem(text, count)
        self.apply_button = QPushButton("Set approval")
        self.apply_button.clicked.connect(self.apply)
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
        layout.addWidget(self.message)

    def set_read_only(self, reason: str) -> None:
        """Show the templates but set no approval rule (a field kit): the controls are
        disabled and say ``reason`` as their tooltip."""
        for widget in (self.kind, self.approvers, self.apply_button):
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
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            cells = (
                ProcedureKind(row.kind).label,
                row.category or "all categories",
                str(row.version),
                row.approval,
            )
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))

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
