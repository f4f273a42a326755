"""Alt+letter shortcuts (mnemonics) of a window's visible controls, by letter: a letter
two visible controls share only moves the focus between them. The offscreen platform the
tests run on turns mnemonics off, so tests check the letters themselves."""

from __future__ import annotations

import re

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """The Alt+letter of each visible button and label in ``window``, by letter."""
    found: dict[str, list[str]] = {}
    widgets: list[QAbstractButton | QLabel] = [
        *window.findChildren(QAbstractButton),
        *window.findChildren(QLabel),
    ]
    for widget in widgets:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and _rich(widget):
            continue  # "&nbsp;" or "&amp;" in rich text is no Alt letter
        text = widget.text().replace("&&", "")
        match = _MNEMONIC.search(text)
        if match:
            found.setdefault(match.group(1).lower(), []).append(text)
    return found


def _rich(label: QLabel) -> bool:
    text_format = label.textFormat()
    if text_format == Qt.TextFormat.RichText:
        return True
    return text_format == Qt.TextFormat.AutoText and Qt.mightBeRichText(label.text())
