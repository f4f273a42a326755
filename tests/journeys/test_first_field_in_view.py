"""The field a procedure form opens in is in view. Ctrl+E on a scanned demo laptop (all
its fields filled) put the keyboard focus in "Type of change", below the fold of the
form's scroll area: the first keys a person typed went into a field they could not see,
and nothing on screen showed where the focus was (newuser8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.journeys.conftest import scan_in_register
from tests.journeys.hid_scanner import HidScanner
from tests.journeys.test_shortcuts_in_fields import opened_form, press
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow


@pytest.mark.parametrize(
    ("kind", "screen"),
    [
        (ProcedureKind.CHANGE, "small"),
        (ProcedureKind.DECOMMISSION, "small"),
        (ProcedureKind.CHANGE, "1280x800"),  # Decommission fits there: nothing scrolls
    ],
)
def test_the_form_opens_with_its_focused_field_in_view(
    qtbot: QtBot,
    tmp_path: Path,
    scanner: HidScanner,
    kind: ProcedureKind,
    screen: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if screen == "1280x800":  # the form opens as wide and high as such a screen allows
        monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(0, 0, 1280, 800))
    path = tmp_path / "demo.sqlite3"
    made = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database", str(path), "demo", "--assets", "60"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    database = Database(f"sqlite:///{path}")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "pnatarajan")  # a demo technician
    window = MainWindow(database, settings, layout_state=LayoutState(tmp_path / "layout.ini"))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=10_000)
    box = window.view.scan_field
    scan_in_register(qtbot, window, scanner, "LAP-000001")  # in service, every field filled in
    action = window.procedure_actions[kind]
    assert action.isEnabled(), action.toolTip()
    before = len(window.open_dialogs)
    press(qtbot, box, action.shortcut().toString())
    dialog = opened_form(qtbot, window, before)
    assert dialog.view is not None
    viewport = dialog.scroll_area.viewport()
    assert dialog.view.height() > viewport.height()  # the form scrolls
    focused = QApplication.focusWidget()
    assert focused is not None and dialog.isAncestorOf(focused)
    where = QRect(focused.mapTo(viewport, QPoint(0, 0)), focused.size())
    assert viewport.rect().contains(where), (
        f"the focus is in {type(focused).__name__} at {where}, outside the visible "
        f"{viewport.rect()}"
    )
    if screen == "small":
        dialog.close()
        window.close()
        database.dispose()
        return
    # The column beside the fields opens showing its top: the risk panel's Impact and
    # Likelihood whole (the form scrolled to the focused field took them out of sight at
    # 1280 × 800), and a Tab into them keeps them whole.
    assert dialog.view.two_columns, dialog.width()
    risk = dialog.view.risk

    def whole(widget: QWidget) -> bool:
        return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))

    qtbot.waitUntil(lambda: whole(risk), timeout=2000)  # the layout follows the scroll
    for widget in (risk.impact.widget, risk.likelihood.widget):
        assert whole(widget), QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    assert viewport.rect().contains(where)  # and the focused field stays in sight
    for _ in range(12):  # Tab on from the focused field to Impact, as a person does
        if risk.impact.widget.isAncestorOf(focused) or focused is risk.impact.widget:
            break
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None
    assert risk.impact.widget.isAncestorOf(focused) or focused is risk.impact.widget
    qtbot.keyClick(focused, Qt.Key.Key_Down)  # an impact chosen
    qtbot.wait(50)
    assert whole(risk.impact.widget) and whole(risk.likelihood.widget)
    dialog.close()
    window.close()
    database.dispose()
