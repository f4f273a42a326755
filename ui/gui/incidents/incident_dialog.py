"""Log an incident against one or more assets: the form comes from the incident template.

Assets are added by scanning (the scan field keeps focus and Enter adds the tag) or come
preselected from the main window. Submitting runs on a worker; the services validate and
their problems are shown beside the form, naming the fields.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.fields import FieldType
from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError, ValidationError
from desktop.scanning import ScannerConfig
from desktop.services.incidents import IncidentRequest, IncidentRow, incident_template, log_incident
from desktop.services.reference_queries import GroupRow, PersonRow, list_groups, list_people
from desktop.services.templates import TemplateField
from desktop.storage.database import Database
from desktop.wording import with_detail
from ui.gui.approvals.jobs import finish_workers, start_worker
from ui.gui.discard_question import DiscardAsker
from ui.gui.scanner import ScanDetector
from ui.gui.worker import Progress, Worker

ERROR_STYLE = "color: #b00020;"
INVALID_STYLE = "border: 1px solid #b00020;"
#: Template fields that have their own slot in the request rather than in ``answers``.
#: Said at once when nobody can be chosen to route to (a register imported without groups).
NO_GROUPS = (
    "An incident is routed to a group, and this database has none yet: an administrator "
    "adds one in Data › Groups (in a field kit: on the shared database, then sync the kit)."
)
REQUEST_FIELDS = ("title", "description", "severity", "routed_group", "reported_by")
#: Asked before what was typed is thrown away (Esc, Cancel, closing, Quit).
DISCARD_QUESTION = "Discard the incident you were writing?"


class IncidentDialog(QDialog):
    """The incident form.

    Signals:
        ready(): the groups and people lists were read; the form can be filled.
        logged(object): the :class:`IncidentRow` of the incident just recorded.
    """

    ready = Signal()
    logged = Signal(object)

    def __init__(
        self,
        database: Database,
        username: str,
        asset_tags: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        scanner_config: ScannerConfig | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._username = username
        self._template = incident_template()
        self._workers: list[Worker] = []
        self.inputs: dict[str, QWidget] = {}
        self._logged_row: IncidentRow | None = None
        self._logging = False  # Log pressed, the incident on its way to the database
        self.setWindowTitle(self._template.name)
        self.setMinimumWidth(640)
        self._build()
        # A scan adds its asset wherever the focus is: scanned into a pick list it chose
        # the entry its first letter named ("LAP-…" routed the incident to Legal) and the
        # asset was never added (newuser8).
        self.scanner = ScanDetector(self, scanner_config)
        self.scanner.scanned.connect(self._scanned_anywhere)
        for tag in asset_tags:
            self.add_asset(tag)
        self._given_tags = self.asset_tags()  # (what the main window chose: not an entry)
        self._default_reporter: object = None  # the signed-in person, once read
        self.discard_asker = DiscardAsker(self, self.discard)  # its question while open
        self._load_reference_data()

    # -- layout --------------------------------------------------------------------

    def _build(self) -> None:
        intro = QLabel(self._template.description)
        intro.setWordWrap(True)

        assets_box = QGroupBox("Assets")
        self.asset_list = QListWidget()
        self.asset_list.setMaximumHeight(90)
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText("Scan or type an asset tag, then Enter")
        self.scan_edit.returnPressed.connect(self._scanned)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Remove the selected asset from the incident (Delete)")
        self.remove_button.clicked.connect(self.remove_selected_asset)
        QShortcut(QKeySequence.StandardKey.Delete, self.asset_list, self.remove_selected_asset)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_edit, 1)
        scan_row.addWidget(self.remove_button)
        assets_layout = QVBoxLayout(assets_box)
        assets_layout.addWidget(self.asset_list)
        assets_layout.addLayout(scan_row)

        form = QFormLayout()
        for spec in self._template.fields:
            widget = self._input_for(spec)
            widget.setToolTip(spec.help)
            widget.setObjectName(spec.key)
            self.inputs[spec.key] = widget
            form.addRow(spec.label + (" *" if spec.required else ""), widget)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()

        self.buttons = QDialogButtonBox()
        self.log_button = self.buttons.addButton(
            "&Log incident", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.log_button.setToolTip("Record the incident (Ctrl+Return)")
        # A scanner ends every tag with Enter: Enter must never submit the form.
        self.log_button.setAutoDefault(False)
        self.log_button.setDefault(False)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.log_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(assets_box)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.log_button.setEnabled(False)  # until groups and people are read

    def _input_for(self, spec: TemplateField) -> QWidget:
        if spec.type is FieldType.LONG_TEXT:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(90)
            return edit
        if spec.type in (FieldType.CHOICE, FieldType.GROUP, FieldType.PERSON):
            combo = QComboBox()
            if spec.type is FieldType.CHOICE:
                # Required choices start unchosen too: the person must pick, not accept.
                combo.addItem("Choose…" if spec.required else "", None)
                for choice in spec.choices:
                    combo.addItem(choice[:1].upper() + choice[1:], choice)
            return combo
        line = QLineEdit()
        if spec.max_length:
            line.setMaxLength(spec.max_length)
        return line

    # -- reference data ------------------------------------------------------------

    def _load_reference_data(self) -> None:
        database = self._database

        def job(
            progress: Progress, cancel: threading.Event
        ) -> tuple[list[GroupRow], list[PersonRow]]:
            with database.read() as session:
                return list_groups(session), list_people(session, active_only=True)

        worker = self._start(job)
        worker.succeeded.connect(self._fill_reference_data)
        worker.failed.connect(self._failed)

    def _fill_reference_data(self, data: tuple[list[GroupRow], list[PersonRow]]) -> None:
        groups, people = data
        for spec in self._template.fields:
            combo = self.inputs[spec.key]
            if not isinstance(combo, QComboBox):
                continue
            if spec.type is FieldType.GROUP:
                combo.addItem("Choose a group…" if groups else "No groups yet", None)
                for group in groups:
                    combo.addItem(group.name, str(group.id))
                if not groups and spec.required:
                    # Said before the person fills the form in, not after Log incident.
                    self.error_label.setText(NO_GROUPS)
                    self.error_label.show()
            elif spec.type is FieldType.PERSON:
                for person in people:
                    combo.addItem(with_detail(person.name, person.username), str(person.id))
                me = next((p for p in people if p.username == self._username), None)
                if me is not None:
                    self._default_reporter = str(me.id)
                    combo.setCurrentIndex(combo.findData(str(me.id)))
        self.log_button.setEnabled(True)
        self.ready.emit()

    # -- assets --------------------------------------------------------------------

    def asset_tags(self) -> list[str]:
        return [self.asset_list.item(i).text() for i in range(self.asset_list.count())]

    def add_asset(self, tag: str) -> None:
        tag = tag.strip()
        if tag and normalize_tag(tag) not in {normalize_tag(t) for t in self.asset_tags()}:
            self.asset_list.addItem(tag)

    def remove_selected_asset(self) -> None:
        for item in self.asset_list.selectedItems():
            self.asset_list.takeItem(self.asset_list.row(item))

    def _scanned(self) -> None:
        self.add_asset(self.scan_edit.text())
        self.scan_edit.clear()

    def _scanned_anywhere(self, code: str) -> None:
        focused = QApplication.focusWidget()
        if isinstance(focused, (QLineEdit, QPlainTextEdit)) and focused is not self.scan_edit:
            # The title or a description: perhaps a person typing fast; it stays as typed.
            self.scanner.give_back()
            return
        self.add_asset(code)
        self.scan_edit.clear()

    # -- submitting ----------------------------------------------------------------

    def values(self) -> dict[str, object]:
        """The form's current values by template key (combo boxes give their data)."""
        result: dict[str, object] = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, QPlainTextEdit):
                result[key] = widget.toPlainText()
            elif isinstance(widget, QComboBox):
                result[key] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                result[key] = widget.text()
        return result

    def submit(self) -> None:
        if not self.log_button.isEnabled():
            return
        values = self.values()
        request = IncidentRequest(
            logged_by=self._username,
            asset_tags=self.asset_tags(),
            title=str(values.get("title") or ""),
            description=str(values.get("description") or ""),
            severity=str(values.get("severity") or ""),
            routed_group=_text_or_none(values.get("routed_group")),
            reported_by=_text_or_none(values.get("reported_by")),
            answers={k: v for k, v in values.items() if k not in REQUEST_FIELDS and v},
        )
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> IncidentRow:
            return log_incident(database, request)

        self.log_button.setEnabled(False)
        self._logging = True
        worker = self._start(job)
        worker.succeeded.connect(self._logged)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._submitted)

    def _logged(self, row: IncidentRow) -> None:
        self._logged_row = row
        self.logged.emit(row)

    def _submitted(self) -> None:
        self._logging = False
        if self._logged_row is not None:
            if self.isVisible():  # (not closed by Quit meanwhile: see closeEvent)
                self.accept()  # after the worker's thread has ended
        else:
            self.log_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DesktopError):
            raise exc
        for widget in (*self.inputs.values(), self.asset_list):
            widget.setStyleSheet("")
        if isinstance(exc, ValidationError):
            lines = []
            for problem in exc.problems:
                marked: QWidget | None = (
                    self.asset_list if problem.field == "assets" else self.inputs.get(problem.field)
                )
                if marked is not None:
                    marked.setStyleSheet(INVALID_STYLE)
                lines.append(problem.message)
            self.error_label.setText("\n".join(f"• {line}" for line in lines))
        else:
            self.error_label.setText(exc.message)
        self.error_label.show()

    # -- leaving -------------------------------------------------------------------

    def _entries_made(self) -> bool:
        """Something typed, chosen, scanned or removed since the form opened (a reporter
        other than the signed-in person counts; the preselected assets do not)."""
        if self.scan_edit.text().strip() or self.asset_tags() != self._given_tags:
            return True
        for key, widget in self.inputs.items():
            if isinstance(widget, QPlainTextEdit) and widget.toPlainText().strip():
                return True
            if isinstance(widget, QLineEdit) and widget.text().strip():
                return True
            if isinstance(widget, QComboBox):
                spec = next(f for f in self._template.fields if f.key == key)
                default = self._default_reporter if spec.type is FieldType.PERSON else None
                if widget.currentData() != default:
                    return True
        return False

    def unsaved_input(self) -> str:
        """What closing would lose, as a question (Quit asks it: ui/gui/quit.py), or "":
        nothing typed, or the incident logged or being logged (it is kept)."""
        if not self.isVisible() or self._logged_row is not None or self._logging:
            return ""
        return DISCARD_QUESTION if self._entries_made() else ""

    def reject(self) -> None:
        """Escape, Cancel or the window's close: asks first when entries would be lost
        (Esc closed the form at once, and what was typed with it). While the incident is
        being logged nothing is asked: it cannot be discarded any more (a Discard chosen
        then was logged all the same); the form closes once it is logged, and the status
        bar says so, or stays with the reason it was refused."""
        if self._logging:
            return
        self.discard_asker.ask(
            DISCARD_QUESTION if self.unsaved_input() else "", "Nothing has been logged yet."
        )

    @property
    def discard_box(self) -> QMessageBox | None:
        """The "Discard …?" question while it is open."""
        return self.discard_asker.box

    def discard(self) -> None:
        """Close without logging and without asking."""
        QDialog.reject(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Quit (or the window's close) while the incident is being logged: it is kept, as
        Log was pressed; closing waits for it (one short transaction: done() waits for
        the workers) rather than leave it to end under a closed window."""
        if self._logging:
            self.done(QDialog.DialogCode.Accepted)
            event.accept()
            return
        super().closeEvent(event)

    # -- workers -------------------------------------------------------------------

    def _start(self, job: Any) -> Worker:
        return start_worker(self, self._workers, job)

    def done(self, result: int) -> None:
        finish_workers(self._workers)  # a dialog owns its workers: let them end
        self.scanner.uninstall()
        super().done(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A scanner ends every tag with Enter: Enter alone never submits (Ctrl+Return does).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        target = self.scan_edit if not self.asset_tags() else self.inputs["title"]
        target.setFocus(Qt.FocusReason.OtherFocusReason)


def _text_or_none(value: object) -> str | None:
    return str(value) if value else None
