"""The pages of the import wizard (layout only; the wizard wires the behaviour)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.cells import DateOrder, clean_text
from desktop.spreadsheets.columns import target_label
from desktop.spreadsheets.import_choices import WIZARD_DEFAULTS
from desktop.spreadsheets.mapping import NEW_CUSTOM, new_field_key
from desktop.spreadsheets.model import MatchKey, RowAction
from desktop.spreadsheets.row_answers import WIZARD_ANSWERS, WIZARD_ANSWERS_TITLE
from desktop.spreadsheets.statuses import parse_status
from ui.gui.spreadsheets.column_choices import is_free_choice
from ui.gui.spreadsheets.preview_model import ACTION_LABELS, PreviewModel

#: The mapping table's "First values" column is never narrower than this (pixels).
FIRST_VALUES_WIDTH = 200

MATCH_LABELS = {
    MatchKey.TAG: "Asset tag",
    MatchKey.SERIAL: "Serial number",
    MatchKey.KEY: "Key column (from an Assetdesk export)",
}
#: The Alt letter of each "Value for all rows" field: a dry run asks for one ("Owning group
#: under 'Value for all rows'") and the keyboard reached it only through every column's
#: drop-down. Letters no other control of the page has (Load, Save, Create, clEar, Back,
#: dry Run).
DEFAULT_LETTERS = {
    "category": "a",
    "location": "o",
    "status": "t",
    "supplier": "p",
    "owning_group": "g",
    "order_number": "d",
}
DATE_ORDER_LABELS = {
    DateOrder.DMY: "day/month/year (31/12/2025)",
    DateOrder.MDY: "month/day/year (12/31/2025)",
    DateOrder.YMD: "year/month/day (2025/12/31)",
}


def _title(text: str) -> QLabel:
    return QLabel(f"<h3>{text}</h3>")


class FilePage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(_title("1. Choose a spreadsheet"))
        hint = QLabel(
            "An .xlsx, .xlsm, .xls, .ods or .csv file: a supplier's list, an export from "
            "Snipe-IT, GLPI, iTop or Ralph, or an edited Assetdesk export.\n"
            "You can also drop the file onto this window."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("File to import")
        self.browse = QPushButton("Bro&wse…")  # Alt+B is Back
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        self.drop_zone = QLabel("Drop a spreadsheet here")
        self.drop_zone.setMinimumHeight(120)
        self.drop_zone.setStyleSheet(
            "QLabel { border: 2px dashed #8a9bb0; color: #5a6b80; border-radius: 6px; }"
        )
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.drop_zone)
        layout.addStretch(1)


class SheetPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.title = _title("2. Sheet and matching")
        layout.addWidget(self.title)
        self.file_label = QLabel()
        layout.addWidget(self.file_label)
        self.sheets_label = QLabel("Sheet (hidden sheets are marked):")
        layout.addWidget(self.sheets_label)
        self.sheets = QListWidget()
        layout.addWidget(self.sheets, 1)
        # A text file has no sheets: what reading it found takes the list's place.
        self.text_file = QLabel()
        self.text_file.setWordWrap(True)
        self.text_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_file.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text_file)
        form = QFormLayout()
        self.match = QComboBox()
        for key, label in MATCH_LABELS.items():
            self.match.addItem(label, key.value)
        self.date_order = QComboBox()
        for order, text in DATE_ORDER_LABELS.items():
            self.date_order.addItem(text, order.value)
        form.addRow("Find existing assets by:", self.match)
        form.addRow("Text dates are written:", self.date_order)
        layout.addLayout(form)
        layout.addStretch(0)  # a text file's page: its facts and choices at the top
        self._layout = layout
        self.show_text_file([])

    def show_text_file(self, facts: list[str], *, sheet: str = "") -> None:
        """A text file's facts in place of the sheet list; [] shows the list (a workbook).
        ``sheet``: a workbook's only sheet holding data, read without a choice."""
        self.title.setText(f"<h3>2. {'File' if facts and not sheet else 'Sheet'} and matching</h3>")
        lead = (
            f"The workbook has one sheet with data, '{sheet}': it is read."
            if sheet
            else "A text (CSV) file has no sheets: it is read whole."
        )
        self.text_file.setText(lead + "\n\n" + "\n".join(facts) if facts else "")
        self.text_file.setVisible(bool(facts))
        self.sheets_label.setVisible(not facts)
        self.sheets.setVisible(not facts)
        self._layout.setStretch(self._layout.count() - 1, 1 if facts else 0)


class MappingPage(QWidget):
    """The columns page: each column of the file with its first values and a choice.

    Signals:
        column_choice_changed(): the person chose another target for a column.
    """

    column_choice_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(_title("3. Columns"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        profiles = QHBoxLayout()
        self.profile = QComboBox()
        self.profile.setMinimumWidth(180)
        self.load_profile = QPushButton("&Load profile")
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("Profile name")
        self.save_profile = QPushButton("&Save mapping as profile")
        profiles.addWidget(QLabel("Mapping profile:"))
        profiles.addWidget(self.profile)
        profiles.addWidget(self.load_profile)
        profiles.addStretch(1)
        profiles.addWidget(self.profile_name)
        profiles.addWidget(self.save_profile)
        layout.addLayout(profiles)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Column in the file", "First values", "Import as"])
        # Every column can be dragged wider or narrower; fit_columns sizes them to what
        # they hold once filled (a Snipe-IT export has 26 columns, some with long values).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # The table and the settings below it share the page: a splitter lets the table
        # have most of it (and remembers where it was left, with the wizard's size).
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        lower = QWidget()
        below = QHBoxLayout(lower)
        below.setContentsMargins(0, 0, 0, 0)
        defaults = QGroupBox("Value for all rows (new assets whose row gives none)")
        form = QFormLayout(defaults)
        self.defaults: dict[str, QLineEdit] = {}
        for target in WIZARD_DEFAULTS:
            edit = QLineEdit()
            edit.setPlaceholderText(
                "from the file" if target != "location" else "e.g. Site › Store"
            )
            self.defaults[target] = edit
            form.addRow(f"{_with_letter(target_label(target), DEFAULT_LETTERS.get(target))}:", edit)
        below.addWidget(defaults, 2)
        words = QGroupBox("Status words the file uses")
        words_layout = QVBoxLayout(words)
        self.status_words = QTableWidget(0, 2)
        self.status_words.setHorizontalHeaderLabels(["In the file", "Means"])
        self.status_words.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The choice whole: the default width cut it to "— not a stat" (a new user's view).
        self.status_words.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.status_words.verticalHeader().setVisible(False)
        words_layout.addWidget(self.status_words)
        #: The file's status words read as ours ("Production → In service"): the box stood
        #: empty under a GLPI file whose every word was known, as if none had been seen.
        self.status_known = QLabel()
        self.status_known.setWordWrap(True)
        self.status_known.setVisible(False)
        words_layout.addWidget(self.status_known)
        below.addWidget(words, 2)
        options = QGroupBox("Options")
        options_layout = QVBoxLayout(options)
        self.create_missing = QCheckBox("&Create missing categories, locations, people…")
        self.create_missing.setChecked(True)
        self.blank_clears = QCheckBox("Blank cells cl&ear stored values")
        options_layout.addWidget(self.create_missing)
        options_layout.addWidget(self.blank_clears)
        options_layout.addStretch(1)
        # A decommission's (disposal's) required answers: a row that retires an asset
        # without them is refused (desktop.spreadsheets.row_answers).
        evidence = QGroupBox(WIZARD_ANSWERS_TITLE)
        evidence.setToolTip(
            "A row that decommissions or disposes of an existing asset records these "
            "answers of the form (its data sanitisation method and evidence, its disposal "
            "method and certificate); without them the row is refused"
        )
        evidence_form = QFormLayout(evidence)
        # Labels above their boxes: the column is narrow (the status words need the width).
        evidence_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.answers: dict[str, QLineEdit] = {}
        for key, label in WIZARD_ANSWERS:
            edit = QLineEdit()
            edit.setPlaceholderText("if a row retires")
            edit.setToolTip(f"The form's question {key}, for every row that records it")
            self.answers[key] = edit
            evidence_form.addRow(f"{label}:", edit)
        # Scrolled when short: its four boxes must not take the mapping table's height.
        evidence_scroll = QScrollArea()
        evidence_scroll.setWidget(evidence)
        evidence_scroll.setWidgetResizable(True)
        evidence_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right = QVBoxLayout()
        right.addWidget(options)
        right.addWidget(evidence_scroll, 1)
        below.addLayout(right, 1)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)
        self._fitting = self._user_sized = False
        header.sectionResized.connect(self._column_resized)
        self.table.viewport().installEventFilter(self)

    def fit_columns(self) -> None:
        """Size the columns to what they hold: the file's headers and the choices whole;
        the first values take the width left (at least a readable share); a longer
        value is cut, with its whole text in the cell's tooltip, and a column dragged
        wider scrolls. Fitted again as the table is resized, until the user drags a
        column (from then on the widths are theirs)."""
        self._fitting = True
        try:
            table = self.table
            table.resizeColumnsToContents()
            table.resizeRowsToContents()
            left = table.viewport().width() - table.columnWidth(0) - table.columnWidth(2)
            table.setColumnWidth(1, max(left, FIRST_VALUES_WIDTH))
        finally:
            self._fitting = False
        self._user_sized = False

    def _column_resized(self) -> None:
        if not self._fitting:
            self._user_sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self._user_sized:
            # After the resize is done; with the table as context the call is dropped if
            # the wizard closes first (it hit a deleted table once in CI).
            QTimer.singleShot(0, self.table, self.fit_columns)
        return False

    def set_columns(
        self,
        headers: list[str],
        targets: Sequence[str],
        samples: Sequence[Sequence[object]],
        options: Sequence[tuple[str, str]],
    ) -> None:
        """One row per column of the file: its header, its first values (``samples``: the
        first rows below the header) and a choice among ``options`` (target, label),
        ``targets`` chosen; a column left free is offered a new custom field."""
        table = self.table
        table.setRowCount(len(headers))
        for row, (header, target) in enumerate(zip(headers, targets, strict=True)):
            table.setItem(row, 0, QTableWidgetItem(header))
            # As the import reads them (clean_text): a whole number read as a float was
            # shown "1.0", "50.0" (an Excel Table's reader; newuser21).
            texts = (clean_text(r[row]) for r in samples if row < len(r))
            values = [text for text in texts if text is not None]
            first_values = QTableWidgetItem(" | ".join(values))
            first_values.setToolTip(first_values.text())
            table.setItem(row, 1, first_values)
            combo = QComboBox()
            for key, label in options:
                combo.addItem(label, key)
            if is_free_choice(target):
                new = target.startswith(NEW_CUSTOM)  # another tool's column has its own key
                key = target.removeprefix(NEW_CUSTOM) if new else new_field_key(header)
                combo.insertItem(2, f"New custom field '{key}'", NEW_CUSTOM + key)
            combo.setCurrentIndex(max(combo.findData(target), 0))
            combo.currentIndexChanged.connect(self.column_choice_changed)
            table.setCellWidget(row, 2, combo)
        self.fit_columns()

    def chosen_targets(self) -> list[str]:
        """Each column's target as chosen ("" for a column not imported)."""
        result = []
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 2)
            result.append(combo.currentData() if isinstance(combo, QComboBox) else "")
        return result

    def set_status_words(
        self, words: list[str], chosen: dict[str, str], known: Sequence[str] = ()
    ) -> None:
        """One row per status word the file uses that is not ours, with a choice; the
        ``known`` words said under the table with the status each is read as."""
        read = [f"{word} → {parse_status(word).label}" for word in known]
        self.status_known.setText("Read as: " + ", ".join(read) if read else "")
        self.status_known.setVisible(bool(read))
        self.status_words.setRowCount(len(words))
        for row, word in enumerate(words):
            self.status_words.setItem(row, 0, QTableWidgetItem(word))
            combo = QComboBox()
            combo.addItem("— not a status: refuse the row —", "")
            for status in AssetStatus:
                combo.addItem(status.label, status.value)
            combo.setCurrentIndex(max(combo.findData(chosen.get(word, "")), 0))
            self.status_words.setCellWidget(row, 1, combo)

    def chosen_status_words(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for row in range(self.status_words.rowCount()):
            item, combo = self.status_words.item(row, 0), self.status_words.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox) and combo.currentData():
                result[item.text()] = str(combo.currentData())
        return result

    def chosen_defaults(self) -> dict[str, str]:
        return {k: e.text().strip() for k, e in self.defaults.items() if e.text().strip()}

    def chosen_answers(self) -> dict[str, str]:
        return {k: e.text().strip() for k, e in self.answers.items() if e.text().strip()}


#: The dry run's Approval column (Changes and Problems share the width left).
APPROVAL_WIDTH = 150


class PreviewPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(_title("4. Dry run: nothing has been written yet"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:"))
        self.show_filter = QComboBox()
        self.show_filter.addItem("All rows", "")
        for action, label in ACTION_LABELS.items():
            self.show_filter.addItem(label, action.value)
        filters.addWidget(self.show_filter)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.model = PreviewModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        self.view.setColumnWidth(0, 50)
        self.view.setColumnWidth(1, 90)
        self.view.setColumnWidth(2, 110)
        # Changes and Problems share the width left: Problems had the default ~90 px and
        # showed "Location: t…" (the whole text is its tooltip and is below the table).
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(5, APPROVAL_WIDTH)
        layout.addWidget(self.view, 1)
        self.references = QLabel()
        self.references.setWordWrap(True)
        layout.addWidget(self.references)
        self.values_heading = QLabel()  # says "Refused rows" only when some are
        layout.addWidget(self.values_heading)
        self.values = QPlainTextEdit()
        self.values.setReadOnly(True)
        self.values.setMaximumHeight(140)
        layout.addWidget(self.values)
        mode = QGroupBox("When rows are rejected")
        mode_layout = QHBoxLayout(mode)
        self.all_or_nothing = QRadioButton("Import &nothing (all or nothing)")
        self.valid_only = QRadioButton(
            "Import the &valid rows; give me the rejected ones in a workbook"
        )
        self.all_or_nothing.setChecked(True)
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.all_or_nothing)
        self.mode.addButton(self.valid_only)
        mode_layout.addWidget(self.all_or_nothing)
        mode_layout.addWidget(self.valid_only)
        layout.addWidget(mode)

    def chosen_actions(self) -> set[RowAction] | None:
        value = self.show_filter.currentData()
        return {RowAction(value)} if value else None


class ResultPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(_title("5. Done"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.print_labels = QPushButton("&Print labels for the new assets")
        self.save_errors = QPushButton("Save &error workbook…")
        buttons.addWidget(self.print_labels)
        buttons.addWidget(self.save_errors)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        #: The rows left out and why, the assets changed and how (hidden when none).
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        layout.addWidget(self.details, 1)
        layout.addStretch(0)

    def show_details(self, text: str) -> None:
        self.details.setPlainText(text)
        self.details.setVisible(bool(text))


def _with_letter(label: str, letter: str | None) -> str:
    """``label`` with ``letter`` (its first occurrence, any case) as its Alt letter."""
    at = label.lower().find(letter) if letter else -1
    return label if at < 0 else f"{label[:at]}&{label[at:]}"
