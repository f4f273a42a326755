"""Help › About: version, database, licence and library versions, copyable."""

from __future__ import annotations

from importlib import metadata

from pytestqt.qtbot import QtBot

from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication

import desktop
from desktop.storage.database import Database
from ui.gui.about_dialog import AboutDialog, about_info, open_about_dialog


def test_shows_version_database_and_licence(qtbot: QtBot, sqlite_db: Database) -> None:
    info = about_info(sqlite_db)
    dialog = AboutDialog(info)
    qtbot.addWidget(dialog)
    dialog.show()
    assert desktop.__version__ == metadata.version("assetdesk")
    assert f"Assetdesk {desktop.__version__}" in dialog.title.text()
    header = dialog.database_label.text()
    assert f"local file {sqlite_db.sqlite_path}" in header
    assert f"<b>Schema:</b> {sqlite_db.schema_state().head}" in header
    assert "GPL-3.0-or-later" in header
    assert "GNU General Public License" in dialog.licence_view.toPlainText()
    libraries = " ".join(dialog.libraries_view.toPlainText().split())
    assert f"Qt {qVersion()}" in libraries
    assert metadata.version("SQLAlchemy") in libraries
    assert "not installed" not in libraries


def test_copy_puts_everything_on_the_clipboard(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = AboutDialog(about_info(sqlite_db))
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text.startswith(f"Assetdesk {desktop.__version__}\nLicence: GPL-3.0-or-later\n")
    assert f"Database URL: {sqlite_db.display_url}" in text
    assert f"SQLAlchemy {metadata.version('SQLAlchemy')}" in text
    assert dialog.copy_button.text() == "&Copied"


def test_an_unreachable_server_is_described_without_its_password(qtbot: QtBot) -> None:
    database = Database("postgresql://ann:topsecret@127.0.0.1:1/assets")
    try:
        info = about_info(database)
    finally:
        database.dispose()
    dialog = AboutDialog(info)
    qtbot.addWidget(dialog)
    assert "PostgreSQL server 127.0.0.1:1, database assets" in dialog.database_label.text()
    assert info.schema_version.startswith("unknown: Cannot use the database")
    assert "topsecret" not in info.database_url
    assert "topsecret" not in dialog.database_label.text()


def test_open_about_dialog_fills_the_schema_in_from_a_worker(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    dialog = open_about_dialog(sqlite_db)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert dialog.worker is not None
    qtbot.waitUntil(lambda: dialog.worker is not None and not dialog.worker.is_running)
    assert f"<b>Schema:</b> {sqlite_db.schema_state().head}" in dialog.database_label.text()
    assert dialog.info.schema_version == sqlite_db.schema_state().head
