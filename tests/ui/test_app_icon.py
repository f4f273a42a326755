"""The window icon carries every shipped size."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QSize

from resources.icons import ICON_SIZES
from ui.gui.app_icon import application_icon


def test_application_icon_has_every_size(qtbot: QtBot) -> None:
    icon = application_icon()
    assert not icon.isNull()
    assert icon.availableSizes() == [QSize(size, size) for size in ICON_SIZES]
    # The 48 px rendering is the shipped 48 px PNG, not a scaled 512 px one.
    image = icon.pixmap(QSize(48, 48)).toImage()
    assert image.width() == 48
    corner_alpha = image.pixelColor(0, 0).alpha()
    assert corner_alpha == 0  # the tile's rounded corner is transparent
