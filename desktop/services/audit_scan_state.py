"""What an audit's scans say so far: the checks each scan makes before it is stored.

Read-only: which assets a scan not undone counted, which tags were scanned as unknown,
whether a room is finished or in the audit's scope, the newest scan an undo would cancel
and the next sequence number. Each has a one-scan form (statements built once: a scan
must answer in milliseconds) and, where a field kit's batch replay needs it, a set form.
The writes are :mod:`desktop.services.audit_scans`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from desktop.errors import DesktopError, NotFoundError
from desktop.services.audit_scan_types import COUNTED, UNDOABLE_KINDS, ScanClass, ScanKind
from desktop.services.audits import single_room
from desktop.storage.models import Audit, AuditScan, Location

#: The undo scans, as a second name for the table in "not cancelled by an undo" checks.
_UNDO = aliased(AuditScan, name="undo")
#: Ids per IN list in the set-based checks (below every backend's parameter limit).
_CHUNK = 500


def _not_undone(audit_id: Any) -> Any:
    """The scan is not cancelled by an undo scan of the audit ``audit_id``."""
    return (
        ~select(_UNDO.id)
        .where(_UNDO.audit_id == audit_id, _UNDO.undoes_scan_id == AuditScan.id)
        .exists()
    )


# -- statements of the scan path, built once ---------------------------------------------
# A scan must answer in milliseconds; building SQLAlchemy statements costs more than
# running these indexed queries, so the hot ones are built here with bound parameters.

_ROOM_STATE = (
    select(AuditScan.kind)
    .where(
        AuditScan.audit_id == bindparam("audit_id"),
        AuditScan.location_id == bindparam("room_id"),
        AuditScan.kind.in_([ScanKind.ROOM_CLOSED.value, ScanKind.ROOM_REOPEN.value]),
    )
    .order_by(AuditScan.sequence.desc())
    .limit(1)
)
_ALREADY_COUNTED = (
    select(AuditScan.id)
    .where(
        AuditScan.audit_id == bindparam("audit_id"),
        AuditScan.asset_id == bindparam("asset_id"),
        AuditScan.kind.in_([ScanKind.ASSET.value, ScanKind.MANUAL.value]),
        AuditScan.classification.in_([c.value for c in COUNTED]),
        _not_undone(bindparam("audit_id")),
    )
    .limit(1)
)
_UNKNOWN_ALREADY = (
    select(AuditScan.id)
    .where(
        AuditScan.audit_id == bindparam("audit_id"),
        AuditScan.classification == ScanClass.UNKNOWN.value,
        func.lower(func.trim(AuditScan.raw)) == bindparam("key"),
        _not_undone(bindparam("audit_id")),
    )
    .limit(1)
)
#: Every asset a scan not undone counted in the audit, and every tag (normalised) scanned
#: as unknown and not undone: the whole-audit forms of the two checks above.
_COUNTED_IN_AUDIT = select(AuditScan.asset_id).where(
    AuditScan.audit_id == bindparam("audit_id"),
    AuditScan.asset_id.is_not(None),
    AuditScan.kind.in_([ScanKind.ASSET.value, ScanKind.MANUAL.value]),
    AuditScan.classification.in_([c.value for c in COUNTED]),
    _not_undone(bindparam("audit_id")),
)
_UNKNOWN_IN_AUDIT = select(func.lower(func.trim(AuditScan.raw))).where(
    AuditScan.audit_id == bindparam("audit_id"),
    AuditScan.classification == ScanClass.UNKNOWN.value,
    _not_undone(bindparam("audit_id")),
)
_NEXT_SEQUENCE = select(func.coalesce(func.max(AuditScan.sequence), 0) + 1).where(
    AuditScan.audit_id == bindparam("audit_id")
)
_up = (
    select(Location.id, Location.parent_id)
    .where(Location.id == bindparam("parent_id"))
    .cte("ancestors", recursive=True)
)
_up = _up.union(select(Location.id, Location.parent_id).where(Location.id == _up.c.parent_id))
_IN_SCOPE = select(_up.c.id).where(_up.c.id == bindparam("scope_id")).limit(1)


def room_is_finished(session: Session, audit_id: uuid.UUID, room_id: uuid.UUID) -> bool:
    """Whether the room's newest finish/re-open scan finished it."""
    last = session.execute(
        _ROOM_STATE, {"audit_id": audit_id, "room_id": room_id}
    ).scalar_one_or_none()
    return last == ScanKind.ROOM_CLOSED.value


def current_room(session: Session, audit_id: uuid.UUID, person_id: uuid.UUID) -> uuid.UUID | None:
    """The room this person was scanning in, to resume where they stopped."""
    last = last_effective(session, audit_id, person_id=person_id)
    return last.location_id if last else None


def counted_assets(
    session: Session, audit_id: uuid.UUID, asset_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of ``asset_ids`` a scan not undone already counted in the audit (the set
    form of the check each scan makes, for a kit's batch replay; Core statements on the
    session's connection: the caller flushed what it holds)."""
    found: set[uuid.UUID | None] = set()
    ids = list(set(asset_ids))
    connection = session.connection()
    for start in range(0, len(ids), _CHUNK):
        found.update(
            connection.execute(
                select(AuditScan.asset_id).where(
                    AuditScan.audit_id == audit_id,
                    AuditScan.asset_id.in_(ids[start : start + _CHUNK]),
                    AuditScan.kind.in_([ScanKind.ASSET.value, ScanKind.MANUAL.value]),
                    AuditScan.classification.in_([c.value for c in COUNTED]),
                    _not_undone(audit_id),
                )
            ).scalars()
        )
    return {asset_id for asset_id in found if asset_id is not None}


def counted_in_audit(session: Session, audit_id: uuid.UUID) -> set[uuid.UUID]:
    """Every asset a scan not undone counted in the audit (:func:`counted_assets` for
    all assets: one statement without an ``IN`` list, for an audit with few scans)."""
    found = session.execute(_COUNTED_IN_AUDIT, {"audit_id": audit_id}).scalars()
    return {asset_id for asset_id in found if asset_id is not None}


def unknown_tags_in_audit(session: Session, audit_id: uuid.UUID) -> set[str]:
    """Every normalised tag scanned as unknown (not undone) in the audit
    (:func:`unknown_tags_scanned` for all tags, as :func:`counted_in_audit`)."""
    return set(session.execute(_UNKNOWN_IN_AUDIT, {"audit_id": audit_id}).scalars())


def unknown_tags_scanned(session: Session, audit_id: uuid.UUID, keys: Collection[str]) -> set[str]:
    """Which of these normalised tags were already scanned as unknown (not undone), for a
    kit's batch replay (Core statements on the session's connection: the caller flushed
    what it holds)."""
    found: set[str] = set()
    wanted = sorted(set(keys))
    key = func.lower(func.trim(AuditScan.raw))
    connection = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        found.update(
            connection.execute(
                select(key).where(
                    AuditScan.audit_id == audit_id,
                    AuditScan.classification == ScanClass.UNKNOWN.value,
                    key.in_(wanted[start : start + _CHUNK]),
                    _not_undone(audit_id),
                )
            ).scalars()
        )
    return found


def next_sequence(session: Session, audit_id: uuid.UUID) -> int:
    """The sequence number the audit's next scan gets."""
    return int(session.execute(_NEXT_SEQUENCE, {"audit_id": audit_id}).scalar_one())


def already_counted(session: Session, audit_id: uuid.UUID, asset_id: uuid.UUID) -> bool:
    found = session.execute(_ALREADY_COUNTED, {"audit_id": audit_id, "asset_id": asset_id})
    return found.first() is not None


def unknown_already_scanned(session: Session, audit_id: uuid.UUID, key: str) -> bool:
    found = session.execute(_UNKNOWN_ALREADY, {"audit_id": audit_id, "key": key})
    return found.first() is not None


def last_effective(
    session: Session,
    audit_id: uuid.UUID,
    *,
    before: int | None = None,
    person_id: uuid.UUID | None = None,
) -> AuditScan | None:
    """The newest scan of an undoable kind that no undo cancels."""
    query = select(AuditScan).where(
        AuditScan.audit_id == audit_id,
        AuditScan.kind.in_([k.value for k in UNDOABLE_KINDS]),
        _not_undone(audit_id),
    )
    if before is not None:
        query = query.where(AuditScan.sequence < before)
    if person_id is not None:
        query = query.where(AuditScan.scanned_by_id == person_id)
    return session.execute(query.order_by(AuditScan.sequence.desc()).limit(1)).scalar_one_or_none()


def usable_room(session: Session, audit: Audit, room_id: uuid.UUID | None) -> Location | None:
    """The room a scan is made in: in the audit's scope and not finished (else refused).

    The room ``room_id`` names, checked; no room given: the audit's one room when its
    scope is one (:func:`single_room`, as the scan screen opens in it), else none."""
    if room_id is None:
        room = single_room(session, audit.id)
        if room is None:
            return None
    else:
        room = room_in_scope(session, audit, room_id)
    if room_is_finished(session, audit.id, room.id):
        raise DesktopError(
            f"{room.name} is finished in the audit '{audit.name}': re-open the room to scan more"
        )
    return room


def room_in_scope(session: Session, audit: Audit, room_id: uuid.UUID) -> Location:
    """The location ``room_id`` names, refused unless it is in the audit's scope."""
    room = session.get(Location, room_id)
    if room is None:
        raise NotFoundError(f"there is no location with id {room_id}")
    if not in_scope(session, audit, room):
        raise DesktopError(f"{room.name} is not in the scope of the audit '{audit.name}'")
    return room


def in_scope(session: Session, audit: Audit, location: Location) -> bool:
    """Whether ``location`` is the audit's scope or below it (one query up the tree; a
    kit's replay asks too)."""
    if location.id == audit.scope_location_id:
        return True
    found = session.execute(
        _IN_SCOPE, {"parent_id": location.parent_id, "scope_id": audit.scope_location_id}
    )
    return found.first() is not None
