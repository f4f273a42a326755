"""Import list… on the Locations and People pages: a list of places (Snipe-IT's or GLPI's
locations export, Ralph's warehouses, a sheet of rooms) into the tree, a list of people
(Snipe-IT's users export, a directory extract) into the register.

The file is planned on a worker, the plan shown (what is new; what the register has
already; or every row that cannot be taken, and nothing is imported), and only an Import
in that question writes — on a worker, in one transaction
(:mod:`desktop.spreadsheets.location_lists`, :mod:`desktop.spreadsheets.people_lists`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QMessageBox, QPushButton

from desktop.spreadsheets.location_lists import import_location_list, plan_location_list
from desktop.spreadsheets.people_lists import import_people_list, plan_people_list
from desktop.storage.database import Database
from ui.gui import file_dialogs
from ui.gui.reference.record_page import RecordPage
from ui.gui.worker import Progress

FILE_FILTER = "Lists (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.ods);;All files (*)"
#: New records listed by name in the question; the rest are counted.
SHOWN = 15


class ListPlan(Protocol):
    where: str
    problems: list[str]
    existing: list[str]

    @property
    def new(self) -> Any: ...

    def summary(self) -> str: ...


@dataclass(frozen=True)
class ListKind:
    """What one page imports: its words, how a file is planned and imported, and how a
    new record is shown in the question."""

    noun: str
    plural: str
    plan: Callable[[Database, Path], ListPlan]
    write: Callable[[Database, Path, str], ListPlan]
    shown: Callable[[Any], str]


LOCATIONS = ListKind(
    "location",
    "locations",
    plan_location_list,
    import_location_list,
    lambda place: f"{' › '.join(place.path)} ({place.kind})",
)
PEOPLE = ListKind(
    "person",
    "people",
    plan_people_list,
    import_people_list,
    lambda person: (
        person.name
        + (
            f" ({', '.join(t for t in (person.username, person.email) if t)})"
            if person.username or person.email
            else ""
        )
        + (f", {person.group}" if person.group else "")
        + ("" if person.active else ", inactive")
    ),
)


class ListImport:
    """One page's Import list…: ask for the file, plan it, ask, import."""

    def __init__(self, page: RecordPage, kind: ListKind) -> None:
        self.page = page
        self.kind = kind
        self.folder = QDir.homePath()
        self.question: QMessageBox | None = None

    def button(self, tooltip: str) -> QPushButton:
        """The page's Import list… button (Alt+L), which starts this."""
        button = QPushButton("Import &list…")
        button.setToolTip(tooltip)
        button.clicked.connect(self.start)
        return button

    def start(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self.page, f"Import a list of {self.kind.plural}", self.folder, FILE_FILTER
        )
        if not path:
            return
        chosen = Path(path)
        self.folder = str(chosen.parent)
        database, plan_file = self.page.database, self.kind.plan
        self.page.show_message(f"Reading {chosen.name}…")

        def plan(_progress: Progress, _cancel: threading.Event) -> ListPlan:
            return plan_file(database, chosen)

        self.page.jobs.start(plan, lambda result: self._ask(chosen, result), self.page._failed)

    def _ask(self, path: Path, plan: ListPlan) -> None:
        if plan.problems:
            self.page.show_message(plan.summary(), error=True)
            return
        if not plan.new:
            self.page.show_message(plan.summary() + ". Nothing to import.", ok=True)
            return
        lines = [self.kind.shown(record) for record in plan.new[:SHOWN]]
        if len(plan.new) > SHOWN:
            lines.append(f"… and {len(plan.new) - SHOWN} more")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Import a list of {self.kind.plural}",
            f"{plan.summary()}.\n\nImport the new {self.kind.plural}?",
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
        database, actor, write_file = self.page.database, self.page.actor, self.kind.write

        def write(_progress: Progress, _cancel: threading.Event) -> ListPlan:
            return write_file(database, path, actor)

        self.page.show_message(f"Importing {path.name}…")
        self.page.jobs.start(write, lambda plan: self._imported(path, plan), self.page._failed)

    def _imported(self, path: Path, plan: ListPlan) -> None:
        self.page.changed.emit()
        self.page.reload()
        made = len(plan.new)
        words = self.kind.noun if made == 1 else self.kind.plural
        there = f"; {len(plan.existing)} were there already" if plan.existing else ""
        text = f"Imported {made} {words} from {path.name}{there}."
        self.page.jobs.when_idle(lambda: self.page.show_message(text, ok=True))
