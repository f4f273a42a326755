"""Help › About: the version, the database in use, the licence, the libraries' versions.

Everything shown can be copied in one click, for a bug report or a support call.
"""

from __future__ import annotations

import html
import platform
import sys
import threading
from dataclasses import dataclass, replace
from importlib import metadata, resources

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, Slot, qVersion
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import desktop
from desktop.errors import DesktopError
from desktop.logging_setup import log_file_path
from desktop.storage.database import Database
from resources.icons import png_name
from ui.gui.worker import Worker

LICENCE = "GPL-3.0-or-later"
LICENCE_URL = "https://www.gnu.org/licenses/gpl-3.0.html"
LICENCE_TEXT = (
    "Assetdesk is free software: you can redistribute it and/or modify it under the terms "
    "of the GNU General Public License as published by the Free Software Foundation, "
    "either version 3 of the License, or (at your option) any later version.\n\n"
    "Assetdesk is distributed in the hope that it will be useful, but WITHOUT ANY "
    "WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A "
    "PARTICULAR PURPOSE. See the GNU General Public License for more details."
)

#: (shown name, distribution name) of the libraries Assetdesk is built on. The bundle
#: ships their metadata (packaging/assetdesk.spec ABOUT_LIBRARIES) so versions show there too.
LIBRARIES: tuple[tuple[str, str], ...] = (
    ("SQLAlchemy", "SQLAlchemy"),
    ("Alembic", "alembic"),
    ("openpyxl", "openpyxl"),
    ("python-calamine", "python-calamine"),
    ("python-barcode", "python-barcode"),
    ("segno", "segno"),
    ("psycopg", "psycopg"),
    ("PyMySQL", "PyMySQL"),
    ("platformdirs", "platformdirs"),
    ("keyring", "keyring"),
)


@dataclass(frozen=True)
class AboutInfo:
    """Plain values the dialog shows."""

    version: str
    database: str
    database_url: str
    schema_version: str
    log_file: str
    libraries: tuple[tuple[str, str], ...]


def library_versions() -> tuple[tuple[str, str], ...]:
    versions = [
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
    ]
    for shown, distribution in LIBRARIES:
        try:
            versions.append((shown, metadata.version(distribution)))
        except metadata.PackageNotFoundError:
            versions.append((shown, "not installed"))
    return tuple(versions)


CHECKING = "checking…"


def schema_text(database: Database) -> str:
    """The schema version in words (one query: over the network for a server)."""
    try:
        state = database.schema_state()
    except DesktopError as exc:
        return f"unknown: {exc.message}"
    text = state.current or "empty"
    if not state.up_to_date:
        text += f" (this version expects {state.head})"
    return text


def about_info(database: Database | None, *, check_schema: bool = True) -> AboutInfo:
    """Collect what the About dialog shows; ``check_schema=False`` leaves the one query
    for later (:meth:`AboutDialog.check_schema` runs it on a worker thread)."""
    if database is None:
        where, url, schema = "no database open", "", ""
    else:
        where, url = database.description, database.display_url
        schema = schema_text(database) if check_schema else CHECKING
    return AboutInfo(
        version=desktop.__version__,
        database=where,
        database_url=url,
        schema_version=schema,
        log_file=str(log_file_path()),
        libraries=library_versions(),
    )


def as_text(info: AboutInfo) -> str:
    """Everything in the dialog as plain text (what "Copy" puts on the clipboard)."""
    lines = [
        f"Assetdesk {info.version}",
        f"Licence: {LICENCE}",
        f"Database: {info.database}",
        f"Database URL: {info.database_url}",
        f"Schema version: {info.schema_version}",
        f"Log file: {info.log_file}",
        f"Platform: {platform.platform()}",
        "",
    ]
    lines.extend(f"{name} {version}" for name, version in info.libraries)
    return "\n".join(lines)


def open_about_dialog(database: Database | None, parent: QWidget | None = None) -> AboutDialog:
    """Show the About box at once (Help › About); the schema version fills in from a worker."""
    dialog = AboutDialog(about_info(database, check_schema=False), parent)
    if database is not None:
        dialog.check_schema(database)
    dialog.open()
    return dialog


class AboutDialog(QDialog):
    """The About box: version, database, licence and libraries, with a Copy button."""

    def __init__(self, info: AboutInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Assetdesk")
        self.setObjectName("aboutDialog")
        self.info = info
        self.worker: Worker | None = None

        icon = QLabel(self)
        pixmap = QPixmap()
        pixmap.loadFromData(resources.files("resources.icons").joinpath(png_name(128)).read_bytes())
        icon.setPixmap(pixmap)
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.title = QLabel(f"<h2>Assetdesk {html.escape(info.version)}</h2>", self)
        tagline = QLabel("Track IT assets through their whole life.", self)
        self.database_label = QLabel(self._database_html(), self)
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database_label.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(tagline)
        heading.addWidget(self.database_label)
        heading.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(heading, 1)

        self.tabs = QTabWidget(self)
        self.licence_view = QTextBrowser(self)
        self.licence_view.setOpenExternalLinks(True)
        self.licence_view.setHtml(
            f"<p><b>Licence: {LICENCE}</b></p>"
            + "".join(f"<p>{html.escape(p)}</p>" for p in LICENCE_TEXT.split("\n\n"))
            + f'<p><a href="{LICENCE_URL}">{LICENCE_URL}</a></p>'
        )
        self.libraries_view = QTextBrowser(self)
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>&nbsp;&nbsp;{html.escape(version)}</td></tr>"
            for name, version in info.libraries
        )
        self.libraries_view.setHtml(f"<table>{rows}</table>")
        self.tabs.addTab(self.licence_view, "&Licence")
        self.tabs.addTab(self.libraries_view, "Li&braries")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setToolTip("Copy the version, database and library details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_to_clipboard)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(560, 460)

    def check_schema(self, database: Database) -> None:
        """Query the schema version on a worker thread and show it when it arrives."""

        def job(progress: object, cancel: threading.Event) -> str:
            return schema_text(database)

        # The worker is a child of the dialog, which is hidden, not deleted, when closed:
        # a slow server never leaves a running thread without its owner.
        self.worker = Worker(job, self)
        self.worker.succeeded.connect(self._show_schema)
        self.worker.failed.connect(self._schema_failed)
        self.worker.start()

    @Slot(object)
    def _show_schema(self, text: str) -> None:
        self.info = replace(self.info, schema_version=text)
        self.database_label.setText(self._database_html())

    @Slot(object)
    def _schema_failed(self, exc: BaseException) -> None:
        self._show_schema(f"unknown: {type(exc).__name__}")
        sys.excepthook(type(exc), exc, exc.__traceback__)  # a bug: to the crash dialog

    def _database_html(self) -> str:
        info = self.info
        parts = [
            f"<b>Licence:</b> {LICENCE} (free software)",
            f"<b>Database:</b> {html.escape(info.database)}",
            f"<b>Schema:</b> {html.escape(info.schema_version)}",
            f"<b>Log file:</b> {html.escape(info.log_file)}",
        ]
        return "<br>".join(parts)

    @Slot()
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(as_text(self.info))
        self.copy_button.setText("&Copied")
