"""A form whose load still runs when it and the window are closed at once (the person
quits while a slow database answers): nothing aborts. Once, an xdist worker died with
"Fatal Python error: Aborted" in the garbage collector — a procedure form's load worker
still running when the window that owned it was deleted: Qt aborts when a running
``QThread`` is destroyed. The worker now leaves an owner that goes while its thread runs.

In a process of its own, so that an abort fails this test instead of killing the test
worker: Ctrl+N opens the Receive form, whose load is slow (a busy database); the form
and the window are closed at once, every Python reference dropped, the garbage collected
and events processed (which deletes the window, as pytest-qt's teardown does)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ui.gui.conftest import Register

_PROGRAM = """
import gc, sys, threading, time
from pathlib import Path
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form import dialog as form_dialog

loading = threading.Event()
real_load = form_dialog.load_form

def slow_load(*args, **kwargs):  # a database that takes its time to answer
    loading.set()
    time.sleep(1.5)
    return real_load(*args, **kwargs)

form_dialog.load_form = slow_load
app = QApplication([])
folder = Path(sys.argv[2])
settings = Settings(folder / "settings.ini")
settings.set(CURRENT_USER, "tech")
window = MainWindow(Database("sqlite:///" + sys.argv[1]), settings,
                    layout_state=LayoutState(folder / "layout.ini"))
window.show()
deadline = time.monotonic() + 20
while window.model.matching_assets is None and time.monotonic() < deadline:
    app.processEvents()
QTest.keyClick(window.view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
form = window.open_dialogs[-1]
assert type(form).__name__ == "ProcedureDialog", form
assert loading.wait(10) and form.is_busy, "the form's load is not running"
form.close()
window.close()
window.deleteLater()  # as a test's teardown does (pytest-qt), as WA_DeleteOnClose would
del form, window
gc.collect()
QTimer.singleShot(3000, app.quit)  # the load ends meanwhile; its answer goes nowhere
app.exec()  # the event loop deletes the window (deleteLater)
gc.collect()
print("closed cleanly", flush=True)
"""


def test_closing_the_window_while_a_form_loads_aborts_nothing(
    register: Register, tmp_path: Path
) -> None:
    path = register.db.sqlite_path
    assert path is not None
    register.db.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-3000:]}"
    assert "closed cleanly" in done.stdout
    assert "Destroyed while thread" not in done.stderr
