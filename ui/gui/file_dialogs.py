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
Qt's own dialog took a name typed with a wildcard (``*``, ``*.pdf``, ``?``) as the file to
write and saved a file literally named ``*.pdf``; here such a name filters the listing, as
the platforms' dialogs do, and the dialog stays open.
"""

from __future__ import annotations

from PySide6.QtCore import QDir, QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QStyle, QWidget

#: Characters that make a typed name a pattern of names, not a name.
WILDCARDS = frozenset("*?")


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
        self._own_filters: list[str] | None = None  # the caller's, before a typed pattern

    def accept(self) -> None:
        """Save/Open, or Enter in the name field: a typed pattern (``*.pdf``) filters the
        listing and the dialog stays open; a name is taken as Qt takes it."""
        typed = self.typed_name()
        if any(character in WILDCARDS for character in typed):
            self.filter_by(typed)
            return
        super().accept()

    def typed_name(self) -> str:
        edit = self.findChild(QLineEdit, "fileNameEdit")
        return edit.text().strip() if edit is not None else ""

    def filter_by(self, typed: str) -> None:
        """List only the names matching ``typed`` ("*.pdf", "lab* *.PDF", "old/*.xlsx"),
        as a name filter of its own, chosen; the caller's filters stay in the list."""
        folder, _, patterns = typed.replace("\\", "/").rpartition("/")
        if folder:
            self.setDirectory(QDir(self.directory().absolutePath()).absoluteFilePath(folder))
        if self._own_filters is None:
            self._own_filters = self.nameFilters()
        wanted = " ".join(patterns.split()) or "*"
        label = f"Names matching {wanted} ({wanted})"
        self.setNameFilters([label, *[f for f in self._own_filters if f != label]])
        self.selectNameFilter(label)
        edit = self.findChild(QLineEdit, "fileNameEdit")
        if edit is not None:
            edit.clear()
            edit.setFocus()


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
