"""Settings: which database, who uses this computer, how dates look.

The database password goes to the operating system's keyring (desktop.credentials); the
settings file only ever holds the URL without it.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop import credentials
from desktop.errors import DesktopError
from desktop.redaction import remember_secret
from desktop.services.local_user import add_local_person, os_username
from desktop.services.reference_queries import list_people
from desktop.settings import (
    DATABASE_URL,
    DATE_FORMAT,
    Settings,
    database_key,
    set_signed_in_person,
    signed_in_person,
)
from desktop.storage.database import Database, open_database
from desktop.storage.kitfile import kit_owner
from desktop.storage.tls import TlsOptions, tls_in_text, with_tls_in_text
from desktop.storage.urls import choose_url, default_database_path, describe, parse_url
from desktop.wording import plural, with_detail
from ui.gui import file_dialogs
from ui.gui.folding_completer import FoldingCompleter, fold_item_texts
from ui.gui.reference.jobs import DialogJobs
from ui.gui.scanner_settings_box import ScannerSettingsBox
from ui.gui.tls_fields import TlsFields
from ui.gui.worker import Progress

#: Qt date formats offered, shown with today's date as the example.
DATE_FORMATS = ("yyyy-MM-dd", "dd.MM.yyyy", "dd/MM/yyyy", "MM/dd/yyyy", "d MMM yyyy")
OK_STYLE = "color: #1b7f3b;"
ERROR_STYLE = "color: #b00020;"


class SettingsDialog(QDialog):
    """The settings window.

    Signals:
        database_changed(str): the new database URL (without password) after OK, when it
            differs from the one saved before.
    """

    database_changed = Signal(str)

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, window_database: str = ""
    ) -> None:
        """``window_database``: the URL (no password) of the database the window works on,
        when it is not the saved one (``--database``, a kit opened in the window): the
        signed-in person is shown and kept for it while the Database choice is untouched."""
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(620)
        self._settings = settings
        self._window_database = window_database
        self._on_window_database = False  # set by _load: the person is the window's one's
        #: The user names the list offers (and who acts when none is chosen), once read.
        self._listed_people: set[str] = set()
        self._people_url = ""  # the database they were read from (password included)
        self._acting = ""  # on a local file, who acts while nobody is chosen
        self._jobs = DialogJobs(self)
        self._sized = False  # made as tall as its sections when first shown
        self._build()
        self._load()
        self._load_people()

    # -- layout --------------------------------------------------------------------

    def _build(self) -> None:
        database_box = QGroupBox("Database")
        self.local_radio = QRadioButton("&Local file on this computer")
        self.server_radio = QRadioButton("Shared &server (PostgreSQL or MariaDB)")
        modes = QButtonGroup(self)
        modes.addButton(self.local_radio)
        modes.addButton(self.server_radio)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(str(default_database_path()))
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("postgresql://user@server.example.org/assetdesk")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("kept in the system keyring")
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.connection_label = QLabel()
        self.connection_label.setWordWrap(True)
        # Under Test connection, not floating in the middle of the room its wrapping asks.
        self.connection_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.connection_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.local_radio)
        form.addRow("File:", path_row)
        form.addRow(self.server_radio)
        form.addRow("Server URL:", self.url_edit)
        form.addRow("Password:", self.password_edit)
        self.tls_fields = TlsFields(self)
        for label, field in self.tls_fields.rows():
            form.addRow(label, field)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow("", self.connection_label)
        database_box.setLayout(form)
        self.local_radio.toggled.connect(self._update_mode)
        # Alt+S chose the server and the URL then typed went nowhere: the choice takes the
        # person on to its first field (Alt+L to the file's).
        self.server_radio.clicked.connect(lambda: self.url_edit.setFocus())
        self.local_radio.clicked.connect(lambda: self.path_edit.setFocus())
        # The TLS fields edit the URL's sslmode/sslrootcert/...: the URL shown is the one saved.
        self._url_was_blank = True
        self.url_edit.textChanged.connect(self._tls_from_url)
        self.tls_fields.changed.connect(self._tls_to_url)

        you_box = QGroupBox("This computer")
        self.user_combo = QComboBox()
        self.user_combo.setEditable(True)
        self.user_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        user_edit = self.user_combo.lineEdit()
        if user_edit is not None:
            user_edit.setPlaceholderText("user name of the person using Assetdesk here")
        # Each person is listed with their roles, and typing any part of a name, user name
        # or role finds them: a new user looking for someone who may approve types
        # "approver" (the list of people alone did not say who could).
        self.user_combo.setCompleter(FoldingCompleter(self.user_combo.model(), self.user_combo))
        self.user_combo.setToolTip("Type a name, a user name or a role (approver, auditor…)")
        if user_edit is not None:
            user_edit.textEdited.connect(lambda _text: QTimer.singleShot(0, self, self._user_typed))
        self.date_combo = QComboBox()
        today = QDate.currentDate()
        for fmt in DATE_FORMATS:
            self.date_combo.addItem(f"{today.toString(fmt)}    ({fmt})", fmt)
        you_form = QFormLayout()
        you_form.addRow("Signed-&in person:", self.user_combo)  # Alt+S: Shared server
        self.person_scope = QLabel()
        self.person_scope.setWordWrap(True)
        self.person_scope.hide()
        you_form.addRow("", self.person_scope)
        you_form.addRow("&Date format:", self.date_combo)
        you_box.setLayout(you_form)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        # A person the local file lacks: added from here (see _offer_to_add).
        self.add_person_button = QPushButton()
        self.add_person_button.setAutoDefault(False)
        self.add_person_button.hide()
        self.add_person_button.clicked.connect(self._add_person)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)

        # The sections scroll, OK and Cancel stay: on a 1280 × 800 screen a server's
        # answer (or the keyring's warning) made the dialog taller than the screen, its
        # buttons below the bottom edge.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(database_box)
        body_layout.addWidget(you_box)
        self.scanner_box = ScannerSettingsBox()  # barcode scanner: its own section
        self.scanner_box.load(self._settings)
        body_layout.addWidget(self.scanner_box)
        body_layout.addWidget(self.error_label)
        body_layout.addWidget(self.add_person_button, 0, Qt.AlignmentFlag.AlignLeft)
        body_layout.addStretch(1)
        self.body = body
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(buttons)

    def _load(self) -> None:
        saved = self._settings.get(DATABASE_URL)
        self._saved_url = saved
        if saved and parse_url(saved).get_backend_name() != "sqlite":
            self.server_radio.setChecked(True)
            self.url_edit.setText(saved)
        else:
            self.local_radio.setChecked(True)
            if saved:
                self.path_edit.setText(parse_url(saved).database or "")
        # The person signed in on the saved database (each database has its own).
        self._saved_database = saved or f"sqlite:///{default_database_path()}"
        if self._window_database and database_key(self._window_database) != database_key(
            self._saved_database
        ):
            # The window works on another database than the saved one: its person is shown.
            self._on_window_database = True
            self._saved_database = self._window_database
            self.person_scope.setText(
                f"For {describe(parse_url(self._window_database))}, the database this window "
                "works on (the Database above is the one Assetdesk opens by default)."
            )
            self.person_scope.show()
        self._shown_person = signed_in_person(self._settings, self._saved_database)
        self.user_combo.setEditText(self._shown_person)
        index = self.date_combo.findData(self._settings.get(DATE_FORMAT))
        self.date_combo.setCurrentIndex(max(index, 0))
        self._update_mode()

    def _update_mode(self) -> None:
        local = self.local_radio.isChecked()
        local_widgets: tuple[QWidget, ...] = (self.path_edit, self.browse_button)
        for widget in local_widgets:
            widget.setEnabled(local)
        for widget in (self.url_edit, self.password_edit):
            widget.setEnabled(not local)
        self.tls_fields.set_enabled(not local)
        self.connection_label.clear()

    # -- behaviour -----------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            "Database file",
            self.path_edit.text() or str(default_database_path()),
            "Assetdesk database (*.sqlite3 *.sqlite *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def _tls_from_url(self, text: str) -> None:
        """The URL's TLS parameters shown in the TLS fields. While there is no URL the
        fields keep what was chosen (there is nothing to read them from); a URL begun
        without TLS parameters of its own then takes them."""
        was_blank, self._url_was_blank = self._url_was_blank, not text.strip()
        if self._url_was_blank:
            return
        found = tls_in_text(text)
        if was_blank and found == TlsOptions():
            self._tls_to_url()
            return
        self.tls_fields.set_options(found)

    def _tls_to_url(self) -> None:
        """The TLS fields written into the URL; none is made up while the URL is empty
        (a certificate chosen first wrote ``?sslcert=…`` as the whole "URL")."""
        text = self.url_edit.text()
        if not text.strip():
            return
        composed = with_tls_in_text(text, self.tls_fields.options())
        if composed != text:
            # Typing goes on where it was: in the server part (before "?") if it was there,
            # e.g. when the TLS fields were chosen before the URL was typed.
            cursor = self.url_edit.cursorPosition()
            in_server_part = cursor <= len(text.partition("?")[0])
            blocked = self.url_edit.blockSignals(True)
            try:
                self.url_edit.setText(composed)
            finally:
                self.url_edit.blockSignals(blocked)
            self.url_edit.setCursorPosition(cursor if in_server_part else len(composed))

    def chosen_url(self) -> tuple[str, str | None]:
        """The URL as the settings file will hold it (no password), and the password.

        A password typed into the URL itself is moved to the password field's place.
        """
        if self.local_radio.isChecked():
            path = self.path_edit.text().strip()
            return (f"sqlite:///{path}" if path else ""), None
        text = self.url_edit.text().strip()
        if not text:
            raise DesktopError("Enter the server URL, e.g. postgresql://user@server/assetdesk")
        _, in_url = credentials.split_password(text)  # also checks that it is a URL
        if "sslpassword=" in text.partition("?")[2]:
            raise DesktopError(
                "A client key's passphrase (sslpassword) cannot be kept in the settings: "
                "use a client key without a passphrase, readable by you only"
            )
        return _without_password_as_typed(text), self.password_edit.text() or in_url

    def _connect_url(self) -> str:
        """The URL to test with, the password put in only in memory."""
        bare, password = self.chosen_url()
        url = choose_url(None, bare)
        remember_secret(password, shown_in=bare)
        if password:
            return parse_url(url).set(password=password).render_as_string(hide_password=False)
        return credentials.url_with_password(url)

    def test_connection(self) -> None:
        try:
            url = self._connect_url()
        except DesktopError as exc:
            self._show_connection(False, exc.message)
            return
        self.test_button.setEnabled(False)
        self.connection_label.setStyleSheet("")
        self.connection_label.setText("Connecting…")
        self._jobs.start(
            _test_job(url),
            lambda text: self._show_connection(True, text),
            lambda exc: self._show_connection(False, exc.message),
            lambda: self.test_button.setEnabled(True),
        )

    def _show_connection(self, ok: bool, text: str) -> None:
        self.connection_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.connection_label.setText(("✔ " if ok else "✖ ") + text)
        # A long answer wraps: grow (then scroll), never clip it.
        QTimer.singleShot(0, self, lambda: self._fit_height(self.connection_label))

    def _fit_height(self, shown: QWidget | None = None) -> None:
        """As tall as the sections need, up to the screen's free height (then they scroll);
        ``shown``: a message just said, scrolled into sight."""
        body_layout = self.body.layout()
        if body_layout is None:
            return
        body_layout.activate()
        width = self.scroll_area.viewport().width()
        needed = (
            body_layout.totalHeightForWidth(width)
            if body_layout.hasHeightForWidth()
            else body_layout.totalSizeHint().height()
        )
        outside = self.height() - self.scroll_area.viewport().height()
        wanted = needed + outside
        screen = self.screen()
        if screen is not None:
            frame = max(self.frameGeometry().height() - self.height(), 0)
            wanted = min(wanted, screen.availableGeometry().height() - frame)
        if wanted > self.height():
            self.resize(self.width(), wanted)
            top = self.frameGeometry().top()
            free = screen.availableGeometry() if screen is not None else None
            if free is not None and self.frameGeometry().bottom() > free.bottom():
                self.move(
                    self.x(), max(free.top(), top - (self.frameGeometry().bottom() - free.bottom()))
                )
        if shown is not None:
            self.scroll_area.ensureWidgetVisible(shown)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            # A scroll area's own size hint is small: the dialog is made as tall as its
            # sections (the screen allowing) once it knows its width.
            QTimer.singleShot(0, self, self._fit_height)

    def _load_people(self) -> None:
        try:
            url = credentials.url_with_password(
                self._saved_database
                if self._on_window_database
                else choose_url(None, self._settings.get(DATABASE_URL))
            )
        except DesktopError:
            return
        # Without a reachable database the user name is typed by hand; the reason shows
        # when the connection is tested.
        self._people_url = url
        self._jobs.start(_people_job(url), self._fill_people, lambda exc: None)

    def _fill_people(self, found: tuple[list[_Person], str]) -> None:
        people, acting = found
        self._acting = acting
        self._listed_people = {username.casefold() for _, username, _ in people}
        if people and acting:
            self._listed_people.add(acting.casefold())
        user_edit = self.user_combo.lineEdit()
        if acting and user_edit is not None:
            # The field was blank while the status bar said "Signed in as root" (a new
            # user): on a local file without a person, who acts is said.
            user_edit.setPlaceholderText(f"none chosen: {acting} acts (this computer's user)")
        typed = self.user_combo.currentText()
        self.user_combo.clear()
        for name, username, roles in people:
            given = f" — {', '.join(roles)}" if roles else ""
            self.user_combo.addItem(with_detail(name, username) + given, username)
        fold_item_texts(self.user_combo)
        index = self.user_combo.findData(typed)
        if index >= 0:
            self.user_combo.setCurrentIndex(index)
        else:
            self.user_combo.setEditText(typed)

    def _user_typed(self) -> None:
        """A whole user name typed needs no list: the popup would take the first click on
        OK (it closes on a click outside itself), so the person clicked OK twice."""
        typed = self.user_combo.currentText().strip().casefold()
        completer = self.user_combo.completer()
        popup = completer.popup() if completer is not None else None
        if popup is None or not typed:
            return
        usernames = (str(self.user_combo.itemData(i)) for i in range(self.user_combo.count()))
        if any(name.casefold() == typed for name in usernames):
            popup.hide()

    def chosen_username(self) -> str:
        index = self.user_combo.findText(self.user_combo.currentText())
        if index >= 0 and self.user_combo.itemData(index):
            return str(self.user_combo.itemData(index))
        return self.user_combo.currentText().strip()

    def save(self) -> None:
        """Store the settings (and the password in the keyring) and close.

        Another database is opened first (on a worker): one that cannot be opened is
        not saved, the dialog stays open and says why.
        """
        try:
            url, password = self.chosen_url()
            connect_url = self._connect_url()
        except DesktopError as exc:
            self._show_error(exc.message)
            return
        unknown = self._unknown_person(url)
        if unknown:
            self._show_error(unknown)
            self._offer_to_add()
            self.user_combo.setFocus()
            return
        self.add_person_button.hide()
        if url == self._saved_url:
            self._store(url, password)
            return
        self.ok_button.setEnabled(False)
        self.error_label.setStyleSheet("")
        self.error_label.setText("Opening the database…")
        self.error_label.show()
        opened: list[str] = []
        self._jobs.start(
            _test_job(connect_url),
            opened.append,
            self._save_failed,
            # Saved once the worker's thread has ended: the dialog may close then.
            lambda: self._opened(url, password, bool(opened)),
        )

    def _unknown_person(self, url: str) -> str | None:
        """Why the person typed cannot be signed in on the database whose people the list
        shows: nobody there has that user name ("bo" was saved, and the window then
        refused every procedure to a person who does not exist). None when the field is
        empty, names a listed person, or the person is for another database (its people
        are not read here)."""
        typed = self.chosen_username()
        if not typed or not self._listed_people or typed.casefold() in self._listed_people:
            return None
        if database_key(self._person_database(url)) != database_key(self._saved_database):
            return None
        return (
            f"Not saved: nobody in this database has the user name '{typed}'. Pick the "
            "signed-in person from the list (type part of a name, user name or role)."
        )

    def _offer_to_add(self) -> None:
        """On a local file, the name typed can be added as a person of it (a new user on a
        new file met "nobody in this database has the user name 'Ana Field'" with only the
        computer's user to pick, and Data › People behind this dialog, newuser18)."""
        name = self.user_combo.currentText().strip()
        if not self._acting or not name:
            return
        shown = name.replace("&", "&&")
        self.add_person_button.setText(f"Add '{shown}' to this file's people and si&gn in")
        self.add_person_button.show()

    def _add_person(self) -> None:
        name, url, acting = self.user_combo.currentText().strip(), self._people_url, self._acting
        self.add_person_button.setEnabled(False)

        def job(progress: Progress, cancel: threading.Event) -> str:
            database = Database(parse_url(url))
            try:
                return add_local_person(database, acting=acting, name=name)
            finally:
                database.dispose()

        self._jobs.start(
            job,
            lambda username: self._added(name, username),
            lambda exc: self._show_error(f"Not added: {exc.message}"),
            lambda: self.add_person_button.setEnabled(True),
        )

    def _added(self, name: str, username: str) -> None:
        self._listed_people.add(username.casefold())
        self.user_combo.addItem(with_detail(name, username), username)
        self.user_combo.setCurrentIndex(self.user_combo.count() - 1)
        self.add_person_button.hide()
        self.error_label.hide()
        self.save()

    def _person_database(self, url: str) -> str:
        """The database the person is kept for (see :meth:`_store_person`)."""
        url = url or f"sqlite:///{default_database_path()}"
        if url == (self._saved_url or f"sqlite:///{default_database_path()}"):
            return self._saved_database  # the Database choice untouched: the window's one
        return url

    def _save_failed(self, exc: DesktopError) -> None:
        self._show_error(f"Not saved: {exc.message}")
        self.ok_button.setEnabled(True)
        # Back to what needs correcting (not to Cancel, which took the focus meanwhile).
        field = self.path_edit if self.local_radio.isChecked() else self.url_edit
        field.setFocus()

    def _opened(self, url: str, password: str | None, ok: bool) -> None:
        self.ok_button.setEnabled(True)
        if ok:
            self.error_label.hide()
            # Saved (and the dialog closed) from the event loop, once the worker is gone.
            QTimer.singleShot(0, lambda: self._store(url, password))

    def _show_error(self, message: str) -> None:
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setText(message)
        self.error_label.show()
        QTimer.singleShot(0, self, lambda: self._fit_height(self.error_label))

    def _store_person(self, url: str) -> None:
        """The person is saved for the database they were chosen on: switching to another
        database with the person field untouched does not carry them over (that database
        keeps its own; a local file without one acts as the operating-system user).
        An empty ``url`` is the default local file: the person is kept for its path, the
        database the window opens (under "" nobody ever found them)."""
        url = self._person_database(url)
        person = self.chosen_username()
        switching = database_key(url) != database_key(self._saved_database)
        if signed_in_person(self._settings, self._saved_database) and switching:
            # Settings from before had one person for all: it stays with its database.
            set_signed_in_person(self._settings, self._saved_database, self._shown_person)
        if switching and person == self._shown_person:
            return
        set_signed_in_person(self._settings, url, person)

    def _store(self, url: str, password: str | None) -> None:
        try:
            if password:
                credentials.store_password(url, password)
        except DesktopError as exc:
            self._show_error(exc.message)
            return
        self._settings.set(DATABASE_URL, url)
        self._store_person(url)
        self._settings.set(DATE_FORMAT, str(self.date_combo.currentData()))
        self.scanner_box.save(self._settings)
        if url != self._saved_url:
            self.database_changed.emit(url)
        self.accept()

    def is_busy(self) -> bool:
        """Whether a connection test or the list of people is still loading."""
        return self._jobs.busy

    def done(self, result: int) -> None:
        self.hide()
        self._jobs.cancel_then(lambda: QDialog.done(self, result))


def _without_password_as_typed(text: str) -> str:
    """The URL as the user typed it (driver, query, spelling), only its password removed
    (from before the host, or a ``password=`` in the query)."""
    base, mark, query = text.partition("?")
    kept = [part for part in query.split("&") if part.split("=", 1)[0] not in _QUERY_PASSWORDS]
    text = base + (mark + "&".join(kept) if kept and mark else "")
    match = _PASSWORD_IN_URL.match(text)
    if match is None or match.group("password") is None:
        return text
    return text[: match.start("password") - 1] + text[match.end("password") :]


#: Query parameters that hold the login's password (never saved: moved to the keyring).
_QUERY_PASSWORDS = ("password", "passwd")


#: scheme://user:password@… as SQLAlchemy reads it (a password holds no unescaped "@").
_PASSWORD_IN_URL = re.compile(r"^[\w+.-]+://[^:/@]*(?::(?P<password>[^@]*))?@")


#: Alembic loads its scripts lazily and not thread-safely: one database check at a time.
_CHECK_LOCK = threading.Lock()


def _test_job(url: str) -> Any:
    def job(progress: Progress, cancel: threading.Event) -> str:
        with _CHECK_LOCK:
            database = open_database(url)
        try:
            with _CHECK_LOCK, database.read() as session:
                people = len(list_people(session))
        finally:
            database.dispose()
        return f"Connected to the {describe(parse_url(url))}: schema up to date, {plural(people, 'person|people')}."

    return job


#: A person of the pick list: name, user name, roles.
_Person = tuple[str, str, tuple[str, ...]]


def _people_job(url: str) -> Any:
    """The active people, and on a local file who acts when no one is chosen."""

    def job(progress: Progress, cancel: threading.Event) -> tuple[list[_Person], str]:
        database = Database(parse_url(url))
        try:
            acting = _os_user() if database.is_sqlite else ""
            try:
                with _CHECK_LOCK:
                    # Only read: opening the settings must not create or migrate a database.
                    if not database.schema_state().up_to_date:
                        return [], acting
            except DesktopError:  # no file there yet: the person is typed by hand
                return [], acting
            with database.read() as session:
                people = [
                    (p.name, p.username, p.roles) for p in list_people(session, active_only=True)
                ]
            if acting and all(u.casefold() != acting.casefold() for _, u, _ in people):
                # In a kit the kit's owner acts (nobody can be added to its people).
                acting = kit_owner(database) or acting
            return people, acting
        finally:
            database.dispose()

    return job


def _os_user() -> str:
    try:
        return os_username()
    except DesktopError:
        return ""
