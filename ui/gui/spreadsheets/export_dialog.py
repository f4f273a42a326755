"""The export dialog: the register or the current filter to .xlsx or .csv, on a worker,
in the order the register view is sorted, with the columns it shows (or all of them).

Signals:
    exported(object): the :class:`ExportResult` once the file is written.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.services.queries import AssetFilter
from desktop.settings import EXPORT_COLUMNS, EXPORT_FILE, Settings
from desktop.spreadsheets.export import REGISTER_COLUMNS, ExportResult, export_assets
from desktop.storage.database import Database
from ui.gui import file_dialogs
from ui.gui.dialog_work import DialogWork
from ui.gui.models.columns import COLUMNS
from ui.gui.open_folder import OpenFolderButton
from ui.gui.worker import Worker


class ExportDialog(QDialog):
    exported = Signal(object)

    def __init__(
        self,
        database: Database,
        username: str,
        asset_filter: AssetFilter | None = None,
        parent: QWidget | None = None,
        *,
        sort: str = "tag",
        descending: bool = False,
        names: Mapping[uuid.UUID, str] | None = None,
        columns: Sequence[str] | None = None,
        settings: Settings | None = None,
    ) -> None:
        """``columns``: the keys of the columns the register view shows, in its order;
        the export writes them unless the user chooses all columns (without them: all).
        ``settings``: where the column choice of the last export is kept (and offered
        again)."""
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Export assets")
        self.resize(640, 340)
        self.database = database
        self.username = username
        self.asset_filter = asset_filter or AssetFilter()
        self.sort, self.descending = sort, descending
        self._replace_confirmed: Path | None = None  # an existing file the user may replace

        form = QFormLayout()
        shown = self.asset_filter.describe(names)  # "category Laptop": the names on screen
        # Alt+C and Alt+W: the choice reached by keys like the others (newuser26 had to
        # click "The whole register" to export all of a searched view for finance).
        self.current = QRadioButton(f"The &current view ({shown.replace('&', '&&')})")
        self.everything = QRadioButton("The &whole register")
        self.which = QButtonGroup(self)
        self.which.addButton(self.current)
        self.which.addButton(self.everything)
        (self.current if self.asset_filter != AssetFilter() else self.everything).setChecked(True)
        self.current.setEnabled(self.asset_filter != AssetFilter())
        which = QVBoxLayout()
        which.addWidget(self.current)
        which.addWidget(self.everything)
        form.addRow("Assets:", which)
        title = next((c.title for c in COLUMNS if c.key == sort), "Asset tag")
        self.order = QLabel(
            f"As the view is sorted: by {title}{', descending' if descending else ''}"
        )
        form.addRow("Order:", self.order)
        self.shown_columns = [c for c in columns or () if c in REGISTER_COLUMNS]
        self.as_shown = QRadioButton("As the view &shows them (the default)")
        self.as_shown.setObjectName("export_as_shown")
        self.shown_list = QLabel(_shown_text(columns or ()))  # which, under the choice
        self.shown_list.setWordWrap(True)
        self.shown_list.setContentsMargins(22, 0, 0, 0)
        self.all_columns = QRadioButton("&All columns, with the custom fields of every category")
        self.columns_choice = QButtonGroup(self)
        self.columns_choice.addButton(self.as_shown)
        self.columns_choice.addButton(self.all_columns)
        if columns is None:  # not opened from a view: nothing to follow
            self.all_columns.setChecked(True)
            self.as_shown.setEnabled(False)
            self.shown_list.hide()
        elif settings is not None and settings.get(EXPORT_COLUMNS) == "all":
            self.all_columns.setChecked(True)  # as the last export was written
        else:
            self.as_shown.setChecked(True)
        self.as_shown.setToolTip(
            "The columns the register shows, in its order, and the custom fields of the "
            "exported assets' categories. Change them in View › Columns or by right-clicking "
            "the table's header; drag a header to move a column."
        )
        choice = QVBoxLayout()
        choice.addWidget(self.as_shown)
        choice.addWidget(self.shown_list)
        choice.addWidget(self.all_columns)
        form.addRow("Columns:", choice)
        self.path = QLineEdit(str(_offered_path(settings)))
        self.browse = QPushButton("&Browse…")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        file_label = QLabel("&File:")  # Alt+F: the name typed, as in every save box
        file_label.setBuddy(self.path)
        form.addRow(file_label, row)
        hint = QLabel(
            "An .xlsx keeps dates, amounts and drop-down lists. Either file keeps the asset "
            "tag and hidden Key and Version columns (at the end), so that an edited copy "
            "can be imported back as tracked changes. "
            "A .csv is plain text (UTF-8)."
        )
        hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.work = DialogWork(self, self.progress)
        self.export = QPushButton("&Export")
        self.export.setDefault(True)
        self.cancel = QPushButton("Cancel")
        self.open_folder = OpenFolderButton()  # once written: where the file went
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 3)
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder)
        buttons.addWidget(self.export)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.browse.clicked.connect(self._browse)
        self.export.clicked.connect(self._export)
        self.cancel.clicked.connect(self.reject)

    def _browse(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self, "Export assets", self.path.text(), "Workbook (*.xlsx);;CSV (*.csv)"
        )
        if path:
            self.path.setText(path)
            self._replace_confirmed = Path(path)  # the save dialog asked about replacing it

    def _export(self) -> None:
        path = Path(self.path.text().strip())
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
            self.path.setText(str(path))
        if path.exists() and path != self._replace_confirmed:
            # A typed name must not silently overwrite a file (the save dialog asks too).
            self._replace_confirmed = path
            self.message.setStyleSheet("color: #8a5a00;")
            self.message.setText(
                f"{path} exists already. Press Export again to replace it, "
                "or type another file name."
            )
            return
        flt = self.asset_filter if self.current.isChecked() else AssetFilter()
        db, user, sort, descending = self.database, self.username, self.sort, self.descending
        columns = self.shown_columns if self.as_shown.isChecked() else None
        if self.settings is not None and self.as_shown.isEnabled():  # offered next time
            self.settings.set(EXPORT_COLUMNS, "shown" if self.as_shown.isChecked() else "all")

        def job(progress: Any, cancel: threading.Event) -> ExportResult:
            return export_assets(
                db,
                path,
                exported_by=user,
                flt=flt,
                sort=sort,
                descending=descending,
                progress=progress,
                cancel=cancel,
                columns=columns,
            )

        self.message.setStyleSheet("")
        self.message.clear()
        self.open_folder.hide()
        self.export.setEnabled(False)
        self.work.start(job, succeeded=self._done, failed=self._failed, finished=self._finished)

    @property
    def worker(self) -> Worker | None:
        return self.work.worker

    def _done(self, result: ExportResult) -> None:
        self.message.setStyleSheet("color: #1d6b2a;")
        self.message.setText(result.message())
        # The file just written is asked about too before another Export replaces it: the
        # user may have opened and edited it meanwhile (it was replaced without a word).
        self._replace_confirmed = None
        if self.settings is not None:  # the next export: in this folder, as this kind
            self.settings.set(EXPORT_FILE, str(result.path))
        self.cancel.setText("Close")
        self.open_folder.show_folder_of(Path(result.path))
        self.exported.emit(result)

    def _failed(self, error: object) -> None:
        if isinstance(error, DesktopError):
            self.message.setStyleSheet("color: #a32020;")
            self.message.setText(error.message)
            return
        raise error if isinstance(error, BaseException) else RuntimeError(error)

    def _finished(self) -> None:
        self.export.setEnabled(True)

    def reject(self) -> None:
        if self.work.cancel(close=True):
            self.message.setText("Cancelling… no file will be left behind.")
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.work.busy:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)


def _shown_text(columns: Sequence[str]) -> str:
    """``Asset tag, Cost, …`` with what the file adds or leaves out."""
    titles = {c.key: c.title for c in COLUMNS}
    written = [titles.get(c, c) for c in columns if c in REGISTER_COLUMNS]
    text = ", ".join(written) + ", and the custom fields of the exported categories"
    if "tag" not in columns:
        text += f"; {titles['tag']} comes first (an edited copy is imported back by it)"
    left = [titles.get(c, c) for c in columns if c not in REGISTER_COLUMNS]
    if left:
        text += f"; {' and '.join(left)} {'is' if len(left) == 1 else 'are'} not exported"
    return text


def _offered_path(settings: Settings | None) -> Path:
    """``assets <today>`` in the folder and of the kind (.xlsx, .csv) of the last export
    (a finance user exporting every week was offered the home folder and .xlsx each time);
    the home folder and .xlsx the first time, or once that folder is gone."""
    name = f"assets {dt.date.today().isoformat()}"
    last = Path(settings.get(EXPORT_FILE)) if settings is not None else None
    if last is None or not last.name or not last.parent.is_dir():
        return Path.home() / f"{name}.xlsx"
    suffix = last.suffix.lower() if last.suffix.lower() in (".xlsx", ".csv") else ".xlsx"
    return last.parent / f"{name}{suffix}"
