"""The audits list gives its spare width to the audit's name, not to the last column (Scans
stretched across half the window, a number far from its audit; found by a keyboard user)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services.audits import start_audit
from desktop.storage.database import Database
from tests.factories import seed_world
from ui.gui.audits import AuditWindow
from ui.gui.audits.audit_window import AUDIT_COLUMNS, NAME_COLUMN


def test_the_name_takes_the_spare_width_and_scans_fits_its_numbers(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    window = AuditWindow(world.db, "auditor")
    qtbot.addWidget(window)
    window.resize(1100, 600)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    header = window.table.horizontalHeader()
    titles = [column.title for column in AUDIT_COLUMNS]
    assert titles[NAME_COLUMN] == "Name"
    scans = titles.index("Scans")
    widths = [header.sectionSize(i) for i in range(len(titles))]
    # Scans is as wide as its title or its numbers, no wider.
    fits = max(header.sectionSizeHint(scans), window.table.sizeHintForColumn(scans))
    assert widths[scans] <= fits
    # The name has what is left: the widest column, and the columns fill the table.
    assert widths[NAME_COLUMN] == max(widths)
    assert sum(widths) == window.table.viewport().width()
