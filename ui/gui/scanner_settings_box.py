"""The settings dialog's "Barcode scanner" section: timing, prefix, suffix, terminator.

A USB scanner types like a keyboard; these settings let the window tell its bursts from
a person typing (see :mod:`ui.gui.scanner`). The defaults fit common scanners and
``xdotool type``; a slow wireless scanner may need a longer gap, a scanner set up to
send a prefix or suffix needs them named here so that they are removed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QSpinBox, QWidget

from desktop.scanning import GAP_RANGE_MS, LENGTH_RANGE
from desktop.settings import (
    SCAN_MAX_GAP_MS,
    SCAN_MIN_LENGTH,
    SCAN_PREFIX,
    SCAN_SUFFIX,
    SCAN_TERMINATOR,
    Settings,
)

TERMINATOR_CHOICES = (
    ("Enter or Tab", "enter_or_tab"),
    ("Enter", "enter"),
    ("Tab", "tab"),
)


class ScannerSettingsBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Barcode scanner", parent)
        self.gap_spin = QSpinBox()
        self.gap_spin.setRange(*GAP_RANGE_MS)
        self.gap_spin.setSuffix(" ms")
        self.gap_spin.setToolTip(
            "Scanners send a key every few milliseconds; people type slower. Key events closer"
            " together than this, ended by the terminator, are a scan."
        )
        self.length_spin = QSpinBox()
        self.length_spin.setRange(*LENGTH_RANGE)
        self.length_spin.setSuffix(" characters")
        self.prefix_edit = QLineEdit()
        self.prefix_edit.setPlaceholderText("none")
        self.suffix_edit = QLineEdit()
        self.suffix_edit.setPlaceholderText("none")
        self.terminator_combo = QComboBox()
        for text, value in TERMINATOR_CHOICES:
            self.terminator_combo.addItem(text, value)
        form = QFormLayout(self)
        form.addRow("Longest pause between &keys:", self.gap_spin)
        form.addRow("Shortest &code:", self.length_spin)
        form.addRow("&Prefix it sends:", self.prefix_edit)
        form.addRow("Su&ffix it sends:", self.suffix_edit)
        form.addRow("Scan &ends with:", self.terminator_combo)

    def load(self, settings: Settings) -> None:
        self.gap_spin.setValue(settings.get(SCAN_MAX_GAP_MS))
        self.length_spin.setValue(settings.get(SCAN_MIN_LENGTH))
        self.prefix_edit.setText(settings.get(SCAN_PREFIX))
        self.suffix_edit.setText(settings.get(SCAN_SUFFIX))
        index = self.terminator_combo.findData(settings.get(SCAN_TERMINATOR))
        self.terminator_combo.setCurrentIndex(max(index, 0))

    def save(self, settings: Settings) -> None:
        settings.set(SCAN_MAX_GAP_MS, self.gap_spin.value())
        settings.set(SCAN_MIN_LENGTH, self.length_spin.value())
        settings.set(SCAN_PREFIX, self.prefix_edit.text())
        settings.set(SCAN_SUFFIX, self.suffix_edit.text())
        settings.set(SCAN_TERMINATOR, str(self.terminator_combo.currentData()))
