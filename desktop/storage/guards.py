"""Invariants guarded at flush time, whatever code path tries to break them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import FINAL_STATES, ProcedureState
from desktop.errors import PermissionDeniedError
from desktop.storage.models import AdminLogEntry, Approval, AuditScan, IncidentEvent, Procedure


def _loaded_state(procedure: Procedure) -> str:
    history = inspect(procedure).attrs.state.history
    if history.deleted:
        return str(history.deleted[0])
    return str(procedure.state)


@event.listens_for(Session, "before_flush")
def _refuse_history_rewrites(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, AdminLogEntry | Approval | AuditScan | IncidentEvent):
            raise PermissionDeniedError(
                f"{type(obj).__name__} records are history and are never deleted"
            )
        if isinstance(obj, Procedure):
            raise PermissionDeniedError("procedures are history and are never deleted")
    for obj in session.dirty:
        if isinstance(
            obj, AdminLogEntry | Approval | AuditScan | IncidentEvent
        ) and session.is_modified(obj):
            raise PermissionDeniedError(
                f"{type(obj).__name__} records are history and cannot be changed"
            )
        if (
            isinstance(obj, Procedure)
            and session.is_modified(obj)
            and ProcedureState(_loaded_state(obj)) in FINAL_STATES
        ):
            raise PermissionDeniedError(
                f"procedure {obj.id} is {_loaded_state(obj)}: completed procedures cannot be changed"
            )
