"""Every page of the reference data window answers its Alt+letter shortcuts once: a letter
two visible controls share only moves the focus between them (a new user pressed Alt+S on
the Locations page to save, and "New site" took the focus instead; nothing was saved).

The offscreen platform the tests run on turns mnemonics off (an Alt+letter sent with QTest
reaches no button), so the letters themselves are checked; Alt+S saving on the Locations
page was seen in a real window under Xvfb (newuser2's note)."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import PAGES, ReferenceDataDialog

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
        text = widget.text().replace("&&", "")
        match = _MNEMONIC.search(text)
        if match:
            found.setdefault(match.group(1).lower(), []).append(text)
    return found


def test_no_two_controls_of_a_page_share_an_alt_letter(
    qtbot: QtBot, dialog: ReferenceDataDialog
) -> None:
    shared = {}
    for key, title in PAGES:
        dialog.show_page(key)
        settle(qtbot, dialog)
        twice = {k: v for k, v in mnemonics(dialog).items() if len(v) > 1}
        if twice:
            shared[title] = twice
    assert shared == {}
