"""Starting the window: the QApplication, the database, the main window."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from PySide6.QtWidgets import QApplication, QMessageBox

import desktop
from desktop.credentials import url_with_password
from desktop.errors import DatabaseUnavailableError, DesktopError
from desktop.logging_setup import configure_logging
from desktop.settings import DATABASE_URL, Settings
from desktop.storage import database as database_module
from desktop.storage.database import Database, open_database
from desktop.storage.migrate import head_revision_from_files
from desktop.storage.urls import choose_url, describe, parse_url, redact
from ui.gui.app_icon import DESKTOP_FILE_NAME, application_icon
from ui.gui.crash_dialog import install_crash_handler
from ui.gui.worker import stop_running_workers

log = logging.getLogger(__name__)


def create_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(sys.argv[:1])
        # A read still running when the last window closes (a form loading on a busy file,
        # left to the application by its deleted window) is waited for: a QThread destroyed
        # as the process ends aborted it ("QThread: Destroyed while thread is still running").
        app.aboutToQuit.connect(stop_running_workers)
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
    if _locked_file(url) is not None:
        # Another program is writing the file: the fast path would wait the busy timeout
        # on this thread with nothing on screen. The worker waits, and the notice says so.
        return _open_on_worker(url, log_sql_timing=log_sql_timing, upgrade=False)
    current = None
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
    # Only a schema read and found older (or newer: refused at once) is upgraded on open.
    upgrade = current is not None
    return _open_on_worker(url, log_sql_timing=log_sql_timing, upgrade=upgrade)


#: A database that takes longer than this to open (a local file migrating to this
#: version's schema: about a minute for a million assets) says so in a window.
OPENING_NOTICE_MS = 400
#: While the notice shows, whether the file is busy is looked at again this often (ms).
BUSY_PROBE_MS = 500


def _described(url: str) -> str:
    try:
        return describe(parse_url(url))
    except DesktopError:
        return redact(url)


def _locked_file(url: str) -> Path | None:
    """The local file ``url`` names if another program holds its write lock (``assetdesk
    import`` writing with a rollback journal: readers wait for it), else None. Asked
    without waiting: a read refused at once. Our own upgrade does not count (it writes in
    WAL mode, where readers go on)."""
    try:
        parsed = parse_url(url)
    except DesktopError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(str(parsed.database)).expanduser()
    if not path.is_file():
        return None
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except sqlite3.Error:
        return None
    try:
        probe.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        return path if "locked" in str(exc) or "busy" in str(exc) else None
    except sqlite3.Error:
        return None
    finally:
        probe.close()
    return None


def opening_notice(url: str, *, upgrade: bool, busy: Path | None) -> str:
    """What the notice says while the database opens: the truth as far as it is known — a
    busy file waited for (named), an older version upgraded, or only that it opens."""
    text = f"Opening {_described(url)} …"
    if busy is not None:
        seconds = database_module.SQLITE_BUSY_TIMEOUT_MS // 1000
        return (
            f"{text}\n\nThe file {busy} is busy: another program is writing to it (a long "
            f"import, say). Waiting up to {seconds} s for it to finish."
        )
    if upgrade:
        return (
            f"{text}\n\nA database made by an older version of Assetdesk is upgraded first; "
            "on a large register that takes a minute or two."
        )
    return text


def _open_on_worker(url: str, *, log_sql_timing: bool, upgrade: bool) -> Database:
    """:func:`open_database` on a worker thread, with a notice if it takes long: an older
    local file is upgraded on open, a busy one is waited for, and a person should see
    that something is happening (and which), not nothing for a minute."""
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
    notice = QProgressDialog(opening_notice(url, upgrade=upgrade, busy=None), "", 0, 0)
    notice.setWindowTitle("Assetdesk")
    notice.setCancelButton(None)  # one transaction: it finishes or leaves the file as it was
    notice.setMinimumDuration(0)
    notice.reset()  # a QProgressDialog shows itself after a while unless reset

    def say() -> None:  # whether another program holds the file may change meanwhile
        busy = _locked_file(url)
        notice.setLabelText(opening_notice(url, upgrade=upgrade and busy is None, busy=busy))

    probe = QTimer()
    probe.setInterval(BUSY_PROBE_MS)
    probe.timeout.connect(say)

    def show() -> None:
        if outcome:
            return
        say()
        notice.show()
        probe.start()

    QTimer.singleShot(OPENING_NOTICE_MS, show)
    worker.start()
    loop.exec()
    probe.stop()
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
