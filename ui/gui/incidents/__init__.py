"""Incidents: the form to log one, the list and report view with status moves."""

from ui.gui.incidents.incident_dialog import IncidentDialog
from ui.gui.incidents.report_view import IncidentReportView

__all__ = ["IncidentDialog", "IncidentReportView"]
