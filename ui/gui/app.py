"""Starting the window: the QApplication, the database, the main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QTableWidget, QTableWidgetItem

from desktop.errors import DesktopError
from desktop.services.queries import list_assets
from desktop.settings import DATABASE_URL, Settings
from desktop.storage.database import Database, open_database
from desktop.storage.urls import choose_url


class AssetListWindow(QMainWindow):
    """A first window: the first 500 assets of the register."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.setWindowTitle(f"Assetdesk — {database.description}")
        table = QTableWidget(0, 4, self)
        table.setHorizontalHeaderLabels(["Tag", "Name", "Status", "Location"])
        with database.read() as session:
            rows = list_assets(session, limit=500)
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, value in enumerate((row.tag, row.name, row.status, row.location)):
                table.setItem(i, j, QTableWidgetItem(value))
        self.setCentralWidget(table)
        self.resize(900, 600)


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Assetdesk")
    url = choose_url(args.database, Settings().get(DATABASE_URL))
    try:
        database = open_database(url)
    except DesktopError as exc:
        QMessageBox.critical(None, "Assetdesk", exc.message)
        return 2
    window = AssetListWindow(database)
    window.show()
    return int(app.exec())
