"""Label jobs never fail as a whole, and say what they did: in the print dialog and on the
command line (run as a subprocess on a real database file, its PDF decoded)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.labels.geometry import PageLayout
from desktop.labels.store import save_user_template
from desktop.settings import LABEL_TEMPLATE, Settings
from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.labels.retired import decoded_pdf, decommission
from ui.gui.labels.print_dialog import LabelPrintDialog

TAGS = [f"LAP-{n:06d}" for n in range(1, 13)]
LONGEST = "SRV-" + "0123456789" * 6  # 64 characters: the longest tag the register takes
#: Labels too small for the QR code of LONGEST (but not for that of LAP-000001).
TINY = {
    "name": "Tiny tags",
    "kind": "sheet",
    "unit": "mm",
    "page_width": 210,
    "page_height": 297,
    "label_width": 24,
    "label_height": 10,
    "columns": 6,
    "rows": 20,
    "left": 10,
    "top": 10,
    "pitch_x": 30,
    "pitch_y": 13,
    "dpi": 300,
    "padding": 0.5,
}


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for n, tag in enumerate(TAGS):
        world.receive(
            tag=tag, name=f"ThinkPad T14 #{n}", values={"serial_number": f"PF{n:06d}-X1-2026"}
        )
    return world


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(LABEL_TEMPLATE, "Avery L7160")
    return settings


def _dialog(qtbot: QtBot, world: World, settings: Settings, tags: list[str]) -> LabelPrintDialog:
    dialog = LabelPrintDialog(world.db, tags, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def _focused(dialog: QWidget) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None and dialog.isAncestorOf(widget)
    return widget


def _choose(dialog: LabelPrintDialog, template: str) -> None:
    dialog.template_box.setCurrentIndex(dialog.template_box.findData(template))
    dialog.refresh()


# -- the dialog ----------------------------------------------------------------------------


def test_the_dialog_warns_about_labels_for_decommissioned_assets(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    decommission(world, "LAP-000002")
    dialog = _dialog(qtbot, world, settings, TAGS[:3])
    assert dialog.retired_label.isVisible()
    assert "1 of these assets is no longer in use: LAP-000002 (decommissioned)" in (
        dialog.retired_label.text()
    )
    assert "Its label is printed too; leave it out" in dialog.retired_label.text()
    quiet = _dialog(qtbot, world, settings, [TAGS[0], TAGS[2]])
    assert not quiet.retired_label.isVisible()
    # One label for one disposed asset: said of that asset (a new user read "1 of these
    # asset is no longer in use … Their labels are printed too").
    single = _dialog(qtbot, world, settings, ["LAP-000002"])
    assert single.retired_label.text() == (
        "This asset is no longer in use: LAP-000002 (decommissioned). "
        "Its label is printed too; leave it out if you did not mean it."
    )


def test_the_preview_zooms_to_the_actual_size_of_the_screen(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    dialog = _dialog(qtbot, world, settings, TAGS)
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    scrollbar = dialog.preview_area.horizontalScrollBar()
    assert dialog.zoom_box.currentText() == "Fit page"
    assert scrollbar.maximum() == 0 and dialog.preview.scale() * page.width <= dialog.width()
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)  # Ctrl++
    assert dialog.zoom_box.currentText() == "Actual size"
    screen = dialog.preview.screen()
    per_mm = screen.physicalDotsPerInch() / 25.4
    assert dialog.preview.scale() == pytest.approx(per_mm)
    qtbot.waitUntil(lambda: scrollbar.maximum() > 0)  # an A4 sheet: wider than the preview
    assert dialog.preview.width() >= round(page.width * per_mm)
    # The label outlines on screen are the label's size at the screen's resolution.
    first = page.labels[0].cell
    assert first.width * dialog.preview.scale() == pytest.approx(first.width * per_mm)
    dialog.zoom_box.setCurrentIndex(dialog.zoom_box.findText("4 × actual size"))
    assert dialog.preview.scale() == pytest.approx(4 * per_mm)
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.zoom_box.currentText() == "Fit page"
    qtbot.waitUntil(lambda: scrollbar.maximum() == 0)


def test_a_pdf_from_the_dialog_carries_tags_too_long_for_the_bars_as_qr_codes(
    qtbot: QtBot,
    world: World,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.receive(tag=LONGEST, name="Rack server")
    output = tmp_path / "labels.pdf"
    monkeypatch.setattr("ui.gui.file_dialogs.get_save_file_name", lambda *a, **k: (str(output), ""))
    dialog = _dialog(qtbot, world, settings, [*TAGS[:3], LONGEST])
    _choose(dialog, "Avery L7651")
    assert f"1 label '{LONGEST}': printed as a QR code: as Code 128 it needs" in (
        dialog.note_label.text()
    )
    assert dialog.pdf_button.isEnabled()
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert dialog.status_label.text().startswith(f"Saved labels.pdf in {tmp_path}. 1 label")
    assert decoded_pdf(output, tmp_path) == Counter([*TAGS[:3], LONGEST])


def test_the_dialog_leaves_out_a_label_that_fits_nothing_and_prints_the_others(
    qtbot: QtBot,
    world: World,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.receive(tag=LONGEST, name="Rack server")
    save_user_template(world.db, TINY)
    output = tmp_path / "tiny.pdf"
    monkeypatch.setattr("ui.gui.file_dialogs.get_save_file_name", lambda *a, **k: (str(output), ""))
    dialog = _dialog(qtbot, world, settings, [TAGS[0], LONGEST, TAGS[1]])
    _choose(dialog, "Tiny tags")
    note = dialog.note_label.text()
    assert f"1 label left out, the others print: '{LONGEST}'" in note
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    assert [label.item.value for label in page.labels] == TAGS[:2]
    assert dialog.pdf_button.isEnabled()
    qtbot.keyClick(_focused(dialog), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert "1 label left out" in dialog.status_label.text()
    assert decoded_pdf(output, tmp_path) == Counter(TAGS[:2])


# -- the command line ----------------------------------------------------------------------


def _assetdesk(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    url = world.db.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--database", url, "labels", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_qr_on_avery_l7651_prints_every_tag_and_warns_about_a_decommissioned_one(
    world: World, tmp_path: Path
) -> None:
    decommission(world, "LAP-000002")
    output = tmp_path / "l7651.pdf"
    tags = ",".join(TAGS[:5])
    done = _assetdesk(world, "--template", "Avery L7651", "--qr", "--tags", tags, "-o", str(output))
    assert done.returncode == 0, done.stderr
    assert "5 labels on 1 page of Avery L7651" in done.stdout
    assert (
        "warning: 1 of these assets is no longer in use: LAP-000002 (decommissioned)" in done.stderr
    )
    assert "QR code only: no room for Code 128 beside it." in done.stderr
    assert "Traceback" not in done.stderr
    assert decoded_pdf(output, tmp_path) == Counter(TAGS[:5])


def test_a_tag_that_fits_nothing_is_left_out_and_the_others_print(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag=LONGEST, name="Rack server")
    source = tmp_path / "tiny.json"
    source.write_text(json.dumps(TINY), encoding="utf-8")
    assert _assetdesk(world, "--save-template", str(source)).returncode == 0
    output = tmp_path / "tiny.pdf"
    tags = ",".join([TAGS[0], LONGEST, TAGS[1]])
    done = _assetdesk(world, "--template", "Tiny tags", "--tags", tags, "-o", str(output))
    assert done.returncode == 0, done.stderr
    assert "2 labels on 1 page of Tiny tags" in done.stdout
    assert f"warning: 1 label left out, the others print: '{LONGEST}'" in done.stderr
    assert "warning: 2 labels 'LAP-000001', 'LAP-000002': printed as a QR code" in done.stderr
    assert decoded_pdf(output, tmp_path) == Counter(TAGS[:2])
    # Nothing at all to print is an error, and no file is written.
    nothing = tmp_path / "nothing.pdf"
    done = _assetdesk(world, "--template", "Tiny tags", "--tags", LONGEST, "-o", str(nothing))
    assert done.returncode == 2
    assert "no label can be printed on Tiny tags" in done.stderr and not nothing.exists()


def test_the_command_line_warns_when_the_template_drops_fields(
    world: World, tmp_path: Path
) -> None:
    output = tmp_path / "small.pdf"
    done = _assetdesk(
        world, "--template", "Avery 5267", "--tags", ",".join(TAGS[:3]),
        "--fields", "name,serial_number,location", "-o", str(output),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The labels that print without some lines are named (on a mixed sheet, not all are).
    named = ", ".join(f"'{t}'" for t in TAGS[:3])
    assert (
        f"warning: 3 labels {named}: no room on this template for some field lines; they "
        "print without them." in done.stderr
    ), done.stderr
    assert decoded_pdf(output, tmp_path) == Counter(TAGS[:3])
