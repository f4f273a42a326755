"""Inventory audits in the GUI: the audits window, scan screen and reconciliation."""

from ui.gui.audits.audit_window import AuditWindow

__all__ = ["AuditWindow"]
