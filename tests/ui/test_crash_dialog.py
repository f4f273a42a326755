"""The crash handler: a bug opens a dialog with the traceback and the log file, a
DesktopError is a plain message, and the app keeps running."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from desktop import logging_setup
from desktop.errors import NotFoundError
from desktop.logging_setup import configure_logging
from ui.gui.crash_dialog import CrashHandler


@pytest.fixture
def log_path(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers)
    path = configure_logging(directory=tmp_path / "logs")
    assert path is not None
    yield path
    for handler in root.handlers:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    logging_setup._active_log_file = None


@pytest.fixture
def handler(qtbot: QtBot, log_path: Path) -> Iterator[CrashHandler]:
    crash_handler = CrashHandler(log_path=lambda: log_path)
    crash_handler.install()
    yield crash_handler
    crash_handler.uninstall()
    if crash_handler.dialog is not None:
        crash_handler.dialog.close()
    if crash_handler.message_box is not None:
        crash_handler.message_box.close()


def _fail_in_a_service() -> None:
    raise ZeroDivisionError("cost per asset with no assets")


def _raise_through_excepthook() -> None:
    try:
        _fail_in_a_service()
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())


def test_a_bug_opens_the_dialog_with_details_and_log(
    qtbot: QtBot, handler: CrashHandler, log_path: Path
) -> None:
    assert sys.excepthook == handler.excepthook
    _raise_through_excepthook()
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    dialog = handler.dialog
    assert dialog is not None
    details = dialog.details.toPlainText()
    assert "Traceback (most recent call last)" in details
    assert "in _fail_in_a_service" in details
    assert "ZeroDivisionError: cost per asset with no assets" in details
    assert details.startswith("Assetdesk ")
    assert "ZeroDivisionError: cost per asset with no assets" in dialog.heading.text()
    assert "still running" in dialog.heading.text()
    assert str(log_path) in dialog.log_label.text()
    for h in logging.getLogger().handlers:
        h.flush()
    logged = log_path.read_text(encoding="utf-8")
    assert "Unhandled exception" in logged
    assert "in _fail_in_a_service" in logged

    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "ZeroDivisionError: cost per asset with no assets" in copied
    assert f"Log file: {log_path}" in copied


def test_an_exception_on_another_thread_is_shown(qtbot: QtBot, handler: CrashHandler) -> None:
    thread = threading.Thread(target=_fail_in_a_service, name="export-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    assert handler.dialog is not None
    assert "Thread: export-worker" in handler.dialog.details.toPlainText()


def test_a_desktop_error_is_a_plain_message(qtbot: QtBot, handler: CrashHandler) -> None:
    try:
        raise NotFoundError("there is no asset with the tag 'LAP-9'")
    except NotFoundError:
        sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: handler.message_box is not None and handler.message_box.isVisible())
    assert handler.message_box is not None
    assert handler.message_box.text() == "there is no asset with the tag 'LAP-9'"
    assert handler.dialog is None


def test_a_burst_of_errors_fills_one_dialog(qtbot: QtBot, handler: CrashHandler) -> None:
    _raise_through_excepthook()
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    first = handler.dialog
    handler.report(KeyError("second"))
    qtbot.waitUntil(lambda: first is not None and first.error_count == 2)
    assert handler.dialog is first
    assert first is not None
    assert "2 unexpected errors" in first.heading.text()
    assert "KeyError: 'second'" in first.details.toPlainText()


def test_passwords_are_not_shown(qtbot: QtBot, handler: CrashHandler) -> None:
    handler.report(RuntimeError("cannot open postgresql://ann:topsecret@db/assets"))
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    assert handler.dialog is not None
    assert "topsecret" not in handler.dialog.details.toPlainText()
    assert "topsecret" not in handler.dialog.heading.text()
    assert "ann:***@db" in handler.dialog.details.toPlainText()


@pytest.mark.qt_no_exception_capture
def test_the_app_keeps_running_after_an_exception_in_a_slot(
    qtbot: QtBot, handler: CrashHandler
) -> None:
    later: list[str] = []
    QTimer.singleShot(0, _fail_in_a_service)
    QTimer.singleShot(50, lambda: later.append("still running"))
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    qtbot.waitUntil(lambda: later == ["still running"])
    assert handler.dialog is not None
    assert "in _fail_in_a_service" in handler.dialog.details.toPlainText()


def test_uninstall_restores_the_previous_hooks(qtbot: QtBot, log_path: Path) -> None:
    before = (sys.excepthook, threading.excepthook)
    crash_handler = CrashHandler(log_path=lambda: log_path)
    crash_handler.install()
    assert sys.excepthook == crash_handler.excepthook
    crash_handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_a_failing_crash_dialog_does_not_loop(
    qtbot: QtBot, handler: CrashHandler, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_dialog(*args: object) -> None:
        raise RuntimeError("no screen for the dialog")

    monkeypatch.setattr("ui.gui.crash_dialog.CrashDialog", broken_dialog)
    handler.report(ValueError("first"))
    handler.report(ValueError("second"))
    qtbot.wait(50)
    for h in logging.getLogger().handlers:
        h.flush()
    logged = log_path.read_text(encoding="utf-8")
    assert logged.count("The crash dialog failed") == 1
    assert "RuntimeError: no screen for the dialog" in logged
    assert "ValueError: second" in logged  # later errors are still logged
    assert handler.dialog is None


def test_a_new_dialog_opens_when_the_old_one_died_with_its_window(
    qtbot: QtBot, handler: CrashHandler
) -> None:
    window = QWidget()
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert QApplication.activeWindow() is window
    handler.report(ValueError("first"))
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    first = handler.dialog
    window.deleteLater()  # the crash dialog is the window's child: it goes too
    qtbot.waitUntil(lambda: not isValid(first))
    handler.report(ValueError("second"))
    qtbot.waitUntil(lambda: handler.dialog is not first and handler.dialog is not None)
    assert handler.dialog is not None
    assert handler.dialog.isVisible()
    assert "ValueError: second" in handler.dialog.details.toPlainText()
