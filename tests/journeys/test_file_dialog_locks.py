"""A file dialog that lists the open database's folder keeps SQLite's locks on it.

Qt's stock file dialog read every file whose name it did not know to tell its type:
``open()`` and ``close()`` of the register, its -wal and its -shm in the window's process,
and one ``close()`` drops all the process's POSIX locks on the file. SQLite's lock on the
WAL index (the -shm's "dead man switch" byte) was gone, so a ``kit sync`` from a terminal
believed it was alone, reset the WAL under the window, and the window read "database disk
image is malformed". Another process asks the kernel who holds that byte, before and after
Settings › Browse… listed the register's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileSystemModel

from desktop.settings import DATABASE_URL
from tests.journeys.conftest import WindowFactory, trigger
from tests.journeys.windows import shown
from tests.ui.gui.conftest import Register
from ui.gui.file_dialogs import FileDialog
from ui.gui.settings_dialog import SettingsDialog

# SQLite's os_unix.c: the WAL index's dead-man-switch byte; every connection holds a read
# lock on it while it has the -shm mapped, and a writer that can take it alone resets the WAL.
DMS_OFFSET = 128

_HOLDER = r"""
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
ask = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, int(sys.argv[2]), 1, 0)
kind, _, _, _, pid = struct.unpack("hhqqi", fcntl.fcntl(fd, fcntl.F_GETLK, ask))
print(0 if kind == fcntl.F_UNLCK else pid)
"""


def lock_holder(shm: Path) -> int:
    """The process holding a lock on the -shm's DMS byte, asked from another process (0: none)."""
    answer = subprocess.run(
        [sys.executable, "-c", _HOLDER, str(shm), str(DMS_OFFSET)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(answer.stdout)


def test_browsing_the_registers_folder_keeps_sqlites_lock_on_it(
    qtbot: QtBot, journey_window: WindowFactory, register: Register
) -> None:
    window = journey_window("tech")
    qtbot.waitUntil(lambda: window.model.total_assets == register.size, timeout=20_000)
    database = register.db.sqlite_path
    assert database is not None
    shm = database.with_name(database.name + "-shm")
    assert lock_holder(shm) == os.getpid(), "the window holds no lock on the WAL index"
    window.settings.set(DATABASE_URL, f"sqlite:///{database}")  # the register it has open

    trigger(window.settings_action)
    settings = shown(qtbot, SettingsDialog)
    qtbot.waitUntil(lambda: not settings.is_busy(), timeout=20_000)
    assert settings.path_edit.text() == str(database)

    listed: list[str] = []
    held_while_open: list[int] = []

    def look_then_escape(tries: int = 200) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FileDialog) or not dialog.isVisible():
            if tries:
                QTimer.singleShot(50, lambda: look_then_escape(tries - 1))
            return
        try:
            model = dialog.findChild(QFileSystemModel)
            assert model is not None
            folder = model.index(str(database.parent))

            def database_listed() -> bool:
                rows = range(model.rowCount(folder))
                return database.name in [model.fileName(model.index(r, 0, folder)) for r in rows]

            # The -wal and -shm are hidden by the filter (*.sqlite3 …), not left unread.
            qtbot.waitUntil(database_listed, timeout=10_000)
            qtbot.wait(500)  # every row's icon and type asked for, the rows painted
            listed.append(model.type(model.index(str(database))))  # by its name
            held_while_open.append(lock_holder(shm))
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        finally:
            dialog.reject()  # never left open over the test (no-op once Escape closed it)

    QTimer.singleShot(0, look_then_escape)
    qtbot.mouseClick(settings.browse_button, Qt.MouseButton.LeftButton)
    # The click returns when the modal file dialog has closed.
    assert len(listed) == 1, "the file dialog did not list the register's folder"
    assert held_while_open == [os.getpid()], "listing the folder dropped SQLite's lock"
    assert listed == [f"{database.suffix.lstrip('.').upper()} file"]  # told by its name
    assert settings.path_edit.text() == str(database)  # Escape chose nothing
    assert lock_holder(shm) == os.getpid()
