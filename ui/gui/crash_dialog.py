"""What the user sees when Assetdesk hits a bug: a dialog, a log entry, and a running app.

:func:`install_crash_handler` makes a :class:`CrashHandler` the target of
``sys.excepthook`` (exceptions escaping Qt slots and event handlers end there; PySide6 then
goes on with the event loop) and ``threading.excepthook`` (exceptions on other threads).
Every such exception is logged with its traceback, then shown on the GUI thread:

* a :class:`~desktop.errors.DesktopError` is something the user can act on: it is shown
  as a plain message, no traceback;
* anything else is a bug: the :class:`CrashDialog` shows the details to copy into a bug
  report and where the log file is, and the app keeps running.

Several errors in a burst (a failing paint event repeats) fill one dialog, not a pile.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot, qVersion
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

import desktop
from desktop.errors import DesktopError
from desktop.logging_setup import log_file_path, redact_secrets

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_details(exc: BaseException, *, thread_name: str | None = None) -> str:
    """The text a user copies into a bug report: versions, thread, traceback (no passwords)."""
    lines = [
        f"Assetdesk {desktop.__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}",
        f"{platform.platform()}",
    ]
    if thread_name:
        lines.append(f"Thread: {thread_name}")
    lines.append("")
    lines.extend(
        line.rstrip("\n") for line in traceback.format_exception(type(exc), exc, exc.__traceback__)
    )
    return redact_secrets("\n".join(lines))


class CrashDialog(QDialog):
    """Shows an unexpected error: a summary, the details to copy, and the log file."""

    def __init__(
        self, summary: str, details: str, log_path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assetdesk — unexpected error")
        self.setObjectName("crashDialog")
        self.resize(720, 480)
        self._log_path = log_path
        self._count = 0

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)

        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        where = str(log_path) if log_path else "standard error (no log file could be written)"
        self.log_label = QLabel(f"The log file with the same details: {where}", self)
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setToolTip("Copy the details to the clipboard for a bug report")
        self.open_log_button = QPushButton("Open &log folder", self)
        self.open_log_button.setEnabled(log_path is not None)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_log_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.open_log_button.clicked.connect(self.open_log_folder)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.log_label)
        layout.addWidget(buttons)
        self.add_error(summary, details)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setFocus()

    @property
    def error_count(self) -> int:
        return self._count

    def add_error(self, summary: str, details: str) -> None:
        """Show one more error (the newest first); the heading counts them."""
        self._count += 1
        if self._count == 1:
            heading = (
                f"Assetdesk ran into an unexpected error: {summary}\n\n"
                "This is a bug. Assetdesk is still running, and what you saved before is safe; "
                "the action you were doing may not have completed. Please copy the details "
                "below into a bug report."
            )
            self.details.setPlainText(details)
        else:
            heading = (
                f"Assetdesk ran into {self._count} unexpected errors; the newest: {summary}\n\n"
                "Assetdesk is still running. Please copy the details into a bug report."
            )
            separator = "\n\n" + "-" * 72 + "\n\n"
            self.details.setPlainText(details + separator + self.details.toPlainText())
        self.heading.setText(heading)

    @Slot()
    def copy_details(self) -> None:
        clipboard = QGuiApplication.clipboard()
        text = self.details.toPlainText()
        if self._log_path is not None:
            text += f"\n\nLog file: {self._log_path}"
        clipboard.setText(text)
        self.copy_button.setText("&Copied")

    @Slot()
    def open_log_folder(self) -> None:
        if self._log_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_path.parent)))


class CrashHandler(QObject):
    """Receives unhandled exceptions from any thread and shows them on the GUI thread.

    Signals:
        reported(str, str, bool): summary, details, and whether it was a DesktopError;
            emitted from any thread, delivered on the GUI thread (queued).
    """

    reported = Signal(str, str, bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        log_path: Callable[[], Path | None] = log_file_path,
    ) -> None:
        super().__init__(parent)
        self._log_path = log_path
        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        self._installed = False
        self.dialog: CrashDialog | None = None
        self.message_box: QMessageBox | None = None
        self._dialog_broken = False
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.threading_excepthook
        self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            sys.excepthook = self._previous_excepthook
            threading.excepthook = self._previous_threading_hook
            self._installed = False

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            self._previous_excepthook(exc_type, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.report(exc)

    def threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            self._previous_threading_hook(args)
            return
        name = args.thread.name if args.thread is not None else None
        self.report(args.exc_value, thread_name=name)

    def report(self, exc: BaseException, *, thread_name: str | None = None) -> None:
        """Log ``exc`` and show it (safe to call from any thread, e.g. a worker's ``failed``)."""
        if isinstance(exc, DesktopError):
            log.warning("%s", exc.message)
            self.reported.emit(exc.message, "", True)
            return
        log.error(
            "Unhandled exception%s",
            f" in thread {thread_name}" if thread_name else "",
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        summary = redact_secrets(f"{type(exc).__name__}: {exc}")
        self.reported.emit(summary, crash_details(exc, thread_name=thread_name), False)

    @Slot(str, str, bool)
    def _show(self, summary: str, details: str, user_error: bool) -> None:
        if self._dialog_broken:
            return  # already logged; showing it failed before and would fail again
        try:
            self._show_now(summary, details, user_error)
        # The crash dialog itself failed: letting this escape would come back here through
        # the excepthook, for ever. Log it, and keep to the log from now on.
        except Exception:
            self._dialog_broken = True
            log.critical("The crash dialog failed; errors are only logged now", exc_info=True)

    def _show_now(self, summary: str, details: str, user_error: bool) -> None:
        parent = QApplication.activeWindow()
        if user_error:
            self.message_box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Assetdesk",
                summary,
                QMessageBox.StandardButton.Ok,
                parent,
            )
            self.message_box.setObjectName("desktopErrorMessage")
            self.message_box.open()
            return
        # The dialog dies with its parent window (isValid is False then): open a new one.
        if self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.add_error(summary, details)
            self.dialog.raise_()
            return
        self.dialog = CrashDialog(summary, details, self._log_path(), parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()


def install_crash_handler(parent: QObject | None = None) -> CrashHandler:
    """Route unhandled exceptions (GUI thread and other threads) to a dialog; call once,
    after the QApplication exists and logging is configured."""
    handler = CrashHandler(parent)
    handler.install()
    return handler
