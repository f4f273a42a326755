"""File › Change my password…: a person on a shared server rotates their own login's
password in the window (it was only ``assetdesk users set-password`` on a terminal, and a
new login's generated password said so).

The new password goes to the server as its verifier only (desktop.services.users); a
keyring that held the old one is given the new one, and the window reconnects with it,
so that its next connections are not refused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.storage.database import Database
from ui.gui.approvals.jobs import finish_workers, start_worker
from ui.gui.worker import Progress, Worker

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b7f3b;"


@dataclass(frozen=True)
class PasswordChanged:
    """What the change did: the login, what became of a stored copy, and the URL the
    window reconnects with ("" when it connected without a password of its own)."""

    login: str
    stored: str
    reconnect_url: str


class OwnPasswordDialog(QDialog):
    """Asks for the new password twice and sets it for the window's own login.

    Signals:
        changed(PasswordChanged): the server has the new password.
    """

    changed = Signal(object)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change my password — Assetdesk")
        self.setMinimumWidth(520)  # wrapped sentences got a narrow box and were cut off
        self._database = database
        self._workers: list[Worker] = []
        login = database.url.username or ""
        self.intro = QLabel(
            f"A new password for your login <b>{login}</b> on {database.description}. "
            "It is sent to the server only as its verifier, never as text."
        )
        self.intro.setWordWrap(True)
        self.new_edit = QLineEdit()
        self.repeat_edit = QLineEdit()
        for edit in (self.new_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._typed)
        self.new_edit.setPlaceholderText("at least 10 characters")
        form = QFormLayout()
        new_label = QLabel("&New password:")
        new_label.setBuddy(self.new_edit)
        repeat_label = QLabel("&Repeat it:")
        repeat_label.setBuddy(self.repeat_edit)
        form.addRow(new_label, self.new_edit)
        form.addRow(repeat_label, self.repeat_edit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Change password")
        self.ok_button.setEnabled(False)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.change)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.new_edit.setFocus()

    def _typed(self) -> None:
        self.ok_button.setEnabled(bool(self.new_edit.text()) and bool(self.repeat_edit.text()))

    def change(self) -> None:
        new, repeated = self.new_edit.text(), self.repeat_edit.text()
        if new != repeated:
            self._say("The two passwords differ: type the same new password twice.", ok=False)
            self.repeat_edit.selectAll()
            self.repeat_edit.setFocus()
            return
        database = self._database

        def job(progress: Progress, cancel: threading.Event) -> PasswordChanged:
            return change_own_password(database, new)

        self.ok_button.setEnabled(False)
        self._say("Changing the password…", ok=True)
        worker = start_worker(self, self._workers, job)
        worker.succeeded.connect(self._changed)
        worker.failed.connect(self._failed)

    def _changed(self, result: PasswordChanged) -> None:
        for edit in (self.new_edit, self.repeat_edit):
            edit.clear()
            edit.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.cancel_button.setText("Close")
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        self._say(f"The password of {result.login} was changed. {result.stored}", ok=True)
        self.changed.emit(result)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DesktopError):
            raise exc
        self._say(exc.sentence, ok=False)
        self._typed()

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def done(self, result: int) -> None:
        finish_workers(self._workers)
        super().done(result)


def change_own_password(database: Database, password: str) -> PasswordChanged:
    """Set the password of ``database``'s own login (on a worker); give a keyring that held
    the old one the new one. A ``desktop`` error names what went wrong."""
    from desktop.credentials import CredentialsError, get_password, store_password
    from desktop.services.users import own_login, set_password

    login = own_login(database)
    set_password(database, login=login, password=password)
    url = database.url.render_as_string(hide_password=False)
    try:
        kept = get_password(url)
    except CredentialsError:
        kept = None
    stored = (
        "If ~/.pgpass or a script holds the old one, put the new one there too."
        if database.url.password is None
        else ""
    )
    if kept:
        try:
            store_password(url, password)
            stored = "This computer's keyring keeps the new one."
        except CredentialsError as exc:
            stored = f"The keyring still holds the old one: {exc.message}"
    reconnect = (
        ""
        if database.url.password is None
        else database.url.set(password=password).render_as_string(hide_password=False)
    )
    return PasswordChanged(login, stored.strip(), reconnect)


def open_in_window(window: Any) -> None:
    """Open the dialog over the main ``window``; it reconnects with the new password once
    the dialog is closed (its open connections stay signed in meanwhile)."""
    dialog = OwnPasswordDialog(window.database, window)
    reconnect: list[str] = []
    dialog.changed.connect(lambda result: reconnect.append(result.reconnect_url))

    def closed(_result: int) -> None:
        if reconnect and reconnect[-1]:
            window.switch_database(reconnect[-1])

    dialog.finished.connect(closed)
    window._open_dialog(dialog)
