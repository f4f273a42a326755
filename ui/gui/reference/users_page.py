"""The Users page of the reference data window: people's database logins on a shared
server (desktop.services.users), for administrators.

Add a login with its roles, replace a login's roles, disable a login (and enable it
again), give it a new password. A password is generated and shown once on the page, to be handed over in
person; it is never stored. On a local file, or for a login that is not an
administrator's, the page says why and its buttons stay disabled.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.services.users import (
    UserRow,
    add_user,
    administration_refusal,
    disable_user,
    enable_user,
    generate_password,
    list_users,
    set_password,
    set_roles,
)
from desktop.storage.database import Database
from desktop.storage.logins import DATABASE_ROLES
from ui.gui.reference.jobs import DialogJobs
from ui.gui.worker import Progress

COLUMNS = ("Login", "Name", "Roles", "State")
#: Each role's check box, with its Alt letter (the page's buttons take A, R, D, E and W).
ROLE_LABELS = {
    "viewer": "&Viewer",
    "technician": "&Technician",
    "approver": "A&pprover",
    "auditor": "A&uditor",
    "administrator": "Ad&ministrator",
}


def role_label(role: str) -> str:
    """A role as the People page shows it: "Technician", not "technician"."""
    return ROLE_LABELS.get(role, role).replace("&", "").capitalize()


def sentence(text: str) -> str:
    """A service's message (lower-case, no full stop: it is also the CLI's) as a sentence."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


class UsersPage(QWidget):
    """Signals:
    changed(): a login was added or changed (the People and Groups pages reload).
    """

    changed = Signal()

    def __init__(self, database: Database, jobs: DialogJobs) -> None:
        super().__init__()
        self._database = database
        self._jobs = jobs
        self.rows: list[UserRow] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selected)
        # Each column as wide as its text ("Technician, Approver, …" was cut at 100 px).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("login, e.g. jsmith")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("full name")
        self.role_checks = {
            role: QCheckBox(ROLE_LABELS.get(role, role.capitalize())) for role in DATABASE_ROLES
        }
        roles = QHBoxLayout()
        for check in self.role_checks.values():
            roles.addWidget(check)
        roles.addStretch(1)
        self.add_button = QPushButton("&Add login")
        self.add_button.clicked.connect(self.add_login)
        self.roles_button = QPushButton("Set &roles")
        self.roles_button.clicked.connect(self.set_roles_of_selected)
        self.disable_button = QPushButton("&Disable")
        self.disable_button.clicked.connect(self.disable_selected)
        self.disable_button.setToolTip("Stop the selected login: it can no longer connect")
        self.enable_button = QPushButton("&Enable")
        self.enable_button.clicked.connect(self.enable_selected)
        self.enable_button.setToolTip("Let the selected disabled login connect again")
        self.password_button = QPushButton("New pass&word")
        self.password_button.clicked.connect(self.new_password_for_selected)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.roles_button,
            self.disable_button,
            self.enable_button,
            self.password_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.password_shown = QLineEdit()
        self.password_shown.setReadOnly(True)
        self.password_shown.setVisible(False)
        form = QFormLayout()
        form.addRow("&Login:", self.login_edit)
        form.addRow("&Name:", self.name_edit)
        form.addRow("Roles:", roles)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.password_shown)
        self._allowed = False
        self._set_enabled()

    # -- loading ------------------------------------------------------------------

    def reload(self) -> None:
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> tuple[str | None, list[UserRow]]:
            refusal = administration_refusal(database)
            return refusal, ([] if refusal else list_users(database))

        self._jobs.start(job, self._loaded, self._failed)

    def _loaded(self, result: Any) -> None:
        refusal, rows = result
        self._allowed = refusal is None
        if refusal:
            self.message.setText(sentence(refusal))
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            roles = ", ".join(role_label(r) for r in row.roles)
            values = (row.login, row.name, roles, "Active" if row.active else "Disabled")
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self._set_enabled()

    def _selected(self) -> None:
        row = self.current
        if row is not None:
            self.login_edit.setText(row.login)
            self.name_edit.setText(row.name)
            for role, check in self.role_checks.items():
                check.setChecked(role in row.roles)
        self._set_enabled()

    @property
    def current(self) -> UserRow | None:
        selected = self.table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(self.rows):
            return None
        return self.rows[selected[0].row()]

    def select_login(self, login: str) -> None:
        for index, row in enumerate(self.rows):
            if row.login == login:
                self.table.selectRow(index)
                return
        raise LookupError(login)

    def _set_enabled(self) -> None:
        has_row = self._allowed and self.current is not None
        self.add_button.setEnabled(self._allowed)
        self.roles_button.setEnabled(has_row)
        active = bool(self.current and self.current.active)
        self.disable_button.setEnabled(has_row and active)
        self.enable_button.setEnabled(has_row and not active)
        self.password_button.setEnabled(has_row)

    # -- actions ------------------------------------------------------------------

    def _roles(self) -> list[str]:
        return [role for role, check in self.role_checks.items() if check.isChecked()]

    def add_login(self) -> None:
        database = self._database
        login, name, roles = self.login_edit.text(), self.name_edit.text(), self._roles()
        password = generate_password()

        def job(progress: Progress, cancel: threading.Event) -> UserRow:
            return add_user(
                database, login=login, roles=roles, password=password, name=name or None
            )

        def done(row: Any) -> None:
            self._show_password(row.login, password)
            roles = ", ".join(role_label(r) for r in row.roles)
            self._clear_form()
            self._done(f"Added {row.name} ({row.login}) with the role {roles}. {_HAND_OVER}")

        self._run(job, done)

    def _clear_form(self) -> None:
        """The fields empty for the next login: they kept the one just added, so Add
        login again said it exists, and the next person typed in got its roles unless
        each box was unticked (an administrator's, after adding one)."""
        self.table.clearSelection()
        self.login_edit.clear()
        self.name_edit.clear()
        for check in self.role_checks.values():
            check.setChecked(False)
        self.login_edit.setFocus()

    def set_roles_of_selected(self) -> None:
        row = self.current
        if row is None:
            return
        database, roles = self._database, self._roles()

        def job(progress: Progress, cancel: threading.Event) -> UserRow:
            return set_roles(database, login=row.login, roles=roles)

        self._run(
            job,
            lambda new: self._done(
                f"{new.login} now holds {', '.join(role_label(r) for r in new.roles)}."
            ),
        )

    def disable_selected(self) -> None:
        row = self.current
        if row is None:
            return
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> UserRow:
            return disable_user(database, login=row.login)

        self._run(job, lambda new: self._done(f"{new.login} is disabled."))

    def enable_selected(self) -> None:
        row = self.current
        if row is None:
            return
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> UserRow:
            return enable_user(database, login=row.login)

        self._run(job, lambda new: self._done(f"{new.login} is enabled: it can connect again."))

    def new_password_for_selected(self) -> None:
        row = self.current
        if row is None:
            return
        database = self._database
        password = generate_password()

        def job(progress: Progress, cancel: threading.Event) -> None:
            set_password(database, login=row.login, password=password)

        def done(_result: Any) -> None:
            self._show_password(row.login, password)
            self._done(f"The password of {row.login} was changed. {_HAND_OVER}")

        self._run(job, done)

    def _run(self, job: Any, on_success: Any) -> None:
        self.password_shown.clear()
        self.password_shown.setVisible(False)
        for button in (
            self.add_button,
            self.roles_button,
            self.disable_button,
            self.enable_button,
            self.password_button,
        ):
            button.setEnabled(False)
        self._jobs.start(job, on_success, self._failed, on_finished=self._set_enabled)

    def _show_password(self, login: str, password: str) -> None:
        self.password_shown.setText(password)
        self.password_shown.setVisible(True)
        self.password_shown.setToolTip(f"The password of {login}: shown once, hand it over")

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.changed.emit()
        self.reload()

    def _failed(self, exc: DesktopError) -> None:
        self.message.setText(sentence(exc.message))
        self._set_enabled()


#: Said above the generated password: a new user saw a bare string under "Added …" and
#: had to hover over it to learn it was the password (found by a new user).
_HAND_OVER = (
    "Their password is below, shown this once: hand it over in person (they change it "
    "in File › Change my password…, or with 'assetdesk users set-password')."
)
