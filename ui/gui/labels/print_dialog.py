"""The label print dialog: template, content, start at label N, offsets, preview, PDF, print.

Open it for asset tags (the main window's selection or search result, an import's new
assets) with ``LabelPrintDialog(database, tags, parent)``, or for locations with
:func:`print_location_labels` (an audit's rooms).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import DesktopError
from desktop.labels.calibration import PDF_PRINTER, load_offsets, save_offsets
from desktop.labels.geometry import LabelItem
from desktop.labels.items import (
    LABEL_FIELDS,
    MAX_FIELDS,
    asset_items,
    assets_by_tags,
    location_items,
)
from desktop.labels.layout import MAX_OFFSET_MM, LabelOptions, layout_pages
from desktop.labels.report import job_notes, retired_notice
from desktop.labels.store import all_templates, delete_user_template
from desktop.labels.symbols import Symbology
from desktop.labels.templates import Template
from desktop.settings import LABEL_TEMPLATE, ORGANISATION, Settings
from desktop.storage.database import Database
from desktop.storage.kitfile import session_is_kit
from ui.gui import file_dialogs
from ui.gui.labels.preview_widget import LabelPreview
from ui.gui.labels.preview_zoom import zoom_box
from ui.gui.labels.print_jobs import LabelRun, pdf_job, printer_job
from ui.gui.labels.template_dialog import TemplateDialog
from ui.gui.open_folder import OpenFolderButton
from ui.gui.worker import Worker

DEFAULT_FIELDS = ("name", "serial_number")
#: The tooltip of the template buttons in a field kit (its templates are the server's).
KIT_TEMPLATES_READ_ONLY = (
    "Read-only in a field kit: label templates are the server's and the next refresh "
    "would replace one made here. Define templates on the server the kit came from, then "
    "sync the kit; every template it holds prints here."
)
WARNING_STYLE = "color: #8a5a00;"


class LabelPrintDialog(QDialog):
    """Print labels for assets (``tags``) or, with ``location_ids``, for locations."""

    def __init__(
        self,
        database: Database,
        tags: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        location_ids: Sequence[uuid.UUID] = (),
        settings: Settings | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings or Settings()
        self.locations = bool(location_ids)
        self.setWindowTitle("Print location labels" if self.locations else "Print asset labels")
        self._worker: Worker | None = None
        self._page_index = 0
        with database.read() as session:
            self.templates = all_templates(session)
            #: Why templates cannot be saved or deleted here (a field kit), else None.
            self.templates_read_only = KIT_TEMPLATES_READ_ONLY if session_is_kit(session) else None
            if self.locations:
                self.items: list[LabelItem] = location_items(session, list(location_ids))
                self._rows = []
            else:
                self._rows = assets_by_tags(session, list(tags))
                self.items = []
        self._refresh_timer = QTimer(self, singleShot=True, interval=120)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        self._restore_choices()
        self.refresh()

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        form = QFormLayout()
        self.template_box = QComboBox()
        self.template_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.template_box.setMinimumContentsLength(26)
        self._fill_templates()
        self.new_template_button = QPushButton("&New…")
        self.new_template_button.setToolTip("Define a template of your own from the chosen one")
        self.new_template_button.clicked.connect(self.new_template)
        self.delete_template_button = QPushButton("&Delete")
        self.delete_template_button.setToolTip("Delete this template of yours")
        self.delete_template_button.clicked.connect(self.delete_template)
        if self.templates_read_only is not None:
            self.new_template_button.setEnabled(False)
            wrapped = f"<p>{self.templates_read_only}</p>"  # rich text: the tip wraps
            self.new_template_button.setToolTip(wrapped)
            self.delete_template_button.setToolTip(wrapped)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_box, 1)
        template_row.addWidget(self.new_template_button)
        template_row.addWidget(self.delete_template_button)
        template_label = QLabel("&Template:")
        template_label.setBuddy(self.template_box)
        form.addRow(template_label, template_row)
        self.code39_box = QCheckBox("Code 3&9 instead of Code 128")
        self.qr_box = QCheckBox("Add a &QR code")
        form.addRow("Barcode:", self.code39_box)
        form.addRow("", self.qr_box)
        self.field_boxes = []
        for number in range(MAX_FIELDS):
            box = QComboBox()
            box.addItem("(none)", "")
            for key, field in LABEL_FIELDS.items():
                box.addItem(field.title, key)
            box.setEnabled(not self.locations)
            self.field_boxes.append(box)
            form.addRow(f"Field &{number + 1}:", box)
        self.organisation_edit = QLineEdit()
        self.organisation_edit.setPlaceholderText("e.g. Property of Example Ltd — IT")
        form.addRow("&Organisation line:", self.organisation_edit)
        self.logo_edit = QLineEdit()
        self.logo_edit.setPlaceholderText("optional image file")
        logo_button = QPushButton("Browse…")
        logo_button.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit)
        logo_row.addWidget(logo_button)
        logo_label = QLabel("&Logo:")
        logo_label.setBuddy(self.logo_edit)
        form.addRow(logo_label, logo_row)
        self.start_box = QSpinBox()
        self.start_box.setMinimum(1)
        form.addRow("&Start at label:", self.start_box)
        self.printer_box = QComboBox()
        self.printer_box.addItem(PDF_PRINTER)
        self.printer_box.addItems(QPrinterInfo.availablePrinterNames())
        form.addRow("Offsets &for:", self.printer_box)
        self.offset_x = self._offset_box()
        self.offset_y = self._offset_box()
        offsets = QHBoxLayout()
        offsets.addWidget(QLabel("x"))
        offsets.addWidget(self.offset_x)
        offsets.addWidget(QLabel("y"))
        offsets.addWidget(self.offset_y)
        self.calibration_button = QPushButton("&Calibration page…")
        self.calibration_button.clicked.connect(self.print_calibration)
        offsets.addWidget(self.calibration_button)
        offset_label = QLabel("Printer offset (&x, y):")
        offset_label.setBuddy(self.offset_x)
        form.addRow(offset_label, offsets)

        self.preview = LabelPreview()
        self.preview_area = QScrollArea()
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setWidget(self.preview)
        self.zoom_box = zoom_box(self.preview, self)
        self.page_label = QLabel()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.previous_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.previous_button.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        self.next_button.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        self.previous_button.clicked.connect(lambda: self._turn(-1))
        self.next_button.clicked.connect(lambda: self._turn(1))
        navigation = QHBoxLayout()
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        navigation.addWidget(self.next_button)
        zoom_label = QLabel("&Zoom:")
        zoom_label.setBuddy(self.zoom_box)
        navigation.addWidget(zoom_label)
        navigation.addWidget(self.zoom_box)
        right = QVBoxLayout()
        right.addWidget(self.preview_area, 1)
        right.addLayout(navigation)
        right.addWidget(self.note_label)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status_label = QLabel()
        # Wrapped: "Saved … in <folder>." and the job's notes made one line wider than the
        # screen, and the dialog grew past it with its buttons (seen under Xvfb).
        self.status_label.setWordWrap(True)
        self.open_folder = OpenFolderButton()  # after Save PDF: where the file went
        self.buttons = QDialogButtonBox()
        self.pdf_button = self.buttons.addButton(
            "Save &PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button = self.buttons.addButton(
            "Pr&int…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_labels)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_labels)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_pdf)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        count = len(self.items) if self.locations else len(self._rows)
        what = "location" if self.locations else "asset"
        left.addWidget(QLabel(f"<b>{count} {what} label{'s' * (count != 1)}</b>"))
        self.retired_label = QLabel(retired_notice(self._rows))
        self.retired_label.setWordWrap(True)
        self.retired_label.setStyleSheet(WARNING_STYLE)
        self.retired_label.setVisible(bool(self.retired_label.text()))
        left.addWidget(self.retired_label)
        left.addLayout(form)
        left.addStretch(1)
        columns.addLayout(left)
        columns.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addWidget(self.progress)
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.open_folder)
        outer.addLayout(status)
        outer.addWidget(self.buttons)
        for signal in (
            self.template_box.currentIndexChanged,
            self.code39_box.toggled,
            self.qr_box.toggled,
            self.organisation_edit.textChanged,
            self.logo_edit.textChanged,
            self.start_box.valueChanged,
            *(box.currentIndexChanged for box in self.field_boxes),
        ):
            signal.connect(self._schedule_refresh)
        self.printer_box.currentTextChanged.connect(self._load_offsets)
        # Enter makes the labels: Save PDF for the PDF file, Print for a printer (it opened
        # the New… template dialog, the first button of the dialog).
        for button in (self.new_template_button, self.delete_template_button, logo_button):
            button.setAutoDefault(False)
        self.calibration_button.setAutoDefault(False)
        self.printer_box.currentTextChanged.connect(self._follow_output)
        self._follow_output(self.printer_box.currentText())
        self.offset_x.valueChanged.connect(self._offsets_edited)
        self.offset_y.valueChanged.connect(self._offsets_edited)
        self.resize(980, 640)

    def _follow_output(self, printer: str) -> None:
        """Enter saves the PDF or prints, as the output the offsets are for."""
        self.pdf_button.setDefault(printer == PDF_PRINTER)
        self.print_button.setDefault(printer != PDF_PRINTER)

    def _fill_templates(self, select: str = "") -> None:
        self.template_box.blockSignals(True)
        self.template_box.clear()
        for template in self.templates:
            suffix = " (yours)" if template.user_defined else ""
            self.template_box.addItem(
                f"{template.name}{suffix} — {template.describe_size()}", template.name
            )
        if select:
            self.template_box.setCurrentIndex(max(self.template_box.findData(select), 0))
        self.template_box.blockSignals(False)

    def _reload_templates(self, select: str) -> None:
        with self.database.read() as session:
            self.templates = all_templates(session)
        self._fill_templates(select)
        self.refresh()

    def new_template(self) -> None:
        dialog = TemplateDialog(self.database, self.template(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._reload_templates)
        self.template_dialog = dialog
        dialog.open()

    def delete_template(self) -> None:
        template = self.template()
        if not template.user_defined:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete label template",
            f"Delete your label template '{template.name}'?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                delete_user_template(self.database, template.name)
                self._reload_templates(self.settings.get(LABEL_TEMPLATE))

        box.finished.connect(finished)
        self.confirm_box = box
        box.open()

    def _offset_box(self) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
        box.setDecimals(1)
        box.setSingleStep(0.1)
        box.setSuffix(" mm")
        return box

    def _restore_choices(self) -> None:
        name = self.settings.get(LABEL_TEMPLATE)
        index = self.template_box.findData(name)
        self.template_box.setCurrentIndex(max(index, 0))
        self.organisation_edit.setText(self.settings.get(ORGANISATION))
        self.logo_edit.setText(self.settings.get_raw("labels", "logo"))
        self.code39_box.setChecked(self.settings.get_raw("labels", "symbology") == "code39")
        self.qr_box.setChecked(self.settings.get_raw("labels", "qr") == "yes")
        fields = self.settings.get_raw("labels", "fields", ",".join(DEFAULT_FIELDS)).split(",")
        for box, key in zip(self.field_boxes, [*fields, "", "", ""], strict=False):
            box.setCurrentIndex(max(box.findData(key if key in LABEL_FIELDS else ""), 0))
        self._load_offsets(self.printer_box.currentText())

    def _remember_choices(self) -> None:
        self.settings.set(LABEL_TEMPLATE, self.template().name)
        self.settings.set(ORGANISATION, self.organisation_edit.text().strip())
        self.settings.set_raw("labels", "logo", self.logo_edit.text().strip())
        self.settings.set_raw("labels", "symbology", self.options().symbology.value)
        self.settings.set_raw("labels", "qr", "yes" if self.qr_box.isChecked() else "no")
        self.settings.set_raw("labels", "fields", ",".join(self.fields()))

    # -- state ---------------------------------------------------------------------

    def template(self) -> Template:
        return self.templates[max(self.template_box.currentIndex(), 0)]

    def fields(self) -> list[str]:
        chosen = [box.currentData() for box in self.field_boxes]
        return [key for key in chosen if key]

    def options(self) -> LabelOptions:
        return LabelOptions(
            symbology=Symbology.CODE39 if self.code39_box.isChecked() else Symbology.CODE128,
            qr=self.qr_box.isChecked(),
            organisation=self.organisation_edit.text().strip(),
            logo=bool(self.logo_edit.text().strip()),
        )

    def label_items(self) -> list[LabelItem]:
        if self.locations:
            return self.items
        return asset_items(self._rows, list(dict.fromkeys(self.fields())))

    def offset(self) -> tuple[float, float]:
        return self.offset_x.value(), self.offset_y.value()

    def run(self, *, calibration: bool = False) -> LabelRun:
        return LabelRun(
            template=self.template(),
            items=tuple(self.label_items()),
            options=self.options(),
            start_at=self.start_box.value(),
            logo_path=self.logo_edit.text().strip(),
            calibration=calibration,
        )

    # -- preview -------------------------------------------------------------------

    def _schedule_refresh(self) -> None:
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Lay out the page on show (only its labels: fast even for thousands)."""
        template = self.template()
        self.delete_template_button.setEnabled(
            template.user_defined and self.templates_read_only is None
        )
        self.start_box.setMaximum(template.per_page)
        run = self.run()
        first = template.per_page - (run.start_at - 1)
        pages = 1 + max(0, -(-(len(run.items) - first) // template.per_page))
        self._page_index = min(self._page_index, pages - 1)
        if self._page_index == 0:
            chunk, start = run.items[:first], run.start_at
        else:
            begin = first + (self._page_index - 1) * template.per_page
            chunk, start = run.items[begin : begin + template.per_page], 1
        try:
            laid = layout_pages(template, chunk, run.options, start_at=start, offset=self.offset())
        except DesktopError as exc:
            self.preview.show_message(exc.message)
            self.note_label.setText(f"<span style='color:#b00020'>{exc.message}</span>")
            self._set_output_enabled(False)
            return
        self._set_output_enabled(bool(run.items))
        self.preview.show_page(laid[0] if laid else None, run.logo())
        self.page_label.setText(f"Page {self._page_index + 1} of {pages}")
        self.previous_button.setEnabled(self._page_index > 0)
        self.next_button.setEnabled(self._page_index < pages - 1)
        self.note_label.setText(" ".join(job_notes(laid)))

    def _turn(self, step: int) -> None:
        self._page_index = max(0, self._page_index + step)
        self.refresh()

    def _set_output_enabled(self, enabled: bool) -> None:
        busy = self._worker is not None
        self.pdf_button.setEnabled(enabled and not busy)
        self.print_button.setEnabled(enabled and not busy)

    # -- offsets -------------------------------------------------------------------

    def _load_offsets(self, printer: str) -> None:
        x, y = load_offsets(self.settings, printer)
        for box, value in ((self.offset_x, x), (self.offset_y, y)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._schedule_refresh()

    def _offsets_edited(self) -> None:
        save_offsets(self.settings, self.printer_box.currentText(), self.offset())
        self._schedule_refresh()

    def _choose_logo(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self, "Logo", "", "Images (*.png *.jpg *.jpeg *.bmp *.svg)"
        )
        if path:
            self.logo_edit.setText(path)

    # -- output --------------------------------------------------------------------

    def save_pdf(self, *, calibration: bool = False) -> None:
        # In the home folder, as Export the view and a kit's checkout suggest (it opened in
        # the folder the program was started from: a new user's was the source tree).
        # One asset's labels are named after it (a new user printing one asset at a time
        # was offered labels.pdf each time, over the last one).
        one = self._rows[0].tag if len(self._rows) == 1 and not calibration else ""
        file = "calibration.pdf" if calibration else f"labels {one}.pdf" if one else "labels.pdf"
        name = str(Path.home() / file.replace("/", "-"))
        path, _ = file_dialogs.get_save_file_name(self, "Save labels as PDF", name, "PDF (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        run = self.run(calibration=calibration)
        offset = load_offsets(self.settings, PDF_PRINTER)
        # Where it went, not only its name (a new user looked for it).
        target = Path(path)
        self._start(pdf_job(run, target, offset), f"Saved {target.name} in {target.parent}", target)

    def print_labels(self, *, calibration: bool = False) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        chosen = self.printer_box.currentText()
        if chosen != PDF_PRINTER:
            printer.setPrinterName(chosen)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print labels")

        def accepted() -> None:
            offset = load_offsets(self.settings, printer.printerName() or PDF_PRINTER)
            self._printer = printer  # kept alive until the worker is done
            self._start(
                printer_job(self.run(calibration=calibration), printer, offset),
                "Sent to the printer",
            )

        dialog.accepted.connect(accepted)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def print_calibration(self) -> None:
        if self.printer_box.currentText() == PDF_PRINTER:
            self.save_pdf(calibration=True)
        else:
            self.print_labels(calibration=True)

    def _start(self, job: object, done_message: str, written: Path | None = None) -> None:
        self._remember_choices()
        self.open_folder.hide()
        worker = Worker(job, self)  # type: ignore[arg-type]
        self._worker = worker
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.status_label.setText("Working… (Esc cancels)")
        worker.progress.connect(self._on_progress)
        worker.succeeded.connect(lambda result: self._succeeded(done_message, result, written))
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)
        self.close_button.setText("Cancel")
        self._set_output_enabled(False)
        worker.start()

    def _succeeded(self, done_message: str, result: object, written: Path | None) -> None:
        notes = result[1] if isinstance(result, tuple) else []
        self.status_label.setText(" ".join([done_message + ".", *notes]) if notes else done_message)
        if written is not None:
            self.open_folder.show_folder_of(written)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_failed(self, error: object) -> None:
        if self._worker is not None and self._worker.cancel_event.is_set():
            self.status_label.setText("Cancelled")
            return
        self.status_label.setText("")
        if isinstance(error, DesktopError):
            QMessageBox.warning(self, self.windowTitle(), error.sentence)
        elif isinstance(error, BaseException):
            raise error  # a bug: the application's crash handler shows it

    def _on_finished(self) -> None:
        self._worker = None
        self.progress.setVisible(False)
        self.close_button.setText("Close")
        self.refresh()

    def reject(self) -> None:
        if self._worker is not None:  # Close means Cancel while working; we close when done
            self._worker.cancel()
            return
        super().reject()

    @property
    def worker(self) -> Worker | None:
        return self._worker


def print_location_labels(
    database: Database, location_ids: Sequence[uuid.UUID], parent: QWidget | None = None
) -> LabelPrintDialog:
    """Open the label dialog for these locations (their codes are scanned in audits)."""
    if not location_ids:
        raise DesktopError("choose at least one location to print labels for")
    dialog = LabelPrintDialog(database, (), parent, location_ids=location_ids)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_asset_labels(
    database: Database, tags: Sequence[str], parent: QWidget | None = None
) -> LabelPrintDialog:
    """Open the label dialog for these asset tags (a selection, a search, an import's new ones)."""
    if not tags:
        raise DesktopError("choose at least one asset to print labels for")
    dialog = LabelPrintDialog(database, tags, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
