"""Where Assetdesk writes its log, and how: the platform's log folder, rotated, no passwords.

The GUI calls :func:`configure_logging` once at start; the crash dialog and the About
dialog show :func:`log_file_path` so a user can send the file with a bug report.

* Linux: ``~/.local/state/Assetdesk/log/assetdesk.log`` (``$XDG_STATE_HOME``)
* Windows: ``%LOCALAPPDATA%\\Assetdesk\\Logs\\assetdesk.log``
* macOS: ``~/Library/Logs/Assetdesk/assetdesk.log``

With ``debug=True`` every SQL statement is logged with its duration: the
``assetdesk.sql`` logger, fed by ``Database(url, log_sql_timing=True)``.
"""

from __future__ import annotations

import logging
import platform
import sys
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

import platformdirs

import desktop
from desktop.redaction import redact_secrets
from desktop.storage.urls import APP_NAME

__all__ = ["configure_logging", "log_dir", "log_file_path", "redact_secrets"]

LOG_FILE_NAME = "assetdesk.log"
#: Rotation: the current file plus this many old ones, each at most MAX_BYTES.
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
SQL_LOGGER = "assetdesk.sql"
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

_HANDLER_MARK = "_assetdesk_handler"


class RedactingFormatter(logging.Formatter):
    """Formats a record (tracebacks included), then masks passwords in the result."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_secrets(super().format(record))


def log_dir() -> Path:
    """The platform's log folder for Assetdesk (it may not exist yet)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


_active_log_file: Path | None = None


def log_file_path() -> Path:
    """The file the log is written to: the one in use, else where it will be."""
    return _active_log_file or log_dir() / LOG_FILE_NAME


def configure_logging(
    *,
    debug: bool = False,
    directory: Path | None = None,
    console: TextIO | None = None,
) -> Path | None:
    """Send Assetdesk's log to a rotating file; return that file's path.

    Safe to call again (e.g. when ``--debug`` is decided later): the handlers it added
    before are replaced, never doubled. If the log folder cannot be created (a read-only
    home), the log goes to the temporary folder instead, and if that fails too, to
    standard error (the result is then ``None``): logging never stops the app.

    Args:
        debug: log at DEBUG level, including every SQL statement with its timing.
        directory: the folder for the log file (default: :func:`log_dir`).
        console: also log to this stream (e.g. ``sys.stderr`` for ``--debug`` runs).
    """
    global _active_log_file
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()

    path = _open_log_path(directory or log_dir())
    formatter = RedactingFormatter(LOG_FORMAT)
    handlers: list[logging.Handler] = []
    if path is not None:
        handlers.append(
            RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
            )
        )
    if console is not None or path is None:
        handlers.append(logging.StreamHandler(console or sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)

    root.setLevel(logging.DEBUG if debug else logging.INFO)
    logging.getLogger(SQL_LOGGER).setLevel(logging.DEBUG if debug else logging.WARNING)
    # Third-party chatter stays out of the log unless it is a warning, even with --debug:
    # SQLAlchemy's own engine log would repeat every statement with its parameters and
    # result rows (people's names, e-mails); "assetdesk.sql" has the statements and timing.
    for noisy in ("sqlalchemy", "alembic", "PIL", "urllib3", "keyring"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # but a schema migration is worth a line: "Running upgrade 0002 -> 0003".
    logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
    _active_log_file = path
    logging.getLogger(__name__).info(
        "Assetdesk %s on %s, Python %s; log file %s%s",
        desktop.__version__,
        # Not platform.platform(): it reads the Python binary for the libc version (~50 ms).
        f"{platform.system()} {platform.release()} {platform.machine()}",
        platform.python_version(),
        path,
        " (debug: SQL timing on)" if debug else "",
    )
    return path


def _open_log_path(directory: Path) -> Path | None:
    """``directory/assetdesk.log`` if it can be written, else one in the temp folder."""
    for folder in (directory, Path(tempfile.gettempdir()) / f"{APP_NAME}-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_FILE_NAME
            with path.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            print(f"assetdesk: cannot write a log in {folder}: {exc}", file=sys.stderr)
            continue
        return path
    return None
