"""Field kit › Check out…: choose a scope and a file, and copy that part of the register
into a kit on a worker, with progress and cancel.

The scope is any mix of: locations (each with everything below it), the assets assigned
to some people, the register's current search, and an open audit. Cancel stops the copy:
no file is left behind and the database records no checkout.

Signals:
    checked_out(object): the kit's KitInfo, once the kit is written.
    open_requested(str): the person asked to work in the new kit now (its path).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.kits.model import KitCancelled
from desktop.services.register_rows import AssetFilter
from desktop.storage.database import Database
from desktop.storage.folding import fold
from desktop.wording import plural, with_detail
from ui.gui import file_dialogs
from ui.gui.dialog_work import DialogWork
from ui.gui.worker import Worker

KIT_SUFFIX = ".adkit"


class CheckoutDialog(QDialog):
    checked_out = Signal(object)
    open_requested = Signal(str)

    def __init__(
        self,
        database: Database,
        username: str,
        current_filter: AssetFilter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check out a field kit")
        self.database = database
        self.username = username
        self.current_filter = current_filter or AssetFilter()
        self.summary: Any = None  # the kit's KitInfo once it is written
        self.kit_path: Path | None = None
        #: What the engine says it is doing (set on the worker, read on each progress).
        self.stage: list[str] = [""]
        from desktop.services.audits import list_audits, location_choices
        from desktop.services.reference_queries import list_people

        with database.read() as session:
            locations = location_choices(session)
            people = list_people(session, active_only=True)
            audits = list_audits(session, open_only=True)

        self.location_filter = QLineEdit()
        self.location_filter.setPlaceholderText("Type to find a location by its path or code")
        self.locations = _checkable_list((with_detail(c.label, c.code), c.id) for c in locations)
        self.locations.setObjectName("kit_locations")
        self.location_filter.textChanged.connect(self._filter_locations)
        # Enter there ticks the location it names, never starts the checkout.
        self.location_filter.installEventFilter(self)
        #: Folded location code → its row (a room's label scanned into the filter).
        self._row_by_code = {fold(c.code): row for row, c in enumerate(locations) if c.code}
        self.people = _checkable_list((with_detail(p.name, p.username), p.id) for p in people)
        self.people.setObjectName("kit_people")
        # A search of the register (the one on screen, if any): its matches are in scope.
        self.search = QLineEdit(self.current_filter.search)
        self.search.setObjectName("kit_search")
        self.search.setPlaceholderText("Assets matching this search, as the register's box")
        self.audit = QComboBox()
        self.audit.addItem("(none)", None)
        for summary in audits:
            self.audit.addItem(f"{summary.name} — {summary.scope}", summary.id)

        self.path = QLineEdit(
            str(Path.home() / f"field kit {dt.date.today().isoformat()}{KIT_SUFFIX}")
        )
        self.path.setObjectName("kit_path")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)

        form = QFormLayout()
        locations_box = QVBoxLayout()
        locations_box.addWidget(self.location_filter)
        locations_box.addWidget(self.locations)
        form.addRow(
            _label("&Locations\n(each with everything\nbelow it)", self.location_filter),
            locations_box,
        )
        form.addRow("Assigned &to", self.people)
        form.addRow("&Search", self.search)
        form.addRow("Open &audit", self.audit)
        form.addRow(_label("Kit &file", self.path), path_row)
        self.message = QLabel(
            "The kit holds the assets in scope with their recent history, all reference "
            "data, and the open audits and incidents of the scope. Others see the assets as "
            "checked out by you, but can still work on them."
        )
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.work = DialogWork(self, self.progress)
        self.checkout_button = QPushButton("&Check out")
        self.checkout_button.setDefault(True)
        self.checkout_button.clicked.connect(self.start_checkout)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.open_button = QPushButton("&Open the kit in this window")
        self.open_button.setToolTip(
            "Work in the kit now; File › Settings makes it the database opened at start"
        )
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self._open_kit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 3)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.checkout_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(780, 640)

    # -- the scope -------------------------------------------------------------------

    def chosen_locations(self) -> list[uuid.UUID]:
        return [_data(item) for item in _checked(self.locations)]

    def chosen_people(self) -> list[uuid.UUID]:
        return [_data(item) for item in _checked(self.people)]

    def chosen_audit(self) -> uuid.UUID | None:
        data = self.audit.currentData()
        return data if isinstance(data, uuid.UUID) else None

    def _filter_locations(self, text: str) -> None:
        # Accents and case ignored, as every pick list ("zurich" finds "Zürich office").
        needle = fold(text.strip())
        for row in range(self.locations.count()):
            item = self.locations.item(row)
            item.setHidden(bool(needle) and needle not in fold(item.text()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the location filter (typed, or a room label scanned: a scanner ends
        with Enter) ticks the one location the filter names. It pressed Check out: "B2.06"
        + Enter said "Choose what goes into the kit", and with another location ticked
        already it checked out a kit without the one just typed. Once the kit is written
        Enter there is the dialog's again (Open the kit): it said "Type part of a
        location's path or code" over the message naming the kit's tag blocks."""
        if (
            watched is self.location_filter
            and self.summary is None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._tick_the_named_location()
            return True
        if (
            watched is self.location_filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            # Down goes on to the rows the filter shows, as in a search box with a list
            # under it (it did nothing: the way to the list was Tab): Space ticks one.
            self._go_to_the_list()
            return True
        return super().eventFilter(watched, event)

    def _go_to_the_list(self) -> None:
        shown = [i for i in range(self.locations.count()) if not self.locations.item(i).isHidden()]
        if not shown:
            return
        self.locations.setFocus(Qt.FocusReason.TabFocusReason)
        current = self.locations.currentRow()
        self.locations.setCurrentRow(current if current in shown else shown[0])

    def _tick_the_named_location(self) -> None:
        typed = self.location_filter.text().strip()
        if not typed:
            self._say("Type part of a location's path or code, then Enter ticks it.")
            return
        row = self._row_by_code.get(fold(typed))
        if row is None:
            shown = [
                i for i in range(self.locations.count()) if not self.locations.item(i).isHidden()
            ]
            if len(shown) != 1:
                self._say(
                    f"{plural(len(shown), 'location')} match '{typed}': tick the one you mean "
                    "(Down to the list, Space ticks)."
                    if shown
                    else f"No location matches '{typed}'.",
                    error=not shown,
                )
                return
            row = shown[0]
        item = self.locations.item(row)
        item.setCheckState(Qt.CheckState.Checked)
        self.location_filter.clear()  # ready for the next one; the ticked ones stay ticked
        self.locations.scrollToItem(item)
        chosen = _checked(self.locations)
        self._say(
            f"Ticked {item.text()}. In the kit: {plural(len(chosen), 'location')} "
            "(each with everything below it)."
        )

    def _browse(self) -> None:
        dialog = file_dialogs.FileDialog(
            self, "Save the field kit as", self.path.text(), "Field kit (*.adkit)"
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(KIT_SUFFIX.lstrip("."))
        dialog.fileSelected.connect(self.path.setText)
        dialog.open()

    # -- the work ----------------------------------------------------------------------

    def start_checkout(self) -> None:
        from desktop.kits import Scope, checkout

        scope = Scope(
            location_ids=tuple(self.chosen_locations()),
            assigned_to_ids=tuple(self.chosen_people()),
            search=self.search.text().strip() or None,
            audit_id=self.chosen_audit(),
        )
        if scope.empty:
            self._say(
                "Choose what goes into the kit: a location, a person, a search or an audit.",
                error=True,
            )
            return
        text = self.path.text().strip()
        if not text:
            self._say("Name the kit file.", error=True)
            return
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_suffix(KIT_SUFFIX)
            self.path.setText(str(path))
        self.kit_path = path
        database, username, stage = self.database, self.username, self.stage

        def job(progress: Any, cancel: threading.Event) -> Any:
            def report(done: int, total: int, text: str) -> None:
                stage[0] = text
                progress(done, total)

            return checkout(database, scope, username, path, progress=report, cancel=cancel.is_set)

        self._say("Copying the scope into the kit…")
        self.checkout_button.setEnabled(False)
        self.work.start(
            job,
            succeeded=self._done,
            failed=self._failed,
            finished=self._finished,
            progress=self._progress,
        )

    @property
    def worker(self) -> Worker | None:
        return self.work.worker

    def _progress(self, done: int, total: int) -> None:
        if self.stage[0] and self.work.busy and not self.work.cancelled:
            self._say(f"{self.stage[0]}…")

    def _done(self, summary: Any) -> None:
        self.summary = summary
        self._say(checkout_text(summary, self.kit_path), good=True)
        self.cancel_button.setText("Close")
        self.checkout_button.setVisible(False)
        self.open_button.setVisible(True)
        self.open_button.setDefault(True)
        self.open_button.setFocus()  # Enter opens the kit, wherever the keyboard was
        self.checked_out.emit(summary)

    def _open_kit(self) -> None:
        if self.kit_path is not None:
            self.open_requested.emit(str(self.kit_path))
            self.accept()

    def _failed(self, error: object) -> None:
        if isinstance(error, KitCancelled):
            self._say("Cancelled: no kit file was left and no checkout was recorded.")
            return
        if isinstance(error, DesktopError):
            self._say(error.sentence, error=True)
            return
        raise error if isinstance(error, BaseException) else RuntimeError(error)

    def _finished(self) -> None:
        self.checkout_button.setEnabled(self.summary is None)

    def _say(self, text: str, *, error: bool = False, good: bool = False) -> None:
        self.message.setStyleSheet(
            "color: #a32020;" if error else "color: #1d6b2a;" if good else ""
        )
        self.message.setText(text)

    def reject(self) -> None:
        if self.work.cancel(close=True):
            self._say("Cancelling… no kit file will be left and no checkout recorded.")
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.work.busy:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)


def checkout_text(info: Any, path: Path | None) -> str:
    blocks = ", ".join(f"{b.prefix} {b.first}–{b.last}" for b in info.tag_blocks)
    return (
        f"Checked out {plural(info.asset_count, 'asset')} into {path}: {info.scope_text}. "
        + (f"Tags reserved for new assets received in the kit: {blocks}. " if blocks else "")
        + "Open it to work offline (here, or with File › Settings, or "
        f'assetdesk --database "{path}"); sync it back with Field kit › Sync… on return.'
    )


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _checkable_list(items: Any) -> QListWidget:
    widget = QListWidget()
    for text, data in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list[QListWidgetItem]:
    return [
        widget.item(i)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def _data(item: QListWidgetItem) -> Any:
    return item.data(Qt.ItemDataRole.UserRole)
