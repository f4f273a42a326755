"""Window geometry, splitter and column layout, and the selected asset of each database,
remembered between runs (QSettings).

Kept in an INI file of its own next to the settings file: it is GUI state, not a setting.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QWidget

from desktop.settings import settings_path

#: Bump when the table's columns change incompatibly: old header states are then ignored.
LAYOUT_VERSION = 1


def layout_path() -> Path:
    return settings_path().with_name("window-state.ini")


class LayoutState:
    def __init__(self, path: Path | None = None) -> None:
        self._settings = QSettings(str(path or layout_path()), QSettings.Format.IniFormat)

    def save(self, window: QMainWindow, splitter: QSplitter, header: QHeaderView) -> None:
        self._settings.setValue("main/geometry", window.saveGeometry())
        self._settings.setValue("main/state", window.saveState(LAYOUT_VERSION))
        self._settings.setValue("main/splitter", splitter.saveState())
        self._settings.setValue("main/header", header.saveState())
        self._settings.setValue("main/version", LAYOUT_VERSION)
        self._settings.sync()

    def restore(self, window: QMainWindow, splitter: QSplitter, header: QHeaderView) -> bool:
        """Apply what was saved; False if nothing (or an outdated layout) was saved."""
        if int(self._settings.value("main/version", 0)) != LAYOUT_VERSION:  # type: ignore[call-overload]
            return False
        geometry = self._settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        state = self._settings.value("main/state")
        if isinstance(state, QByteArray):
            window.restoreState(state, LAYOUT_VERSION)
        split = self._settings.value("main/splitter")
        if isinstance(split, QByteArray):
            splitter.restoreState(split)
        columns = self._settings.value("main/header")
        return isinstance(columns, QByteArray) and header.restoreState(columns)

    def save_selection(self, database_url: str, asset_id: uuid.UUID | None) -> None:
        """The asset selected when the window closed, for this database (by a digest of
        its URL: no password is written here); None forgets it."""
        key = f"selected/{_digest(database_url)}"
        if asset_id is None:
            self._settings.remove(key)
        else:
            self._settings.setValue(key, str(asset_id))
        self._settings.sync()

    def saved_selection(self, database_url: str) -> uuid.UUID | None:
        value = self._settings.value(f"selected/{_digest(database_url)}")
        try:
            return uuid.UUID(str(value)) if value else None
        except ValueError:  # a hand-edited file
            return None

    def save_dialog(self, name: str, dialog: QWidget, splitter: QSplitter | None = None) -> None:
        """Remember a dialog's size and place (and its splitter), under ``name``."""
        self._settings.setValue(f"{name}/geometry", dialog.saveGeometry())
        if splitter is not None:
            self._settings.setValue(f"{name}/splitter", splitter.saveState())
        self._settings.sync()

    def restore_dialog(self, name: str, dialog: QWidget, splitter: QSplitter | None = None) -> bool:
        """Give a dialog the size and place it was left with; False if none was saved."""
        geometry = self._settings.value(f"{name}/geometry")
        split = self._settings.value(f"{name}/splitter")
        if splitter is not None and isinstance(split, QByteArray):
            splitter.restoreState(split)
        return isinstance(geometry, QByteArray) and dialog.restoreGeometry(geometry)


def remember_place(layout: LayoutState, name: str, window: QWidget) -> bool:
    """Give ``window`` the size and place it was left with (False if none was saved), and
    save them under ``name`` as it closes (Quit included: its owner closes it)."""
    restored = layout.restore_dialog(name, window)
    window.installEventFilter(_SaveOnClose(layout, name, window))
    return restored


class _SaveOnClose(QObject):
    """Saves a window's size and place under ``name`` as it closes."""

    def __init__(self, layout: LayoutState, name: str, window: QWidget) -> None:
        super().__init__(window)
        self._layout, self._name = layout, name

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and isinstance(watched, QWidget):
            self._layout.save_dialog(self._name, watched)
        return False


def fitting_size(window: QWidget, width: int, height: int) -> QSize:
    """The size wanted, shrunk to the screen's free area (a 1280×800 laptop, a small VM)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    free = screen.availableGeometry()
    return QSize(min(width, free.width()), min(height, free.height() - 40))


def _digest(database_url: str) -> str:
    return hashlib.sha256(database_url.encode()).hexdigest()[:16]
