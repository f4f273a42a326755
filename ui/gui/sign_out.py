"""File › Sign out…: the person signed in on a shared server leaves the window to the
next one (a new user found no way to: on a shared desk the next technician worked, and
approved, as the one before).

Signing out forgets the login's password kept on this computer, closes the windows and
forms opened under it, and asks the next person to sign in with their own login (File ›
Settings, the server's address kept, the login left out). Nobody signing in closes the
window: it never goes on working as the person who signed out.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from desktop.settings import DATABASE_URL, database_key, set_signed_in_person

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow
    from ui.gui.settings_dialog import SettingsDialog


class SignOut:
    """The window's sign-out: asks, forgets the login, then asks for the next one."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.confirmation: QMessageBox | None = None
        #: The sign-in asked for after signing out (File › Settings), while it is open.
        self.sign_in: SettingsDialog | None = None
        self._switching = False

    def add_to(self, menu: QMenu) -> QAction:
        """File › Sign out… (greyed by the window on a local file)."""
        action = self.window._action("Sign &out…", None, self.ask)
        action.setToolTip("Leave the shared server to the next person's login")
        menu.addAction(action)
        return action

    def ask(self) -> None:
        window = self.window
        login = window.database.url.username or ""
        who = window.username or login
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Sign out?",
            f"Sign out {who} from {window.database.description}? Assetdesk forgets the "
            f"password kept for the login {login} on this computer, closes the windows "
            "opened under it, and asks the next person to sign in with their own login.",
            parent=window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        go = box.addButton("Sign &out", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # a scanner's Enter never signs anybody out
        box.buttonClicked.connect(lambda button: self.sign_out() if button is go else None)
        self.confirmation = box
        box.open()

    def sign_out(self) -> None:
        from sqlalchemy.engine import URL, make_url

        from desktop import credentials  # not before the first paint

        window = self.window
        url = window.database.url
        here = database_key(url)
        saved = window.settings.get(DATABASE_URL)
        # The password is kept under the URL as it was saved (postgresql://…) and the one
        # the window opened (postgresql+psycopg://…): both are forgotten.
        for written in {url.render_as_string(hide_password=False), saved}:
            if written and database_key(written) == here:
                # No keyring: no password was kept on this computer to forget.
                with suppress(credentials.CredentialsError):
                    credentials.delete_password(written)
        set_signed_in_person(window.settings, url, "")
        # The server without a login (``URL.set(username=None)`` would keep both), as the
        # settings wrote it when they name this database (postgresql://, not +psycopg).
        same = bool(saved) and database_key(saved) == here
        base = make_url(saved) if same else url
        server = URL.create(
            base.drivername,
            host=base.host,
            port=base.port,
            database=base.database,
            query=base.query,
        ).render_as_string(hide_password=False)
        if same:  # the next start asks for a login too
            window.settings.set(DATABASE_URL, server)
        window.close_secondary_windows()
        window.username = ""
        window.statusBar().showMessage(f"Signed out of {window.database.description}.")
        self._ask_for_the_next(server)

    def _ask_for_the_next(self, server: str) -> None:
        from ui.gui.settings_dialog import SettingsDialog

        window = self.window
        dialog = SettingsDialog(window.settings, window, window_database=server)
        dialog.setWindowTitle("Sign in — Assetdesk")
        dialog.server_radio.setChecked(True)
        dialog.url_edit.setText(server)
        dialog.password_edit.clear()
        dialog.database_changed.connect(self._signed_in)
        dialog.finished.connect(lambda _result: self._sign_in_closed())
        self.sign_in = dialog
        dialog.open()
        # After open(): a dialog shown selects all of its focused line edit.
        dialog.url_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        dialog.url_edit.setCursorPosition(server.find("://") + 3)  # where "login@" goes

    def _signed_in(self, url: str) -> None:
        self._switching = True
        # Nothing is done as the person who left while the next one's database opens.
        self.window.setEnabled(False)
        self.window.switch_database(url, on_failed=self.window.close)

    def _sign_in_closed(self) -> None:
        dialog, self.sign_in = self.sign_in, None
        if dialog is not None:
            dialog.deleteLater()
        if not self._switching:  # nobody signed in: the window is not left to the last one
            self.window.close()
        self._switching = False
