"""Every page of the reference data window answers its Alt+letter shortcuts once: a letter
two visible controls share only moves the focus between them (a new user pressed Alt+S on
the Locations page to save, and "New site" took the focus instead; nothing was saved).

The offscreen platform the tests run on turns mnemonics off (an Alt+letter sent with QTest
reaches no button), so the letters themselves are checked; Alt+S saving on the Locations
page was seen in a real window under Xvfb (newuser2's note)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.mnemonics import mnemonics
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import PAGES, ReferenceDataDialog


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
