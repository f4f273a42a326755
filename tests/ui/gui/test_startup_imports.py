"""Start-up stays light: nothing heavy is imported before the window's first paint.

The window paints the first page of the register from a plain SQL query; the ORM, the
mapped models and every feature's dialogs are imported later (when first used, or on
workers after the paint). Checked in a fresh interpreter, as the application starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.settings import CURRENT_USER, Settings
from tests.ui.gui.conftest import Register
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

#: Modules (and their submodules) that must not be loaded when the window first paints.
HEAVY_MODULES = (
    "sqlalchemy.orm",
    "alembic",
    "desktop.storage.models",
    "desktop.storage.guards",
    "desktop.services.queries",
    "desktop.services.register_pages",
    "ui.gui.procedure_form",
    "ui.gui.reference",
    "ui.gui.labels",
    "ui.gui.spreadsheets",
    "ui.gui.approvals",
    "ui.gui.incidents",
    "ui.gui.audits",
    "ui.gui.settings_dialog",
    "ui.gui.about_dialog",
)

#: As ``assetdesk`` starts the window (ui.gui.app.run_gui), then reports at the first
#: paint of the register's table that shows rows.
_PROGRAM = """
import json, os, sys
from pathlib import Path
from ui.gui.app import create_application, open_for_window
app = create_application()
database = open_for_window("sqlite:///" + sys.argv[1])
from desktop.settings import Settings
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow
folder = Path(sys.argv[2])
window = MainWindow(
    database, Settings(folder / "settings.ini"), layout_state=LayoutState(folder / "layout.ini")
)
table = window.view.table
from PySide6.QtCore import QEvent, QObject
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and table.model().rowCount() > 0:
            shown = table.model().index(0, 0).data()
            print(json.dumps({"first_tag": shown, "modules": sorted(sys.modules)}), flush=True)
            os._exit(0)
        return False
first_paint = FirstPaint()
table.viewport().installEventFilter(first_paint)
window.show()
app.exec()
"""


def test_nothing_heavy_is_imported_before_the_first_paint(
    register: Register, tmp_path: Path
) -> None:
    path = register.db.sqlite_path
    assert path is not None
    register.db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the window never painted rows (exit {done.returncode}):\n{done.stderr}"
    report = json.loads(lines[-1])
    assert report["first_tag"] == "LAP-00001"  # the register's first page was painted
    loaded = [
        name
        for name in report["modules"]
        if any(name == heavy or name.startswith(heavy + ".") for heavy in HEAVY_MODULES)
    ]
    assert loaded == []


def test_pick_lists_and_approvals_badge_arrive_after_the_first_paint(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    register.decommission_waiting_for_approval("LAP-00001")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "approver")
    window = MainWindow(register.db, settings, layout_state=LayoutState(tmp_path / "l.ini"))
    qtbot.addWidget(window)
    categories = window.view.filter_bar.category
    assert categories.count() == 1  # "All categories": nothing is read before the paint
    assert window.features.approvals_action.text() == "&Approvals…"
    window.show()
    qtbot.waitUntil(lambda: categories.count() == 3, timeout=10_000)
    assert [categories.itemText(i) for i in range(3)] == ["All categories", "Laptop", "Monitor"]
    qtbot.waitUntil(
        lambda: window.features.approvals_action.iconText() == "Approvals (1)", timeout=10_000
    )
    window.close()
