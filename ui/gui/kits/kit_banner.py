"""The strip above the register that says plainly the window works in a field kit.

It names the kit's scope, who checked it out from which database and how long ago, and
how many records made here wait to be synced (and how many conflicts wait, if any), with
a button that opens the sync.

Signals:
    sync_requested(): the person pressed "Sync now…".
    leave_requested(): the person pressed "Back to the database" (the kit's source).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.gui.kits.age import age_text, local_time_text

BANNER_STYLE = (
    "#kit_banner { background: #fff4d6; border-bottom: 1px solid #e0b84c; }"
    "#kit_banner QLabel { color: #4a3700; }"
)


class KitBanner(QFrame):
    sync_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kit_banner")
        self.setStyleSheet(BANNER_STYLE)
        self.headline = QLabel()
        self.headline.setObjectName("kit_banner_text")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_button = QPushButton("S&ync now…")
        self.sync_button.clicked.connect(self.sync_requested)
        # Back from the kit to the database it came from: a new user, synced and checked
        # in, found the way only through File › Settings.
        self.leave_button = QPushButton("&Back to the database")
        self.leave_button.clicked.connect(self.leave_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.headline, 1)
        layout.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.info: Any = None
        self.hide()

    def show_kit(
        self,
        info: Any,
        now: dt.datetime | None = None,
        *,
        holder: str = "",
        notes: list[str] | tuple[str, ...] = (),
    ) -> None:
        """Show ``info`` (a kit's :class:`KitInfo`), or hide the banner for None;
        ``holder``: the name of who checked it out (else their user name is shown);
        ``notes``: sentences about the kit file itself (a mode that could not be made
        private), each on a line of its own."""
        self.info = info
        if info is None:
            self.hide()
            return
        self.headline.setText(
            banner_html(info, now, holder=holder)
            + "".join(
                f"<br><span style='color:#a32020'>{html.escape(note)}</span>" for note in notes
            )
        )
        self.sync_button.setVisible(getattr(info, "returned_at", None) is None)
        self.leave_button.setToolTip(
            f"Open {info.source_description} in this window; the kit file stays as it is "
            "(open it again with File › Settings)"
        )
        self.setToolTip(
            f"This window works in a field kit: a copy of part of {info.source_description}, "
            "made to work offline. What you record here is replayed on that database when "
            "you sync (Field kit › Sync…)."
        )
        self.show()

    def plain_text(self) -> str:
        """What the banner says, without markup (for tests and the state dump)."""
        return " ".join(_strip_tags(self.headline.text()).split())


def banner_html(info: Any, now: dt.datetime | None = None, *, holder: str = "") -> str:
    """What the banner says about ``info`` (a :class:`KitInfo`)."""
    waiting = int(info.waiting)
    conflicts = int(info.open_conflicts)
    waiting_text = (
        "nothing waits to sync"
        if waiting == 0
        else f"<b>{waiting} record{'s' if waiting != 1 else ''} wait{'' if waiting != 1 else 's'}"
        " to sync</b>"
    )
    parts = [
        "<b>Field kit</b> — working offline on "
        f"<b>{html.escape(info.scope_text)}</b> ({html.escape(info.assets_text())}). "
        f"Checked out by {html.escape(holder or info.checked_out_by)} from "
        f"{html.escape(info.source_description)}; its data is "
        f"{_age_words(info.refreshed_at, now)} "
        f"(taken {local_time_text(info.refreshed_at)}); {waiting_text}.",
    ]
    returned_at = getattr(info, "returned_at", None)
    if returned_at is not None:  # what it was no longer matters: it is closed
        parts = [
            f"<b>Field kit — Checked in {local_time_text(returned_at)}</b> (returned to "
            f"{html.escape(info.source_description)}): this kit went back for good "
            "and takes no more work; check out a new kit to work offline again. It held "
            f"{html.escape(info.scope_text)} ({html.escape(info.assets_text())})."
        ]
    if conflicts:
        parts.append(
            f"<span style='color:#a32020'><b>{conflicts} conflict"
            f"{'s' if conflicts != 1 else ''}</b> to settle (Field kit › Conflicts…).</span>"
        )
    return " ".join(parts)


def _age_words(moment: dt.datetime, now: dt.datetime | None) -> str:
    age = age_text(moment, now)
    return "fresh" if age == "just now" else age.removesuffix(" ago") + " old"


def _strip_tags(text: str) -> str:
    out, inside = [], False
    for char in text:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return html.unescape("".join(out))
