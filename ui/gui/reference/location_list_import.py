"""Data › Locations › Import list…: a list of places (Snipe-IT's or GLPI's locations
export, Ralph's warehouses, a sheet of rooms) into the tree.

The file is planned on a worker, the plan shown (what is new, with its kind; what the
register has already; or every row that cannot be placed, and nothing is imported), and
only an Import in that question writes — on a worker, in one transaction
(:mod:`desktop.spreadsheets.location_lists`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QMessageBox

from desktop.spreadsheets.location_lists import (
    LocationListPlan,
    import_location_list,
    plan_location_list,
)
from ui.gui import file_dialogs
from ui.gui.worker import Progress

if TYPE_CHECKING:
    from ui.gui.reference.location_page import LocationsPage

FILE_FILTER = "Lists of places (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.ods);;All files (*)"
#: New places listed by name in the question; the rest are counted.
SHOWN = 15


class LocationListImport:
    """One page's Import list…: ask for the file, plan it, ask, import."""

    def __init__(self, page: LocationsPage) -> None:
        self.page = page
        self.folder = QDir.homePath()
        self.question: QMessageBox | None = None

    def start(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self.page, "Import a list of locations", self.folder, FILE_FILTER
        )
        if not path:
            return
        chosen = Path(path)
        self.folder = str(chosen.parent)
        database = self.page.database
        self.page.show_message(f"Reading {chosen.name}…")

        def plan(_progress: Progress, _cancel: threading.Event) -> LocationListPlan:
            return plan_location_list(database, chosen)

        self.page.jobs.start(plan, lambda result: self._ask(chosen, result), self.page._failed)

    def _ask(self, path: Path, plan: LocationListPlan) -> None:
        if plan.problems:
            self.page.show_message(plan.summary(), error=True)
            return
        if not plan.new:
            self.page.show_message(plan.summary() + ". Nothing to import.", ok=True)
            return
        lines = [f"{' › '.join(p.path)} ({p.kind})" for p in plan.new[:SHOWN]]
        if len(plan.new) > SHOWN:
            lines.append(f"… and {len(plan.new) - SHOWN} more")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import a list of locations",
            f"{plan.summary()}.\n\nImport the new locations?",
            QMessageBox.StandardButton.Cancel,
            self.page,
        )
        box.setInformativeText("\n".join(lines))
        importing = box.addButton("&Import", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(importing)
        box.finished.connect(lambda _result: self._answered(box, importing, path))
        self.question = box
        box.open()

    def _answered(self, box: QMessageBox, importing: Any, path: Path) -> None:
        self.question = None
        box.deleteLater()
        if box.clickedButton() is not importing:
            self.page.show_message("Nothing was imported.")
            return
        database, actor = self.page.database, self.page.actor

        def write(_progress: Progress, _cancel: threading.Event) -> LocationListPlan:
            return import_location_list(database, path, actor)

        self.page.show_message(f"Importing {path.name}…")
        self.page.jobs.start(write, self._imported, self.page._failed)

    def _imported(self, plan: LocationListPlan) -> None:
        self.page.changed.emit()
        self.page.reload()
        made = len(plan.new)
        there = f"; {len(plan.existing)} were there already" if plan.existing else ""
        text = f"Imported {made} location{'s' * (made != 1)} from {Path(plan.where).name}{there}."
        self.page.jobs.when_idle(lambda: self.page.show_message(text, ok=True))
