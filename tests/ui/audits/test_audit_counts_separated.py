"""An audit of a site of the 4,000-asset demo: its counts have thousands separators, as the
main window's "4,000 of 4,000 assets" has (they read "2345 expected")."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from PySide6.QtCore import Qt

from desktop.services.audits import start_audit
from desktop.storage.database import open_database
from desktop.storage.models import Location
from ui.cli.main import main
from ui.gui.audits import AuditWindow


def test_an_audit_of_a_big_site_counts_with_separators(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    assert main(["--database", str(path), "demo", "--assets", "4000", "--seed", "4"]) == 0
    database = open_database(f"sqlite:///{path}")
    try:
        with database.read() as session:
            site = session.execute(select(Location.id).where(Location.code == "LON")).scalar_one()
            auditor = session.execute(
                text(
                    "SELECT p.username FROM people p JOIN person_roles pr ON pr.person_id = p.id"
                    " JOIN roles r ON r.id = pr.role_id WHERE r.name = 'auditor'"
                    " ORDER BY p.username LIMIT 1"
                )
            ).scalar_one()
        audit = start_audit(database, scope_location_id=site, started_by=auditor, name="London")
        assert audit.expected >= 1000
        window = AuditWindow(database, auditor)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.model.rowCount() == 1)
        titles = [
            window.model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(window.model.columnCount())
        ]
        expected = window.model.index(0, titles.index("Expected")).data()
        assert expected == f"{audit.expected:,}" and "," in expected
        screen = window.open_scan_screen()
        assert screen is not None
        qtbot.waitUntil(lambda: "expected seen" in screen.total_label.text())
        assert f"0 of {audit.expected:,} expected seen" in screen.total_label.text()
        assert f"{audit.expected:,} still missing" in screen.total_label.text()
        screen.close()
        window.close()
    finally:
        database.dispose()
