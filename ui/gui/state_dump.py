"""What the window shows, written to a file when it closes — for checks from outside.

Set ``ASSETDESK_STATE_FILE`` to a path and the main window writes, when it closes, a
small JSON file: the selected assets, the asset in the detail panel, the window title,
the text of every text field and the choice of every pick list in the window. A test that drives the real application
with real key events (``xdotool`` under Xvfb) reads it afterwards; nothing here feeds
input or changes behaviour.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLineEdit

from ui.gui.models.asset_table_model import TagRole

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

STATE_FILE_ENV = "ASSETDESK_STATE_FILE"


def write_state_if_asked(window: MainWindow) -> None:
    target = os.environ.get(STATE_FILE_ENV)
    if not target:
        return
    selection = window.view.table.selectionModel().selectedRows()
    shown = window.view.detail.detail
    fields = {
        field.objectName() or field.placeholderText() or f"field {n}": field.text()
        for n, field in enumerate(window.findChildren(QLineEdit))
        if not isinstance(field.parent(), QComboBox)  # a pick list's text is its choice
    }
    choices = {
        combo.objectName() or f"list {n}": combo.currentText()
        for n, combo in enumerate(window.findChildren(QComboBox))
    }
    state = {
        "title": window.windowTitle(),
        "selected": [index.data(TagRole) for index in selection],
        "detail": shown.row.tag if shown is not None else None,
        "search": window.view.filter_bar.search.text(),
        "scan_field": window.view.scan_field.text(),
        "fields": fields,
        "choices": choices,
        "unknown_tag_prompt": (
            window.unknown_tag_prompt.text()
            if window.unknown_tag_prompt is not None and window.unknown_tag_prompt.isVisible()
            else None
        ),
    }
    Path(target).write_text(json.dumps(state, indent=2), encoding="utf-8")
