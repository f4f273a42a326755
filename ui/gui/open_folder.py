"""An "Open folder" button for a message about a file just written (a PDF of labels, an
export): the folder opens in the desktop's file manager, as mature applications offer
(a new user looked for the file they had saved)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


class OpenFolderButton(QPushButton):
    """Hidden until :meth:`show_folder_of` names a file; a click opens its folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Open folde&r", parent)  # &F: the label dialog's "Offsets &for"
        self.folder: Path | None = None
        #: Said when no file manager opened (none installed: the click did nothing at all).
        self.failed_box: QMessageBox | None = None
        self.setAutoDefault(False)  # Enter keeps doing what the dialog's default does
        self.hide()
        self.clicked.connect(self.open_folder)

    def show_folder_of(self, path: Path) -> None:
        self.folder = path.parent
        self.setToolTip(f"Open {self.folder} in the file manager")
        self.show()

    def open_folder(self) -> None:
        if self.folder is None:
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))):
            return
        QGuiApplication.clipboard().setText(str(self.folder))
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Open folder",
            f"No file manager could open {self.folder}.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText("Its path is copied: paste it where you look for the file.")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: setattr(self, "failed_box", None))
        self.failed_box = box
        box.open()
