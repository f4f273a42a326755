"""Starting the window while another program writes the file (a long import from the
command line): the message says it is busy and offers Retry, and Retry (Enter) opens the
window once the file is free. Before, the only button was OK, and OK quit the program
(fix19's finding): the person had to start it again.

``run_gui`` as ``assetdesk`` runs it, in a process of its own (it sets up the application,
its log and its crash handler); the file is held there as ``assetdesk import`` holds it (a
rollback journal, the write lock) and let go when the message is on screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.storage.database import Database

_PROGRAM = """
import argparse, json, sqlite3, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from desktop.storage import database as database_module
from ui.gui.app import create_application, run_gui
from ui.gui.main_window import MainWindow

database_module.SQLITE_BUSY_TIMEOUT_MS = 200  # not 10 s
path = sys.argv[1]
writer = sqlite3.connect(path, timeout=5, isolation_level=None)
assert writer.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
writer.execute("BEGIN EXCLUSIVE")
seen = {"said": [], "buttons": [], "opened": False}

def step():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            seen["said"].append(widget.text())
            seen["buttons"].append(int(widget.standardButtons().value))
            if writer.in_transaction:  # the other program finishes
                writer.execute("ROLLBACK")
            QTest.keyClick(widget, Qt.Key.Key_Return)
            return
        if isinstance(widget, MainWindow) and widget.isVisible():
            seen["opened"] = True
            widget.close()
            return

app = create_application()
poll = QTimer()
poll.timeout.connect(step)
poll.start(50)
code = run_gui(argparse.Namespace(database="sqlite:///" + path, debug=False))
print(json.dumps({"code": code, **seen}), flush=True)
"""


def test_a_busy_file_at_start_offers_retry_and_retry_opens_the_window(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["said"], "no message about the busy file"
    said = seen["said"][0]
    assert "busy" in said.lower() and str(path) in said, said
    assert seen["opened"], f"the window did not open after Enter (run_gui returned {seen['code']})"
    assert seen["code"] == 0
