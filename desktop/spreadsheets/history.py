"""The recorded path of a new asset from *received* to the status its row gives.

An import never writes a status without its history: a row "Archived" becomes a
receive and then a decommission, "Disposed" a receive, a decommission and a disposal,
"Broken" a receive and a change to *in repair* — each a completed procedure whose
origin is the file. A row with an assignee is installed first (that is how it came to
have one), whatever its status says.
"""

from __future__ import annotations

from desktop.domain.lifecycle import AssetStatus, ProcedureKind

Step = tuple[ProcedureKind, AssetStatus]


def effective_status(status: AssetStatus | None, assigned: bool) -> AssetStatus | None:
    """The status a new row ends in: an in-stock (or status-less) row with an assignee
    is installed — the assignee says it has been handed over."""
    if assigned and status in (None, AssetStatus.IN_STOCK):
        return AssetStatus.IN_SERVICE
    return status


def creation_steps(status: AssetStatus | None, assigned: bool) -> list[Step]:
    """The procedures after the receive that take a new asset to ``status``, in order."""
    final = effective_status(status, assigned)
    if final in (None, AssetStatus.IN_STOCK):
        return []
    steps: list[Step] = []
    if assigned or final is AssetStatus.IN_SERVICE:
        steps.append((ProcedureKind.INSTALL, AssetStatus.IN_SERVICE))
    if final in (AssetStatus.IN_REPAIR, AssetStatus.MISSING):
        steps.append((ProcedureKind.CHANGE, final))
    elif final in (AssetStatus.DECOMMISSIONED, AssetStatus.DISPOSED):
        steps.append((ProcedureKind.DECOMMISSION, AssetStatus.DECOMMISSIONED))
        if final is AssetStatus.DISPOSED:
            steps.append((ProcedureKind.DISPOSE, AssetStatus.DISPOSED))
    return steps


def retirement_steps(current: AssetStatus, target: AssetStatus | None) -> list[Step]:
    """The procedures that take an existing asset out of service as a row asks: a
    decommission (and a disposal), which a change procedure may not do."""
    if target not in (AssetStatus.DECOMMISSIONED, AssetStatus.DISPOSED) or target is current:
        return []
    steps: list[Step] = []
    if current is not AssetStatus.DECOMMISSIONED:
        steps.append((ProcedureKind.DECOMMISSION, AssetStatus.DECOMMISSIONED))
    if target is AssetStatus.DISPOSED:
        steps.append((ProcedureKind.DISPOSE, AssetStatus.DISPOSED))
    return steps
