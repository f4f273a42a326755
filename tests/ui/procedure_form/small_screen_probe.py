"""Run by ``test_small_screen``: opens the main window on a small screen (Qt's offscreen
platform with a configured screen size), presses the Receive shortcut, and prints as JSON
where the procedure form and its buttons ended up.

    python -m tests.ui.procedure_form.small_screen_probe DATABASE.sqlite3 SETTINGS.ini
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QRect, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from ui.gui.layout_state import LayoutState


def _settle(milliseconds: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def _global(widget: QWidget) -> list[int]:
    rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _in_viewport(viewport: QWidget, widget: QWidget) -> list[int]:
    corner = widget.mapTo(viewport, QPoint(0, 0))
    return [corner.x(), corner.y(), widget.width(), widget.height()]


def main(database_path: str, settings_path: str) -> int:
    app = QApplication(["probe"])
    from ui.gui.main_window import MainWindow
    from ui.gui.procedure_form.dialog import ProcedureDialog

    settings = Settings(Path(settings_path))
    settings.set(CURRENT_USER, "tech")
    database = Database(f"sqlite:///{database_path}")
    window = MainWindow(
        database, settings, layout_state=LayoutState(Path(settings_path).with_suffix(".layout"))
    )
    window.showMaximized()
    _settle(800)
    action = window.procedure_actions[ProcedureKind.RECEIVE]
    enabled = action.isEnabled()
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    deadline = time.monotonic() + 20
    dialog = None
    while time.monotonic() < deadline:
        _settle(100)
        found = [d for d in window.open_dialogs if isinstance(d, ProcedureDialog)]
        if found and found[0].is_ready() and not found[0].is_busy():
            dialog = found[0]
            break
    if dialog is None:
        print(json.dumps({"enabled": enabled, "dialog": None}))
        return 1
    _settle(300)
    screen = app.primaryScreen().availableGeometry()
    frame = dialog.frameGeometry()
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    assert dialog.view is not None
    print(
        json.dumps(
            {
                "enabled": enabled,
                "window_min_width": window.minimumSizeHint().width(),
                "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
                "dialog": [frame.x(), frame.y(), frame.width(), frame.height()],
                "ok": _global(dialog.ok_button),
                "cancel": _global(cancel),
                "status": _global(dialog.status_label),
                "status_text": dialog.status_label.text(),
                "horizontal_scrollbar": dialog.scroll_area.horizontalScrollBar().isVisible(),
                "form_min_width": dialog.view.minimumSizeHint().width(),
                "viewport_width": dialog.scroll_area.viewport().width(),
                "viewport_height": dialog.scroll_area.viewport().height(),
                "form_height": dialog.view.sizeHint().height(),
                # The first checklist item in the scroll area's viewport, as it opened.
                "checklist_first": _in_viewport(
                    dialog.scroll_area.viewport(), next(iter(dialog.view.checklist.values()))
                ),
                "checklist_last": _in_viewport(
                    dialog.scroll_area.viewport(), list(dialog.view.checklist.values())[-1]
                ),
            }
        )
    )
    dialog.discard()
    window.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
