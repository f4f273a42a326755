"""The first screen on an empty database: three ways to get started."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QMessageBox, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop.demo.fill import DemoSummary


class WelcomeView(QWidget):
    """Shown by the main window while the register holds no assets.

    Signals:
        create_demo_requested(): fill this database with realistic demo data.
        import_requested(): import assets from a spreadsheet.
        connect_requested(): open the settings to use a shared database instead.
    """

    create_demo_requested = Signal()
    import_requested = Signal()
    connect_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, demo_assets: int = 2000) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to Assetdesk")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "This register holds no assets yet. Every asset you add is received on the "
            "standard procedure form, so its history starts on day one."
        )
        intro.setWordWrap(True)

        self.demo_button = self._action(
            "&Try it with demo data",
            demo_description(demo_assets),
            self.create_demo_requested,
        )
        self.import_button = self._action(
            "&Import a spreadsheet",
            "Bring your register from Excel, LibreOffice, Snipe-IT, GLPI, iTop or Ralph "
            "(.xlsx or .csv). You see a dry run before anything is written. Their lists of "
            "locations and people: Import list… in Data › Locations or Data › People.",
            self.import_requested,
        )
        self.connect_button = self._action(
            "&Connect to a shared database",
            "Work with your team on a PostgreSQL or MariaDB server. The password is "
            "kept in this computer's keyring.",
            self.connect_requested,
        )
        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(8)
        for button in (self.demo_button, self.import_button, self.connect_button):
            column.addWidget(button)
        # Starting from nothing: the Receive form's category and location lists are empty
        # until some are made (a new user typed "Laptop" there and read only "'Laptop' is
        # not a known category").
        self.scratch_label = QLabel(
            "Or start from scratch: add your categories and locations in the Data menu "
            "(Categories, Locations), then receive each asset: Asset › Receive (Ctrl+N)."
        )
        self.scratch_label.setWordWrap(True)
        column.addSpacing(4)
        column.addWidget(self.scratch_label)
        box = QWidget()
        box.setLayout(column)
        box.setFixedWidth(620)
        for button in (self.demo_button, self.import_button, self.connect_button):
            # Tall enough for the whole description at this width (it wraps to 2-3 lines).
            button.setMinimumHeight(max(60, button.heightForWidth(620)))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setFocusProxy(self.demo_button)

    def _action(self, text: str, description: str, signal: SignalInstance) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description)
        button.setMinimumHeight(60)
        # Return presses the button Tab reached, as in a dialog (outside one a push button
        # takes only Space: a new user tabbed to "Connect…", pressed Return, and nothing).
        button.setAutoDefault(True)
        button.clicked.connect(signal)
        return button


def demo_description(assets: int) -> str:
    """What "Try it with demo data" makes (``desktop.demo.fill_demo`` with ``assets``)."""
    return (
        "Fill this database with a demo organisation: three sites with their buildings, "
        f"rooms and racks, teams and people, and {assets:,} assets with six years of "
        "history, pending approvals and open incidents. Best on a database of its own."
    )


def demo_made_notice(summary: DemoSummary, parent: QWidget) -> QMessageBox:
    """Said once the demo data is made: the seed and day it was made with, and the command
    that makes the same data again (the button offers neither; the command line does)."""
    day = f", its history up to {summary.today.isoformat()}" if summary.today else ""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Demo data made",
        f"Made {summary.assets:,} demo assets with seed {summary.seed}{day}.",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setInformativeText(f"The same data again, in another database:\n{summary.same_again()}")
    for label in box.findChildren(QLabel):  # the command too, to copy it
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box
