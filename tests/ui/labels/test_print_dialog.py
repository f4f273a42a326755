"""The label print dialog: preview, start at label N, offsets remembered, PDF and print."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.errors import DesktopError
from desktop.labels.calibration import PDF_PRINTER, load_offsets
from desktop.labels.geometry import LabelItem, PageLayout
from desktop.labels.layout import LabelOptions
from desktop.labels.store import all_templates, shipped_templates
from desktop.settings import LABEL_TEMPLATE, Settings
from desktop.storage.database import Database
from tests.factories import World, seed_world
from tests.ui.mnemonics import mnemonics
from ui.gui.labels import print_dialog
from ui.gui.labels.print_dialog import LabelPrintDialog, print_asset_labels, print_location_labels
from ui.gui.labels.print_jobs import LabelRun, pdf_job

TAGS = [f"LAP-{n:06d}" for n in range(1, 26)]


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for n, tag in enumerate(TAGS):
        world.receive(tag=tag, name=f"ThinkPad T14 #{n}", values={"serial_number": f"PF{n:06d}"})
    return world


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(LABEL_TEMPLATE, "Avery L7160")
    return settings


def _dialog(
    qtbot: QtBot, world: World, settings: Settings, tags: list[str] = TAGS
) -> LabelPrintDialog:
    dialog = LabelPrintDialog(world.db, tags, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _save_to(monkeypatch: pytest.MonkeyPatch, output: Path) -> None:
    """The PDF file the person chooses in the save dialog."""
    monkeypatch.setattr(
        "ui.gui.file_dialogs.get_save_file_name",
        lambda *args, **kwargs: (str(output), "PDF (*.pdf)"),
    )


def _page_count(path: Path) -> int:
    return len(re.findall(rb"/MediaBox", path.read_bytes()))


def test_preview_shows_the_first_sheet_starting_at_label_n(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    dialog = _dialog(qtbot, world, settings)
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    assert [label.item.value for label in page.labels] == TAGS[:21]
    assert page.labels[0].item.lines == ("ThinkPad T14 #0", "S/N PF000000")
    dialog.start_box.setValue(4)
    dialog.refresh()
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    template = dialog.template()
    assert (page.labels[0].cell.x, page.labels[0].cell.y) == pytest.approx(template.cell_origin(3))
    assert len(page.labels) == 18 and len(page.skipped_cells) == 3
    assert dialog.page_label.text() == "Page 1 of 2"
    dialog.next_button.click()
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    assert [label.item.value for label in page.labels] == TAGS[18:]


def test_save_pdf_suggests_the_home_folder(
    qtbot: QtBot, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Save PDF… opened in the folder the program was started from (a new user's was the
    source tree); it suggests the home folder, as Export the view does."""
    asked: list[str] = []

    def cancelled(parent: object, caption: str, suggested: str, filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return "", ""

    monkeypatch.setattr("ui.gui.file_dialogs.get_save_file_name", cancelled)
    dialog = _dialog(qtbot, world, settings)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert asked == [str(Path.home() / "labels.pdf")]
    assert dialog.worker is None  # cancelled: nothing written


def test_save_pdf_names_one_asset_s_labels_after_it(
    qtbot: QtBot, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new user printing one asset's label at a time was offered labels.pdf each time."""
    asked: list[str] = []

    def cancelled(parent: object, caption: str, suggested: str, filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return "", ""

    monkeypatch.setattr("ui.gui.file_dialogs.get_save_file_name", cancelled)
    dialog = _dialog(qtbot, world, settings, [TAGS[4]])
    dialog.pdf_button.setFocus()
    qtbot.keyClick(dialog.pdf_button, Qt.Key.Key_Space)
    assert asked == [str(Path.home() / f"labels {TAGS[4]}.pdf")]


def test_save_pdf_writes_every_label_on_a_worker(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "out" / "labels"
    output.parent.mkdir()
    _save_to(monkeypatch, output)
    dialog = _dialog(qtbot, world, settings)
    dialog.template_box.setCurrentIndex(dialog.template_box.findData("Zebra 2 × 1 in"))
    dialog.refresh()
    dialog.pdf_button.click()
    assert dialog.worker is not None and not dialog.pdf_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    written = output.with_suffix(".pdf")
    assert _page_count(written) == len(TAGS)  # a roll: one page per label
    assert dialog.status_label.text() == f"Saved labels.pdf in {output.parent}"
    assert Settings(settings.path).get(LABEL_TEMPLATE) == "Zebra 2 × 1 in"


def test_a_tag_too_long_for_the_bars_is_printed_as_a_qr_code_and_the_dialog_says_so(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    dialog = _dialog(qtbot, world, settings)
    dialog.template_box.setCurrentIndex(dialog.template_box.findData("Avery L7651"))
    dialog.code39_box.setChecked(True)
    dialog.refresh()
    assert "25 labels 'LAP-000001', 'LAP-000002'" in dialog.note_label.text()
    assert "printed as a QR code: as Code 39 it needs" in dialog.note_label.text()
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    assert all(label.barcode is None and label.qr is not None for label in page.labels)
    assert dialog.pdf_button.isEnabled() and dialog.print_button.isEnabled()
    dialog.code39_box.setChecked(False)
    dialog.refresh()
    assert dialog.note_label.text() == ""


def test_offsets_are_remembered_for_the_chosen_printer(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    dialog = _dialog(qtbot, world, settings)
    assert dialog.printer_box.currentText() == PDF_PRINTER
    dialog.offset_x.setValue(1.5)
    dialog.offset_y.setValue(-0.7)
    assert load_offsets(Settings(settings.path), PDF_PRINTER) == (1.5, -0.7)
    dialog.refresh()
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    dot = dialog.template().dot_mm
    assert page.labels[0].cell.x == pytest.approx(dialog.template().left + round(1.5 / dot) * dot)
    again = _dialog(qtbot, world, Settings(settings.path))
    assert (again.offset_x.value(), again.offset_y.value()) == (1.5, -0.7)


class _AcceptingPrintDialog(QObject):
    """Stands in for QPrintDialog: the user picks "print to file" and presses Print."""

    accepted = Signal()
    target: Path

    def __init__(self, printer: QPrinter, parent: object = None) -> None:
        super().__init__()
        self.printer = printer

    def setWindowTitle(self, title: str) -> None:
        pass

    def setWindowModality(self, modality: object) -> None:
        pass

    def show(self) -> None:
        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(str(self.target))
        self.accepted.emit()


def test_print_paints_the_labels_on_the_chosen_printer(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _AcceptingPrintDialog.target = tmp_path / "printed.pdf"
    monkeypatch.setattr(print_dialog, "QPrintDialog", _AcceptingPrintDialog)
    dialog = _dialog(qtbot, world, settings, TAGS[:5])
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert _page_count(_AcceptingPrintDialog.target) == 1
    assert dialog.status_label.text() == "Sent to the printer"


def test_calibration_page_for_pdf_is_saved(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "calibration.pdf"
    _save_to(monkeypatch, output)
    dialog = _dialog(qtbot, world, settings)
    dialog.calibration_button.click()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert _page_count(output) == 1


def test_location_labels_dialog(qtbot: QtBot, world: World, settings: Settings) -> None:
    dialog = print_location_labels(world.db, [world.room_a, world.room_b])
    qtbot.addWidget(dialog)
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    assert [label.item.value for label in page.labels] == ["ROOM-A1", "ROOM-A2"]
    assert page.labels[1].item.lines == ("Room A2", "Head office › Building A")
    assert not dialog.field_boxes[0].isEnabled()
    assert dialog.windowTitle() == "Print location labels"


def test_cancel_leaves_no_file(qapp: QApplication, tmp_path: Path) -> None:
    template = next(t for t in shipped_templates() if t.name == "Avery L7160")
    run = LabelRun(template, tuple(LabelItem(f"LAP-{n:06d}") for n in range(50)), LabelOptions())
    cancel = threading.Event()
    cancel.set()
    output = tmp_path / "labels.pdf"
    with pytest.raises(DesktopError, match="cancelled"):
        pdf_job(run, output, (0.0, 0.0))(lambda done, total: None, cancel)
    assert list(tmp_path.iterdir()) == []


def test_close_while_saving_cancels_and_waits(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "labels.pdf"
    _save_to(monkeypatch, output)
    dialog = _dialog(qtbot, world, settings)
    dialog.pdf_button.click()
    worker = dialog.worker
    assert worker is not None
    dialog.reject()  # Esc / Close while working: asks the worker to stop, the dialog stays
    assert worker.cancel_event.is_set() and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert dialog.close_button.text() == "Close"
    # Either the job saw the cancel (no file) or it had already finished (a whole file).
    saved = f"Saved labels.pdf in {tmp_path}"
    assert dialog.status_label.text() in ("Cancelled", saved)
    assert output.exists() == (dialog.status_label.text() == saved)
    assert not (tmp_path / "labels.pdf.part").exists()


def test_a_template_of_your_own_is_saved_used_and_deleted(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    dialog = _dialog(qtbot, world, settings)
    assert not dialog.delete_template_button.isEnabled()  # shipped templates stay
    dialog.new_template_button.click()
    editor = dialog.template_dialog
    assert editor.name_edit.text() == "Avery L7160 (my printer)"
    editor.rows_box.setValue(9)  # 9 rows of 38.1 mm do not fit on A4
    editor.save()
    assert "rows: the labels reach" in editor.problems_label.text()
    assert editor.isVisible()
    with world.db.read() as session:
        assert not [t for t in all_templates(session) if t.user_defined]
    editor.rows_box.setValue(6)
    editor.length_boxes["top"].setValue(20.0)
    with qtbot.waitSignal(editor.saved):
        editor.save()
    template = dialog.template()
    assert template.name == "Avery L7160 (my printer)" and template.user_defined
    assert (template.rows, template.top) == (6, 20.0)
    assert dialog.template_box.currentText().startswith("Avery L7160 (my printer) (yours)")
    page = dialog.preview.page
    assert isinstance(page, PageLayout) and len(page.labels) == 18
    assert dialog.delete_template_button.isEnabled()
    dialog.delete_template_button.click()
    dialog.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    with world.db.read() as session:
        assert not [t for t in all_templates(session) if t.user_defined]
    assert not dialog.template().user_defined


def test_print_asset_labels_opens_the_dialog_for_the_tags(qtbot: QtBot, world: World) -> None:
    dialog = print_asset_labels(world.db, ["LAP-000003", "lap-000001"])
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    page = dialog.preview.page
    assert isinstance(page, PageLayout)
    assert [label.item.value for label in page.labels] == ["LAP-000003", "LAP-000001"]


def test_enter_saves_the_pdf_rather_than_opening_a_new_template(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter in the dialog (offsets for the PDF file) makes the labels: it opened the
    "New…" template dialog, the first button of the window."""
    output = tmp_path / "enter.pdf"
    _save_to(monkeypatch, output)
    dialog = _dialog(qtbot, world, settings)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.template_box.setFocus()
    assert dialog.pdf_button.isDefault() and not dialog.new_template_button.isDefault()
    qtbot.keyClick(dialog.template_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.worker is None and output.exists(), timeout=20_000)
    assert dialog.status_label.text() == f"Saved enter.pdf in {tmp_path}"
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not dialog] == []


def test_after_save_pdf_open_folder_opens_the_folder_it_went_to(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "out" / "labels.pdf"
    output.parent.mkdir()
    _save_to(monkeypatch, output)
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("ui.gui.open_folder.QDesktopServices.openUrl", open_url)
    dialog = _dialog(qtbot, world, settings)
    assert not dialog.open_folder.isVisible()  # nothing written yet
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert output.exists()
    assert dialog.open_folder.isVisible() and dialog.open_folder.isEnabled()
    assert dialog.open_folder.text().replace("&", "") == "Open folder"
    qtbot.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(output.parent)]


def test_no_two_controls_share_an_alt_letter(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Save &PDF…" and "&Print…" shared Alt+P: the letter only moved the focus between
    them. Checked with every control shown, Open folder included (after a PDF)."""
    output = tmp_path / "labels.pdf"
    _save_to(monkeypatch, output)
    dialog = _dialog(qtbot, world, settings)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and output.exists(), timeout=20_000)
    assert dialog.open_folder.isVisible()
    shared = {letter: texts for letter, texts in mnemonics(dialog).items() if len(texts) > 1}
    assert shared == {}


def test_open_folder_without_a_file_manager_says_where_the_file_is(
    qtbot: QtBot, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no file manager installed Open folder (Alt+R) did nothing at all (a new user
    under a bare X session): the app says so and copies the folder's path."""
    output = tmp_path / "labels.pdf"
    _save_to(monkeypatch, output)
    monkeypatch.setattr("ui.gui.open_folder.QDesktopServices.openUrl", lambda url: False)
    dialog = _dialog(qtbot, world, settings)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and output.exists(), timeout=20_000)
    qtbot.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
    box = dialog.open_folder.failed_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.text() == f"No file manager could open {tmp_path}."
    assert QApplication.clipboard().text() == str(tmp_path)
    box.accept()
    qtbot.waitUntil(lambda: dialog.open_folder.failed_box is None)


def test_each_alt_letter_of_a_new_template_names_one_field(
    qtbot: QtBot, world: World, settings: Settings
) -> None:
    """ "&Rows:" and "Printer &resolution (dpi):" shared R: Alt+R never reached the
    resolution (newuser6). It is Alt+L now; Alt+R still goes to the rows."""
    dialog = _dialog(qtbot, world, settings)
    qtbot.mouseClick(dialog.new_template_button, Qt.MouseButton.LeftButton)
    editor = dialog.template_dialog
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(editor.dpi_box.hasFocus, timeout=2000)
    qtbot.keyClick(editor.dpi_box, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(editor.rows_box.hasFocus, timeout=2000)
    assert {k: v for k, v in mnemonics(editor).items() if len(v) > 1} == {}
    editor.reject()
