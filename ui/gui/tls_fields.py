"""The encryption (TLS) part of the database settings: mode, CA file, client certificate.

What it holds is the TLS parameters of the server URL (``sslmode``, ``sslrootcert``,
``sslcert``, ``sslkey``, see desktop.storage.tls); the settings dialog keeps the two in
step, so the URL shown is always the one that will be saved. No password is asked here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.storage.tls import TlsOptions
from ui.gui import file_dialogs

#: (sslmode, what it means to the user), in the order offered.
TLS_MODE_CHOICES = (
    ("", "Driver's default (not verified)"),
    ("disable", "Off: never encrypt"),
    ("prefer", "Encrypt when the server offers it (not verified)"),
    ("require", "Always encrypt (server not verified)"),
    ("verify-ca", "Always encrypt, certificate signed by the CA"),
    ("verify-full", "Always encrypt, certificate and host name verified (recommended)"),
)
PEM_FILTER = "Certificates and keys (*.pem *.crt *.cer *.key);;All files (*)"


class TlsFields(QObject):
    """TLS mode and files for a server connection: rows the settings dialog puts in its
    database form (so that they line up with the URL and password).

    Signals:
        changed(): the user changed the mode or a file.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._enabled = True
        self.mode_combo = QComboBox()
        for mode, title in TLS_MODE_CHOICES:
            self.mode_combo.addItem(title, mode)
        self.mode_combo.setToolTip(
            "verify-full: the server's certificate must be signed by the certificate "
            "authority below and name the server's host"
        )
        self.ca_edit, self.ca_button = self._file_row("CA certificate file")
        self.cert_edit, self.cert_button = self._file_row("client certificate file")
        self.key_edit, self.key_button = self._file_row("client key file")
        self.ca_edit.setPlaceholderText("the certificate authority that signs the server's")
        self.cert_edit.setPlaceholderText("only if the server asks for one")
        self.key_edit.setPlaceholderText("the client certificate's key (no passphrase)")

        self._rows: list[tuple[QLabel, QWidget | QLayout]] = [
            (self._label("E&ncryption (TLS):", self.mode_combo), self.mode_combo),
            (
                self._label("C&A certificate:", self.ca_edit),
                self._row(self.ca_edit, self.ca_button),
            ),
            (
                self._label("Client ce&rtificate:", self.cert_edit),
                self._row(self.cert_edit, self.cert_button),
            ),
            (self._label("Client ke&y:", self.key_edit), self._row(self.key_edit, self.key_button)),
        ]

        self.mode_combo.currentIndexChanged.connect(self._update)
        for edit in (self.ca_edit, self.cert_edit, self.key_edit):
            edit.textChanged.connect(self.changed)
        self._update()

    def _file_row(self, title: str) -> tuple[QLineEdit, QPushButton]:
        edit = QLineEdit()
        button = QPushButton("Browse…")
        button.setToolTip(f"Choose the {title}")
        button.clicked.connect(lambda: self._browse(edit, title))
        return edit, button

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def rows(self) -> list[tuple[QLabel, QWidget | QLayout]]:
        """(label, field) for each row, to add to a form layout."""
        return list(self._rows)

    def set_enabled(self, enabled: bool) -> None:
        """Enable the fields (for a server) or disable them all (for a local file)."""
        self._enabled = enabled
        self._update()

    def is_enabled(self) -> bool:
        return self._enabled

    @staticmethod
    def _row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return row

    def _browse(self, edit: QLineEdit, title: str) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self.mode_combo.window(), title.capitalize(), edit.text(), PEM_FILTER
        )
        if path:
            edit.setText(path)

    def _update(self) -> None:
        self.mode_combo.setEnabled(self._enabled)
        files = self._enabled and self.mode_combo.currentData() != "disable"
        for widget in (
            self.ca_edit,
            self.ca_button,
            self.cert_edit,
            self.cert_button,
            self.key_edit,
            self.key_button,
        ):
            widget.setEnabled(files)
        self.changed.emit()

    def _show_mode(self, mode: str) -> None:
        offered = len(TLS_MODE_CHOICES)
        index = self.mode_combo.findData(mode)
        if index < 0 or index >= offered:
            # A mode typed into the URL that is not one of ours (perhaps half typed): shown
            # as it is, in one extra entry; saving it says why it cannot work.
            if self.mode_combo.count() == offered:
                self.mode_combo.addItem("")
            self.mode_combo.setItemText(offered, f"{mode} (not a TLS mode)")
            self.mode_combo.setItemData(offered, mode)
            index = offered
        elif self.mode_combo.count() > offered:
            self.mode_combo.removeItem(offered)
        self.mode_combo.setCurrentIndex(index)

    def options(self) -> TlsOptions:
        return TlsOptions(
            str(self.mode_combo.currentData() or ""),
            self.ca_edit.text().strip(),
            self.cert_edit.text().strip(),
            self.key_edit.text().strip(),
        )

    def set_options(self, options: TlsOptions) -> None:
        """Show ``options`` without emitting :attr:`changed`."""
        blocked = self.blockSignals(True)
        try:
            self._show_mode(options.mode)
            for edit, value in (
                (self.ca_edit, options.ca_file),
                (self.cert_edit, options.cert_file),
                (self.key_edit, options.key_file),
            ):
                if edit.text() != value:
                    edit.setText(value)
            self._update()
        finally:
            self.blockSignals(blocked)
