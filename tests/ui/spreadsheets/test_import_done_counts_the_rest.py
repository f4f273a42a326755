"""The wizard's last page lists what the import created: the first 20, and now how many
more. Seen under Xvfb (newuser24): a Snipe-IT export made 5 categories, a group, 3
locations, 5 manufacturers and 6 models — then its 3 people, which the Done page left
unsaid ("Created: category Desktops, … model Lenovo ThinkPad T480", nothing after), where
the dry run had said "and 15 more"."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.storage.database import Database
from tests.factories import seed_world
from tests.ui.spreadsheets.wizard_keys import next_page
from ui.gui.spreadsheets.import_wizard import MAPPING, PREVIEW, RESULT, SHEET, ImportWizard

HEADER = "Asset Tag,Model,Category,Manufacturer,Status,Location,Username\n"
#: Each row names its own category, model, manufacturer, location and person: 25 new ones.
ROWS = "".join(
    f"T-{n},Model {n},Kind {n},Maker {n},Ready to Deploy,Room {n},user{n}\n" for n in range(5)
)


def test_the_done_page_says_how_many_more_were_created(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    wizard = ImportWizard(seed_world(sqlite_db).db, "admin")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    next_page(qtbot, wizard, SHEET)
    next_page(qtbot, wizard, MAPPING)
    next_page(qtbot, wizard, PREVIEW)
    next_page(qtbot, wizard, RESULT)
    created = next(
        line for line in wizard.result_page.summary.text().splitlines() if "Created:" in line
    )
    assert created.count(", ") == 19, created  # the first 20 named
    assert created.endswith(" and 5 more"), created
