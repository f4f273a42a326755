"""The question asked before "Keep the server's" settles a conflict.

Keeping the server's values is the one choice of the conflict queue that leaves the
kit's offline work unapplied for good: a settled conflict is not reopened, and what the
technician recorded in the field then lives only in the conflict's record. Alt+S or a
click settled it at once (the lead, 2026-12-07: nothing asked, while Decommission and
Dispose ask). Re-applying the kit's values or recording typed ones records a procedure
that a later procedure can change again, and is not asked about.

Cancel is the default and the Esc button, as in the forms' final step: an Enter out of
habit keeps the conflict open; "Keep the server's" (Alt+K) settles it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.gui.confirm_box import ask_before


def ask_keep_server(
    parent: QWidget, conflict: Any, on_confirmed: Callable[[], None]
) -> QMessageBox:
    """Ask (window-modal, not blocking) whether to keep the server's values for
    ``conflict``; ``on_confirmed`` runs only if the person chooses the named button."""
    return ask_before(
        parent,
        title="Keep the server's values — Assetdesk",
        question=f"Keep the server's values for conflict #{conflict.number} ({conflict.asset_tag})?",
        details=(
            "The kit's record is not applied, and a settled conflict cannot be reopened: "
            "what the kit recorded stays only in the conflict's record. "
            "Cancel keeps the conflict open."
        ),
        verb="&Keep the server's",
        on_confirmed=on_confirmed,
        icon=QMessageBox.Icon.Question,
    )
