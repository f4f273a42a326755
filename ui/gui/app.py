"""Starting the window: the QApplication, the database, the main window."""

from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from PySide6.QtWidgets import QApplication, QMessageBox

import desktop
from desktop.credentials import url_with_password
from desktop.errors import DatabaseUnavailableError, DesktopError
from desktop.logging_setup import configure_logging
from desktop.settings import DATABASE_URL, Settings
from desktop.storage.database import Database, open_database
from desktop.storage.migrate import head_revision_from_files
from desktop.storage.urls import choose_url, describe, parse_url, redact
from ui.gui.app_icon import DESKTOP_FILE_NAME, application_icon
from ui.gui.crash_dialog import install_crash_handler

log = logging.getLogger(__name__)


def create_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Assetdesk")
    app.setOrganizationName("Assetdesk")
    app.setApplicationVersion(desktop.__version__)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(application_icon())
    app.setStyle("Fusion")
    return app


def open_for_window(url: str, *, log_sql_timing: bool = False) -> Database:
    """:func:`open_database`, with a fast path for a database already at the newest schema.

    Reading ``alembic_version`` and comparing it with the head named in the migration
    files needs no Alembic; anything else (no schema yet, older, newer, unreachable)
    takes the full path with its migrations and messages.
    """
    head = head_revision_from_files()
    if head is not None:
        database = Database(url, log_sql_timing=log_sql_timing)
        try:
            with database.connect() as connection:  # Core: no ORM before the first paint
                current = connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
        except (DBAPIError, DesktopError):
            current = None
        if current == head:
            return database
        database.dispose()
    return _open_on_worker(url, log_sql_timing=log_sql_timing)


#: A database that takes longer than this to open (a local file migrating to this
#: version's schema: about a minute for a million assets) says so in a window.
OPENING_NOTICE_MS = 400


def _described(url: str) -> str:
    try:
        return describe(parse_url(url))
    except DesktopError:
        return redact(url)


def _open_on_worker(url: str, *, log_sql_timing: bool) -> Database:
    """:func:`open_database` on a worker thread, with a busy window if it takes long: an
    older local file is upgraded on open, and a person should see that something is
    happening, not nothing for a minute."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QProgressDialog

    from ui.gui.worker import Progress, Worker

    def job(progress: Progress, cancel: object) -> Database:
        return open_database(url, log_sql_timing=log_sql_timing)

    outcome: list[object] = []
    worker = Worker(job)
    worker.succeeded.connect(outcome.append)
    worker.failed.connect(outcome.append)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    notice = QProgressDialog(
        f"Opening {_described(url)} …\n\nA database made by an older version of Assetdesk is "
        "upgraded first; on a large register that takes a minute or two.",
        "",
        0,
        0,
    )
    notice.setWindowTitle("Assetdesk")
    notice.setCancelButton(None)  # one transaction: it finishes or leaves the file as it was
    notice.setMinimumDuration(0)
    notice.reset()  # a QProgressDialog shows itself after a while unless reset
    QTimer.singleShot(OPENING_NOTICE_MS, lambda: None if outcome else notice.show())
    worker.start()
    loop.exec()
    notice.close()
    notice.deleteLater()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    assert isinstance(result, Database)
    return result


def run_gui(args: argparse.Namespace) -> int:
    """Open the database (a local file in milliseconds; a server within its timeout) and
    show the main window with the first page of the register; the rest loads lazily."""
    debug = bool(getattr(args, "debug", False))
    log_path = configure_logging(debug=debug, console=sys.stderr if debug else None)
    app = create_application()
    crash_handler = install_crash_handler(app)
    settings = Settings()
    url = choose_url(getattr(args, "database", None), settings.get(DATABASE_URL))
    log.info("Assetdesk %s starting on %s; log file %s", desktop.__version__, redact(url), log_path)
    while True:
        try:
            database = open_for_window(url_with_password(url), log_sql_timing=debug)
            break
        except DatabaseUnavailableError as exc:  # busy, or a server out of reach: for now
            log.warning("cannot open the database: %s", exc.message)
            if not _try_again(exc):
                return 2
        except DesktopError as exc:
            log.warning("cannot open the database: %s", exc.message)
            QMessageBox.critical(None, "Assetdesk", exc.message)
            return 2
    from ui.gui.main_window import MainWindow  # after the database: a failure shows sooner

    window = MainWindow(database, settings)
    window.show()
    code = int(app.exec())
    database.dispose()
    crash_handler.uninstall()
    return code


def _try_again(error: DatabaseUnavailableError) -> bool:
    """Whether the person wants to open the database again: a file another program is
    writing (a long import) or a server out of reach is usually there a moment later, and
    starting the program again was the only way (Retry is the default: Enter)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Assetdesk",
        error.message,
        QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close,
    )
    box.setObjectName("openRetry")
    box.setInformativeText("Retry when the other program has finished or the server answers.")
    box.setDefaultButton(QMessageBox.StandardButton.Retry)
    return box.exec() == QMessageBox.StandardButton.Retry
