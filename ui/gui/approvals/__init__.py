"""The approvals inbox: pending procedures the signed-in person may decide."""

from ui.gui.approvals.badge import badge_text, pending_decision_count
from ui.gui.approvals.inbox_dialog import ApprovalsInbox

__all__ = ["ApprovalsInbox", "badge_text", "pending_decision_count"]
