"""Keys typed right after the shortcut, before the form is built, land in the field it
opens on, in order (keys20). The form reads its template and pick lists on a worker first
(~0.2 s quiet, ~2 s under load); until then the focus was on its Cancel button, and a
keyboard-first technician's "Dell" typed after Ctrl+I arrived as "ll". A scanner's burst
(fast keys and Enter) typed as early is still a scan, as the form's scan rules say."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from tests.ui.gui.conftest import Register, open_window
from ui.gui.main_window import MainWindow
from ui.gui.procedure_form.dialog import ProcedureDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def _shortcut(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> ProcedureDialog:
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, key, CTRL)
    form = window.open_dialogs[-1]
    assert isinstance(form, ProcedureDialog)
    assert not form.is_ready()  # the keys below are typed while it loads
    return form


def _keys_now() -> QWidget:
    """Where the window system sends keys at once: the form's focus, or the form."""
    widget = QApplication.focusWidget() or QApplication.activeWindow()
    assert widget is not None, "no window has the keyboard"
    return widget


def _text(widget: QWidget | None) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    assert isinstance(widget, QLineEdit), widget
    return widget.text()


def _ready(qtbot: QtBot, form: ProcedureDialog) -> None:
    qtbot.waitUntil(lambda: form.is_ready() and not form.is_busy(), timeout=20_000)
    qtbot.wait(200)  # longer than a scan's gap: held keys have reached their field


def test_keys_typed_while_an_install_form_loads_go_into_its_first_field(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    window.handle_scan("LAP-00001")
    qtbot.waitUntil(lambda: [r.tag for r in window.selected_rows()] == ["LAP-00001"])
    form = _shortcut(qtbot, window, Qt.Key.Key_I)
    qtbot.keyClicks(_keys_now(), "Dell")
    _ready(qtbot, form)
    assert form.view is not None
    first = form.focusWidget()
    owner = form.view.editor_owning(first)
    assert owner is not None and owner.key == "assigned_to"  # the field it opens on
    assert _text(owner.widget) == "Dell"
    form.discard()


def test_a_tag_typed_while_a_receive_form_loads_is_the_tag(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    form = _shortcut(qtbot, window, Qt.Key.Key_N)
    for char in "LAP-09002":  # a person: the form opens as they type
        qtbot.keyClicks(_keys_now(), char)
        qtbot.wait(70)
    _ready(qtbot, form)
    assert form.view is not None
    tag = form.view.asset_editors["tag"]
    assert tag.value() == "LAP-09002"
    assert form.view.editor_owning(form.focusWidget()) is tag  # typed, not scanned
    assert form.scan_label.isHidden()
    form.discard()


def test_a_scan_made_while_a_receive_form_loads_is_taken_as_a_scan(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    window = open_window(qtbot, register, tmp_path, "tech")
    form = _shortcut(qtbot, window, Qt.Key.Key_N)
    target = _keys_now()
    qtbot.keyClicks(target, "LAP-09001")  # a scanner: fast keys and Enter
    qtbot.keyClick(target, Qt.Key.Key_Return)
    _ready(qtbot, form)
    assert form.view is not None
    assert form.view.asset_editors["tag"].value() == "LAP-09001"
    assert form.scan_label.text() == "Scanned LAP-09001 into Asset tag."
    # On to the serial number, where the next scan goes (the README's scan rules).
    owner = form.view.editor_owning(form.focusWidget())
    assert owner is not None and owner.key == "serial_number"
    assert owner.is_empty()
    form.discard()


def test_the_shortcut_again_while_queued_keys_are_taken_opens_one_form(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    """The form takes the keys queued while the shortcut built it (an event loop of
    their own): the same shortcut among them (pressed twice, a key's auto-repeat) opens
    no second form meanwhile."""
    window = open_window(qtbot, register, tmp_path, "tech")
    window.view.table.setFocus()
    again = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_N, CTRL, "")
    QApplication.postEvent(window.view.table, again)  # queued: taken by the first form
    qtbot.keyClick(window.view.table, Qt.Key.Key_N, CTRL)
    forms = [d for d in window.open_dialogs if isinstance(d, ProcedureDialog)]
    assert len(forms) == 1, f"{len(forms)} Receive forms opened by one shortcut and its repeat"
    _ready(qtbot, forms[0])
