"""Waiting for a window or dialog to close, where closing may also delete it.

A dialog the main window opens is deleted (``deleteLater``) once it finishes, and windows
with ``WA_DeleteOnClose`` are deleted as they close: a wait that asks the closed widget
``isVisible()`` then meets "Internal C++ object already deleted" whenever the deletion
runs between two polls (seen in CI under load).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid


def closed(widget: QWidget) -> bool:
    """Whether ``widget`` is no longer shown: hidden, or already deleted."""
    return not isValid(widget) or not widget.isVisible()
