"""The password of a kit's database, asked for when neither the keyring nor
``~/.pgpass`` holds it (or the server refused the one they gave).

The password stays in memory for the sync it is asked for; it is kept only if the person
ticks "Remember it in this computer's keyring" (never in the settings, the kit or a log).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.storage.database import Database


class KitPasswordDialog(QDialog):
    """Asks for ``login``'s password on the kit's database; ``refused``: a password was
    given and the server refused it."""

    def __init__(self, login: str, where: str, *, refused: bool, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Password of the kit's database — Assetdesk")
        question = (
            f"The database the kit came from ({where}) refused the password given for "
            f"<b>{login}</b>. Type it again:"
            if refused
            else f"The database the kit came from ({where}) needs the password of "
            f"<b>{login}</b> (it is neither in this computer's keyring nor in ~/.pgpass):"
        )
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")
        self.remember_check = QCheckBox("&Remember it in this computer's keyring")
        self.remember_check.setToolTip(
            "Kept in the operating system's password store (never in the settings or the "
            "kit); the next sync will not ask"
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Connect")
        self.ok_button.setEnabled(False)
        self.password_edit.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text)))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.password_edit)
        layout.addWidget(self.remember_check)
        layout.addWidget(self.buttons)
        self.password_edit.setFocus()

    def password(self) -> str:
        return self.password_edit.text()

    def remember(self) -> bool:
        return self.remember_check.isChecked()


class AskedPassword:
    """The password a kit's window asked for, held for the work it was asked for, and the
    dialog that asks (the sync dialog and the conflict queue each hold one).

    ``say`` tells the owner's message line why, and what was ``nothing_done`` when the
    person cancels; ``where`` names the kit's database (None: the URL the error names);
    ``retry`` does again what was asked once a password is given.
    """

    def __init__(
        self,
        owner: QWidget,
        *,
        where: Callable[[], str | None],
        say: Callable[[str], None],
        nothing_done: str,
        retry: Callable[[], None],
    ) -> None:
        self._owner, self._where, self._say = owner, where, say
        self._nothing_done, self._retry = nothing_done, retry
        self.password: str | None = None
        self.remember = False
        #: The open password dialog, while it is asking.
        self.dialog: KitPasswordDialog | None = None

    def ask(self, needed: Any) -> None:
        """Open the password dialog for ``needed`` (a :class:`PasswordNeededError`)."""
        self.password = None
        self._say(f"{needed.message}.")
        dialog = KitPasswordDialog(
            needed.login, self._where() or needed.url, refused=needed.refused, parent=self._owner
        )

        def answered(result: int) -> None:
            self.dialog = None
            if result != QDialog.DialogCode.Accepted or not dialog.password():
                self._say(f"{needed.message}: {self._nothing_done}")
                return
            self.password, self.remember = dialog.password(), dialog.remember()
            self._retry()

        dialog.finished.connect(answered)
        self.dialog = dialog
        dialog.open()


def remember_password(kit: Database, password: str) -> str:
    """Keep the password the kit's server took in the keyring (run on the worker that
    connected); a sentence saying so, or why not (the work goes on: the password was
    right, only remembering it failed)."""
    from desktop import kits
    from desktop.credentials import CredentialsError, store_password

    try:
        store_password(kits.server_url(kit), password)
    except CredentialsError as exc:
        return f"The password was not remembered: {exc.message}"
    return "The password is remembered in this computer's keyring."
