"""What a new user reads in the import wizard on Ralph's one-row export (the corpus
sample ``management_ip_existing.csv``): one row and one asset in the singular, the
refused row without a tag, the status word's choice whole, the new tag named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox

from desktop.services import reference
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World, seed_world
from tests.ui.keys import press_key, the_open_list, type_keys
from tests.ui.spreadsheets.test_import_texts_cli import RALPH, new_tag
from tests.ui.spreadsheets.test_import_wizard import click_next
from tests.ui.spreadsheets.test_import_wizard_text_file import open_wizard
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard
from ui.gui.spreadsheets.preview_model import PROBLEMS


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def to_mapping(qtbot: QtBot, world: World, tmp_path: Path, source: Path = RALPH) -> ImportWizard:
    """The wizard on a copy of ``source`` (Ralph's one-row export), at its mapping page."""
    wizard = open_wizard(qtbot, world, Path(shutil.copy(source, tmp_path / source.name)))
    wizard.resize(1100, 760)
    click_next(qtbot, wizard, SHEET)
    click_next(qtbot, wizard, MAPPING)
    return wizard


def status_combo(wizard: ImportWizard) -> QComboBox:
    words = wizard.mapping_page.status_words
    word = words.item(0, 0)
    assert word is not None and word.text() == "2"
    combo = words.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    return combo


def test_one_row_refused_then_received_in_the_singular(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    wizard = to_mapping(qtbot, world, tmp_path)
    # Ralph's data-center code 2 comes chosen as Ralph names it, "in use".
    assert status_combo(wizard).currentData() == "in_service"
    click_next(qtbot, wizard, PREVIEW)
    summary = wizard.preview_page.summary.text()
    assert f"<b>{RALPH.name}</b>: 1 row — 0 create" in summary
    below = wizard.preview_page.values.toPlainText()
    assert below.startswith(
        "row 2: refused: Assigned to: an asset in service needs Assigned to or Owning group "
        "(a column, or Owning group under 'Value for all rows' for every new row)"
    ), below
    # The Problems cell says "1 problem, 1 warning" (it said "2 problems" of a refusal and
    # a warning); the warning is said under the refusal too (a refused row has no value
    # preview that would say it).
    cell = wizard.preview_page.model.index(0, PROBLEMS).data()
    assert cell.startswith("1 problem, 1 warning: Assigned to: an asset in service"), cell
    refusal = below.split("\n")[:2]
    assert refusal[1].startswith("    warning: the model '[Storage] EMC' is read as"), below
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(wizard.mapping_page.defaults["owning_group"], "Service desk")
    click_next(qtbot, wizard, PREVIEW)
    assert "1 row — 1 create" in wizard.preview_page.summary.text()
    click_next(qtbot, wizard, RESULT)
    summary = wizard.result_page.summary.text()
    tag = new_tag(world.db)
    assert summary.startswith(f"1 asset received ({tag}), 0 changed, 0 unchanged; 2 proc"), summary
    assert wizard.result_page.print_labels.text() == "&Print the new asset's label"


def test_the_status_words_choice_is_shown_whole(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    """It was cut to "— not a stat" (the column kept its default width)."""
    wizard = to_mapping(qtbot, world, tmp_path)
    combo, words = status_combo(wizard), wizard.mapping_page.status_words
    combo.setCurrentIndex(0)  # the longest choice
    assert combo.currentText() == "— not a status: refuse the row —"
    qtbot.waitUntil(lambda: combo.width() >= combo.sizeHint().width())
    right = words.columnViewportPosition(1) + words.columnWidth(1)
    assert right <= words.viewport().width()  # no part of it behind the table's edge


def test_management_ip_is_the_field_where_the_category_has_it_else_a_note(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """Ralph's management_ip is offered as the switches' "Management IP address"; on its
    own server row, of a new category without that field, it is kept in the notes (the
    row was refused: "'ip_address' is not a custom field of this category")."""
    with world.db.write() as session:
        reference.create_category(
            session,
            name="Switch",
            tag_prefix="SWI",
            custom_fields=[{"key": "ip_address", "label": "Management IP address", "type": "text"}],
        )
    wizard = to_mapping(qtbot, world, tmp_path)
    table = wizard.mapping_page.table
    headers = [item.text() if (item := table.item(r, 0)) else "" for r in range(table.rowCount())]
    row = headers.index("management_ip")
    combo = table.cellWidget(row, 2)
    assert isinstance(combo, QComboBox) and combo.currentText() == "Management IP address"
    status_combo(wizard).setCurrentIndex(status_combo(wizard).findData("in_service"))
    qtbot.keyClicks(wizard.mapping_page.defaults["location"], "Room A1")
    qtbot.keyClicks(wizard.mapping_page.defaults["owning_group"], "Service desk")
    click_next(qtbot, wizard, PREVIEW)
    assert "1 row — 1 create" in wizard.preview_page.summary.text()
    added = next(
        line
        for line in wizard.preview_page.references.text().splitlines()
        if line.startswith("Added to the notes: ")
    )
    assert ", management_ip (1 row), " in added  # though mapped, its cell went there
    click_next(qtbot, wizard, RESULT)
    with world.db.read() as session:
        found = select(Asset).where(Asset.serial_number == "M000000015L")
        asset = session.execute(found).scalar_one()
        assert not asset.custom_fields
        assert "management_ip: 10.0.0.103" in (asset.notes or "").splitlines()


def test_the_dry_run_says_what_ralphs_status_codes_became(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """The command line's dry run says how Ralph's numeric codes were read; the wizard's
    said nothing (its status words carry the codes, chosen as Ralph names them, and a code
    with a word of the user's was not Ralph's reading any more). A code read as Ralph does
    is said; one the person reads otherwise is theirs, and the note no longer claims it.
    The note names no command-line flag to a person in the window (it said --status-map)."""
    wizard = to_mapping(qtbot, world, tmp_path)
    click_next(qtbot, wizard, PREVIEW)
    said = wizard.preview_page.references.text().splitlines()
    assert (
        "Status: Ralph's data-center asset codes read as Ralph names them: 2 'in use' → "
        "In service (a status word of your own for a code reads it otherwise)"
    ) in said
    assert "--" not in wizard.preview_page.references.text()
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    combo = status_combo(wizard)
    combo.setFocus()
    assert combo.currentData() == "in_service"
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # on the closed list: the status above, In stock
    assert combo.currentData() == "in_stock"
    click_next(qtbot, wizard, PREVIEW)
    assert "Ralph's" not in wizard.preview_page.references.text()


def test_the_values_for_all_rows_complete_from_the_register(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """A new user typed "Infra" as the owning group and was offered nothing: the group is
    "Infrastructure". The fields offer the register's names as they are typed, on any part
    of a name, as the procedure form's pick lists do; a location by its whole path."""
    wizard = to_mapping(qtbot, world, tmp_path)
    defaults = wizard.mapping_page.defaults
    for target, typed, offered in (
        ("owning_group", "infra", ["Infrastructure"]),
        ("location", "room a2", ["Head office › Building A › Room A2"]),
    ):
        edit = defaults[target]
        edit.setFocus()
        qtbot.keyClicks(edit, typed)
        completer = edit.completer()
        assert completer is not None
        popup = completer.popup()
        assert popup is not None
        qtbot.waitUntil(popup.isVisible)
        model = completer.completionModel()
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == offered
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert edit.text() == offered[0]
    click_next(qtbot, wizard, PREVIEW)
    assert "1 row — 1 create" in wizard.preview_page.summary.text()
    click_next(qtbot, wizard, RESULT)
    with world.db.read() as session:
        asset = session.execute(select(Asset).where(Asset.serial_number == "M000000015L"))
        # The group as chosen (the location: the file's rack, which a default does not override)
        assert asset.scalar_one().owning_group_id == world.infrastructure


def test_the_values_for_all_rows_take_suggestions_as_every_pick_list_does(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """The keys of every pick list: "room" offers several locations, the list opens with
    the first highlighted and Enter (sent to the list, which has the keyboard) takes it
    (it took nothing: "room" stayed, a location to create); Escape keeps the text as
    typed; "infra" + Tab takes the only suggestion, Infrastructure (Tab left "infra")."""
    wizard = to_mapping(qtbot, world, tmp_path)
    wizard.activateWindow()
    defaults = wizard.mapping_page.defaults
    location = defaults["location"]
    location.setFocus()
    qtbot.waitUntil(location.hasFocus, timeout=5000)
    type_keys(qtbot, "room")
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    assert popup.model().rowCount() >= 2
    press_key(qtbot, Qt.Key.Key_Escape)
    assert location.text() == "room"
    type_keys(qtbot, " a")
    popup = the_open_list(qtbot)
    assert isinstance(popup, QAbstractItemView)
    assert popup.model().rowCount() >= 2
    highlighted = str(popup.currentIndex().data())
    assert highlighted.startswith("Head office › Building A › Room A")
    press_key(qtbot, Qt.Key.Key_Return)
    assert location.text() == highlighted
    qtbot.wait(50)
    assert wizard.pages.currentIndex() == MAPPING and wizard.worker is None  # not Dry run
    group = defaults["owning_group"]
    wizard.activateWindow()  # offscreen leaves the closed list the active window
    group.setFocus()
    qtbot.waitUntil(group.hasFocus, timeout=5000)
    type_keys(qtbot, "infra")
    the_open_list(qtbot)
    press_key(qtbot, Qt.Key.Key_Tab)
    assert group.text() == "Infrastructure"
