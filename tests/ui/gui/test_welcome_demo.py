"""The welcome screen promises what "Try it with demo data" makes."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop.demo.catalog import SITES
from desktop.demo.orders import HISTORY_YEARS
from desktop.domain.incidents import OPEN_STATUSES
from desktop.domain.lifecycle import ProcedureState
from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset, Incident, Location, Procedure
from tests.ui.cli.test_demo_seed_cli import canonical
from tests.ui.windows import closed
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import DEMO_ASSETS, MainWindow
from ui.gui.welcome_view import WelcomeView

NUMBERS = {3: "three", 6: "six"}


def test_the_demo_button_makes_what_its_text_says(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(
        sqlite_db, Settings(tmp_path / "s.ini"), layout_state=LayoutState(tmp_path / "l.ini")
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._welcome is not None, timeout=10_000)
    welcome = window._welcome
    assert isinstance(welcome, WelcomeView) and window.view.stack.currentWidget() is welcome
    text = welcome.demo_button.description()
    assert f"{DEMO_ASSETS:,} assets" in text
    assert f"{NUMBERS[len(SITES)]} sites" in text
    assert f"{NUMBERS[int(HISTORY_YEARS)]} years of history" in text

    for button in (welcome.demo_button, welcome.import_button, welcome.connect_button):
        # The whole description shows: no line cut off at the bottom.
        assert button.height() >= button.heightForWidth(button.width())

    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.total_assets == DEMO_ASSETS, timeout=120_000)
    # The register replaces the welcome screen once its first rows are shown.
    qtbot.waitUntil(
        lambda: window.view.stack.currentWidget() is window.view.register_page, timeout=10_000
    )
    with sqlite_db.read() as session:
        count = session.execute(select(func.count()).select_from(Asset)).scalar_one()
        sites = session.execute(
            select(func.count()).select_from(Location).where(Location.kind == "site")
        ).scalar_one()
        pending = session.execute(
            select(func.count())
            .select_from(Procedure)
            .where(Procedure.state == ProcedureState.PENDING_APPROVAL.value)
        ).scalar_one()
        open_incidents = session.execute(
            select(func.count())
            .select_from(Incident)
            .where(Incident.status.in_([s.value for s in OPEN_STATUSES]))
        ).scalar_one()
    assert (count, sites) == (DEMO_ASSETS, len(SITES))
    assert pending > 0 and open_incidents > 0  # "pending approvals and open incidents"

    # It says the seed and day it used, and the command that makes the same data again:
    # run as said, into another database, it makes the same assets.
    notice = window.demo_notice
    assert notice is not None
    qtbot.waitUntil(notice.isVisible)
    day = dt.datetime.now(dt.UTC).date().isoformat()  # the current UTC day, by default
    assert (
        notice.text() == f"Made {DEMO_ASSETS:,} demo assets with seed 1, its history up to {day}."
    )
    intro, command = notice.informativeText().splitlines()
    assert intro == "The same data again, in another database:"
    assert command == f"assetdesk demo --assets {DEMO_ASSETS} --seed 1 --today {day}"
    shown = next(label for label in notice.findChildren(QLabel) if command in label.text())
    assert shown.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    qtbot.mouseClick(notice.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(notice))
    window.close()
    again = tmp_path / "again.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "ASSETDESK_DATABASE"}
    program, *argv = shlex.split(command)
    assert program == "assetdesk"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database", str(again), *argv],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    assert canonical(again)["assets"] == canonical(path)["assets"]
