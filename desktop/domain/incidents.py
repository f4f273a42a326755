"""Incidents: the statuses an incident moves through, and its severities."""

from __future__ import annotations

from enum import StrEnum

SEVERITIES = ("low", "medium", "high", "critical")
#: Where an incident keeps the name and version of the template it was filled against.
TEMPLATE_KEY = "_template"


class IncidentStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: The moves an incident may make; a resolved incident may be reopened if the fix failed.
INCIDENT_MOVES: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    IncidentStatus.NEW: frozenset({IncidentStatus.ASSIGNED}),
    IncidentStatus.ASSIGNED: frozenset({IncidentStatus.IN_PROGRESS}),
    IncidentStatus.IN_PROGRESS: frozenset({IncidentStatus.RESOLVED}),
    IncidentStatus.RESOLVED: frozenset({IncidentStatus.CLOSED, IncidentStatus.IN_PROGRESS}),
    IncidentStatus.CLOSED: frozenset(),
}
#: Statuses in which someone still has to act.
OPEN_STATUSES = frozenset({IncidentStatus.NEW, IncidentStatus.ASSIGNED, IncidentStatus.IN_PROGRESS})
