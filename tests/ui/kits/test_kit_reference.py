"""Reference data in a kit is read-only, said where a person looks: the reference window
(reached through the Data menu's action, as a person does) shows it, its edit controls
are disabled with a tooltip saying why and where to make the change; on the server the
same window edits as usual. ``assetdesk import`` in a kit that would create reference
data is refused with one line."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from desktop import kits
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register, show_window
from ui.gui.main_window import MainWindow
from ui.gui.reference.dialog import ReferenceDataDialog

__all__ = ["_register_template", "register"]


@pytest.fixture
def kit(register: Register, tmp_path: Path) -> Path:
    path = tmp_path / "visit.adkit"
    scope = kits.resolve_scope(register.db, locations=["Room A2"])
    kits.checkout(register.db, scope, "tech", path)
    return path


def _window(qtbot: QtBot, database: Database, tmp_path: Path, name: str) -> MainWindow:
    settings = Settings(tmp_path / f"settings-{name}.ini")
    settings.set(CURRENT_USER, "admin")
    return show_window(qtbot, database, settings, tmp_path / f"{name}.ini")


def _open_locations(qtbot: QtBot, window: MainWindow) -> ReferenceDataDialog:
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Locations…")
    trigger(action)
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, ReferenceDataDialog)
    page = dialog.locations
    qtbot.waitUntil(lambda: page.tree_model.rowCount() > 0, timeout=10_000)
    return dialog


def test_the_reference_window_in_a_kit_is_read_only_and_says_why(
    qtbot: QtBot, register: Register, kit: Path, tmp_path: Path
) -> None:
    kit_db = Database(f"sqlite:///{kit}")
    try:
        window = _window(qtbot, kit_db, tmp_path, "kit")
        dialog = _open_locations(qtbot, window)
        assert dialog.read_only_label.isVisible()
        assert "field kit" in dialog.read_only_label.text()
        assert "on the server the kit came from" in dialog.read_only_label.text()
        page = dialog.locations
        page.tree.setFocus()
        qtbot.keyClick(page.tree, Qt.Key.Key_Down)  # a location selected, as by a person
        qtbot.waitUntil(lambda: page.current is not None, timeout=5000)
        for control in (
            page.new_button,
            page.inside_button,
            page.delete_button,
            page.save_button,
            page.name_edit,
        ):
            assert not control.isEnabled()
        assert not page.tree.dragEnabled()  # no move by drag and drop either
        assert "Read-only in a field kit" in page.new_button.toolTip()
        assert "on the server the kit came from" in page.save_button.toolTip()
        for other in dialog.record_pages():
            assert not other.new_button.isEnabled()
            assert "Read-only in a field kit" in other.new_button.toolTip()
        dialog.close()
        window.close()
    finally:
        kit_db.dispose()


def test_the_reference_window_on_the_server_still_edits(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = _window(qtbot, register.db, tmp_path, "server")
    dialog = _open_locations(qtbot, window)
    assert not dialog.read_only_label.isVisible()
    page = dialog.locations
    assert page.new_button.isEnabled()
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.current is not None, timeout=5000)
    assert page.save_button.isEnabled() and page.name_edit.isEnabled()
    assert page.inside_button.isEnabled() and page.tree.dragEnabled()
    dialog.close()
    window.close()


def test_an_import_that_would_create_a_location_in_a_kit_is_one_line(
    kit: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "new.csv"
    sheet.write_text("Asset tag,Name,Category,Location\nLAP-9001,Field laptop,Laptop,Basement\n")
    before = kit.read_bytes()
    done = _assetdesk("--database", kit, "import", sheet, "--as", "admin")
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assetdesk: "), done.stderr
    assert "read-only in a field kit" in lines[0]
    assert "on the server the kit came from" in lines[0]
    assert _assets_named(kit, "Field laptop") == 0
    assert len(before) > 0


def _assets_named(kit: Path, name: str) -> Any:
    import sqlite3

    with sqlite3.connect(kit) as c:
        return c.execute("SELECT count(*) FROM assets WHERE name = ?", (name,)).fetchone()[0]


def _assetdesk(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*map(str, argv))


def test_templates_and_profiles_in_a_kit_are_read_only_where_they_are_edited(
    qtbot: QtBot, register: Register, kit: Path, tmp_path: Path
) -> None:
    """The three editors reached as a person does — the Templates page of the reference
    window, the label print dialog's New/Delete, the import wizard's "save profile" — are
    disabled in a kit and say why; printing and importing themselves still work there."""
    from PySide6.QtWidgets import QApplication

    from ui.gui.spreadsheets.import_wizard import ImportWizard

    kit_db = Database(f"sqlite:///{kit}")
    try:
        window = _window(qtbot, kit_db, tmp_path, "kit")
        dialog = _open_locations(qtbot, window)
        assert "procedure templates" in dialog.read_only_label.text()
        templates = dialog.templates
        for control in (templates.apply_button, templates.kind, templates.approvers):
            assert not control.isEnabled()
        assert "Read-only in a field kit" in templates.apply_button.toolTip()
        dialog.close()

        window.view.table.setFocus()
        qtbot.keyClick(window.view.table, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: bool(window.selected_rows()), timeout=5000)
        trigger(window.features.print_labels_action)  # printing is reading: still there
        qtbot.waitUntil(lambda: bool(_visible("LabelPrintDialog")), timeout=5000)
        labels = _visible("LabelPrintDialog")[0]
        assert not labels.new_template_button.isEnabled()
        assert not labels.delete_template_button.isEnabled()
        assert "Read-only in a field kit" in labels.new_template_button.toolTip()
        assert "on the server the kit came from" in labels.new_template_button.toolTip()
        labels.close()

        trigger(window.import_action)
        qtbot.waitUntil(
            lambda: any(isinstance(d, ImportWizard) for d in window.open_dialogs), timeout=5000
        )
        wizard = next(d for d in window.open_dialogs if isinstance(d, ImportWizard))
        page = wizard.mapping_page
        assert not page.save_profile.isEnabled() and not page.profile_name.isEnabled()
        assert "mapping profiles are the server's" in page.save_profile.toolTip()
        assert page.load_profile.isEnabled()  # the kit's copies of the server's still load
        wizard.close()
        window.close()
        assert QApplication.instance() is not None
    finally:
        kit_db.dispose()


def test_the_command_line_refuses_template_and_profile_edits_in_a_kit(
    kit: Path, tmp_path: Path
) -> None:
    definition = tmp_path / "labels.json"
    definition.write_text(
        '{"name": "Field labels", "kind": "sheet", "unit": "mm", "page_width": 210, '
        '"page_height": 297, "label_width": 40, "label_height": 20, "columns": 4, "rows": 12, '
        '"left": 10, "top": 15, "pitch_x": 48, "pitch_y": 22, "dpi": 600, "padding": 1.5}'
    )
    import sqlite3

    with sqlite3.connect(kit) as c:
        (tag,) = c.execute("SELECT tag FROM assets ORDER BY tag LIMIT 1").fetchone()
    sheet = tmp_path / "names.csv"
    sheet.write_text(f"Asset tag,Name\n{tag},Renamed in the field\n")
    before = _rows(kit)
    for argv, words in (
        (("labels", "--save-template", definition), "read-only in a field kit"),
        (
            ("templates", "set-approval", "decommission", "--approvers", "2", "--as", "admin"),
            "read-only in a field kit",
        ),
        (
            ("import", sheet, "--save-profile", "Names", "--as", "admin"),
            "Nothing was imported; run the import again without --save-profile",
        ),
    ):
        done = _assetdesk("--database", kit, *argv)
        assert done.returncode != 0, done.stdout
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("assetdesk: "), done.stderr
        assert words in lines[0], lines[0]
    assert _rows(kit) == before
    assert _assets_named(kit, "Renamed in the field") == 0
    # Without --save-profile the same import goes through in the kit.
    done = _assetdesk("--database", kit, "import", sheet, "--as", "admin")
    assert done.returncode == 0, done.stderr
    assert _assets_named(kit, "Renamed in the field") == 1


def _rows(kit: Path) -> tuple[int, ...]:
    import sqlite3

    with sqlite3.connect(kit) as c:
        return tuple(
            c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("procedure_templates", "label_templates", "import_profiles")
        )


def _visible(kind: str) -> list[Any]:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if type(w).__name__ == kind and w.isVisible()]
