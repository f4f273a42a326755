"""The asset lifecycle: statuses, procedure kinds, and which moves are legal."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum


class AssetStatus(StrEnum):
    IN_STOCK = "in_stock"
    IN_SERVICE = "in_service"
    IN_REPAIR = "in_repair"
    MISSING = "missing"
    DECOMMISSIONED = "decommissioned"
    DISPOSED = "disposed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[AssetStatus, str] = {
    AssetStatus.IN_STOCK: "In stock",
    AssetStatus.IN_SERVICE: "In service",
    AssetStatus.IN_REPAIR: "In repair",
    AssetStatus.MISSING: "Missing",
    AssetStatus.DECOMMISSIONED: "Decommissioned",
    AssetStatus.DISPOSED: "Disposed",
}

#: Statuses an asset may move to from each status (by any procedure).
TRANSITIONS: dict[AssetStatus, frozenset[AssetStatus]] = {
    AssetStatus.IN_STOCK: frozenset(
        {
            AssetStatus.IN_SERVICE,
            AssetStatus.IN_REPAIR,
            AssetStatus.MISSING,
            AssetStatus.DECOMMISSIONED,
        }
    ),
    AssetStatus.IN_SERVICE: frozenset(
        {
            AssetStatus.IN_STOCK,
            AssetStatus.IN_REPAIR,
            AssetStatus.MISSING,
            AssetStatus.DECOMMISSIONED,
        }
    ),
    AssetStatus.IN_REPAIR: frozenset(
        {
            AssetStatus.IN_STOCK,
            AssetStatus.IN_SERVICE,
            AssetStatus.MISSING,
            AssetStatus.DECOMMISSIONED,
        }
    ),
    AssetStatus.MISSING: frozenset(
        {
            AssetStatus.IN_STOCK,
            AssetStatus.IN_SERVICE,
            AssetStatus.IN_REPAIR,
            AssetStatus.DECOMMISSIONED,
        }
    ),
    AssetStatus.DECOMMISSIONED: frozenset({AssetStatus.DISPOSED}),
    AssetStatus.DISPOSED: frozenset(),
}

#: Statuses that count as "present in the organisation" (expected in audits).
ACTIVE_STATUSES = frozenset({AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE, AssetStatus.IN_REPAIR})
#: Statuses of assets that have left service.
RETIRED_STATUSES = frozenset({AssetStatus.DECOMMISSIONED, AssetStatus.DISPOSED})


class ProcedureKind(StrEnum):
    RECEIVE = "receive"
    INSTALL = "install"
    CHANGE = "change"
    DECOMMISSION = "decommission"
    DISPOSE = "dispose"
    AUDIT_CORRECTION = "audit_correction"
    IMPORT = "import"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: The status a procedure kind moves the asset to, where it always moves it.
KIND_TARGET_STATUS: dict[ProcedureKind, AssetStatus] = {
    ProcedureKind.RECEIVE: AssetStatus.IN_STOCK,
    ProcedureKind.INSTALL: AssetStatus.IN_SERVICE,
    ProcedureKind.DECOMMISSION: AssetStatus.DECOMMISSIONED,
    ProcedureKind.DISPOSE: AssetStatus.DISPOSED,
}

#: Statuses a change or audit correction may set directly (the side states and back).
CHANGE_SETTABLE_STATUSES = frozenset(
    {AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE, AssetStatus.IN_REPAIR, AssetStatus.MISSING}
)


class ProcedureState(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CONFLICT = "conflict"


#: States after which a procedure is history: never updated, never deleted.
FINAL_STATES = frozenset(
    {
        ProcedureState.COMPLETED,
        ProcedureState.REJECTED,
        ProcedureState.CANCELLED,
        ProcedureState.CONFLICT,
    }
)


class Origin(StrEnum):
    GUI = "gui"
    COMMAND_LINE = "command_line"
    IMPORT_FILE = "import_file"
    FIELD_KIT = "field_kit"
    DEMO = "demo"
    AUDIT = "audit"


def status_move_problem(
    kind: ProcedureKind, current: AssetStatus | None, target: AssetStatus | None
) -> str | None:
    """Why ``kind`` may not move an asset from ``current`` to ``target``; None if it may.

    ``current`` is None for an asset that does not exist yet (receive).
    """
    if kind is ProcedureKind.RECEIVE:
        if current is not None:
            return "a receive procedure creates a new asset; this one exists already"
        return None
    if current is None:
        return f"{kind.label} needs an existing asset"
    if current is AssetStatus.DISPOSED:
        return "the asset is disposed: its record is closed and cannot change"
    if target is None or target == current:
        if kind in KIND_TARGET_STATUS:
            return f"the asset is already {current.label.lower()}"
        if current is AssetStatus.DECOMMISSIONED and kind is not ProcedureKind.CHANGE:
            return "the asset is decommissioned: only disposal or a change of its notes is possible"
        return None
    if target not in TRANSITIONS[current]:
        return f"an asset that is {current.label.lower()} cannot become {target.label.lower()}"
    if kind in (ProcedureKind.CHANGE, ProcedureKind.AUDIT_CORRECTION, ProcedureKind.IMPORT):
        if target not in CHANGE_SETTABLE_STATUSES:
            needed = "decommission" if target is AssetStatus.DECOMMISSIONED else "dispose"
            return f"use a {needed} procedure to make an asset {target.label.lower()}"
    elif KIND_TARGET_STATUS.get(kind) is not target:
        return f"{kind.label} cannot make an asset {target.label.lower()}"
    return None


#: The asset fields a change may still set on a decommissioned asset (its notes); anything
#: else waits for disposal or is refused (a decommissioned asset is nobody's and stays put).
DECOMMISSIONED_CHANGEABLE_FIELDS = frozenset({"notes"})

#: Procedure kinds that move an asset's status to a fixed one and wait for approval when
#: their template says so: two of them pending on one asset would contradict each other.
STATUS_MOVING_KINDS = frozenset(
    {ProcedureKind.INSTALL, ProcedureKind.DECOMMISSION, ProcedureKind.DISPOSE}
)


def decommissioned_change_problem(
    kind: ProcedureKind, current: AssetStatus | None, fields: Iterable[str]
) -> tuple[str, str] | None:
    """(field, reason) when a change or import would set anything but the notes of a
    decommissioned asset; None otherwise. ``fields`` are the keys the procedure changes."""
    if current is not AssetStatus.DECOMMISSIONED:
        return None
    if kind not in (ProcedureKind.CHANGE, ProcedureKind.IMPORT):
        return None
    for key in fields:
        if key not in DECOMMISSIONED_CHANGEABLE_FIELDS:
            return (
                key,
                "the asset is decommissioned: only disposal or a change of its notes is possible",
            )
    return None


def waiting_procedure_conflicts(new: ProcedureKind, waiting: ProcedureKind) -> bool:
    """Whether a ``new`` procedure must be refused while a ``waiting`` one awaits approval
    on the same asset: two moves of the status (a second disposal, a decommission while an
    install waits...). Changes may overlap: the approval of the waiting one then finds the
    asset changed and ends as a conflict (desktop.services.approvals)."""
    return new in STATUS_MOVING_KINDS and waiting in STATUS_MOVING_KINDS


#: How a sentence names a procedure of each kind ("a disposal of LAP-000006").
PROCEDURE_NOUNS: dict[ProcedureKind, str] = {
    ProcedureKind.RECEIVE: "a receipt",
    ProcedureKind.INSTALL: "an installation",
    ProcedureKind.CHANGE: "a change",
    ProcedureKind.DECOMMISSION: "a decommission",
    ProcedureKind.DISPOSE: "a disposal",
    ProcedureKind.AUDIT_CORRECTION: "an audit correction",
    ProcedureKind.IMPORT: "an import",
}


def waiting_procedure_refusal(
    new: ProcedureKind, tag: str, waiting: Iterable[tuple[uuid.UUID, str]]
) -> str | None:
    """Why ``new`` may not be recorded on the asset tagged ``tag`` while one of the
    ``waiting`` procedures (id, kind value; in the order they were performed) awaits
    approval there; None when none stops it. The services refuse with it, the window
    greys its actions with it."""
    for procedure_id, waiting_kind in waiting:
        kind = ProcedureKind(waiting_kind)
        if waiting_procedure_conflicts(new, kind):
            return (
                f"{PROCEDURE_NOUNS.get(kind, kind.label.lower())} of {tag} already waits for "
                f"approval (procedure {str(procedure_id)[:8]}): approve, reject or cancel "
                "it first"
            )
    return None
