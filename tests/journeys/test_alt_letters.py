"""An Alt letter shared by two items only moves between them: new-user findings
(newuser6, under Xvfb) where the letter did nothing a person could see. Asset › Install
(Alt+A, I) only highlighted Install, as "Log an &incident…" had the same I; in the audit's
reconciliation Alt+M (Record moves / Mark missing) and Alt+R (Receive unknown tags / Save
report) only moved the focus; on the import's columns page Alt+L was both Load profile and
Blank cells clear stored values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from desktop.domain.lifecycle import ProcedureKind
from tests.journeys.conftest import WindowFactory
from tests.journeys.hid_scanner import HidScanner, scan_selects
from tests.journeys.test_technician_journey import the_form
from tests.journeys.windows import shown
from tests.ui.keys import type_keys
from tests.ui.mnemonics import mnemonics
from ui.gui import file_dialogs
from ui.gui.spreadsheets.import_wizard import MAPPING, SHEET, ImportWizard


def test_alt_a_then_i_opens_install(
    qtbot: QtBot, journey_window: WindowFactory, scanner: HidScanner
) -> None:
    window = journey_window()
    window.view.table.setFocus()
    qtbot.waitUntil(window.view.table.hasFocus)
    scan_selects(qtbot, window, scanner, "LAP-00011")  # in stock
    assert window.procedure_actions[ProcedureKind.INSTALL].isEnabled()
    qtbot.keyClick(window.view.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_I)
    form = the_form(qtbot, window, ProcedureKind.INSTALL)
    assert form.isVisible()


def test_alt_e_ticks_blank_cells_clear_on_the_columns_page(
    qtbot: QtBot, journey_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Blank cells c&lear stored values" shared L with "&Load profile": Alt+L moved the
    focus between them and ticked nothing. It is Alt+E now, each letter of the page once."""
    wizard = _columns_page(qtbot, journey_window, tmp_path, monkeypatch)
    blank_clears = wizard.mapping_page.blank_clears
    assert not blank_clears.isChecked()
    qtbot.keyClick(wizard.mapping_page.table, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(blank_clears.isChecked, timeout=2000)
    assert {k: v for k, v in mnemonics(wizard).items() if len(v) > 1} == {}


def test_alt_g_reaches_owning_group_under_value_for_all_rows(
    qtbot: QtBot, journey_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dry run refused Ralph's row until "Owning group under 'Value for all rows'" was
    given; the keyboard reached that field only through every column's drop-down (46 in
    Ralph's export). Each field there has its Alt letter, each letter of the page once."""
    wizard = _columns_page(qtbot, journey_window, tmp_path, monkeypatch)
    group = wizard.mapping_page.defaults["owning_group"]
    qtbot.keyClick(wizard.mapping_page.table, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(group.hasFocus, timeout=2000)
    type_keys(qtbot, "Service desk")
    assert group.text() == "Service desk"
    qtbot.keyClick(group, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(wizard.mapping_page.defaults["category"].hasFocus, timeout=2000)
    letters = mnemonics(wizard)
    assert {"a", "o", "t", "p", "g", "d"} <= set(letters)
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}


def _columns_page(
    qtbot: QtBot, journey_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ImportWizard:
    """The import wizard opened with Ctrl+Shift+I on a small file, at its columns page,
    active."""
    source = tmp_path / "changes.csv"
    source.write_text("Asset tag,Name\nLAP-00011,Spare laptop\n", encoding="utf-8")
    window = journey_window()
    window.view.table.setFocus()
    qtbot.keyClick(
        window.view.table,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wizard = shown(qtbot, ImportWizard)
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(source), ""))
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    for page in (SHEET, MAPPING):
        qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
        _wait_for_page(qtbot, wizard, page)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def _wait_for_page(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=20_000
    )
