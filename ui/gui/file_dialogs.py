"""The one way our windows ask for a file: Qt's file dialog that never opens a file it lists.

Qt's file dialog asks its icon provider for each listed file's icon and type; the stock
provider asks ``QMimeDatabase``, which reads the first bytes of every file whose name no
glob knows (``*.adkit``, ``*.adkit-wal``, ``*.adkit-shm``). Reading means ``open()`` and
``close()`` in our process, and one ``close()`` of any descriptor of a file drops every
POSIX lock the process holds on it: SQLite's locks on the open field kit or local
register (the WAL index's "dead man switch" on ``-shm``) were lost, a ``kit sync`` from a
terminal then reset the WAL under the window, which read "database disk image is
malformed" until restarted. Here icon and type come from the name alone.

Qt's own dialog (not the platform's, which would sniff the same way in our process).
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and types from the file's name and kind, never from its content."""

    def icon(self, what: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:
        style = QApplication.style()
        if isinstance(what, QFileInfo):
            folder = what.isDir()
        else:
            folder = what != QAbstractFileIconProvider.IconType.File
        pixmap = QStyle.StandardPixmap.SP_DirIcon if folder else QStyle.StandardPixmap.SP_FileIcon
        return style.standardIcon(pixmap)

    def type(self, info: QFileInfo) -> str:
        if info.isRoot():
            return "Drive"
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


class FileDialog(QFileDialog):
    """``QFileDialog(parent, caption, directory, filter)`` that lists without reading."""

    def __init__(
        self,
        parent: QWidget | None = None,
        caption: str = "",
        directory: str = "",
        filter: str = "",
    ) -> None:
        # The listing's icons and types are asked for when the model's updates arrive
        # through the event loop, so a provider set here is in place before the first.
        super().__init__(parent, caption, directory, filter)
        self.setOption(QFileDialog.Option.DontUseNativeDialog)
        self._icons = NameOnlyIconProvider()  # the dialog does not own it
        self.setIconProvider(self._icons)


def get_open_file_name(
    parent: QWidget | None,
    caption: str = "",
    directory: str = "",
    filter: str = "",
    options: QFileDialog.Option | None = None,
) -> tuple[str, str]:
    """As ``QFileDialog.getOpenFileName``: (path, chosen filter), ("", "") if cancelled."""
    dialog = FileDialog(parent, caption, directory, filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _answer(dialog, options)


def get_save_file_name(
    parent: QWidget | None,
    caption: str = "",
    directory: str = "",
    filter: str = "",
    options: QFileDialog.Option | None = None,
) -> tuple[str, str]:
    """As ``QFileDialog.getSaveFileName``: (path, chosen filter), ("", "") if cancelled."""
    dialog = FileDialog(parent, caption, directory, filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return _answer(dialog, options)


def _answer(dialog: FileDialog, options: QFileDialog.Option | None) -> tuple[str, str]:
    if options is not None:
        dialog.setOptions(options | QFileDialog.Option.DontUseNativeDialog)
    try:
        # Modal as Qt's static functions are; the callers wait for the answer.
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return "", ""
        files = dialog.selectedFiles()
        return (files[0] if files else ""), dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()
