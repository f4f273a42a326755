"""After Save PDF the dialog says what it did in a line above its buttons. Seen under Xvfb
with xdotool (nine assets of a Snipe-IT import, Avery L7651, Enter then Enter in the save
dialog): that line — "Saved labels.pdf in /tmp/…. 8 labels 'ACME-00101', … printed as a
QR code: as Code 128 it needs 41.9 mm …" — did not wrap, and the dialog grew to 1717
pixels on a 1280-pixel screen, its Save PDF, Print and Close buttons off the screen."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.settings import LABEL_TEMPLATE, Settings
from desktop.storage.database import Database
from tests.factories import seed_world
from ui.gui.labels.print_dialog import LabelPrintDialog

TAGS = [f"ACME-{n:05d}" for n in range(101, 110)]


def test_the_saved_note_wraps_and_the_buttons_stay_on_the_screen(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: object
) -> None:
    world = seed_world(sqlite_db)
    for n, tag in enumerate(TAGS):
        world.receive(tag=tag, name=f"Lenovo ThinkPad T14 Gen 4 #{n}")
    settings = Settings(tmp_path / "settings.ini")
    settings.set(LABEL_TEMPLATE, "Avery L7651")  # 38.1 mm: too narrow for these as Code 128
    output = tmp_path / "a folder with a rather long name for the labels" / "labels.pdf"
    output.parent.mkdir()
    monkeypatch.setattr(  # type: ignore[attr-defined]
        "ui.gui.file_dialogs.get_save_file_name", lambda *a, **k: (str(output), "")
    )
    dialog = LabelPrintDialog(world.db, TAGS, settings=settings)
    qtbot.addWidget(dialog)
    dialog.resize(990, 660)  # as it opened under Xvfb
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    width = dialog.width()
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save PDF
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    QApplication.processEvents()
    assert dialog.status_label.text().startswith("Saved labels.pdf in ")
    assert "printed as a QR code" in dialog.status_label.text()
    assert output.exists()
    assert dialog.width() == width, "the dialog grew to hold the saved note on one line"
    right = dialog.close_button.mapTo(dialog, dialog.close_button.rect().topRight()).x()
    assert right < dialog.width()
