"""The approvals count for the main window's badge (menu entry, toolbar button).

``pending_decision_count`` is a plain read (run it on a worker where the database may be
slow); ``badge_text`` turns the count into the label the main window shows.
"""

from __future__ import annotations

from desktop.errors import NotFoundError
from desktop.services.approvals import inbox_count
from desktop.storage.database import Database


def pending_decision_count(database: Database, username: str) -> int:
    """How many pending procedures ``username`` may decide now; 0 for an unknown user."""
    if not username.strip():
        return 0
    with database.read() as session:
        try:
            return inbox_count(session, username)
        except NotFoundError:  # the configured user is not in this database
            return 0


def badge_text(count: int, *, label: str = "Approvals") -> str:
    """``"Approvals (3)"``, or just the label when nothing waits."""
    return f"{label} ({count})" if count else label
