"""The person closes the window while a form's read still runs (Ctrl+N's Receive form
loading on a file another program holds): the program ends as it should. It aborted
instead ("QThread: Destroyed while thread is still running", a core dump): the form's
worker, left to the application when its window went, was destroyed running as the
process ended; ``python -m ui.gui.screenshots`` died the same way after its fifth
picture ("Signal source has been deleted"). The application now waits, as it quits, for
the reads still running.

``run_gui`` as ``assetdesk`` runs it, in a process of its own (an abort fails this test
instead of killing the test worker); the file is held there as ``assetdesk import``
holds it (a rollback journal, the write lock) from the moment the window shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui.gui.conftest import Register

_PROGRAM = """
import argparse, gc, json, sqlite3, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.settings import CURRENT_USER, Settings
from desktop.storage import database as database_module
from ui.gui.app import create_application, run_gui
from ui.gui.main_window import MainWindow

database_module.SQLITE_BUSY_TIMEOUT_MS = 2000
path = sys.argv[1]
Settings().set(CURRENT_USER, "tech")
seen = {"loading": None}
held = []

def hold():  # the other program: the write lock (until this process ends)
    writer = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        if writer.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete":
            writer.execute("BEGIN EXCLUSIVE")
            held.append(writer)
            return True
    except sqlite3.OperationalError:
        pass
    writer.close()  # a read of the window's still has the file open: on the next turn
    return False

def step():
    for widget in QApplication.topLevelWidgets():
        ready = isinstance(widget, MainWindow) and widget.model.matching_assets is not None
        if ready and not widget._workers:  # its first reads done
            widget.database.dispose()  # its idle connections closed, as for a new window
            gc.collect()  # (and those of pools disposed before: see hold_the_file)
            if not hold():
                return
            poll.stop()
            QTest.keyClick(widget.view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
            form = widget.open_dialogs[-1]
            seen["loading"] = form.is_busy()
            widget.close()  # the person closes the window: the program ends
            return

app = create_application()
poll = QTimer()
poll.timeout.connect(step)
poll.start(50)
code = run_gui(argparse.Namespace(database="sqlite:///" + path, debug=False))
print(json.dumps({"code": code, **seen}), flush=True)
"""


def test_closing_the_window_while_a_form_loads_on_a_busy_file_ends_the_program_cleanly(
    register: Register, tmp_path: Path
) -> None:
    path = register.db.sqlite_path
    assert path is not None
    register.db.dispose()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ASSETDESK_SETTINGS": str(tmp_path / "settings.ini"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "Destroyed while thread" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["loading"] is True, "the form's read had ended before the window closed"
    assert seen["code"] == 0
