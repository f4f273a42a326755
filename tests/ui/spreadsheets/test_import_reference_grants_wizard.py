"""A technician's import that needs new reference data on a shared server: the dry run says
it will be refused, and the refusal names the wizard's own option, not a command-line flag.

On a local file too (newuser13): its people have roles, and Data › Locations refused Tess
(technician) the locations, categories and groups her import had just created.

A procurement clerk (technician) on MariaDB read "New reference data to create: group
Procurement (new)" in the dry run, pressed Import and only then read "… may not change
reference data … or import with --no-create" — a flag the wizard does not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from PySide6.QtCore import Qt

from desktop.services.users import add_user
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from desktop.storage.models import Asset, Group
from tests.backends import make_database
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import seed_world
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, SHEET, ImportWizard

PASSWORD = "technician-password"


@pytest.fixture(params=["mariadb", "postgresql", "sqlite"])
def as_technician(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[tuple[Database, Database, str, str]]:
    """(the owner's database, the same as a technician's login, that login, their name);
    a local file has no logins: its technician is one of its people."""
    for owner in make_database(request.param, tmp_path, _sqlite_template_dir):
        owner.upgrade()
        seed_world(owner)
        if request.param == "sqlite":
            yield owner, owner, "tech", "Tess Tech"
            continue
        with owner.connect() as connection:
            login = f"{database_name(connection)}_fay"
        add_user(owner, login=login, roles=["technician"], password=PASSWORD, name="Fay Buyer")
        technician = Database(owner.url.set(username=login, password=PASSWORD))
        yield owner, technician, login, "Fay Buyer"
        technician.dispose()


def _press_return(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    current = wizard.pages.currentWidget()
    assert current is not None
    current.setFocus()
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == page and wizard.worker is None, timeout=30_000
    )


def test_the_dry_run_says_the_import_will_be_refused_and_how_to_import_in_the_wizard(
    qtbot: QtBot, as_technician: tuple[Database, Database, str, str], tmp_path: Path
) -> None:
    owner, technician, login, name = as_technician
    path = write_workbook(
        tmp_path / "order.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Owning group"],
            ["LAP-901", "On order", "Laptop", "Room A1", "Procurement"],
        ],
    )
    wizard = ImportWizard(technician, login)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setFocus()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    qtbot.keyClick(wizard.file_page.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == SHEET and wizard.worker is None)
    _press_return(qtbot, wizard, MAPPING)
    _press_return(qtbot, wizard, PREVIEW)

    notes = wizard.preview_page.references.text()
    assert "New reference data to create: group Procurement (new)" in notes
    assert (
        "Import will be refused: the file needs new reference data (group 'Procurement'), "
        f"and {name}" in notes
    ), notes
    assert "untick 'Create missing categories, locations, people…' on the Columns page" in notes
    assert "--no-create" not in notes

    _press_return(qtbot, wizard, PREVIEW)  # Import: refused, the wizard stays on the dry run
    qtbot.waitUntil(lambda: "Nothing was imported" in wizard.message.text(), timeout=30_000)
    message = wizard.message.text()
    assert "untick 'Create missing categories, locations, people…'" in message, message
    assert "--no-create" not in message
    with owner.read() as session:
        assert session.scalar(select(func.count()).select_from(Asset)) == 0
        assert session.scalar(select(Group.id).where(Group.name == "Procurement")) is None
