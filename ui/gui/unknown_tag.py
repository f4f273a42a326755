"""What the main window says of a scanned tag no asset has: a code no asset could carry
is only noticed; a tag is offered for receiving. Neither is modal: a scan's slot runs
inside the scanner's key filter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractButton, QLineEdit, QMessageBox, QStatusBar, QWidget


def untaggable_notice(parent: QWidget, tag: str, problem: str) -> QMessageBox:
    """A code no asset could carry (a QR code's address, words): nothing to receive."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Unknown tag",
        f"No asset has the tag {tag}, and no asset can: {problem}.",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.open()
    return box


def offer_receive(parent: QWidget, tag: str, receive: Callable[[str], None]) -> QMessageBox:
    """Asks whether to receive a new asset with ``tag``; ``receive(tag)`` if so."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Unknown tag",
        f"No asset has the tag {tag}.",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    button = box.addButton(f"Receive a new asset with tag {tag}", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(button)

    def clicked(chosen: QAbstractButton) -> None:
        if chosen is button:
            receive(tag)

    box.buttonClicked.connect(clicked)
    box.open()
    return box


def leave_for_the_next_scan(
    box: QMessageBox, search: QLineEdit, status_bar: QStatusBar, tag: str
) -> None:
    """An unknown tag scanned into the search box stays there, searched for (it may have
    been a person typing fast); once ``box`` is answered it is selected, so that the next
    scan replaces it rather than being added to it, and the status bar says so."""

    def answered() -> None:
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Cancel):
            return  # received: the procedure form has the focus
        if search.text().strip() != tag:
            return  # the search was changed meanwhile
        search.setFocus()
        search.selectAll()
        status_bar.showMessage(f"No asset has the tag {tag}: the next scan replaces it", 8000)

    box.finished.connect(answered)
