"""Reference data: locations, categories, manufacturers and models, suppliers, people,
groups, and on a shared server the users' logins — one window with a page for each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.storage.database import Database
from ui.gui.reference.category_page import CategoriesPage
from ui.gui.reference.group_page import GroupsPage
from ui.gui.reference.jobs import DialogJobs
from ui.gui.reference.location_page import LocationsPage
from ui.gui.reference.record_page import RecordPage
from ui.gui.reference.simple_pages import ManufacturersPage, ModelsPage, PeoplePage, SuppliersPage
from ui.gui.reference.templates_page import TemplatesPage
from ui.gui.reference.users_page import UsersPage

#: Page keys (for ``page=``) and their titles, in the order the list shows them.
PAGES = (
    ("locations", "Locations"),
    ("categories", "Categories"),
    ("manufacturers", "Manufacturers and models"),
    ("suppliers", "Suppliers"),
    ("people", "People"),
    ("groups", "Groups"),
    ("users", "Users and logins"),
    ("templates", "Procedure templates"),
)


class ManufacturersAndModels(QWidget):
    """Manufacturers above, their models below; saving one refreshes the other."""

    def __init__(self, database: Database, jobs: DialogJobs) -> None:
        super().__init__()
        self.manufacturers = ManufacturersPage(database, jobs)
        self.models = ModelsPage(database, jobs)
        # Both halves show at once: the models' buttons take letters of their own (Alt+S
        # was the manufacturers' Save and the models' alike, and saved neither).
        for button, text in (
            (self.models.new_button, "New mode&l"),
            (self.models.delete_button, "Dele&te model"),
            (self.models.save_button, "Sa&ve model"),
            (self.models.revert_button, "Revert mod&el"),
        ):
            button.setText(text)
        self.manufacturers.changed.connect(self.models.reload)
        self.models.changed.connect(self.manufacturers.reload)
        self.manufacturers.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.models.filter_edit.setText(
                self.manufacturers.current.name if self.manufacturers.current else ""
            )
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.manufacturers)
        splitter.addWidget(self.models)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def pages(self) -> list[RecordPage]:
        return [self.manufacturers, self.models]


class ReferenceDataDialog(QDialog):
    """Signals:
    changed(): reference data was saved, moved or deleted (the main window refreshes).
    """

    changed = Signal()

    def __init__(
        self,
        database: Database,
        username: str,
        parent: QWidget | None = None,
        page: str = "locations",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reference data — Assetdesk")
        self.resize(1240, 720)
        self.username = username
        self.jobs = DialogJobs(self)
        self.locations = LocationsPage(database, self.jobs)
        self.categories = CategoriesPage(database, self.jobs)
        self.manufacturers_and_models = ManufacturersAndModels(database, self.jobs)
        self.suppliers = SuppliersPage(database, self.jobs)
        self.people = PeoplePage(database, self.jobs)
        self.groups = GroupsPage(database, self.jobs)
        self.people.changed.connect(self.groups.reload)
        self.users = UsersPage(database, self.jobs)
        self.users.changed.connect(self.people.reload)
        # A login added is a person to tick on Groups too (its list stayed as read on
        # opening: newuser27 found the technician just added missing there).
        self.users.changed.connect(self.groups.reload)
        self.templates = TemplatesPage(database, self.jobs)
        self.templates.actor = username
        self._widgets: dict[str, QWidget] = {
            "locations": self.locations,
            "categories": self.categories,
            "manufacturers": self.manufacturers_and_models,
            "suppliers": self.suppliers,
            "people": self.people,
            "groups": self.groups,
            "users": self.users,
            "templates": self.templates,
        }
        self.page_list = QListWidget()
        self.page_list.setFixedWidth(200)
        self.page_list.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.stack = QStackedWidget()
        for key, title in PAGES:
            self.page_list.addItem(title)
            self.stack.addWidget(self._widgets[key])
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        for record_page in self.record_pages():
            record_page.actor = username
            record_page.changed.connect(self.changed)
            record_page.reload()
        self.users.reload()
        self.templates.reload()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        self.read_only_label = QLabel()
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet(
            "QLabel { background: #fdf0dc; border: 1px solid #e0b060; padding: 6px; }"
        )
        self.read_only_label.hide()
        layout.addWidget(self.read_only_label)
        if _is_kit(database):
            self._make_read_only()
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.show_page(page)

    def _make_read_only(self) -> None:
        reason = (
            "Read-only in a field kit: edits here would not be synced. Change reference "
            "data on the server the kit came from, then sync the kit."
        )
        self.read_only_label.setText(
            "This window works in a field kit. Reference data (locations, categories, "
            "manufacturers and models, suppliers, people, groups) and procedure templates "
            "are read-only here: an edit would not be synced and the next refresh would "
            "replace it. Make the change on the server the kit came from, then sync the kit "
            "(Field kit › Sync…)."
        )
        self.read_only_label.show()
        for record_page in self.record_pages():
            record_page.set_read_only(reason)
        self.templates.set_read_only(
            "Read-only in a field kit: procedure templates are the server's and the next "
            "refresh would replace a new version. Set approvals on the server the kit came "
            "from, then sync the kit."
        )

    def record_pages(self) -> list[RecordPage]:
        return [
            self.locations,
            self.categories,
            *self.manufacturers_and_models.pages(),
            self.suppliers,
            self.people,
            self.groups,
        ]

    def show_page(self, page: str) -> None:
        keys = [key for key, _ in PAGES]
        if page not in keys:
            raise ValueError(f"unknown reference data page {page!r} (pages: {', '.join(keys)})")
        self.page_list.setCurrentRow(keys.index(page))

    def is_busy(self) -> bool:
        return self.jobs.busy

    def done(self, result: int) -> None:
        self.hide()
        self.jobs.cancel_then(lambda: QDialog.done(self, result))


def _is_kit(database: Database) -> bool:
    """Whether ``database`` is a field kit (one short query on a local file, cached)."""
    from desktop.storage.kitfile import database_is_kit

    return database_is_kit(database)
