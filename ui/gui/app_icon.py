"""The application icon as a QIcon, from the PNG sizes shipped in ``resources.icons``."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon, QPixmap

from resources.icons import ICON_SIZES, png_name

#: The id under which the desktop entry, the AppStream metainfo and the icon theme know
#: Assetdesk (Wayland uses it to find the window's icon and name).
DESKTOP_FILE_NAME = "io.assetdesk.Assetdesk"


def application_icon() -> QIcon:
    """Every shipped size in one QIcon, so each place (title bar, task bar, Alt+Tab, dock)
    gets a sharp rendering instead of a scaled one."""
    icon = QIcon()
    folder = resources.files("resources.icons")
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(folder.joinpath(png_name(size)).read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon
