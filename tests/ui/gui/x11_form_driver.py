"""The real application, with one addition for tests/ui/gui/test_keys_while_a_form_shows_x11.py:
the moment a procedure form is shown, a person types (``xdotool type``, real X key events
through XTEST), and once the form is ready the text of the field it opened on is written
to the file named by ``ASSETDESK_FORM_RESULT``. Nothing else is changed: the shortcut
comes from the test as real keys too.

The keys are typed while the form's show event is handled, before its window is mapped:
the X server queues them for the window that has the keyboard (the main window), and the
application reads them once the form is shown, window-modal, and not yet activated by
the window manager — the moment in which Qt dropped them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

import ui.gui.app as app_module
from ui.cli.main import main

TYPED = os.environ.get("ASSETDESK_FORM_TYPED", "Dell")


class _TypeWhenShown(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from ui.gui.procedure_form.dialog import ProcedureDialog

        if (
            not self.done
            and event.type() == QEvent.Type.Show
            and isinstance(watched, ProcedureDialog)
        ):
            self.done = True
            subprocess.run(["xdotool", "type", "--delay", "5", TYPED], check=True, timeout=30)
            watched.ready.connect(lambda: QTimer.singleShot(2500, lambda: _write(watched)))
        return False


def _write(form: QObject) -> None:
    field = form.focusWidget()  # type: ignore[attr-defined]
    if isinstance(field, QLineEdit) and isinstance(field.parentWidget(), QComboBox):
        field = field.parentWidget()
    text = field.currentText() if isinstance(field, QComboBox) else getattr(field, "text", str)()
    Path(os.environ["ASSETDESK_FORM_RESULT"]).write_text(
        json.dumps({"field": type(field).__name__, "text": text}), encoding="utf-8"
    )


_create = app_module.create_application
_typer = _TypeWhenShown()


def _create_application() -> QApplication:
    app = _create()
    app.installEventFilter(_typer)
    return app


app_module.create_application = _create_application

if __name__ == "__main__":
    sys.exit(main())
