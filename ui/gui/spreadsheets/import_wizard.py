"""The import wizard: file → sheet → columns → dry run → result.

Reading, planning and committing run on :class:`ui.gui.worker.Worker` with a progress
bar and Cancel; nothing is written before the user presses Import, and a cancelled
commit is rolled back. Closing the wizard while a job runs only asks it to stop; the
window closes once the job has finished.

Signals:
    print_labels_requested(list): the tags of the assets the import created.
    imported(object): the :class:`ImportResult` after a commit (for views to refresh).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ConflictError, DesktopError
from desktop.settings import Settings
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.columns import ColumnMapping, choices, sheet_headers
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.commit_rows import ImportResult
from desktop.spreadsheets.custom_labels import every_custom_label
from desktop.spreadsheets.dates import chosen_date_order
from desktop.spreadsheets.error_workbook import write_error_workbook
from desktop.spreadsheets.import_runs import again_note
from desktop.spreadsheets.mapping import (
    EXTRA_NOTES,
    EXTRA_NOTES_LABEL,
    header_row,
)
from desktop.spreadsheets.model import ImportOptions, ImportPlan, MatchKey
from desktop.spreadsheets.plan import custom_labels, plan_table
from desktop.spreadsheets.profiles import load_profile, profile_names, save_profile
from desktop.spreadsheets.readers import SUFFIXES, TEXT_SUFFIXES, Table, list_sheets
from desktop.spreadsheets.references import ReferenceIndex
from desktop.spreadsheets.sheet_choice import (
    ChosenTable,
    read_chosen,
    table_facts,
    text_file_facts,
)
from desktop.spreadsheets.stale_plan import AGAIN, PlanOutdatedError
from desktop.storage.database import Database
from desktop.storage.kitfile import database_is_kit
from ui.gui import file_dialogs
from ui.gui.discard_question import discard_question
from ui.gui.layout_state import LayoutState, fitting_size
from ui.gui.spreadsheets import preview_model
from ui.gui.spreadsheets.column_choices import (
    foreign_status_words,
    mapping_summary,
    proposed_mapping,
)
from ui.gui.spreadsheets.default_names import known_names, offer_known_names
from ui.gui.spreadsheets.import_pages import (
    FilePage,
    MappingPage,
    PreviewPage,
    ResultPage,
    SheetPage,
)
from ui.gui.spreadsheets.preview_text import (
    import_details,
    import_mode_said,
    import_summary,
    plan_notes,
    plan_summary,
    preview_values,
    values_heading,
)
from ui.gui.worker import Worker, worker_for

FILE, SHEET, MAPPING, PREVIEW, RESULT = range(5)
SAMPLE_ROWS = 3
#: The wizard's size at first, and the least it may be made (pixels; a screen smaller
#: than that gets its free area).
WIZARD_SIZE = (1100, 720)
WIZARD_MINIMUM = (820, 600)
#: Where its size and splitter are remembered (the window-state file).
LAYOUT_NAME = "import_wizard"
#: Why a mapping cannot be saved as a profile in a field kit (the import itself works).
KIT_PROFILES_READ_ONLY = (
    "Not in a field kit: mapping profiles are the server's and the next refresh would "
    "replace one saved here. This import uses the mapping as chosen above; save profiles "
    "on the server the kit came from."
)


class ImportWizard(QDialog):
    print_labels_requested = Signal(list)
    imported = Signal(object)
    #: The folder of the last file chosen with Browse… in this session.
    last_folder: ClassVar[Path | None] = None

    def __init__(
        self,
        database: Database,
        username: str,
        parent: QWidget | None = None,
        *,
        layout_state: LayoutState | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a spreadsheet")
        self.setAcceptDrops(True)
        self._layout = layout_state or LayoutState()
        self.database = database
        self.username = username
        self.worker: Worker | None = None
        self.table: Table | None = None
        #: The table whose headers were found, and its headers (asked on every choice).
        self._found_headers: tuple[Table, list[str]] | None = None
        self.chosen: ChosenTable | None = None
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.labels: dict[str, str] = {}
        #: Every category's label of a custom field → its key (labels differ per category).
        self.other_labels: dict[str, str] = {}
        #: Status words chosen so far (from a profile or the status table).
        self.status_choices: dict[str, str] = {}
        #: A text file, or a workbook with one sheet holding data, as read when it was
        #: opened (its facts shown on the sheet page in place of a choice).
        self.text_file_read: tuple[Any, ...] | None = None
        #: A workbook as read when it was opened, the sheet chosen automatically: kept
        #: for Next while "Choose automatically" stays chosen.
        self.opened_read: tuple[Any, ...] | None = None
        self._close_when_done = False
        #: The person changed the mapping, a status word or an option (work that Escape,
        #: Cancel or the window's close would lose: they ask first).
        self._choices_made = False
        self._discard_box: QMessageBox | None = None
        #: Why Import was refused because the register changed since the dry run: the
        #: dry run is made again (once the commit's worker has ended) and this is shown
        #: above it.
        self._outdated = ""

        self.pages = QStackedWidget()
        self.file_page, self.sheet_page = FilePage(), SheetPage()
        self.mapping_page, self.preview_page, self.result_page = (
            MappingPage(),
            PreviewPage(),
            ResultPage(),
        )
        for page in (
            self.file_page,
            self.sheet_page,
            self.mapping_page,
            self.preview_page,
            self.result_page,
        ):
            self.pages.addWidget(page)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a32020;")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.back = QPushButton("< &Back")
        self.next = QPushButton("&Next >")
        self.cancel = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 3)
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        # Room for a 26-column mapping (a Snipe-IT export): a dozen rows at least, on a
        # 1366×768 laptop; the size the user leaves it at is kept for the next import.
        self.setMinimumSize(fitting_size(self, *WIZARD_MINIMUM))
        self.resize(fitting_size(self, *WIZARD_SIZE))
        self._layout.restore_dialog(LAYOUT_NAME, self, self.mapping_page.splitter)

        order = chosen_date_order(Settings())
        index = self.sheet_page.date_order.findData(order)
        self.sheet_page.date_order.setCurrentIndex(max(index, 0))
        self.file_page.browse.clicked.connect(self._browse)
        QShortcut(QKeySequence.StandardKey.Open, self, self._browse)
        self.file_page.path.textChanged.connect(self._update_buttons)
        self.back.clicked.connect(self._go_back)
        self.next.clicked.connect(self._go_next)
        self.cancel.clicked.connect(self._cancel_or_close)
        self.mapping_page.load_profile.clicked.connect(self._load_profile)
        self.mapping_page.load_profile.clicked.connect(self._chosen)
        for box in (self.mapping_page.create_missing, self.mapping_page.blank_clears):
            box.toggled.connect(self._chosen)
        self.mapping_page.save_profile.clicked.connect(self._save_profile)
        self.mapping_page.column_choice_changed.connect(self._mapping_changed)
        self.mapping_page.column_choice_changed.connect(self._chosen)
        if database_is_kit(database):  # profiles are the server's: a refresh replaces them
            for widget in (self.mapping_page.save_profile, self.mapping_page.profile_name):
                widget.setEnabled(False)
                widget.setToolTip(f"<p>{KIT_PROFILES_READ_ONLY}</p>")  # rich text: wraps
        self.preview_page.show_filter.currentIndexChanged.connect(self._filter_preview)
        self.preview_page.valid_only.toggled.connect(self._mode_changed)
        self.result_page.print_labels.clicked.connect(self._print_labels)
        self.result_page.save_errors.clicked.connect(self._save_errors)
        # Return means Next (as in every wizard), never the button that last had the focus
        # (Browse… on the first page, Cancel on later ones).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.next.setDefault(True)
        self._show(FILE)

    # -- navigation --------------------------------------------------------------------

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.message.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.pages.currentIndex()
        busy = self.worker is not None
        self.back.setEnabled(not busy and page in (SHEET, MAPPING, PREVIEW))
        self.next.setVisible(page != RESULT)
        self.next.setText(
            "&Import" if page == PREVIEW else ("Dry &run >" if page == MAPPING else "&Next >")
        )
        self.next.setEnabled(
            not busy
            and (page != FILE or bool(self.file_page.path.text().strip()))
            # Import only when the dry run found something to write (it was enabled again
            # once the dry run's worker ended, and Import then refused "2 rows rejected").
            and (page != PREVIEW or self._writable_rows() > 0)
        )
        self.cancel.setText("Cancel" if busy or page != RESULT else "Close")
        # Done: Return closes (Next is hidden; without a default Return did nothing).
        self.cancel.setDefault(page == RESULT and not busy)
        for page_widget in (self.file_page, self.sheet_page, self.mapping_page, self.preview_page):
            page_widget.setEnabled(not busy)

    def _writable_rows(self) -> int:
        if self.plan is None:
            return 0
        counts = self.plan.counts()
        return counts["create"] + counts["update"]

    def _go_back(self) -> None:
        self._show(max(FILE, self.pages.currentIndex() - 1))

    def _go_next(self) -> None:
        page = self.pages.currentIndex()
        try:
            if page == FILE:
                self._open_file()
            elif page == SHEET:
                self._read_sheet()
            elif page == MAPPING:
                self._dry_run()
            elif page == PREVIEW:
                self._commit()
        except DesktopError as exc:
            self.message.setStyleSheet("color: #a32020;")
            self.message.setText(exc.message)

    def _cancel_or_close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.message.setText("Cancelling… nothing will be written.")
        else:
            self.reject()

    def _chosen(self) -> None:
        self._choices_made = True

    def _has_work(self) -> bool:
        """Choices that closing would lose: a mapping or option changed, a value for all
        rows, a dry run with something to import (once imported, or on the first pages,
        nothing is lost; a new user re-importing an export got "Discard this import?" on a
        dry run of unchanged rows, Import disabled)."""
        if self.pages.currentIndex() == RESULT:
            return False
        return (
            self._choices_made
            or self._writable_rows() > 0
            or bool(self.mapping_page.chosen_defaults())
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self._close_when_done = True
            event.ignore()
            return
        super().closeEvent(event)  # QDialog's: reject(), which asks when work would be lost

    def reject(self) -> None:
        """Escape, Cancel or the window's close: a dry run or import running is cancelled
        first (the wizard stays); choices that would be lost are asked about."""
        if self.worker is not None:
            self._cancel_or_close()
            return
        if self._discard_box is not None:
            return
        if not self._has_work() or not self.isVisible():
            super().reject()
            return
        box, discard = discard_question(
            self,
            self.windowTitle(),
            "Discard this import?",
            "The column mapping and values chosen are lost. Nothing is written.",
            keep="&No, keep it",
        )

        def finished() -> None:
            self._discard_box = None
            if box.clickedButton() is discard:
                QDialog.reject(self)

        box.finished.connect(finished)
        self._discard_box = box
        box.open()

    def unsaved_input(self) -> str:
        """What Quit would lose ("the import of suppliers.xlsx"), or "" (ui/gui/quit.py)."""
        working = self.worker is not None or self._has_work()
        return f"the import of {self._path().name}" if working and self.isVisible() else ""

    def discard(self) -> None:
        """Close without asking; a dry run or import running is cancelled (rolled back)."""
        if self.worker is not None:
            self.worker.cancel()
        QDialog.reject(self)

    def done(self, result: int) -> None:
        self._layout.save_dialog(LAYOUT_NAME, self, self.mapping_page.splitter)
        super().done(result)

    # -- file and sheet ------------------------------------------------------------------

    def _browse(self) -> None:
        """The file box opens where the file typed is, else where the last one chosen was,
        else in the home folder: it opened in the program's working folder (the source
        tree, for newuser26), where the label and export boxes open at home."""
        patterns = " ".join(f"*{s}" for s in sorted(SUFFIXES))
        typed = Path(self.file_page.path.text().strip()).expanduser().parent
        folder = typed if typed != Path() and typed.is_dir() else self.last_folder or Path.home()
        path, _ = file_dialogs.get_open_file_name(
            self, "Import a spreadsheet", str(folder), f"Spreadsheets ({patterns})"
        )
        if path:
            ImportWizard.last_folder = Path(path).parent
            self.file_page.path.setText(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if (
            urls
            and urls[0].isLocalFile()
            and Path(urls[0].toLocalFile()).suffix.lower() in SUFFIXES
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = event.mimeData().urls()[0].toLocalFile()
        self.file_page.path.setText(path)
        event.acceptProposedAction()
        if self.pages.currentIndex() == FILE and self.worker is None:
            self._go_next()

    def _path(self) -> Path:
        return Path(self.file_page.path.text().strip())

    def _open_file(self) -> None:
        sheets = list_sheets(self._path())
        self.text_file_read = self.opened_read = None
        self.sheet_page.file_label.setText(f"File: {self._path().name}")
        self.sheet_page.sheets.clear()
        if self._path().suffix.lower() in TEXT_SUFFIXES:
            # No sheet to choose: read it now and show what reading it found.
            self._read(None, self._text_file_opened)
            return
        self.sheet_page.show_text_file([])
        # Hidden sheets are not offered (a workbook's lookup lists, kept out of sight):
        # one visible sheet is no choice. Only a workbook of hidden sheets lists them.
        sheets = [sheet for sheet in sheets if not sheet.hidden] or sheets
        if len(sheets) > 1:
            auto = QListWidgetItem(
                "Choose automatically (the sheet or Excel Table that matches best)"
            )
            auto.setData(256, "")
            self.sheet_page.sheets.addItem(auto)
        for sheet in sheets:
            item = QListWidgetItem(
                (sheet.name or "(the whole file)") + ("  (hidden)" if sheet.hidden else "")
            )
            item.setData(256, sheet.name)
            self.sheet_page.sheets.addItem(item)
        self.sheet_page.sheets.setCurrentRow(0)
        # Read now: a workbook with one visible sheet holding data offers no choice.
        self._read(None, self._workbook_opened)

    def _workbook_opened(self, result: tuple[Any, ...]) -> None:
        chosen: ChosenTable = result[0]
        labels: dict[str, str] = result[1]
        if len(chosen.sheets_with_data) != 1:
            self.opened_read = result
            self._show(SHEET)
            return
        (name,) = chosen.sheets_with_data
        sheets = self.sheet_page.sheets
        for row in range(sheets.count()):
            if sheets.item(row).data(256) == name:
                sheets.setCurrentRow(row)
        self.text_file_read = result
        self.sheet_page.show_text_file(table_facts(chosen.table, labels), sheet=name)
        self._show(SHEET)

    def _options(self) -> ImportOptions:
        item = self.sheet_page.sheets.currentItem()
        mapping = (
            {h: t for h, t in zip(self._headers(), self.mapping_page.chosen_targets(), strict=True)}
            if self.table
            else None
        )
        page = self.mapping_page
        return ImportOptions(
            sheet=(item.data(256) or None) if item else None,
            match=MatchKey(self.sheet_page.match.currentData()),
            date_order=DateOrder(self.sheet_page.date_order.currentData()),
            mapping=mapping,
            status_words=page.chosen_status_words() if self.table else {},
            defaults=page.chosen_defaults(),
            answers=page.chosen_answers(),
            create_missing=page.create_missing.isChecked(),
            blank_clears=page.blank_clears.isChecked(),
            importer=self.username,
        )

    def _read_sheet(self) -> None:
        if self.text_file_read is not None:  # read when it was opened
            self._sheet_read(self.text_file_read)
            return
        item = self.sheet_page.sheets.currentItem()
        if self.opened_read is not None and item is not None and not item.data(256):
            self._sheet_read(self.opened_read)  # chosen automatically when it was opened
            return
        self._read((item.data(256) or None) if item else None, self._sheet_read)

    def _read(self, sheet: str | None, on_success: Any) -> None:
        path, db = self._path(), self.database
        text_file = path.suffix.lower() in TEXT_SUFFIXES

        def job(progress: Any, cancel: threading.Event) -> tuple[Any, ...]:
            progress(0, 1)
            with db.read() as session:
                index = ReferenceIndex(session)
                labels, other_labels = custom_labels(index), every_custom_label(index)
                known = known_names(session)
            chosen = read_chosen(path, sheet, labels)
            facts = text_file_facts(path, chosen.table, labels) if text_file else []
            return chosen, labels, other_labels, profile_names(db), facts, known

        self._run(job, on_success)

    def _text_file_opened(self, result: tuple[Any, ...]) -> None:
        chosen: ChosenTable = result[0]
        if not chosen.table.rows:
            self.message.setText(f"{chosen.table.where} holds no rows to import")
            return
        self.text_file_read = result
        self.sheet_page.show_text_file(result[4])
        self._show(SHEET)

    def _sheet_read(self, result: tuple[Any, ...]) -> None:
        chosen: ChosenTable
        chosen, self.labels, self.other_labels, names, _facts, known = result
        offer_known_names(self.mapping_page.defaults, known)
        self.chosen = chosen
        self.table = chosen.table
        if not self.table.rows:
            self.message.setText(f"{self.table.where} holds no rows to import")
            return
        self.mapping_page.profile.clear()
        self.mapping_page.profile.addItems(names)
        self._fill_mapping(None)
        self._show(MAPPING)

    # -- mapping -------------------------------------------------------------------------

    def _header_index(self) -> int:
        assert self.table is not None
        return header_row(self.table.rows, self.labels)[0]

    def _headers(self) -> list[str]:
        assert self.table is not None
        if self._found_headers is None or self._found_headers[0] is not self.table:
            self._found_headers = (self.table, sheet_headers(self.table.rows, self._header_index()))
        return self._found_headers[1]

    def _fill_mapping(self, profile: dict[str, str] | None) -> None:
        assert self.table is not None
        headers = self._headers()
        first = self._header_index() + 1
        mapping = proposed_mapping(
            self.table.rows, headers, first, self.labels, self.other_labels, profile
        )
        options = [
            ("", "— do not import —"),
            (EXTRA_NOTES, EXTRA_NOTES_LABEL),
            *choices(self.labels),
        ]
        samples = self.table.rows[first : first + SAMPLE_ROWS]
        self.mapping_page.set_columns(headers, mapping.targets, samples, options)
        self._mapping_changed()

    def _mapping_changed(self) -> None:
        headers, targets = self._headers(), self.mapping_page.chosen_targets()
        text, every = mapping_summary(
            ColumnMapping(tuple(headers), tuple(targets)),
            self.labels,
            header_number=self.table.row_numbers[self._header_index()] if self.table else 1,
            sheet_note=self.chosen.note if self.chosen is not None else "",
            rows=self.table.rows if self.table else [],
            first=self._header_index() + 1,
            unread=self.table.unread_formulas if self.table else None,
        )
        for row, fate in enumerate(every):
            combo = self.mapping_page.table.cellWidget(row, 2)
            if isinstance(combo, QComboBox):
                combo.setToolTip(fate.text)
        self.mapping_page.summary.setText(text)
        self._refresh_status_words(targets)

    def _refresh_status_words(self, targets: list[str]) -> None:
        """List the status column's words that are not ours, keeping choices made."""
        self.status_choices.update(self.mapping_page.chosen_status_words())
        words: list[str] = []
        known: list[str] = []  # said as read (the box stood empty under "Production")
        codes: dict[str, str] = {}
        if self.table is not None and "status" in targets:
            below = self.table.rows[self._header_index() + 1 :]
            words, known, codes = foreign_status_words(
                below, targets.index("status"), self._headers()
            )
        self.mapping_page.set_status_words(words, {**codes, **self.status_choices}, known)

    def _load_profile(self) -> None:
        name = self.mapping_page.profile.currentText()
        if not name:
            return
        try:
            profile = load_profile(self.database, name)
        except DesktopError as exc:
            self.message.setStyleSheet("color: #a32020;")
            self.message.setText(exc.message)
            return
        self.status_choices.update(profile.get("statuses") or {})
        self.mapping_page.status_words.setRowCount(0)
        self._fill_mapping(profile.get("columns"))
        self.sheet_page.match.setCurrentIndex(
            max(self.sheet_page.match.findData(profile.get("match")), 0)
        )

    def _save_profile(self) -> None:
        name = self.mapping_page.profile_name.text().strip()
        try:
            save_profile(
                self.database,
                name,
                dict(zip(self._headers(), self.mapping_page.chosen_targets(), strict=True)),
                match=self.sheet_page.match.currentData(),
                date_order=self.sheet_page.date_order.currentData(),
                statuses=self.mapping_page.chosen_status_words(),
            )
        except DesktopError as exc:
            self.message.setStyleSheet("color: #a32020;")
            self.message.setText(exc.message)
            return
        if self.mapping_page.profile.findText(name) < 0:
            self.mapping_page.profile.addItem(name)
        self.message.setText(f"Mapping saved as profile '{name}'.")
        self.message.setStyleSheet("color: #1d6b2a;")

    # -- dry run and commit --------------------------------------------------------------

    def _dry_run(self, outdated: str = "") -> None:
        """Plan the rows on a worker; ``outdated``: why the plan shown is made again."""
        table, options, db = self.table, self._options(), self.database
        assert table is not None
        note = self.chosen.note if self.chosen else ""
        formula_rows = self.chosen.formula_rows if self.chosen else ()
        totals_rows = self.chosen.totals_rows if self.chosen else ()
        open_elsewhere = self.chosen.open_elsewhere if self.chosen else ""
        sha256 = self.chosen.file_sha256 if self.chosen else ""

        def job(progress: Any, cancel: threading.Event) -> ImportPlan:
            with db.read() as session:
                return plan_table(
                    session,
                    table,
                    options,
                    progress=progress,
                    cancel=cancel,
                    sheet_note=note,
                    formula_rows=formula_rows,
                    totals_rows=totals_rows,
                    open_elsewhere=open_elsewhere,
                    file_sha256=sha256,
                )

        self._run(job, lambda plan: self._planned(plan, outdated))

    def _planned(self, plan: ImportPlan, outdated: str = "") -> None:
        """Show ``plan``; ``outdated``: why Import was refused and the plan made again."""
        self.plan = plan
        counts = plan.counts()
        page = self.preview_page
        page.summary.setText(plan_summary(plan))
        page.references.setText("\n".join(plan_notes(plan)))
        page.values_heading.setText(values_heading(plan))
        page.values.setPlainText(preview_values(plan))
        page.model.set_plan(plan, page.chosen_actions())
        if page.model.has_order_lines:  # "5 · 1 of 3", "(generated, 1 of 3)": shown whole
            page.view.resizeColumnToContents(preview_model.ROW)
            page.view.resizeColumnToContents(preview_model.TAG)
        writable = counts["create"] + counts["update"]
        page.valid_only.setEnabled(bool(plan.rejected))
        self._show(PREVIEW)
        self.next.setEnabled(writable > 0)
        if outdated:  # (the command line's advice to run the import again: done here)
            self.message.setText(
                f"{outdated.replace(AGAIN, '').rstrip()}\n\nNothing was imported: the dry run "
                "above was made again, on the register as it is now. Check it, then import."
            )

    def _mode_changed(self) -> None:
        """A line under the dry run (Import's refusal in the other mode) says what Import
        will do now; nothing is said if nothing was."""
        if self.plan is None or not self.plan.rejected or not self.message.text():
            return
        if self.worker is None and self.pages.currentIndex() == PREVIEW:
            valid_only = self.preview_page.valid_only.isChecked()
            # (red while Import would refuse, in the text's own colour once it would write)
            self.message.setStyleSheet("" if valid_only else "color: #a32020;")
            self.message.setText(import_mode_said(self.plan, valid_only))

    def _filter_preview(self) -> None:
        self.preview_page.model.set_plan(self.plan, self.preview_page.chosen_actions())

    def _commit(self) -> None:
        """Import; a file imported before that would make new assets again is asked
        about first (No is the default)."""
        plan = self.plan
        assert plan is not None
        creates = plan.counts()["create"]
        if plan.earlier is None or not creates:
            self._write()
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.windowTitle(),
            "Import this file again?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setInformativeText(
            again_note(plan.earlier, creates, plan.options.match.value)
            + " Those would be duplicates of the assets the first import made."
        )
        box.button(QMessageBox.StandardButton.Yes).setText("&Import again")
        box.button(QMessageBox.StandardButton.No).setText("&No")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)

        def answered(answer: int) -> None:
            if answer == QMessageBox.StandardButton.Yes:
                self._write()

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        box.open()

    def _write(self) -> None:
        plan, db, user = self.plan, self.database, self.username
        valid_only = self.preview_page.valid_only.isChecked()
        assert plan is not None

        def job(progress: Any, cancel: threading.Event) -> ImportResult:
            return commit_import(
                db, plan, performed_by=user, valid_only=valid_only, progress=progress, cancel=cancel
            )

        self._run(job, self._committed, self._commit_failed)

    def _commit_failed(self, error: object) -> None:
        """A plan the register no longer holds is made again (see _finished); any other
        refusal is shown as it is."""
        if isinstance(error, PlanOutdatedError | ConflictError):
            self._outdated = error.message
        self._failed(error)

    def _committed(self, result: ImportResult) -> None:
        self.import_result = result
        plan = self.plan
        assert plan is not None
        self.result_page.summary.setText(import_summary(result, plan.where))
        self.result_page.show_details(import_details(plan, result))
        count = len(result.created_tags)
        self.result_page.print_labels.setText(
            "&Print the new asset's label"
            if count == 1
            else f"&Print labels for the {count} new assets"
        )
        # (it stood greyed out as "Print labels for the 0 new assets" after an update)
        self.result_page.print_labels.setVisible(count > 0)
        self.result_page.save_errors.setEnabled(bool(result.rejected))
        self._show(RESULT)
        self.imported.emit(result)

    def _print_labels(self) -> None:
        if self.import_result is not None:
            self.print_labels_requested.emit(list(self.import_result.created_tags))

    def _save_errors(self) -> None:
        if self.import_result is None or self.plan is None:
            return
        suggested = str(self._path().with_name(self._path().stem + " - rejected rows.xlsx"))
        path, _ = file_dialogs.get_save_file_name(
            self, "Save the rejected rows", suggested, "Workbook (*.xlsx)"
        )
        if not path:
            return
        try:
            rows = write_error_workbook(self.plan, list(self.import_result.rejected), Path(path))
        except DesktopError as exc:
            self.message.setStyleSheet("color: #a32020;")
            self.message.setText(exc.message)
            return
        self.message.setStyleSheet("color: #1d6b2a;")
        self.message.setText(f"{rows} rejected rows saved to {path}")

    # -- workers -------------------------------------------------------------------------

    def _run(self, job: Any, on_success: Any, on_failure: Any = None) -> None:
        self.message.setStyleSheet("color: #a32020;")
        self.message.clear()
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        worker = worker_for(
            job,
            self,
            progress=self._progress,
            succeeded=on_success,
            failed=on_failure or self._failed,
            finished=self._finished,
        )
        self.worker = worker
        self._update_buttons()
        worker.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, error: object) -> None:
        if isinstance(error, DesktopError):
            self.message.setText(error.message)
            return
        raise error if isinstance(error, BaseException) else RuntimeError(error)

    def _finished(self) -> None:
        self.worker = None  # the worker is this dialog's child and goes with it
        self.progress.setVisible(False)
        self._update_buttons()
        if self._close_when_done:  # the window's close while it ran
            self._close_when_done = False
            self.reject()
        elif self._outdated:  # (cleared first: a dry run that fails is not made again)
            outdated, self._outdated = self._outdated, ""
            self._dry_run(outdated)
